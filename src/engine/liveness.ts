/**
 * Liveness checking: "always-eventually" (□◇P) and "eventually" (◇P)
 * properties, under weak fairness per thread (default) or none.
 *
 * The algorithm (explicit-state and SCC-based, after Lichtenstein and
 * Pnueli, POPL 1985, as TLC checks this fragment):
 * 1. Explore the whole reachable graph breadth-first, keeping every edge
 *    with its thread (`graph.ts`). Invariants and deadlocks are checked on
 *    the way in the order of `search` and win if found (the result is then
 *    `search`'s own). A bound that cuts the exploration short gives
 *    "incomplete": liveness is never judged on a partial graph. The stats
 *    are the exploration's; `storeBytes` includes the edges.
 * 2. For each liveness property, restrict the graph to the states where P
 *    is false (for ◇P: those reachable from an initial state through such
 *    states only) and compute its SCCs with Tarjan's algorithm (`scc.ts`).
 *    A state with no enabled step stutters forever with every thread
 *    disabled, as in TLC.
 * 3. P is violated iff some SCC contains a cycle that is fair: with weak
 *    fairness, iff every thread takes an edge inside it or is disabled in
 *    one of its states (argument in `scc.ts`). For □◇P: a fair run that
 *    eventually stays in the cycle never sees P again. For ◇P: the stem also
 *    avoids P, so P never holds.
 * 4. The counterexample is a lasso: the shortest stem (BFS) to the nearest
 *    state of a fair SCC, then a loop inside the SCC back to that state,
 *    built greedily from shortest paths so that each thread steps in it or
 *    is disabled somewhere on it. It is rebuilt by re-executing the step
 *    indices from the initial state and validated against the store.
 */
import { type SearchOptions, search } from "./bfs.js";
import { drain, drainAsync, type Slices } from "./drain.js";
import { explore, type StateGraph } from "./graph.js";
import type { Model, Property } from "./model.js";
import type { SearchResult, Trace } from "./result.js";
import { type Fairness, fairComponents } from "./scc.js";
import type { StateStore } from "./state-store.js";
import { NondeterministicModelError, pathTo, replayPath } from "./trace.js";

export type { Fairness } from "./scc.js";

export interface LivenessOptions extends SearchOptions {
  /** Weak fairness per thread (default), or none. */
  readonly fairness?: Fairness;
  /** Names of the liveness properties to check; default all. */
  readonly properties?: readonly string[];
}

const LIVENESS_KINDS: ReadonlySet<string> = new Set(["always-eventually", "eventually"]);

/**
 * Checks the model's liveness properties (and, on the way, its invariants
 * and deadlocks, exactly as `search`). A violated liveness property gives
 * verdict "violated" with a lasso trace (`trace.loopStart` set).
 */
export function checkLiveness<S, A>(
  model: Model<S, A>,
  options: LivenessOptions = {},
): SearchResult<S> {
  return drain(livenessSlices(model, options));
}

/** `checkLiveness` that lets the event loop run between slices (signals, progress). */
export function checkLivenessAsync<S, A>(
  model: Model<S, A>,
  options: LivenessOptions = {},
): Promise<SearchResult<S>> {
  return drainAsync(livenessSlices(model, options));
}

function* livenessSlices<S, A>(
  model: Model<S, A>,
  options: LivenessOptions,
): Slices<SearchResult<S>> {
  const fairness = options.fairness ?? "weak";
  if (fairness !== "weak" && fairness !== "none") {
    throw new RangeError(`unknown fairness "${String(fairness)}"`);
  }
  const properties = selectProperties(model, options.properties);
  const ex = yield* explore(model, options, properties);
  const base = {
    incompleteReason: ex.reason,
    stats: ex.stats,
    coverage: ex.coverage,
    covered: ex.covered,
  };
  if (ex.found) {
    // An invariant or deadlock: the answer is `search`'s own, verdict, trace
    // (and its choice among the shortest traces) and stats alike. Exploring
    // in the same order, `search` stops at the same state, at the depth of
    // `found`: bounding it there keeps the second pass no longer than the
    // first, and a time bound the first pass met is not applied again.
    const depth = pathTo(ex.store, ex.found.id).length - 1;
    return search(model, {
      ...options,
      maxDepth: Math.min(depth, options.maxDepth ?? Number.POSITIVE_INFINITY),
      maxSeconds: undefined,
    });
  }
  const graph = ex.graph;
  if (ex.reason || !graph) {
    return { ...base, verdict: "incomplete", property: null, explanation: null, trace: null };
  }
  for (let k = 0; k < properties.length; k++) {
    const p = properties[k]!;
    const lasso = findLasso(graph, graph.holds[k]!, p.kind === "eventually", fairness);
    if (!lasso) continue;
    const trace = lassoTrace(model, ex.store, graph, lasso);
    const loopState = trace.steps[trace.loopStart! - 1]?.state ?? trace.init;
    const loopSteps = trace.steps.length - trace.loopStart!;
    const shape =
      loopSteps === 0
        ? "the run ends in a state with no enabled step"
        : `a ${loopSteps}-step loop repeats forever`;
    const never = p.kind === "eventually" ? "never reaching" : "never again reaching";
    const detail = p.explain?.(loopState);
    return {
      ...base,
      verdict: "violated",
      property: p.name,
      explanation: `${shape}, ${never} ${p.name}${detail ? `: ${detail}` : ""}`,
      trace,
    };
  }
  return { ...base, verdict: "holds", property: null, explanation: null, trace: null };
}

