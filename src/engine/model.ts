/**
 * The model interface the engine explores, in the spirit of Stateright's
 * `Model` trait. The engine knows nothing of kernels: a model is a set of
 * initial states, the steps enabled in a state (each taken by a named
 * thread), a successor function and named properties.
 *
 * States must be immutable values. The engine never looks inside them: it
 * only asks the model for a canonical integer encoding (`encode`), from which
 * it derives fingerprints (or, in exact mode, the identity of a state).
 */

/** One enabled step of a thread: what the engine schedules. */
export interface Step<A> {
  /** The thread that takes the step (a swimlane column in reports). */
  readonly thread: string;
  /**
   * A stable name for the kind of step, without arguments (for kernel models:
   * the kernel function it stands for). Coverage is counted per
   * (thread, name).
   */
  readonly name: string;
  /** A human label with the essential arguments, e.g. `xas_store(slot 5 ← B)`. */
  readonly label: string;
  /** The model's own description of the step, passed back to `next`. */
  readonly action: A;
  /**
   * Optional: a small integer standing for (thread, name), the same for
   * every step with that pair and different for other pairs, so that the
   * search counts coverage without looking the pair up (it does for every
   * transition).
   */
  readonly kind?: number;
}

/**
 * What a property asks of the reachable states or runs. "always" and
 * "sometimes" are checked by `search`; the two liveness kinds only by
 * `checkLiveness` (`liveness.ts`), which `search` leaves alone.
 *
 * Liveness is judged on infinite runs: a state with no enabled step is
 * taken to stutter forever (a self-loop on which every thread is
 * disabled), as TLC does. Under weak fairness (the default) only runs on
 * which no thread stays enabled forever without stepping count.
 */
export type PropertyKind =
  /** An invariant: must hold in every reachable state. */
  | "always"
  /** A cover goal: some reachable state should satisfy it (reported, never a violation). */
  | "sometimes"
  /**
   * □◇P, progress: on every (fair) run `holds` is true again and again.
   * Violated by a reachable cycle (a lasso) on which it is false in every state.
   */
  | "always-eventually"
  /**
   * ◇P: every (fair) run from an initial state reaches a state where `holds`
   * is true. Violated by a lasso whose stem and loop both avoid it (or a
   * path to a state without steps that avoids it).
   */
  | "eventually";

export interface Property<S> {
  readonly name: string;
  readonly kind: PropertyKind;
  /** One sentence: what the property protects. */
  readonly description: string;
  /**
   * A pure predicate over a state: the invariant, the cover goal, or the P
   * of □◇P / ◇P.
   */
  holds(state: S): boolean;
  /** For a state where `holds` is false: the offending objects, in one line. */
  explain?(state: S): string;
  /**
   * For partial-order reduction: the shared objects (as named in the
   * model's footprints) the predicate reads. A step that writes none of
   * them is invisible to the property. Absent: the property may read
   * anything, and no step is invisible to it (no reduction).
   */
  readonly reads?: readonly string[];
}

/**
 * What steps read and write, for partial-order reduction: names of the
 * model's objects (a thread's local state, a shared variable, a lock...).
 * Two steps of different threads are independent when neither writes an
 * object the other reads or writes.
 */
export interface Footprint {
  readonly reads: readonly string[];
  readonly writes: readonly string[];
}

/** One named variable of a state, in the model's own words (for traces and reports). */
export interface Variable {
  readonly name: string;
  readonly value: string;
  /** Thread-local program state: shown in whole states, left out of deltas. */
  readonly local?: boolean;
  /** The value is a set of names joined by `|` (e.g. page flags): deltas show `+added -removed`. */
  readonly set?: boolean;
}

export interface Model<S, A> {
  readonly name: string;
  /** Every thread the model may schedule, in the order reports show them. */
  readonly threads: readonly string[];
  initStates(): readonly S[];
  /**
   * The steps enabled in `state`, in a deterministic order: counterexamples
   * are rebuilt by re-executing the recorded step index in each state.
   */
  actions(state: S): readonly Step<A>[];
  /** The successor of `state` under `action` (pure). */
  next(state: S, action: A): S;
  readonly properties: readonly Property<S>[];
  /**
   * A canonical encoding: equal states give equal sequences and different
   * states different ones. Elements must be 32-bit integers.
   */
  encode(state: S): ArrayLike<number>;
  /**
   * A lossless encoding of the state itself (32-bit integers), never
   * folded by symmetry, and its inverse (both or neither). With them the
   * search keeps the states waiting for expansion as flat integers instead
   * of object graphs, and the fewest-switches pass tells states apart by
   * `pack`. A model whose `encode` folds different states together (a
   * symmetry reduction) must implement them. `unpack` may be handed a
   * buffer the engine reuses: it must copy what it keeps.
   */
  pack?(state: S): ArrayLike<number>;
  unpack?(packed: ArrayLike<number>): S;
  /**
   * Parallel search: whether this thread can `unpack` a state another
   * thread packed (default: yes). When not, the search rebuilds the state
   * by re-executing its path from an initial state instead.
   */
  unpackable?(packed: ArrayLike<number>): boolean;
  /**
   * Threads that have not finished in `state`. A state with no enabled step
   * and an unfinished thread is a deadlock; with none it is a normal end.
   * Without this method every state without steps is a normal end.
   */
  unfinished?(state: S): readonly string[];
  /**
   * Whether `actions(state)` is non-empty, for a model that can tell more
   * cheaply than by listing the steps (the search asks it of every new
   * state, and lists the steps only when it expands the state).
   */
  hasSteps?(state: S): boolean;
  /**
   * The state as named variables, for reports (the changes after each step)
   * and JSON traces (which replay compares). Must be a function of the state.
   */
  variables?(state: S): readonly Variable[];
  /**
   * Partial-order reduction (both methods or neither): what `thread`'s
   * next step may touch: every step it can take from its local state in
   * `state`, enabled or not, guards included.
   */
  nextFootprint?(state: S, thread: string): Footprint;
  /**
   * Everything `thread` may touch from `state` on, until it finishes: an
   * over-approximation (a sound one is essential: an object left out makes
   * the reduction unsound). Empty for a finished thread.
   */
  futureFootprint?(state: S, thread: string): Footprint;
}
