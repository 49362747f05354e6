/**
 * `dims` threads each increment their own counter from 0 to `max`: exactly
 * (max + 1)^dims reachable states, every one a normal end or a step away
 * from one. Used to test the state count of the search.
 */
import { List } from "immutable";
import { type Declared, declared, objectModel } from "../../src/declared/model.js";
import { declareState, parts, type StateRecord } from "../../src/declared/state.js";
import { stepsOf, stepTable } from "../../src/declared/steps.js";
import { numberPart, shownEach } from "./parts.js";

/** Each thread's counter, its own part (shown as `[i]`, the names of the toy's old array state). */
export const COUNTER_GRID_STATE = declareState("CounterGridState", {
  counters: parts(numberPart("toy-counter-grid-counter"), {
    show: shownEach({ local: true, prefix: "" }),
  }),
});
type Fields = typeof COUNTER_GRID_STATE.fields;
export type CounterGridState = StateRecord<Fields>;

export const COUNTER_GRID_STEPS = stepTable<null, "inc">({ inc: "core" });
const step = stepsOf<CounterGridState, "inc">(COUNTER_GRID_STEPS);

export function counterGridDeclaration(dims: number, max: number): Declared<Fields, null> {
  // Each thread's effect, made once: a step is the same action every time.
  const inc = Array.from(
    { length: dims },
    (_, i) => (t: CounterGridState) => t.set("counters", t.counters.set(i, t.counters.get(i)! + 1)),
  );
  return declared<Fields, null>({
    name: "counter-grid",
    config: null,
    state: COUNTER_GRID_STATE,
    init: [COUNTER_GRID_STATE.State({ counters: List(Array(dims).fill(0)) })],
    threads: Array.from({ length: dims }, (_, i) => ({
      name: `C${i}`,
      own: ["counters", i] as const,
      table: COUNTER_GRID_STEPS,
      steps: (s) => (s.counters.get(i)! < max ? [step("inc", `c${i}++`, inc[i]!)] : []),
      unfinished: () => false,
    })),
    properties: [],
  });
}

export function counterGridModel(dims: number, max: number) {
  return objectModel(counterGridDeclaration(dims, max));
}
