/**
 * Breadth-first search over all interleavings, strictly level by level.
 *
 * Every new state is checked against the "always" properties (and for
 * deadlock) when it is generated. All states of depth d are generated
 * before any of depth d + 1, so the first violation found is at the lowest
 * depth: its counterexample has minimal length. The exploration itself is
 * in breadth-first.ts (shared with the liveness graph); this file adds the
 * counterexample: rebuilt by re-execution, with the fewest context
 * switches among the shortest ones.
 */

import { BreadthFirst, type Found } from "./breadth-first.js";
import { drain, drainAsync, type Slices } from "./drain.js";
import { countSwitches, fewestSwitchesPath } from "./fewest-switches.js";
import type { Model, Step } from "./model.js";
import type { IncompleteReason, SearchResult, Trace, Verdict } from "./result.js";
import type { StateStore } from "./state-store.js";
import { rebuildTrace, replayPath } from "./trace.js";

export interface SearchOptions {
  /** Store canonical states instead of fingerprints. */
  readonly exact?: boolean;
  /** Report a state with no enabled step and an unfinished thread (default true). */
  readonly checkDeadlock?: boolean;
  readonly maxStates?: number;
  readonly maxDepth?: number;
  readonly maxSeconds?: number;
  /**
   * Stop (as `incomplete`) before the heap and typed arrays in use reach
   * this many bytes: the seen-set, the frontier's states and everything else
   * the search holds.
   */
  readonly maxMemoryBytes?: number;
  /** Polled during the search; returning true stops it as `interrupted`. */
  readonly shouldStop?: () => boolean;
  /**
   * Among the shortest counterexamples, report one with the fewest context
   * switches (a bounded second pass; default true).
   */
  readonly fewestSwitches?: boolean;
  /**
   * Partial-order reduction by ample sets (por.ts): the model must declare
   * footprints. Safety only; a counterexample is still a shortest one.
   */
  readonly partialOrder?: boolean;
  /** Called about every 4096 transitions with the running counts. */
  readonly onProgress?: (p: Progress) => void;
}

export interface Progress {
  readonly distinctStates: number;
  readonly transitions: number;
  readonly depth: number;
  readonly queue: number;
  readonly seconds: number;
  readonly storeBytes: number;
}

export { memoryInUse } from "./breadth-first.js";

export function search<S, A>(model: Model<S, A>, options: SearchOptions = {}): SearchResult<S> {
  return drain(new Search(model, options).slices());
}

/** `search` that lets the event loop run between slices (signals, progress). */
export function searchAsync<S, A>(
  model: Model<S, A>,
  options: SearchOptions = {},
): Promise<SearchResult<S>> {
  return drainAsync(new Search(model, options).slices());
}

/**
 * The counterexample to report for a failure found at stored state
 * `found.id`: the BFS one, or, by default, one of the same length with the
 * fewest context switches (whose end may violate another invariant first:
 * it is reported as found).
 */
export function counterexample<S, A>(
  model: Model<S, A>,
  store: StateStore,
  found: Found,
  options: SearchOptions,
  classify: (state: S, steps: readonly Step<A>[]) => Omit<Found, "id"> | null,
): { found: Omit<Found, "id">; trace: Trace<S> } {
  const bfsTrace = rebuildTrace(model, store, found.id);
  const depth = bfsTrace.steps.length;
  const best =
    options.fewestSwitches === false
      ? null
      : fewestSwitchesPath(model, depth, (s, steps) => classify(s, steps) !== null);
  if (!best) {
    const switches = countSwitches(model, bfsTrace.init, bfsTrace.steps);
    return { found, trace: { ...bfsTrace, switches } };
  }
  const trace = replayPath(model, best.path);
  const last = trace.steps.at(-1)?.state ?? trace.init;
  const end = classify(last, model.actions(last))!;
  return { found: end, trace: { ...trace, switches: best.switches } };
}

/**
 * A reduced search's result with the counterexample of the unreduced
 * search bounded at its depth (shortest), and the two searches' counts.
 */
export function withShortest<S>(
  reduced: SearchResult<S>,
  shortest: SearchResult<S>,
): SearchResult<S> {
  if (!shortest.trace) {
    // Cut short by a bound or an interrupt: the reduced path stands.
    if (shortest.incompleteReason !== "max-depth") return reduced;
    throw new Error("partial-order reduction: no unreduced counterexample at its depth");
  }
  const s = shortest.stats;
  const stats = {
    ...reduced.stats,
    distinctStates: reduced.stats.distinctStates + s.distinctStates,
    transitions: reduced.stats.transitions + s.transitions,
    seconds: reduced.stats.seconds + s.seconds,
    partialOrder: {
      ...reduced.stats.partialOrder!,
      rerun: { distinctStates: s.distinctStates, transitions: s.transitions },
    },
  };
  return { ...shortest, stats, coverage: reduced.coverage, covered: reduced.covered };
}

class Search<S, A> extends BreadthFirst<S, A, SearchResult<S>> {
  /**
   * With partial-order reduction, a counterexample found is a real path
   * but not necessarily a shortest one (the reduction postpones steps): an
   * unreduced search bounded at its depth finds a shortest one.
   */
  override *slices(): Slices<SearchResult<S>> {
    const reduced = yield* super.slices();
    const por = reduced.stats.partialOrder;
    if (!por || !reduced.trace) return reduced;
    const full = new Search(this.model, {
      ...this.options,
      partialOrder: false,
      maxDepth: reduced.trace.steps.length,
    });
    return withShortest(reduced, yield* full.slices());
  }

  private counterexample(found: Found): { found: Omit<Found, "id">; trace: Trace<S> } {
    return counterexample(this.model, this.store, found, this.options, (s, steps) =>
      this.classify(s, steps),
    );
  }

  protected finish(found: Found | null, reason: IncompleteReason | null): SearchResult<S> {
    const stats = this.ampleSets
      ? { ...this.stats(), partialOrder: { ...this.ampleSets.stats(), rerun: null } }
      : this.stats();
    const cex = found ? this.counterexample(found) : null;
    const verdict: Verdict = cex ? cex.found.verdict : reason ? "incomplete" : "holds";
    return {
      verdict,
      property: cex?.found.property ?? null,
      explanation: cex?.found.explanation ?? null,
      trace: cex?.trace ?? null,
      incompleteReason: reason,
      stats,
      coverage: this.coverage.toMap(),
      covered: this.covered,
    };
  }
}
