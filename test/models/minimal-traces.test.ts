/**
 * Every counterexample of the verdict table is of minimal length, checked
 * two independent ways (a plain reference BFS written in the test, and the
 * engine's --exact mode), and replays: each recorded step is enabled in the
 * state before it, and only the last state violates the reported property.
 */
import { describe, expect, it } from "vitest";
import { MAPPINGS, VARIANTS } from "../../models/migrate-swapcache/params.js";
import { search } from "../../src/engine/index.js";
import { referenceViolationDepth, scenario } from "./scenario-helpers.js";

const configs = [1, 2, 3].flatMap((order) =>
  [2, 3].flatMap((chunkShift) =>
    VARIANTS.flatMap((v) =>
      MAPPINGS.map((m) => ({ variant: v.value, mapping: m.value, order, chunkShift })),
    ),
  ),
);

describe("counterexamples are shortest and replay", () => {
  const violated = configs.filter((c) => search(scenario(c)).verdict === "violated");

  it("the table has violated cells to check", () => {
    expect(violated.length).toBeGreaterThan(20);
  });

  it.each(violated)("%o", (config) => {
    const model = scenario(config);
    const r = search(model);
    const trace = r.trace!;
    expect(trace.steps.length).toBe(referenceViolationDepth(model));
    expect(search(model, { exact: true }).trace!.steps.length).toBe(trace.steps.length);

    // Replay by label: each step must be enabled where the trace says.
    let state = model.initStates()[trace.initIndex]!;
    const bad = (s: typeof state) => model.properties.some((p) => !p.holds(s));
    expect(bad(state)).toBe(false);
    trace.steps.forEach((recorded, i) => {
      const enabled = model
        .actions(state)
        .filter((a) => a.thread === recorded.thread && a.label === recorded.label);
      expect(enabled, `step ${i + 1} ${recorded.label}`).toHaveLength(1);
      state = model.next(state, enabled[0]!.action);
      const last = i === trace.steps.length - 1;
      expect(bad(state)).toBe(last);
    });
    const prop = model.properties.find((p) => p.name === r.property)!;
    expect(prop.holds(state)).toBe(false);
  });
});
