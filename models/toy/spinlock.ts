/**
 * A spinlock: thread A takes and releases the lock `rounds` times; thread B
 * spins (a step that changes nothing) while the lock is held, then takes it
 * once. A can always release. Known answers: without fairness B can spin
 * forever while A never moves again (a lasso: B's spin as the loop); under
 * weak fairness A, enabled all along that loop, must step, so B gets the
 * lock: both progress properties hold.
 */
import type { Model } from "../../src/engine/index.js";

/** a, b: 0 wants the lock, 1 holds it, 2 done (A loops back to 0 while rounds remain). */
export interface SpinlockState {
  readonly a: number;
  readonly b: number;
  /** Rounds A has completed. */
  readonly done: number;
  /** -1 free, 0 held by A, 1 held by B. */
  readonly lock: number;
}

type SpinAction = "a-lock" | "a-unlock" | "b-spin" | "b-lock" | "b-unlock";

export function spinlockModel(rounds = 2): Model<SpinlockState, SpinAction> {
  return {
    name: "spinlock",
    threads: ["A", "B"],
    initStates: () => [{ a: 0, b: 0, done: 0, lock: -1 }],
    actions(s) {
      const steps: { thread: string; name: string; label: string; action: SpinAction }[] = [];
      if (s.a === 0 && s.lock === -1) {
        steps.push({ thread: "A", name: "spin_lock", label: "spin_lock(L)", action: "a-lock" });
      }
      if (s.a === 1) {
        steps.push({
          thread: "A",
          name: "spin_unlock",
          label: "spin_unlock(L)",
          action: "a-unlock",
        });
      }
      if (s.b === 0 && s.lock !== -1) {
        steps.push({ thread: "B", name: "cpu_relax", label: "spin: L held", action: "b-spin" });
      }
      if (s.b === 0 && s.lock === -1) {
        steps.push({ thread: "B", name: "spin_lock", label: "spin_lock(L)", action: "b-lock" });
      }
      if (s.b === 1) {
        steps.push({
          thread: "B",
          name: "spin_unlock",
          label: "spin_unlock(L)",
          action: "b-unlock",
        });
      }
      return steps;
    },
    next(s, action) {
      switch (action) {
        case "a-lock":
          return { ...s, a: 1, lock: 0 };
        case "a-unlock": {
          const done = s.done + 1;
          return { ...s, a: done < rounds ? 0 : 2, done, lock: -1 };
        }
        case "b-spin":
          return s;
        case "b-lock":
          return { ...s, b: 1, lock: 1 };
        case "b-unlock":
          return { ...s, b: 2, lock: -1 };
      }
    },
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
    encode: (s) => [s.a, s.b, s.done, s.lock],
    unfinished: (s) => [...(s.a === 2 ? [] : ["A"]), ...(s.b === 2 ? [] : ["B"])],
  };
}
