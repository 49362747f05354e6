/**
 * `dims` threads each increment their own counter from 0 to `max`: exactly
 * (max + 1)^dims reachable states, every one a normal end or a step away
 * from one. Used to test the state count of the search.
 */
import type { Model } from "../../src/engine/index.js";

export type CounterGridState = readonly number[];

export function counterGridModel(dims: number, max: number): Model<CounterGridState, number> {
  return {
    name: "counter-grid",
    threads: Array.from({ length: dims }, (_, i) => `C${i}`),
    initStates: () => [Array(dims).fill(0)],
    actions: (s) =>
      s.flatMap((v, i) =>
        v < max ? [{ thread: `C${i}`, name: "inc", label: `c${i}++`, action: i }] : [],
      ),
    next: (s, i) => s.map((v, j) => (j === i ? v + 1 : v)),
    properties: [],
    encode: (s) => s,
    unfinished: () => [],
  };
}
