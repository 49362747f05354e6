/**
 * Peterson's mutual exclusion for two threads, looping forever. A classic
 * whose answer is known from outside this code: mutual exclusion holds.
 */
import { type Declared, declared, objectModel } from "../../src/declared/model.js";
import { choice, declareState, part, type StateRecord } from "../../src/declared/state.js";
import { stepsOf, stepTable, type ThreadStep } from "../../src/declared/steps.js";
import { flagsPart, numbersPart, put, replaced, shown, shownEach, tuple } from "./parts.js";

/** pc: 0 set flag, 1 give turn, 2 wait, 3 critical section (leaving clears flag). */
export const PETERSON_STATE = declareState("PetersonState", {
  pc: part(numbersPart("toy-peterson-pc"), tuple([0, 0]), { show: shownEach({ local: true }) }),
  flag: part(flagsPart("toy-peterson-flag"), tuple([false, false]), { show: shownEach() }),
  turn: choice([0, 1], 0, { show: shown() }),
});
type Fields = typeof PETERSON_STATE.fields;
export type PetersonState = StateRecord<Fields>;

const NAMES = ["flag[i] = 1", "turn = j", "await !flag[j] || turn == i", "leave"] as const;
export const PETERSON_STEPS = stepTable<null, (typeof NAMES)[number]>({
  "flag[i] = 1": "core",
  "turn = j": "core",
  "await !flag[j] || turn == i": "core",
  leave: "core",
});
const step = stepsOf<PetersonState, (typeof NAMES)[number]>(PETERSON_STEPS);

/**
 * Process i's steps. Each effect is made once, so that the same step in
 * the same state is the same action (as the hand-written toy's were).
 */
function processSteps(i: 0 | 1): (s: PetersonState) => ThreadStep<PetersonState>[] {
  const j = (1 - i) as 0 | 1;
  const goto = (t: PetersonState, next: number) => t.set("pc", replaced(t.pc, i, next));
  const effects = [
    (t: PetersonState) => goto(t.set("flag", replaced(t.flag, i, true)), 1),
    (t: PetersonState) => goto(put(t, "turn", j), 2),
    (t: PetersonState) => goto(t, 3),
    (t: PetersonState) => goto(t.set("flag", replaced(t.flag, i, false)), 0),
  ];
  return (s) => {
    const pc = s.pc[i]!;
    // await: wait while the other wants in and it is its turn.
    if (pc === 2 && s.flag[j] && s.turn !== i) return [];
    return [step(NAMES[pc]!, NAMES[pc]!, effects[pc]!)];
  };
}

export function petersonDeclaration(): Declared<Fields, null> {
  return declared<Fields, null>({
    name: "peterson",
    config: null,
    state: PETERSON_STATE,
    init: [PETERSON_STATE.State()],
    threads: ([0, 1] as const).map((i) => ({
      name: `P${i}`,
      own: "pc",
      table: PETERSON_STEPS,
      steps: processSteps(i),
    })),
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
  });
}

export function petersonModel() {
  return objectModel(petersonDeclaration());
}
