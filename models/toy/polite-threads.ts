/**
 * Two "polite" threads: each raises its flag, and if it then sees the other's
 * flag raised it lowers its own and starts again. Known answer: a livelock
 * that survives weak fairness. Both raise, both see the other, both back off,
 * forever: every thread steps in the loop, so the loop is fair, and nobody
 * ever enters the critical section. Mutual exclusion holds.
 */
import type { Model } from "../../src/engine/index.js";

/** pc: 0 raise flag, 1 look at the other's flag, 2 back off (lower flag), 3 critical section. */
export interface PoliteState {
  readonly pc: readonly [number, number];
  readonly want: readonly [boolean, boolean];
}

type Who = 0 | 1;

export function politeThreadsModel(): Model<PoliteState, Who> {
  const names = ["want[i] = 1", "want[j]?", "want[i] = 0 (back off)", "leave: want[i] = 0"];
  return {
    name: "polite-threads",
    threads: ["T0", "T1"],
    initStates: () => [{ pc: [0, 0], want: [false, false] }],
    actions: (s) =>
      ([0, 1] as const).map((i) => ({
        thread: `T${i}`,
        name: names[s.pc[i]]!,
        label: names[s.pc[i]]!,
        action: i,
      })),
    next(s, i) {
      const pc: [number, number] = [s.pc[0], s.pc[1]];
      const want: [boolean, boolean] = [s.want[0], s.want[1]];
      switch (pc[i]) {
        case 0:
          want[i] = true;
          pc[i] = 1;
          break;
        case 1:
          pc[i] = want[1 - i] ? 2 : 3;
          break;
        default:
          want[i] = false;
          pc[i] = 0;
      }
      return { pc, want };
    },
    properties: [
      {
        name: "mutual-exclusion",
        kind: "always",
        description: "At most one thread is in its critical section.",
        holds: (s) => !(s.pc[0] === 3 && s.pc[1] === 3),
      },
      {
        name: "someone-enters",
        kind: "always-eventually",
        description: "Again and again some thread is in its critical section.",
        holds: (s) => s.pc[0] === 3 || s.pc[1] === 3,
      },
      {
        name: "T0-enters",
        kind: "eventually",
        description: "T0 eventually enters its critical section.",
        holds: (s) => s.pc[0] === 3,
      },
    ],
    encode: (s) => [s.pc[0], s.pc[1], +s.want[0], +s.want[1]],
  };
}
