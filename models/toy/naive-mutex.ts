/**
 * A lock taken as a separate test and set (the "flag check" is not atomic
 * with the store). Both threads can pass the test before either sets the
 * flag; by hand, the shortest violation is 4 steps: T0 test, T1 test,
 * T0 set, T1 set.
 */
import { type Declared, declared, objectModel } from "../../src/declared/model.js";
import { declareState, flag, part, type StateRecord } from "../../src/declared/state.js";
import { stepsOf, stepTable, type ThreadStep } from "../../src/declared/steps.js";
import { numbersPart, put, replaced, shown, shownEach, tuple } from "./parts.js";

/** pc: 0 test the lock, 1 set it, 2 critical section, 3 done. */
export const NAIVE_MUTEX_STATE = declareState("NaiveMutexState", {
  pc: part(numbersPart("toy-naive-mutex-pc"), tuple<number>([]), {
    show: shownEach({ local: true }),
  }),
  locked: flag(false, { show: shown() }),
});
type Fields = typeof NAIVE_MUTEX_STATE.fields;
export type NaiveMutexState = StateRecord<Fields>;

const NAMES = ["test: lock == 0", "set: lock = 1", "unlock"] as const;
export const NAIVE_MUTEX_STEPS = stepTable<null, (typeof NAMES)[number]>({
  "test: lock == 0": "core",
  "set: lock = 1": "core",
  unlock: "core",
});
const step = stepsOf<NaiveMutexState, (typeof NAMES)[number]>(NAIVE_MUTEX_STEPS);

/** Thread i: test, set, unlock (each effect made once: a step is the same action every time). */
function threadSteps(i: number): (s: NaiveMutexState) => ThreadStep<NaiveMutexState>[] {
  const goto = (t: NaiveMutexState, next: number) => t.set("pc", replaced(t.pc, i, next));
  const effects = [
    (t: NaiveMutexState) => goto(t, 1),
    (t: NaiveMutexState) => put(goto(t, 2), "locked", true),
    (t: NaiveMutexState) => put(goto(t, 3), "locked", false),
  ];
  return (s) => {
    const pc = s.pc[i]!;
    if (pc === 3 || (pc === 0 && s.locked)) return [];
    return [step(NAMES[pc]!, NAMES[pc]!, effects[pc]!)];
  };
}

export function naiveMutexDeclaration(threads = 2): Declared<Fields, null> {
  return declared<Fields, null>({
    name: "naive-mutex",
    config: null,
    state: NAIVE_MUTEX_STATE,
    init: [NAIVE_MUTEX_STATE.State({ pc: tuple(Array(threads).fill(0)) })],
    threads: Array.from({ length: threads }, (_, i) => ({
      name: `T${i}`,
      own: "pc",
      table: NAIVE_MUTEX_STEPS,
      steps: threadSteps(i),
      unfinished: (s) => s.pc[i] !== 3,
    })),
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
  });
}

export function naiveMutexModel(threads = 2) {
  return objectModel(naiveMutexDeclaration(threads));
}
