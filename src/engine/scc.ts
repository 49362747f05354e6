/**
 * Strongly connected components of a subgraph of the state graph (Tarjan's
 * algorithm, iterative), and which of them contain a fair cycle.
 *
 * Tarjan (1972) finds every SCC in one depth-first pass, O(V + E). Graphs
 * reach 10^5–10^6 states and paths through them can be as long, so the
 * depth-first search keeps its own stack of (state, next edge) in typed
 * arrays instead of recursing.
 *
 * Fairness of an SCC C (the classic SCC-based check for weak fairness of
 * Lichtenstein and Pnueli, POPL 1985, which TLC's liveness checking also
 * rests on): C contains a weakly fair cycle iff it contains a cycle at all
 * (more than one state, a self-loop, or a state without steps, which
 * stutters with every thread disabled) and every thread t either takes an
 * edge inside C or is disabled (has no enabled step, in the whole graph) in
 * some state of C.
 * - If: a closed tour through every state and every internal edge of C exists
 *   (C is strongly connected). Repeated forever it takes each internal edge,
 *   so each t with an internal edge steps infinitely often, and it passes
 *   infinitely often through a state where each other t is disabled, so no
 *   thread is continuously enabled without stepping: the tour is fair.
 * - Only if: every edge of a cycle inside C is internal to C and every state
 *   of it is in C. If some t is enabled in every state of C and has no edge
 *   inside C, t is enabled all along any such cycle and never steps on it,
 *   so no cycle inside C is fair.
 * Without fairness any cycle counts.
 */
import type { StateGraph } from "./graph.js";

export type Fairness = "weak" | "none";

export interface Components {
  /** Component id per state; -1 for states outside the subgraph. */
  readonly comp: Int32Array;
  /** Whether each component contains a cycle, fair under the fairness asked for. */
  readonly fair: Uint8Array;
  readonly count: number;
}

/** Tarjan's SCCs of the subgraph induced by the states where `inside` is 1. */
export function fairComponents(
  graph: StateGraph,
  inside: Uint8Array,
  fairness: Fairness,
): Components {
  const n = graph.size;
  const { edgeStart, edgeTarget } = graph;
  const order = new Int32Array(n).fill(-1); // DFS discovery index
  const low = new Int32Array(n);
  const comp = new Int32Array(n).fill(-1);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n); // Tarjan's stack of visited, unassigned states
  let sp = 0;
  const callNode = new Int32Array(n); // the DFS path, each with its next edge
  const callEdge = new Int32Array(n);
  let csp = 0;
  let counter = 0;
  const fair: number[] = [];
  const check = new FairnessCheck(graph, comp);

  for (let root = 0; root < n; root++) {
    if (inside[root] !== 1 || order[root] !== -1) continue;
    order[root] = low[root] = counter++;
    stack[sp++] = root;
    onStack[root] = 1;
    callNode[csp] = root;
    callEdge[csp++] = edgeStart[root]!;
    while (csp > 0) {
      const v = callNode[csp - 1]!;
      const end = edgeStart[v + 1]!;
      let e = callEdge[csp - 1]!;
      let descended = false;
      while (e < end) {
        const w = edgeTarget[e++]!;
        if (inside[w] !== 1) continue;
        if (order[w] === -1) {
          callEdge[csp - 1] = e;
          order[w] = low[w] = counter++;
          stack[sp++] = w;
          onStack[w] = 1;
          callNode[csp] = w;
          callEdge[csp++] = edgeStart[w]!;
          descended = true;
          break;
        }
        if (onStack[w] === 1 && order[w]! < low[v]!) low[v] = order[w]!;
      }
      if (descended) continue;
      // All of v's edges are done: return to the caller.
      csp--;
      if (csp > 0) {
        const u = callNode[csp - 1]!;
        if (low[v]! < low[u]!) low[u] = low[v]!;
      }
      if (low[v] === order[v]) {
        // v is the root of an SCC: its members are the stack down to v.
        let base = sp - 1;
        while (stack[base] !== v) base--;
        const id = fair.length;
        for (let i = base; i < sp; i++) {
          comp[stack[i]!] = id;
          onStack[stack[i]!] = 0;
        }
        fair.push(check.fair(stack.subarray(base, sp), id, fairness) ? 1 : 0);
        sp = base;
      }
    }
  }
  return { comp, fair: Uint8Array.from(fair), count: fair.length };
}

/** The per-SCC condition of the header comment. */
class FairnessCheck {
  private readonly internal: Uint8Array;
  private readonly disabledSomewhere: Uint8Array;
  /** enabledMark[t] === stamp: t is enabled in the state being looked at. */
  private readonly enabledMark: Int32Array;
  private stamp = 0;

  constructor(
    private readonly graph: StateGraph,
    private readonly comp: Int32Array,
  ) {
    const t = graph.threads.length;
    this.internal = new Uint8Array(t);
    this.disabledSomewhere = new Uint8Array(t);
    this.enabledMark = new Int32Array(t);
  }

  fair(members: Int32Array, id: number, fairness: Fairness): boolean {
    const { edgeStart, edgeTarget, edgeThread } = this.graph;
    if (members.length === 1) {
      const v = members[0]!;
      const start = edgeStart[v]!;
      const end = edgeStart[v + 1]!;
      // No step at all: stutters forever with every thread disabled.
      if (start === end) return true;
      let selfLoop = false;
      for (let e = start; e < end; e++) if (edgeTarget[e] === v) selfLoop = true;
      if (!selfLoop) return false;
    }
    if (fairness === "none") return true;
    const threads = this.graph.threads.length;
    this.internal.fill(0);
    this.disabledSomewhere.fill(0);
    for (const v of members) {
      const stamp = ++this.stamp;
      for (let e = edgeStart[v]!; e < edgeStart[v + 1]!; e++) {
        const t = edgeThread[e]!;
        this.enabledMark[t] = stamp;
        if (this.comp[edgeTarget[e]!] === id) this.internal[t] = 1;
      }
      for (let t = 0; t < threads; t++) {
        if (this.enabledMark[t] !== stamp) this.disabledSomewhere[t] = 1;
      }
    }
    for (let t = 0; t < threads; t++) {
      if (this.internal[t] === 0 && this.disabledSomewhere[t] === 0) return false;
    }
    return true;
  }
}
