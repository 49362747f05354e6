/**
 * Exploration of the whole reachable state graph, for liveness checking.
 *
 * The breadth-first exploration is the one of `bfs.ts`, step for step: the
 * same level order, the same state ids, the same checks of the "always"
 * properties and of deadlock when a state is generated, the same bounds, so
 * that it stops at the state where `search` would. On
 * top of it every transition, including those to states seen before, is kept
 * as an edge, and the liveness predicates are evaluated once per state.
 *
 * Edges are stored in compressed sparse row form in typed arrays: the edges
 * of state v are `edgeStart[v] .. edgeStart[v + 1] - 1`, in the order of
 * `model.actions(v)`, so the step index of edge e is `e - edgeStart[v]`
 * (stored implicitly). Each edge keeps its target id and its thread (an
 * index into `threads`). Every enabled step gives exactly one edge, so the
 * threads enabled in v are exactly the threads of v's edges.
 *
 * State identity is the seen-set's (`FingerprintStore`, or `ExactStore` in
 * exact mode): their `findOrInsert` names the id of a state seen before.
 *
 * As in `bfs.ts`, a level waiting for expansion keeps only ids and states;
 * a state's steps are listed again when it is expanded.
 */

import { CoverageCounter, memoryInUse, type SearchOptions } from "./bfs.js";
import type { Slices } from "./drain.js";
import { collisionProbability } from "./fingerprint.js";
import type { Model, Property } from "./model.js";
import type { IncompleteReason, SearchStats, Verdict } from "./result.js";
import { ExactStore, FingerprintStore, type StateStore } from "./state-store.js";

/** The explored graph. State ids are the store's, in BFS order. */
export interface StateGraph {
  /** Number of states. */
  readonly size: number;
  /** Length `size + 1`: the edges of v are `edgeStart[v] .. edgeStart[v + 1] - 1`. */
  readonly edgeStart: Int32Array;
  readonly edgeTarget: Int32Array;
  /** Index into `threads` of the thread taking each edge. */
  readonly edgeThread: Uint16Array;
  /** Thread names: the model's threads, then any other thread a step named. */
  readonly threads: readonly string[];
  /** Ids of the distinct initial states. */
  readonly initIds: readonly number[];
  /** Per tracked property (in the order given to `explore`): 1 where it holds. */
  readonly holds: readonly Uint8Array[];
}

/** A violation of an invariant, or a deadlock, found while exploring. */
export interface Finding {
  readonly verdict: Verdict;
  readonly id: number;
  readonly property: string;
  readonly explanation: string | null;
}

export interface Exploration {
  readonly store: StateStore;
  /** The complete graph; null when a finding or a bound ended the exploration. */
  readonly graph: StateGraph | null;
  readonly found: Finding | null;
  readonly reason: IncompleteReason | null;
  readonly coverage: Map<string, number>;
  readonly covered: Map<string, boolean>;
  readonly stats: SearchStats;
}

/** Explores `model` completely, keeping its edges and evaluating `tracked` in every state. */
export function explore<S, A>(
  model: Model<S, A>,
  options: SearchOptions,
  tracked: readonly Property<S>[],
): Slices<Exploration> {
  return new Explorer(model, options, tracked).slices();
}

/** One level waiting for expansion: the states and their ids, in id order. */
class Level<S> {
  readonly ids: number[] = [];
  readonly states: S[] = [];

  get length(): number {
    return this.ids.length;
  }

  push(id: number, state: S): void {
    this.ids.push(id);
    this.states.push(state);
  }
}

class Explorer<S, A> {
  private readonly store: ExactStore | FingerprintStore;
  private readonly invariants: readonly Property<S>[];
  private readonly covers: readonly Property<S>[];
  private readonly covered = new Map<string, boolean>();
  private readonly coverage = new CoverageCounter();
  private readonly started = Date.now();
  private readonly threadIds = new Map<string, number>();
  private readonly threads: string[] = [];
  private readonly initIds: number[] = [];
  private readonly holds: Uint8Vec[];
  private edgeStart = new Int32Array(1024);
  /** States whose `edgeStart` is set. */
  private edgeStartsSet = 0;
  private edgeTarget = new Int32Array(4096);
  private edgeThread = new Uint16Array(4096);
  private edges = 0;
  private transitions = 0;
  private depth = 0;
  private queue = 0;