function selectProperties<S>(
  model: Model<S, unknown>,
  names: readonly string[] | undefined,
): Property<S>[] {
  const live = model.properties.filter((p) => LIVENESS_KINDS.has(p.kind));
  if (names === undefined) return live;
  const unknown = names.filter((n) => !live.some((p) => p.name === n));
  if (unknown.length > 0) {
    const known = live.map((p) => p.name).join(", ") || "none";
    throw new RangeError(
      `unknown liveness property ${unknown.join(", ")} of ${model.name} (liveness properties: ${known})`,
    );
  }
  return live.filter((p) => names.includes(p.name));
}

/** A lasso as graph paths: states `stem[0]` (initial) .. `stem.at(-1)` = loop start. */
interface Lasso {
  /** States from the initial state to the loop start. */
  readonly stem: readonly number[];
  /** Edge ids of the stem (one fewer than its states). */
  readonly stemEdges: readonly number[];
  /** States of the loop, starting and ending at the loop start. */
  readonly loop: readonly number[];
  readonly loopEdges: readonly number[];
}

/**
 * A fair lasso on which P never holds (from the loop on, or, when `eventually`,
 * from the initial state on); null when there is none.
 */
function findLasso(
  graph: StateGraph,
  holds: Uint8Array,
  eventually: boolean,
  fairness: Fairness,
): Lasso | null {
  const n = graph.size;
  // Stems: BFS from the initial states, through ¬P states only for ◇P.
  const roots = graph.initIds.filter((id) => !eventually || holds[id] === 0);
  const paths = shortestPaths(graph, roots, eventually ? holds : null);
  const inside = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    if (holds[v] === 0 && paths.dist[v] !== -1) inside[v] = 1;
  }
  const { comp, fair } = fairComponents(graph, inside, fairness);
  // The loop starts at the state of a fair SCC nearest to an initial state.
  let entry = -1;
  for (let v = 0; v < n; v++) {
    const c = comp[v]!;
    if (c === -1 || fair[c] !== 1) continue;
    if (entry === -1 || paths.dist[v]! < paths.dist[entry]!) entry = v;
  }
  if (entry === -1) return null;
  const stem = [entry];
  const stemEdges: number[] = [];
  for (let v = entry; paths.parentEdge[v] !== -1; ) {
    stemEdges.push(paths.parentEdge[v]!);
    v = paths.parentNode[v]!;
    stem.push(v);
  }
  stem.reverse();
  stemEdges.reverse();
  const { loop, loopEdges } = buildLoop(graph, comp, comp[entry]!, entry, fairness);
  return { stem, stemEdges, loop, loopEdges };
}

interface Paths {
  /** BFS distance from the nearest root; -1 when unreached. */
  readonly dist: Int32Array;
  /** The tree edge into each state, and its source; -1 for roots. */
  readonly parentEdge: Int32Array;
  readonly parentNode: Int32Array;
}

/** Breadth-first shortest paths from `roots`, avoiding states where `avoid` is 1. */
function shortestPaths(
  graph: StateGraph,
  roots: readonly number[],
  avoid: Uint8Array | null,
): Paths {
  const n = graph.size;
  const { edgeStart, edgeTarget } = graph;
  const dist = new Int32Array(n).fill(-1);
  const parentEdge = new Int32Array(n).fill(-1);
  const parentNode = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (const r of roots) {
    if (dist[r] !== -1) continue;
    dist[r] = 0;
    queue[tail++] = r;
  }
  while (head < tail) {
    const v = queue[head++]!;
    for (let e = edgeStart[v]!; e < edgeStart[v + 1]!; e++) {
      const w = edgeTarget[e]!;
      if (dist[w] !== -1 || (avoid && avoid[w] === 1)) continue;
      dist[w] = dist[v]! + 1;
      parentEdge[w] = e;
      parentNode[w] = v;
      queue[tail++] = w;
    }
  }
  return { dist, parentEdge, parentNode };
}

/**
 * A cycle inside SCC `id` from `entry` back to `entry`. Under weak fairness it
 * satisfies every thread t: t steps in it, or some state of it has t disabled
 * (possible in a fair SCC, see `scc.ts`). Built greedily: from where the loop
 * is, follow a shortest path inside the SCC to the nearest state where an
 * unsatisfied thread is disabled or that has an internal edge of one (then
 * take that edge); when all are satisfied, return to `entry` by a shortest
 * path. Each round satisfies a thread, so there are at most as many rounds as
 * threads. A state without steps (the SCC is just it) gives the empty loop.
 */
