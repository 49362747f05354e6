/**
 * Peterson's mutual exclusion for two threads, looping forever. A classic
 * whose answer is known from outside this code: mutual exclusion holds.
 */
import type { Model } from "../../src/engine/index.js";

/** pc: 0 set flag, 1 give turn, 2 wait, 3 critical section (leaving clears flag). */
export interface PetersonState {
  readonly pc: readonly [number, number];
  readonly flag: readonly [boolean, boolean];
  readonly turn: number;
}

type Who = 0 | 1;

function update(
  s: PetersonState,
  i: Who,
  pc: number,
  patch: Partial<PetersonState>,
): PetersonState {
  const pcs: [number, number] = [s.pc[0], s.pc[1]];
  pcs[i] = pc;
  return { ...s, ...patch, pc: pcs };
}

function setFlag(s: PetersonState, i: Who, v: boolean): readonly [boolean, boolean] {
  return i === 0 ? [v, s.flag[1]] : [s.flag[0], v];
}

export function petersonModel(): Model<PetersonState, Who> {
  return {
    name: "peterson",
    threads: ["P0", "P1"],
    initStates: () => [{ pc: [0, 0], flag: [false, false], turn: 0 }],
    actions(s) {
      const steps = [];
      for (const i of [0, 1] as const) {
        const j = 1 - i;
        const pc = s.pc[i];
        const names = ["flag[i] = 1", "turn = j", "await !flag[j] || turn == i", "leave"];
        const blocked = pc === 2 && s.flag[j] && s.turn !== i;
        if (!blocked)
          steps.push({ thread: `P${i}`, name: names[pc]!, label: names[pc]!, action: i });
      }
      return steps;
    },
    next(s, i) {
      const j = 1 - i;
      switch (s.pc[i]) {
        case 0:
          return update(s, i, 1, { flag: setFlag(s, i, true) });
        case 1:
          return update(s, i, 2, { turn: j });
        case 2:
          return update(s, i, 3, {});
        default:
          return update(s, i, 0, { flag: setFlag(s, i, false) });
      }
    },
    properties: [
      {
        name: "mutual-exclusion",
        kind: "always",
        description: "At most one thread is in its critical section.",
        holds: (s) => !(s.pc[0] === 3 && s.pc[1] === 3),
      },
      {
        name: "P0-enters",
        kind: "sometimes",
        description: "P0 can reach its critical section.",
        holds: (s) => s.pc[0] === 3,
      },
    ],
    encode: (s) => [s.pc[0], s.pc[1], +s.flag[0], +s.flag[1], s.turn],
  };
}
