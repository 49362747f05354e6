/**
 * Rebuilding a counterexample from the seen-set's parent links: the store
 * keeps, per state, only its parent and the index of the step taken, so the
 * trace is found by re-executing those steps from the initial state. Each
 * re-executed state is compared with the stored one, which catches a model
 * whose `actions` or `next` is not deterministic.
 */
import type { Model } from "./model.js";
import type { Trace, TraceStep } from "./result.js";
import type { StateStore } from "./state-store.js";

export class NondeterministicModelError extends Error {}

/** The chain of step indices from an initial state to `id`, initial index first. */
export function pathTo(store: StateStore, id: number): number[] {
  const path: number[] = [];
  let cur = id;
  while (cur !== -1) {
    path.push(store.stepOf(cur));
    cur = store.parentOf(cur);
  }
  return path.reverse();
}

/** Re-executes a path (initial-state index, then step indices) on the model. */
export function replayPath<S, A>(model: Model<S, A>, path: readonly number[]): Trace<S> {
  const initIndex = path[0]!;
  const inits = model.initStates();
  if (initIndex < 0 || initIndex >= inits.length) {
    throw new NondeterministicModelError(`no initial state ${initIndex}`);
  }
  const init = inits[initIndex] as S;
  let state: S = init;
  const steps: TraceStep<S>[] = [];
  for (let i = 1; i < path.length; i++) {
    const index = path[i]!;
    const step = model.actions(state)[index];
    if (step === undefined) {
      throw new NondeterministicModelError(`step ${i}: no enabled step with index ${index}`);
    }
    state = model.next(state, step.action);
    steps.push({ thread: step.thread, name: step.name, label: step.label, index, state });
  }
  return { initIndex, init, steps };
}

/** The trace to stored state `id`, validated against the store. */
export function rebuildTrace<S, A>(model: Model<S, A>, store: StateStore, id: number): Trace<S> {
  const ids: number[] = [];
  for (let cur = id; cur !== -1; cur = store.parentOf(cur)) ids.push(cur);
  ids.reverse();
  const trace = replayPath(model, pathTo(store, id));
  const states = [trace.init, ...trace.steps.map((s) => s.state)];
  states.forEach((state, i) => {
    if (!store.matches(ids[i]!, model.encode(state))) {
      throw new NondeterministicModelError(
        `re-executing the counterexample reached a different state at step ${i}: ` +
          "the model's actions or next function is not deterministic",
      );
    }
  });
  return trace;
}
