import type { ReductionStats } from "./por.js";

/** What a search reports: the checker/report split of Stateright. */

export type Verdict = "holds" | "violated" | "deadlock" | "incomplete";

/** Why an exploration stopped before it was complete. */
export type IncompleteReason =
  | "max-states"
  | "max-depth"
  | "max-seconds"
  | "max-memory"
  | "max-preemptions"
  | "interrupted";

export interface TraceStep<S> {
  readonly thread: string;
  /** The stable step name (kernel function). */
  readonly name: string;
  /** The human label with arguments. */
  readonly label: string;
  /** Index of the step in the enabled list of the state before it. */
  readonly index: number;
  /** The state after the step. */
  readonly state: S;
}

export interface Trace<S> {
  /** Index of the initial state among the model's initial states. */
  readonly initIndex: number;
  readonly init: S;
  readonly steps: readonly TraceStep<S>[];
  /**
   * For a liveness counterexample (a lasso): the index of the state where
   * the loop starts, counting 0 for `init` and i for the state after
   * `steps[i - 1]`. The steps after it form the loop, and the last state
   * equals it, so the run repeats `steps.slice(loopStart)` forever. When
   * it equals `steps.length` the loop is empty: the last state has no
   * enabled step and the run stutters there forever. Absent for an
   * invariant or deadlock counterexample (a finite path).
   */
  readonly loopStart?: number;
  /**
   * Context switches: steps by another thread while the previous step's
   * thread could have continued. Set when the search minimised them among
   * the shortest counterexamples.
   */
  readonly switches?: number;
}

export interface SearchStats {
  /** Distinct states stored. */
  readonly distinctStates: number;
  /** Transitions taken (successor computations), including those to seen states. */
  readonly transitions: number;
  /** Depth of the deepest level whose states were all generated and checked. */
  readonly depth: number;
  readonly seconds: number;
  readonly statesPerSecond: number;
  /** TLC's optimistic fingerprint collision estimate; 0 in exact mode. */
  readonly collisionProbability: number;
  /** Initial states (so that matched = transitions + initial states − distinct states). */
  readonly initialStates?: number;
  /** Bytes used by the seen-set's structures. */
  readonly storeBytes: number;
  readonly exact: boolean;
  /** Threads of a parallel search (absent: the sequential search). */
  readonly workers?: number;
  /**
   * Parallel search: level chunks a thread took from another's share (work
   * stealing), and states a thread rebuilt from their paths because it had
   * not met their parts.
   */
  readonly balance?: { readonly stolenChunks: number; readonly rebuiltStates: number };
  /**
   * With partial-order reduction: what it did. A counterexample then comes
   * from an unreduced search bounded at the depth the reduced one found
   * (`rerun`: its states and transitions, included in the totals above).
   */
  readonly partialOrder?: ReductionStats & {
    readonly rerun: { readonly distinctStates: number; readonly transitions: number } | null;
  };
}

export interface SearchResult<S> {
  readonly verdict: Verdict;
  /** The violated property (or "deadlock"); null when nothing was violated. */
  readonly property: string | null;
  /** One line naming the offending objects, when the property explains itself. */
  readonly explanation: string | null;
  /** Shortest counterexample; null when nothing was violated. */
  readonly trace: Trace<S> | null;
  readonly incompleteReason: IncompleteReason | null;
  readonly stats: SearchStats;
  /** How often each step, keyed `thread:name`, was taken during the search. */
  readonly coverage: ReadonlyMap<string, number>;
  /** Cover ("sometimes") properties and whether some explored state satisfied them. */
  readonly covered: ReadonlyMap<string, boolean>;
}
