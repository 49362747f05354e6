/**
 * A sleeping mutex: thread A takes and releases it forever; thread B sleeps
 * (has no enabled step) while it is held, then takes it once. Known answer,
 * the textbook gap between weak and strong fairness: B can starve even under
 * weak fairness. On the loop "A locks, A unlocks" B is enabled only in every
 * other state, never continuously, so weak fairness does not force B to
 * step; A steps all the time. (Strong fairness would rule the loop out.)
 */
import { type Declared, declared, objectModel } from "../../src/declared/model.js";
import { choice, declareState, flag, type StateRecord } from "../../src/declared/state.js";
import { stepsOf, stepTable, type ThreadStep } from "../../src/declared/steps.js";
import { shown } from "./parts.js";

export const BLOCKING_MUTEX_STATE = declareState("BlockingMutexState", {
  /** A holds the mutex. */
  a: flag(false, { show: shown() }),
  /** B: 0 waits for the mutex, 1 holds it, 2 done. */
  b: choice([0, 1, 2], 0, { show: shown({ local: true }) }),
});
type Fields = typeof BLOCKING_MUTEX_STATE.fields;
export type BlockingMutexState = StateRecord<Fields>;

export const MUTEX_STEPS = stepTable<null, "mutex_lock" | "mutex_unlock">({
  mutex_lock: "core",
  mutex_unlock: "core",
});
const step = stepsOf<BlockingMutexState, "mutex_lock" | "mutex_unlock">(MUTEX_STEPS);

const held = (s: BlockingMutexState) => s.a || s.b === 1;

// Each effect made once: a step is the same action every time.
const aLock = (t: BlockingMutexState) => t.set("a", true);
const aUnlock = (t: BlockingMutexState) => t.set("a", false);
const bLock = (t: BlockingMutexState) => t.set("b", 1);
const bUnlock = (t: BlockingMutexState) => t.set("b", 2);

/** A: lock and unlock, forever. */
function aSteps(s: BlockingMutexState): ThreadStep<BlockingMutexState>[] {
  if (s.a) return [step("mutex_unlock", "mutex_unlock(M)", aUnlock)];
  return held(s) ? [] : [step("mutex_lock", "mutex_lock(M)", aLock)];
}

/** B: sleeps while M is held, then locks and unlocks once. */
function bSteps(s: BlockingMutexState): ThreadStep<BlockingMutexState>[] {
  if (s.b === 1) return [step("mutex_unlock", "mutex_unlock(M)", bUnlock)];
  if (s.b === 0 && !held(s)) return [step("mutex_lock", "mutex_lock(M)", bLock)];
  return [];
}

export function blockingMutexDeclaration(): Declared<Fields, null> {
  return declared<Fields, null>({
    name: "blocking-mutex",
    config: null,
    state: BLOCKING_MUTEX_STATE,
    init: [BLOCKING_MUTEX_STATE.State()],
    threads: [
      { name: "A", own: "a", table: MUTEX_STEPS, steps: aSteps },
      { name: "B", own: "b", table: MUTEX_STEPS, steps: bSteps },
    ],
    properties: [
      {
        name: "B-acquires",
        kind: "eventually",
        description: "B eventually takes the mutex.",
        holds: (s) => s.b >= 1,
      },
    ],
  });
}

export function blockingMutexModel() {
  return objectModel(blockingMutexDeclaration());
}
