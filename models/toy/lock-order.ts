/**
 * Two threads take two locks in opposite orders (an AB-BA deadlock). By
 * hand: the shortest deadlock is 2 steps, each thread holding its first lock.
 */
import type { Model } from "../../src/engine/index.js";

/** pc: 0 take first lock, 1 take second, 2 release both, 3 done. owner: -1 free, else thread. */
export interface LockOrderState {
  readonly pc: readonly [number, number];
  readonly owner: readonly [number, number];
}

const ORDER = [
  [0, 1],
  [1, 0],
] as const;

export function lockOrderModel(): Model<LockOrderState, 0 | 1> {
  return {
    name: "lock-order",
    threads: ["T0", "T1"],
    initStates: () => [{ pc: [0, 0], owner: [-1, -1] }],
    actions(s) {
      const steps = [];
      for (const t of [0, 1] as const) {
        const pc = s.pc[t];
        if (pc === 3) continue;
        if (pc < 2 && s.owner[ORDER[t][pc]] !== -1) continue;
        const label = pc < 2 ? `lock(L${ORDER[t][pc]})` : "unlock both";
        steps.push({ thread: `T${t}`, name: pc < 2 ? "lock" : "unlock", label, action: t });
      }
      return steps;
    },
    next(s, t) {
      const pc: [number, number] = [s.pc[0], s.pc[1]];
      const owner: [number, number] = [s.owner[0], s.owner[1]];
      if (pc[t] < 2) owner[ORDER[t][pc[t]]] = t;
      else owner[0] = owner[1] = -1;
      pc[t]++;
      return { pc, owner };
    },
    properties: [],
    encode: (s) => [...s.pc, ...s.owner],
    unfinished: (s) => (["T0", "T1"] as const).filter((_, t) => s.pc[t] !== 3),
  };
}
