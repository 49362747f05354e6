/**
 * Two forms of one declared model (the object model and the compiled
 * model) explore the same thing: verdict, property, explanation, state and
 * transition counts, coverage, counterexample labels and the last state's
 * variables.
 */
import { expect } from "vitest";
import { type Model, type SearchResult, search } from "../../src/engine/index.js";

export function expectSameExploration<S, A, T, B>(
  object: Model<S, A>,
  compiled: Model<T, B>,
): { a: SearchResult<S>; b: SearchResult<T> } {
  const a = search(object);
  const b = search(compiled);
  expect(b.verdict).toBe(a.verdict);
  expect(b.property).toBe(a.property);
  expect(b.explanation).toBe(a.explanation);
  expect(b.stats.distinctStates).toBe(a.stats.distinctStates);
  expect(b.stats.transitions).toBe(a.stats.transitions);
  expect(b.coverage).toEqual(a.coverage);
  expect(b.trace?.steps.map((s) => s.label)).toEqual(a.trace?.steps.map((s) => s.label));
  if (a.trace && b.trace) {
    const lastA = a.trace.steps.at(-1)?.state ?? a.trace.init;
    const lastB = b.trace.steps.at(-1)?.state ?? b.trace.init;
    expect(compiled.variables!(lastB)).toEqual(object.variables!(lastA));
  }
  return { a, b };
}
