/**
 * Exploration of the whole reachable state graph, for liveness checking.
 *
 * The breadth-first exploration is the one `search` uses (breadth-first.ts):
 * the same level order, the same state ids, the same checks of the "always"
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
 */

import type { SearchOptions } from "./bfs.js";
import { BreadthFirst, type Found } from "./breadth-first.js";
import type { Slices } from "./drain.js";
import type { Model, Property } from "./model.js";
import type { IncompleteReason, SearchStats } from "./result.js";
import type { StateStore } from "./state-store.js";

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
export type Finding = Found;

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

class Explorer<S, A> extends BreadthFirst<S, A, Exploration> {
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

  constructor(
    model: Model<S, A>,
    options: SearchOptions,
    private readonly tracked: readonly Property<S>[],
  ) {
    // Never reduced: ample sets do not preserve fair cycles (por.ts).
    super(model, { ...options, partialOrder: false });
    for (const t of model.threads) this.threadId(t);
    this.holds = tracked.map(() => new Uint8Vec());
  }

  /** Every transition is an edge, also to a state seen before. */
  protected override reached(
    id: number,
    isNew: boolean,
    parent: number,
    thread: string | null,
  ): void {
    if (parent !== -1) this.addEdge(id, this.threadId(thread!));
    else if (isNew) this.initIds.push(id);
  }

  /** The liveness predicates, once per state. */
  protected override stored(_id: number, state: S): void {
    for (let k = 0; k < this.tracked.length; k++) {
      this.holds[k]!.push(this.tracked[k]!.holds(state) ? 1 : 0);
    }
  }

  /** Marks the start of `id`'s edges (states are expanded in increasing id order). */
  protected override expanding(id: number): void {
    while (this.edgeStart.length < id + 2) this.edgeStart = grow(this.edgeStart);
    for (; this.edgeStartsSet <= id; this.edgeStartsSet++)
      this.edgeStart[this.edgeStartsSet] = this.edges;
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

  private addEdge(target: number, thread: number): void {
    if (this.edges === this.edgeTarget.length) {
      this.edgeTarget = grow(this.edgeTarget);
      this.edgeThread = grow(this.edgeThread);
    }
    this.edgeTarget[this.edges] = target;
    this.edgeThread[this.edges] = thread;
    this.edges++;
  }

  protected override bytes(): number {
    return (
      this.store.bytes() +
      this.edgeStart.byteLength +
      this.edgeTarget.byteLength +
      this.edgeThread.byteLength +
      this.holds.reduce((sum, h) => sum + h.bytes(), 0)
    );
  }

  protected finish(found: Finding | null, reason: IncompleteReason | null): Exploration {
    let graph: StateGraph | null = null;
    if (!found && !reason) {
      const n = this.store.size;
      this.expanding(n);
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
    return {
      store: this.store,
      graph,
      found,
      reason,
      coverage: this.coverage.toMap(),
      covered: this.covered,
      stats: this.stats(),
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
