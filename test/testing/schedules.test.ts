/**
 * The fast-check side of src/testing: runSchedule, swapcheckProperty and
 * scenarioProperty on toy models (fail when they should, shrink to short
 * schedules, pass on correct models).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lockOrderModel, naiveMutexModel, petersonModel } from "../../models/toy/index.js";
import { search } from "../../src/engine/index.js";
import {
  runSchedule,
  ScheduleViolation,
  scenarioProperty,
  scheduleArbitrary,
  swapcheckProperty,
} from "../../src/testing/index.js";

const LONG = process.env.SWAPCHECK_LONG !== undefined;
const cases = (n: number) => (LONG ? 10 * n : n);

describe("runSchedule", () => {
  it("takes choice % enabled among the enabled steps and stops at the violation", () => {
    const model = naiveMutexModel();
    const out = runSchedule(model, [0, 1, 0, 1, 0, 0]);
    expect(out.property).toBe("mutual-exclusion");
    expect(out.explanation).toBe("in critical section: T0, T1");
    expect(out.trace.steps.map((s) => `${s.thread}: ${s.label}`)).toEqual([
      "T0: test: lock == 0",
      "T1: test: lock == 0",
      "T0: set: lock = 1",
      "T1: set: lock = 1",
    ]);
    expect(out.trace.steps.map((s) => s.index)).toEqual([0, 1, 0, 1]);
    // Choices are taken modulo the number of enabled steps (2 here).
    expect(runSchedule(model, [2, 5, 8, 3]).trace.steps).toEqual(out.trace.steps);
  });

  it("ends when the schedule is used up or no step is enabled", () => {
    const model = naiveMutexModel();
    expect(runSchedule(model, [0]).trace.steps).toHaveLength(1);
    expect(runSchedule(model, []).property).toBeNull();
    const all = runSchedule(model, Array(50).fill(0));
    expect(all.property).toBeNull();
    // Always the first enabled step: T0 runs to completion, then T1: 6 steps in all.
    expect(all.trace.steps).toHaveLength(6);
  });

  it("reports deadlocks unless told not to", () => {
    expect(runSchedule(lockOrderModel(), [0, 1]).property).toBe("deadlock");
    expect(runSchedule(lockOrderModel(), [0, 1], { checkDeadlock: false }).property).toBeNull();
  });

  it("rejects bad choices and initial states", () => {
    expect(() => runSchedule(naiveMutexModel(), [0, -1])).toThrow(RangeError);
    expect(() => runSchedule(naiveMutexModel(), [0.5])).toThrow(RangeError);
    expect(() => runSchedule(naiveMutexModel(), [], { initIndex: 1 })).toThrow(
      /no initial state 1/,
    );
  });

  it("schedules are arrays of small integers up to maxSteps", () => {
    fc.assert(
      fc.property(scheduleArbitrary({ maxSteps: 7, maxChoice: 3 }), (s) => {
        expect(s.length).toBeLessThanOrEqual(7);
        expect(s.every((c) => Number.isInteger(c) && c >= 0 && c <= 3)).toBe(true);
      }),
    );
  });
});

describe("swapcheckProperty", () => {
  it("fails on the naive mutex and shrinks the schedule to a shortest one", () => {
    const details = fc.check(swapcheckProperty(naiveMutexModel()), { seed: 1 });
    expect(details.failed).toBe(true);
    const [schedule] = details.counterexample!;
    expect(schedule).toHaveLength(search(naiveMutexModel()).trace!.steps.length);
    const err = details.errorInstance as ScheduleViolation;
    expect(err).toBeInstanceOf(ScheduleViolation);
    expect(err.property).toBe("mutual-exclusion");
    expect(err.explanation).toBe("in critical section: T0, T1");
    expect(err.labels).toHaveLength(4);
    expect(err.schedule).toEqual(schedule);
    expect(err.message).toMatch(/^mutual-exclusion violated after 4 steps: in critical section/);
    expect(err.message).toMatch(/\n {2}1\. T\d: test: lock == 0\n/);
  });

  it("fc.assert throws, the ScheduleViolation as the cause (or in the report when asked)", () => {
    let error: unknown;
    try {
      fc.assert(swapcheckProperty(naiveMutexModel()), { seed: 2 });
    } catch (err) {
      error = err;
    }
    expect((error as Error).message).toMatch(/Counterexample: \[\[\d+,\d+,\d+,\d+\]\]/);
    const cause = (error as Error).cause as ScheduleViolation;
    expect(cause).toBeInstanceOf(ScheduleViolation);
    expect(cause.message).toMatch(
      /mutual-exclusion violated after 4 steps: in critical section: T0, T1[\s\S]*4\. T\d: set: lock = 1/,
    );
    expect(() =>
      fc.assert(swapcheckProperty(naiveMutexModel()), { seed: 2, includeErrorInReport: true }),
    ).toThrow(/mutual-exclusion violated after 4 steps/);
  });

  it("passes on Peterson's algorithm", () => {
    fc.assert(swapcheckProperty(petersonModel(), { maxSteps: 80 }), { numRuns: cases(300) });
  });

  it("fails on the AB-BA deadlock unless deadlocks are not checked", () => {
    const details = fc.check(swapcheckProperty(lockOrderModel()), { seed: 3 });
    expect(details.failed).toBe(true);
    expect((details.errorInstance as ScheduleViolation).property).toBe("deadlock");
    expect(details.counterexample![0]).toHaveLength(2);
    fc.assert(swapcheckProperty(lockOrderModel(), { checkDeadlock: false }), {
      numRuns: cases(200),
    });
  });
});

describe("scenarioProperty", () => {
  it("generates parameters too, and shrinks them with the schedule", () => {
    const threads = fc.integer({ min: 1, max: 5 });
    const details = fc.check(
      scenarioProperty(threads, (n) => naiveMutexModel(n)),
      { seed: 4 },
    );
    expect(details.failed).toBe(true);
    const [n, schedule] = details.counterexample!;
    // One thread cannot break mutual exclusion; two are the fewest that can.
    expect(n).toBe(2);
    expect(schedule).toHaveLength(4);
    expect(runSchedule(naiveMutexModel(n), schedule).property).toBe("mutual-exclusion");
  });

  it("passes when every generated model is correct", () => {
    fc.assert(
      scenarioProperty(fc.constant(null), () => petersonModel(), { maxSteps: 40 }),
      { numRuns: cases(200) },
    );
  });
});