function buildLoop(
  graph: StateGraph,
  comp: Int32Array,
  id: number,
  entry: number,
  fairness: Fairness,
): { loop: number[]; loopEdges: number[] } {
  const { edgeStart, edgeTarget, edgeThread } = graph;
  const loop = [entry];
  const loopEdges: number[] = [];
  if (edgeStart[entry] === edgeStart[entry + 1]) return { loop, loopEdges };
  const threads = graph.threads.length;
  const satisfied = new Uint8Array(threads);
  if (fairness === "none") satisfied.fill(1);
  const enabledMark = new Int32Array(threads);
  let stamp = 0;
  const markEnabled = (v: number): number => {
    stamp++;
    for (let e = edgeStart[v]!; e < edgeStart[v + 1]!; e++) enabledMark[edgeThread[e]!] = stamp;
    return stamp;
  };
  const visitState = (v: number): void => {
    const s = markEnabled(v);
    for (let t = 0; t < threads; t++) if (enabledMark[t] !== s) satisfied[t] = 1;
  };
  const follow = (edges: readonly number[]): void => {
    for (const e of edges) {
      satisfied[edgeThread[e]!] = 1;
      const w = edgeTarget[e]!;
      visitState(w);
      loopEdges.push(e);
      loop.push(w);
    }
  };
  const within = new PathsWithin(graph, comp, id);
  visitState(entry);
  let at = entry;
  while (satisfied.includes(0)) {
    const path = within.nearest(at, (v) => {
      const s = markEnabled(v);
      for (let t = 0; t < threads; t++) if (satisfied[t] === 0 && enabledMark[t] !== s) return -1;
      for (let e = edgeStart[v]!; e < edgeStart[v + 1]!; e++) {
        if (comp[edgeTarget[e]!] === id && satisfied[edgeThread[e]!] === 0) return e;
      }
      return -2;
    });
    if (!path) throw new Error("liveness: a fair SCC has an unsatisfiable thread");
    follow(path);
    at = loop[loop.length - 1]!;
  }
  if (at !== entry || loopEdges.length === 0) {
    const back = within.nearest(at, (v) => {
      for (let e = edgeStart[v]!; e < edgeStart[v + 1]!; e++) if (edgeTarget[e] === entry) return e;
      return -2;
    });
    if (!back) throw new Error("liveness: an SCC without a cycle back to its entry");
    follow(back);
  }
  return { loop, loopEdges };
}

/** Breadth-first searches confined to one SCC, sharing their arrays. */
class PathsWithin {
  private readonly seen: Int32Array;
  private readonly parentEdge: Int32Array;
  private readonly parentNode: Int32Array;
  private readonly queue: Int32Array;
  private stamp = 0;

  constructor(
    private readonly graph: StateGraph,
    private readonly comp: Int32Array,
    private readonly id: number,
  ) {
    const n = graph.size;
    this.seen = new Int32Array(n);
    this.parentEdge = new Int32Array(n);
    this.parentNode = new Int32Array(n);
    this.queue = new Int32Array(n);
  }

  /**
   * The edges of a shortest path from `from` to the nearest goal. `goal(v)`
   * is -2 when v is no goal, -1 when v itself is, or an edge from v to take
   * last.
   */
  nearest(from: number, goal: (v: number) => number): number[] | null {
    const { edgeStart, edgeTarget } = this.graph;
    const stamp = ++this.stamp;
    let head = 0;
    let tail = 0;
    this.seen[from] = stamp;
    this.parentEdge[from] = -1;
    this.queue[tail++] = from;
    while (head < tail) {
      const v = this.queue[head++]!;
      const g = goal(v);
      if (g !== -2) {
        const path: number[] = g >= 0 ? [g] : [];
        for (let u = v; this.parentEdge[u] !== -1; u = this.parentNode[u]!) {
          path.push(this.parentEdge[u]!);
        }
        return path.reverse();
      }
      for (let e = edgeStart[v]!; e < edgeStart[v + 1]!; e++) {
        const w = edgeTarget[e]!;
        if (this.comp[w] !== this.id || this.seen[w] === stamp) continue;
        this.seen[w] = stamp;
        this.parentEdge[w] = e;
        this.parentNode[w] = v;
        this.queue[tail++] = w;
      }
    }
    return null;
  }
}

/** Re-executes the lasso on the model and checks every state against the store. */
function lassoTrace<S, A>(
  model: Model<S, A>,
  store: StateStore,
  graph: StateGraph,
  lasso: Lasso,
): Trace<S> {
  const ids = [...lasso.stem, ...lasso.loop.slice(1)];
  const edges = [...lasso.stemEdges, ...lasso.loopEdges];
  // The step index of an edge is its position among its source's edges.
  const path = [store.stepOf(ids[0]!), ...edges.map((e, i) => e - graph.edgeStart[ids[i]!]!)];
  const trace = replayPath(model, path);
  const states = [trace.init, ...trace.steps.map((s) => s.state)];
  states.forEach((state, i) => {
    if (!store.matches(ids[i]!, model.encode(state))) {
      throw new NondeterministicModelError(
        `re-executing the liveness counterexample reached a different state at step ${i}: ` +
          "the model's actions or next function is not deterministic",
      );
    }
  });
  return { ...trace, loopStart: lasso.stem.length - 1 };
}
