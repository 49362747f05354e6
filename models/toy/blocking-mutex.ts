/**
 * A sleeping mutex: thread A takes and releases it forever; thread B sleeps
 * (has no enabled step) while it is held, then takes it once. Known answer,
 * the textbook gap between weak and strong fairness: B can starve even under
 * weak fairness. On the loop "A locks, A unlocks" B is enabled only in every
 * other state, never continuously, so weak fairness does not force B to
 * step; A steps all the time. (Strong fairness would rule the loop out.)
 */
import type { Model } from "../../src/engine/index.js";

export interface BlockingMutexState {
  /** A holds the mutex. */
  readonly a: boolean;
  /** B: 0 waits for the mutex, 1 holds it, 2 done. */
  readonly b: number;
}

type MutexAction = "a-lock" | "a-unlock" | "b-lock" | "b-unlock";

export function blockingMutexModel(): Model<BlockingMutexState, MutexAction> {
  return {
    name: "blocking-mutex",
    threads: ["A", "B"],
    initStates: () => [{ a: false, b: 0 }],
    actions(s) {
      const held = s.a || s.b === 1;
      const steps: { thread: string; name: string; label: string; action: MutexAction }[] = [];
      if (!held) {
        steps.push({ thread: "A", name: "mutex_lock", label: "mutex_lock(M)", action: "a-lock" });
      }
      if (s.a) {
        steps.push({
          thread: "A",
          name: "mutex_unlock",
          label: "mutex_unlock(M)",
          action: "a-unlock",
        });
      }
      if (s.b === 0 && !held) {
        steps.push({ thread: "B", name: "mutex_lock", label: "mutex_lock(M)", action: "b-lock" });
      }
      if (s.b === 1) {
        steps.push({
          thread: "B",
          name: "mutex_unlock",
          label: "mutex_unlock(M)",
          action: "b-unlock",
        });
      }
      return steps;
    },
    next(s, action) {
      switch (action) {
        case "a-lock":
          return { ...s, a: true };
        case "a-unlock":
          return { ...s, a: false };
        case "b-lock":
          return { ...s, b: 1 };
        case "b-unlock":
          return { ...s, b: 2 };
      }
    },
    properties: [
      {
        name: "B-acquires",
        kind: "eventually",
        description: "B eventually takes the mutex.",
        holds: (s) => s.b >= 1,
      },
    ],
    encode: (s) => [+s.a, s.b],
  };
}