  constructor(
    private readonly model: Model<S, A>,
    private readonly options: SearchOptions,
    private readonly tracked: readonly Property<S>[],
  ) {
    this.store = options.exact ? new ExactStore() : new FingerprintStore();
    this.invariants = model.properties.filter((p) => p.kind === "always");
    this.covers = model.properties.filter((p) => p.kind === "sometimes");
    for (const p of this.covers) this.covered.set(p.name, false);
    for (const t of model.threads) this.threadId(t);
    this.holds = tracked.map(() => new Uint8Vec());
  }

  /** The exploration, yielding every 4096 transitions (see drain.ts). */
  *slices(): Slices<Exploration> {
    let frontier = new Level<S>();
    const inits = this.model.initStates();
    for (let i = 0; i < inits.length; i++) {
      const found = this.visit(inits[i]!, -1, i, -1, frontier);
      if (found === "full") return this.finish(null, "max-states");
      if (found) return this.finish(found, null);
    }
    const maxDepth = this.options.maxDepth ?? Number.POSITIVE_INFINITY;
    while (frontier.length > 0) {
      if (this.depth >= maxDepth) return this.finish(null, "max-depth");
      const next = new Level<S>();
      const { ids, states } = frontier;
      this.queue = frontier.length;
      for (let k = 0; k < ids.length; k++) {
        this.queue--;
        const id = ids[k]!;
        const source = states[k]!;
        this.beginEdges(id);
        const steps = this.model.actions(source);
        for (let i = 0; i < steps.length; i++) {
          const step = steps[i]!;
          this.coverage.count(step.thread, step.name);
          const state = this.model.next(source, step.action);
          this.transitions++;
          if ((this.transitions & 0xfff) === 0) {
            yield;
            const reason = this.boundHit(next.length);
            if (reason) return this.finish(null, reason);
          }
          const found = this.visit(state, id, i, this.threadId(step.thread), next);
          if (found === "full") return this.finish(null, "max-states");
          if (found) return this.finish(found, null);
        }
      }
      frontier = next;
      this.depth++;
    }
    return this.finish(null, null);
  }

  /**
   * Stores and checks a generated state (as `bfs.ts` does), records the edge
   * from its parent and queues it for expansion when it is new.
   */
  private visit(
    state: S,
    parent: number,
    stepIndex: number,
    thread: number,
    next: Level<S>,
  ): Finding | "full" | null {
    const id = this.store.findOrInsert(this.model.encode(state), parent, stepIndex);
    if (id < 0) {
      if (parent !== -1) this.addEdge(-2 - id, thread);
      return null;
    }
    if (parent !== -1) this.addEdge(id, thread);
    else this.initIds.push(id);
    for (let k = 0; k < this.tracked.length; k++) {
      this.holds[k]!.push(this.tracked[k]!.holds(state) ? 1 : 0);
    }
    // From here on the checks of bfs.ts, in the same order.
    if (this.store.size > (this.options.maxStates ?? Number.POSITIVE_INFINITY)) return "full";
    for (const p of this.covers) {
      if (!this.covered.get(p.name) && p.holds(state)) this.covered.set(p.name, true);
    }
    const steps = this.model.actions(state);
    for (const p of this.invariants) {
      if (!p.holds(state)) {
        return {
          verdict: "violated",
          id,
          property: p.name,
          explanation: p.explain?.(state) ?? null,
        };
      }
    }
    if (steps.length === 0 && this.options.checkDeadlock !== false) {
      const stuck = this.model.unfinished?.(state) ?? [];
      if (stuck.length > 0) {
        return {
          verdict: "deadlock",
          id,
          property: "deadlock",
          explanation: `no step enabled; unfinished: ${stuck.join(", ")}`,
        };
      }
    }
    if (steps.length > 0) next.push(id, state);
    return null;
  }

