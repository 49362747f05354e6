/**
 * A lock taken as a separate test and set (the "flag check" is not atomic
 * with the store). Both threads can pass the test before either sets the
 * flag; by hand, the shortest violation is 4 steps: T0 test, T1 test,
 * T0 set, T1 set.
 */
import type { Model } from "../../src/engine/index.js";

/** pc: 0 test the lock, 1 set it, 2 critical section, 3 done. */
export interface NaiveMutexState {
  readonly pc: readonly number[];
  readonly locked: boolean;
}

export function naiveMutexModel(threads = 2): Model<NaiveMutexState, number> {
  const names = ["test: lock == 0", "set: lock = 1", "unlock"];
  return {
    name: "naive-mutex",
    threads: Array.from({ length: threads }, (_, i) => `T${i}`),
    initStates: () => [{ pc: Array(threads).fill(0), locked: false }],
    actions(s) {
      const steps = [];
      for (let i = 0; i < threads; i++) {
        const pc = s.pc[i]!;
        if (pc === 3 || (pc === 0 && s.locked)) continue;
        steps.push({ thread: `T${i}`, name: names[pc]!, label: names[pc]!, action: i });
      }
      return steps;
    },
    next(s, i) {
      const pc = [...s.pc];
      const was = pc[i]!;
      pc[i] = was + 1;
      const locked = was === 1 ? true : was === 2 ? false : s.locked;
      return { pc, locked };
    },
    properties: [
      {
        name: "mutual-exclusion",
        kind: "always",
        description: "At most one thread is in its critical section.",
        holds: (s) => s.pc.filter((pc) => pc === 2).length <= 1,
        explain: (s) =>
          `in critical section: ${s.pc.flatMap((pc, i) => (pc === 2 ? [`T${i}`] : [])).join(", ")}`,
      },
    ],
    encode: (s) => [...s.pc, +s.locked],
    unfinished: (s) => s.pc.flatMap((pc, i) => (pc === 3 ? [] : [`T${i}`])),
  };
}
