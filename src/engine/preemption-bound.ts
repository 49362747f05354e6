/**
 * Iterative context bounding (CHESS): explore only the schedules with at
 * most N preemptions (steps by another thread while the previous step's
 * thread could have continued). Real races rarely need many, so a small N
 * gives fast first answers on large models.
 *
 * Implemented as a product model: a state is (model state, last thread,
 * preemptions used), and a step that would exceed the bound is not
 * offered. If any step was withheld, a search that finds nothing is
 * `incomplete` (reason "max-preemptions"), never `holds`. Counterexamples
 * are shortest among the bounded schedules, not necessarily overall.
 */

import { isSwitch } from "./fewest-switches.js";
import type { Model, Step } from "./model.js";
import type { SearchResult, Trace } from "./result.js";

export interface Bounded<S> {
  readonly state: S;
  readonly last: string | null;
  readonly used: number;
}

interface BoundedAction<A> {
  readonly action: A;
  readonly thread: string;
  readonly used: number;
}

export interface PreemptionBounded<S, A> {
  readonly model: Model<Bounded<S>, BoundedAction<A>>;
  /** Whether some step was withheld because of the bound. */
  readonly cut: () => boolean;
}

export function preemptionBounded<S, A>(
  inner: Model<S, A>,
  bound: number,
): PreemptionBounded<S, A> {
  let cut = false;
  const threadIndex = new Map(inner.threads.map((t, i) => [t, i]));
  const model: Model<Bounded<S>, BoundedAction<A>> = {
    name: `${inner.name} (at most ${bound} preemptions)`,
    threads: inner.threads,
    initStates: () => inner.initStates().map((state) => ({ state, last: null, used: 0 })),
    actions(b) {
      const steps = inner.actions(b.state);
      const out: Step<BoundedAction<A>>[] = [];
      for (const step of steps) {
        const used = b.used + (isSwitch(b.last, step.thread, steps) ? 1 : 0);
        if (used > bound) {
          cut = true;
          continue;
        }
        out.push({ ...step, action: { action: step.action, thread: step.thread, used } });
      }
      return out;
    },
    next: (b, a) => ({ state: inner.next(b.state, a.action), last: a.thread, used: a.used }),
    properties: inner.properties.map((p) => ({
      ...p,
      holds: (b: Bounded<S>) => p.holds(b.state),
      explain: p.explain && ((b: Bounded<S>) => p.explain!(b.state)),
    })),
    encode(b) {
      const words = Array.from(inner.encode(b.state));
      words.push(b.last === null ? -1 : (threadIndex.get(b.last) ?? -2), b.used);
      return words;
    },
    // Withheld steps are not a deadlock: only a state the inner model
    // cannot leave can be one.
    unfinished: (b) =>
      inner.actions(b.state).length === 0 ? (inner.unfinished?.(b.state) ?? []) : [],
    variables: inner.variables && ((b: Bounded<S>) => inner.variables!(b.state)),
  };
  return { model, cut: () => cut };
}

/** The inner model's view of a bounded search's result. */
export function unwrapBounded<S>(result: SearchResult<Bounded<S>>, cut: boolean): SearchResult<S> {
  const t = result.trace;
  const trace: Trace<S> | null = t && {
    ...t,
    init: t.init.state,
    steps: t.steps.map((s) => ({ ...s, state: s.state.state })),
  };
  const incomplete = result.verdict === "holds" && cut;
  return {
    ...result,
    verdict: incomplete ? "incomplete" : result.verdict,
    incompleteReason: incomplete ? "max-preemptions" : result.incompleteReason,
    trace,
  };
}
