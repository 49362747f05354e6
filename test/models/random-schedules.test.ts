/**
 * Random schedules on the reference scenario (anon-swap, order 2, chunk
 * shift 2, every optional thread), through the fast-check API of
 * src/testing: the fixed stores never break an invariant on any sampled
 * schedule, and the v5.17..v6.6 `head-only` store is caught, with a
 * counterexample that fast-check shrinks to near the BFS minimum. Random
 * walks of the simulator agree.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { migrateSwapcacheModel } from "../../models/migrate-swapcache/index.js";
import type { Variant } from "../../models/migrate-swapcache/params.js";
import { search } from "../../src/engine/index.js";
import { simulate } from "../../src/engine/simulate.js";
import {
  runSchedule,
  ScheduleViolation,
  scenarioProperty,
  swapcheckProperty,
} from "../../src/testing/index.js";
import { CLASSIC } from "./scenario-helpers.js";

const LONG = process.env.SWAPCHECK_LONG !== undefined;
const cases = (n: number) => (LONG ? 10 * n : n);

const FIXED: readonly Variant[] = [
  "swapcache-check",
  "swapbacked-check",
  "sibling-check",
  "per-page",
];

const reference = (variant: Variant) =>
  migrateSwapcacheModel({ ...CLASSIC, variant, mapping: "anon-swap" });

describe("random schedules on the reference scenario (anon-swap)", () => {
  it.each(FIXED)("%s: no sampled schedule breaks an invariant", (variant) => {
    fc.assert(swapcheckProperty(reference(variant)), { numRuns: cases(1000) });
  });

  it("head-only: the race is found and shrunk to at most 3× the BFS minimum", () => {
    const model = reference("head-only");
    const minimum = search(model).trace!.steps.length;
    expect(minimum).toBe(16);
    const details = fc.check(swapcheckProperty(model), { numRuns: cases(1000) });
    expect(details.failed, "no schedule found the head-only race").toBe(true);
    const seed = `fast-check seed ${details.seed}`;
    const [schedule] = details.counterexample!;
    const error = details.errorInstance as ScheduleViolation;
    expect(error, seed).toBeInstanceOf(ScheduleViolation);
    expect(error.property, seed).toBe("cache-integrity");
    expect(error.explanation, seed).toMatch(/which is not in the swap cache/);
    expect(error.message).toMatch(/^cache-integrity violated after \d+ steps: /);
    // Only the choices up to the violation count; shrinking drops the rest.
    expect(error.schedule).toEqual(schedule);
    expect(schedule.length, seed).toBeGreaterThanOrEqual(minimum);
    expect(schedule.length, seed).toBeLessThanOrEqual(3 * minimum);
    // The shrunk schedule replays to the violation, and only its last state breaks it.
    const out = runSchedule(model, schedule);
    expect(out.property).toBe("cache-integrity");
    expect(out.trace.steps).toHaveLength(schedule.length);
    expect(out.trace.steps.map((s) => `${s.thread}: ${s.label}`)).toEqual(error.labels);
    const bad = (s: unknown) =>
      model.properties.some((p) => p.kind === "always" && !p.holds(s as never));
    expect(out.trace.steps.slice(0, -1).some((s) => bad(s.state))).toBe(false);
    // The race needs migration's store and reclaim's add_to_swap.
    expect(error.labels.some((l) => l.startsWith("migrate: folio_migrate_mapping"))).toBe(true);
    expect(error.labels.some((l) => l.startsWith("reclaim: add_to_swap"))).toBe(true);
  });

  it("fast-check also generates parameters: fixed stores hold for order 1..3, chunk shift 2..3", () => {
    const params = fc.record({
      variant: fc.constantFrom(...FIXED),
      order: fc.integer({ min: 1, max: 3 }),
      chunkShift: fc.integer({ min: 2, max: 3 }),
    });
    fc.assert(
      scenarioProperty(params, (p) =>
        migrateSwapcacheModel({ ...CLASSIC, ...p, mapping: "anon-swap" }),
      ),
      { numRuns: cases(300) },
    );
  });

  it("head-only: parameters shrink with the schedule, to order 1, chunk shift 2", () => {
    const params = fc.record({
      order: fc.integer({ min: 1, max: 3 }),
      chunkShift: fc.integer({ min: 2, max: 3 }),
    });
    const details = fc.check(
      scenarioProperty(params, (p) =>
        migrateSwapcacheModel({ ...CLASSIC, ...p, variant: "head-only", mapping: "anon-swap" }),
      ),
      { numRuns: cases(1000) },
    );
    expect(details.failed).toBe(true);
    const [p, schedule] = details.counterexample!;
    expect(p, `fast-check seed ${details.seed}`).toEqual({ order: 1, chunkShift: 2 });
    expect(schedule.length).toBeLessThanOrEqual(3 * 16);
  });

  it("random walks (plain and swarm) find the head-only race and nothing on the fixed stores", () => {
    for (const swarm of [false, true]) {
      const found = simulate(reference("head-only"), { runs: 200, depth: 100, seed: 1, swarm });
      expect(found.firstViolation?.property).toBe("cache-integrity");
      expect(found.firstViolation!.trace!.steps.length).toBeGreaterThanOrEqual(16);
      for (const variant of FIXED) {
        const r = simulate(reference(variant), {
          runs: cases(100),
          depth: 100,
          seed: 2,
          swarm,
          keepGoing: true,
        });
        expect(r.firstViolation, `${variant}, swarm ${swarm}`).toBeNull();
      }
    }
  });
});