  private threadId(name: string): number {
    let id = this.threadIds.get(name);
    if (id === undefined) {
      id = this.threads.length;
      if (id > 0xffff) throw new RangeError("more than 65536 threads");
      this.threadIds.set(name, id);
      this.threads.push(name);
    }
    return id;
  }

  /** Marks the start of `id`'s edges (states are expanded in increasing id order). */
  private beginEdges(id: number): void {
    while (this.edgeStart.length < id + 2) this.edgeStart = grow(this.edgeStart);
    for (; this.edgeStartsSet <= id; this.edgeStartsSet++)
      this.edgeStart[this.edgeStartsSet] = this.edges;
  }

  private addEdge(target: number, thread: number): void {
    if (this.edges === this.edgeTarget.length) {
      this.edgeTarget = grow(this.edgeTarget);
      this.edgeThread = grow(this.edgeThread);
    }
    this.edgeTarget[this.edges] = target;
    this.edgeThread[this.edges] = thread;
    this.edges++;
  }

  private seconds(): number {
    return (Date.now() - this.started) / 1000;
  }

  private bytes(): number {
    return (
      this.store.bytes() +
      this.edgeStart.byteLength +
      this.edgeTarget.byteLength +
      this.edgeThread.byteLength +
      this.holds.reduce((sum, h) => sum + h.bytes(), 0)
    );
  }

  private boundHit(queued: number): IncompleteReason | null {
    const seconds = this.seconds();
    this.options.onProgress?.({
      distinctStates: this.store.size,
      transitions: this.transitions,
      depth: this.depth,
      queue: this.queue + queued,
      seconds,
      storeBytes: this.bytes(),
    });
    if (this.options.shouldStop?.()) return "interrupted";
    if (seconds >= (this.options.maxSeconds ?? Number.POSITIVE_INFINITY)) return "max-seconds";
    if (memoryInUse() >= (this.options.maxMemoryBytes ?? Number.POSITIVE_INFINITY)) {
      return "max-memory";
    }
    return null;
  }

  private finish(found: Finding | null, reason: IncompleteReason | null): Exploration {
    let graph: StateGraph | null = null;
    if (!found && !reason) {
      const n = this.store.size;
      this.beginEdges(n);
      graph = {
        size: n,
        edgeStart: this.edgeStart.subarray(0, n + 1),
        edgeTarget: this.edgeTarget.subarray(0, this.edges),
        edgeThread: this.edgeThread.subarray(0, this.edges),
        threads: this.threads,
        initIds: this.initIds,
        holds: this.holds.map((h) => h.view()),
      };
    }
    const seconds = this.seconds();
    const distinct = this.store.size;
    return {
      store: this.store,
      graph,
      found,
      reason,
      coverage: this.coverage.toMap(),
      covered: this.covered,
      stats: {
        distinctStates: distinct,
        transitions: this.transitions,
        depth: this.depth,
        seconds,
        statesPerSecond: seconds > 0 ? distinct / seconds : distinct,
        collisionProbability: this.store.exact
          ? 0
          : collisionProbability(distinct, this.transitions + this.model.initStates().length),
        initialStates: this.model.initStates().length,
        storeBytes: this.bytes(),
        exact: this.store.exact,
      },
    };
  }
}

class Uint8Vec {
  private data = new Uint8Array(1024);
  private size = 0;

  push(v: number): void {
    if (this.size === this.data.length) this.data = grow(this.data);
    this.data[this.size++] = v;
  }

  view(): Uint8Array {
    return this.data.subarray(0, this.size);
  }

  bytes(): number {
    return this.data.byteLength;
  }
}

function grow<T extends Int32Array | Uint32Array | Uint16Array | Uint8Array>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(a.length * 2);
  b.set(a);
  return b;
}
