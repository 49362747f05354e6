/**
 * Two "polite" threads: each raises its flag, and if it then sees the other's
 * flag raised it lowers its own and starts again. Known answer: a livelock
 * that survives weak fairness. Both raise, both see the other, both back off,
 * forever: every thread steps in the loop, so the loop is fair, and nobody
 * ever enters the critical section. Mutual exclusion holds.
 */
import { type Declared, declared, objectModel } from "../../src/declared/model.js";
import { declareState, part, type StateRecord } from "../../src/declared/state.js";
import { stepsOf, stepTable, type ThreadStep } from "../../src/declared/steps.js";
import { flagsPart, numbersPart, replaced, shownEach, tuple } from "./parts.js";

/** pc: 0 raise flag, 1 look at the other's flag, 2 back off (lower flag), 3 critical section. */
export const POLITE_STATE = declareState("PoliteState", {
  pc: part(numbersPart("toy-polite-pc"), tuple([0, 0]), { show: shownEach({ local: true }) }),
  want: part(flagsPart("toy-polite-want"), tuple([false, false]), { show: shownEach() }),
});
type Fields = typeof POLITE_STATE.fields;
export type PoliteState = StateRecord<Fields>;

const NAMES = ["want[i] = 1", "want[j]?", "want[i] = 0 (back off)", "leave: want[i] = 0"] as const;
export const POLITE_STEPS = stepTable<null, (typeof NAMES)[number]>({
  "want[i] = 1": "core",
  "want[j]?": "core",
  "want[i] = 0 (back off)": "core",
  "leave: want[i] = 0": "core",
});
const step = stepsOf<PoliteState, (typeof NAMES)[number]>(POLITE_STEPS);

/** Thread i always has a step: raise, look, back off or leave (each effect made once). */
function threadSteps(i: 0 | 1): (s: PoliteState) => ThreadStep<PoliteState>[] {
  const goto = (t: PoliteState, next: number) => t.set("pc", replaced(t.pc, i, next));
  const lower = (t: PoliteState) => goto(t.set("want", replaced(t.want, i, false)), 0);
  const effects = [
    (t: PoliteState) => goto(t.set("want", replaced(t.want, i, true)), 1),
    (t: PoliteState) => goto(t, t.want[1 - i] ? 2 : 3),
    lower,
    lower,
  ];
  return (s) => {
    const pc = s.pc[i]!;
    return [step(NAMES[pc]!, NAMES[pc]!, effects[pc]!)];
  };
}

export function politeThreadsDeclaration(): Declared<Fields, null> {
  return declared<Fields, null>({
    name: "polite-threads",
    config: null,
    state: POLITE_STATE,
    init: [POLITE_STATE.State()],
    threads: ([0, 1] as const).map((i) => ({
      name: `T${i}`,
      own: "pc",
      table: POLITE_STEPS,
      steps: threadSteps(i),
    })),
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
  });
}

export function politeThreadsModel() {
  return objectModel(politeThreadsDeclaration());
}
