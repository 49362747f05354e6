/**
 * A spinlock: thread A takes and releases the lock `rounds` times; thread B
 * spins (a step that changes nothing) while the lock is held, then takes it
 * once. A can always release. Known answers: without fairness B can spin
 * forever while A never moves again (a lasso: B's spin as the loop); under
 * weak fairness A, enabled all along that loop, must step, so B gets the
 * lock: both progress properties hold.
 */
import { type Declared, declared, objectModel } from "../../src/declared/model.js";
import { choice, declareState, part, type StateRecord } from "../../src/declared/state.js";
import { stepsOf, stepTable, type ThreadStep } from "../../src/declared/steps.js";
import { numberPart, put, shown } from "./parts.js";

/** a, b: 0 wants the lock, 1 holds it, 2 done (A loops back to 0 while rounds remain). */
export const SPINLOCK_STATE = declareState("SpinlockState", {
  a: choice([0, 1, 2], 0, { show: shown({ local: true }) }),
  b: choice([0, 1, 2], 0, { show: shown({ local: true }) }),
  /** Rounds A has completed. */
  done: part(numberPart("toy-spinlock-done"), 0, { show: shown({ local: true }) }),
  /** -1 free, 0 held by A, 1 held by B. */
  lock: choice([-1, 0, 1], -1, { show: shown() }),
});
type Fields = typeof SPINLOCK_STATE.fields;
export type SpinlockState = StateRecord<Fields>;

type Name = "spin_lock" | "spin_unlock" | "cpu_relax";
export const A_STEPS = stepTable<null, Name>({
  spin_lock: "core",
  spin_unlock: "core",
  cpu_relax: "branch",
});
export const B_STEPS = A_STEPS;
const step = stepsOf<SpinlockState, Name>(A_STEPS);

// Each effect made once: a step is the same action every time.
const aLock = (t: SpinlockState) => put(t.set("a", 1), "lock", 0);
const spin = (t: SpinlockState) => t;
const bLock = (t: SpinlockState) => put(t.set("b", 1), "lock", 1);
const bUnlock = (t: SpinlockState) => put(t.set("b", 2), "lock", -1);

/** A: lock and unlock, `rounds` times. */
function aSteps(rounds: number): (s: SpinlockState) => ThreadStep<SpinlockState>[] {
  const aUnlock = (t: SpinlockState) => {
    const done = t.done + 1;
    return put(t.set("a", done < rounds ? 0 : 2).set("done", done), "lock", -1);
  };
  return (s) => {
    if (s.a === 0 && s.lock === -1) return [step("spin_lock", "spin_lock(L)", aLock)];
    return s.a === 1 ? [step("spin_unlock", "spin_unlock(L)", aUnlock)] : [];
  };
}

/** B: spin while L is held, then lock and unlock once. */
function bSteps(s: SpinlockState): ThreadStep<SpinlockState>[] {
  if (s.b === 1) return [step("spin_unlock", "spin_unlock(L)", bUnlock)];
  if (s.b !== 0) return [];
  return s.lock !== -1
    ? [step("cpu_relax", "spin: L held", spin)]
    : [step("spin_lock", "spin_lock(L)", bLock)];
}

export function spinlockDeclaration(rounds = 2): Declared<Fields, null> {
  return declared<Fields, null>({
    name: "spinlock",
    config: null,
    state: SPINLOCK_STATE,
    init: [SPINLOCK_STATE.State()],
    threads: [
      {
        name: "A",
        own: "a",
        table: A_STEPS,
        steps: aSteps(rounds),
        unfinished: (s) => s.a !== 2,
      },
      { name: "B", own: "b", table: B_STEPS, steps: bSteps, unfinished: (s) => s.b !== 2 },
    ],
    properties: [
      {
        name: "mutual-exclusion",
        kind: "always",
        description: "The lock has one owner, and only its owner is past spin_lock.",
        holds: (s) => !(s.a === 1 && s.b === 1),
      },
      {
        name: "B-acquires",
        kind: "eventually",
        description: "B eventually takes the lock.",
        holds: (s) => s.b >= 1,
      },
      {
        name: "B-not-spinning",
        kind: "always-eventually",
        description: "B does not spin forever: again and again it is not waiting on a held lock.",
        holds: (s) => !(s.b === 0 && s.lock !== -1),
        explain: (s) => `L held by ${s.lock === 0 ? "A" : "B"}`,
      },
    ],
  });
}

export function spinlockModel(rounds = 2) {
  return objectModel(spinlockDeclaration(rounds));
}
