/**
 * Two threads take two locks in opposite orders (an AB-BA deadlock). By
 * hand: the shortest deadlock is 2 steps, each thread holding its first lock.
 */
import { type Declared, declared, objectModel } from "../../src/declared/model.js";
import { declareState, part, type StateRecord } from "../../src/declared/state.js";
import { stepsOf, stepTable, type ThreadStep } from "../../src/declared/steps.js";
import { numbersPart, put, replaced, shownEach, tuple } from "./parts.js";

/** pc: 0 take first lock, 1 take second, 2 release both, 3 done. owner: -1 free, else thread. */
export const LOCK_ORDER_STATE = declareState("LockOrderState", {
  pc: part(numbersPart("toy-lock-order-pc"), tuple([0, 0]), { show: shownEach({ local: true }) }),
  owner: part(numbersPart("toy-lock-order-owner"), tuple([-1, -1]), { show: shownEach() }),
});
type Fields = typeof LOCK_ORDER_STATE.fields;
export type LockOrderState = StateRecord<Fields>;

const ORDER = [
  [0, 1],
  [1, 0],
] as const;

export const LOCK_ORDER_STEPS = stepTable<null, "lock" | "unlock">({
  lock: "core",
  unlock: "core",
});
const step = stepsOf<LockOrderState, "lock" | "unlock">(LOCK_ORDER_STEPS);

/** Thread t: lock its first lock, its second, then unlock both (each effect made once). */
function threadSteps(t: 0 | 1): (s: LockOrderState) => ThreadStep<LockOrderState>[] {
  const goto = (u: LockOrderState, next: number) => u.set("pc", replaced(u.pc, t, next));
  const take = (pc: 0 | 1) => (u: LockOrderState) =>
    goto(u.set("owner", replaced(u.owner, ORDER[t][pc], t)), pc + 1);
  const effects = [
    take(0),
    take(1),
    (u: LockOrderState) => goto(put(u, "owner", tuple([-1, -1])), 3),
  ];
  return (s) => {
    const pc = s.pc[t]!;
    if (pc === 3) return [];
    if (pc === 2) return [step("unlock", "unlock both", effects[2]!)];
    const lock = ORDER[t][pc as 0 | 1];
    return s.owner[lock] !== -1 ? [] : [step("lock", `lock(L${lock})`, effects[pc]!)];
  };
}

export function lockOrderDeclaration(): Declared<Fields, null> {
  return declared<Fields, null>({
    name: "lock-order",
    config: null,
    state: LOCK_ORDER_STATE,
    init: [LOCK_ORDER_STATE.State()],
    threads: ([0, 1] as const).map((t) => ({
      name: `T${t}`,
      own: "pc",
      table: LOCK_ORDER_STEPS,
      steps: threadSteps(t),
      unfinished: (s) => s.pc[t] !== 3,
    })),
    properties: [],
  });
}

export function lockOrderModel() {
  return objectModel(lockOrderDeclaration());
}
