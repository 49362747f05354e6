/**
 * swapcheck's API for model tests (`import ... from "swapcheck/testing"`):
 *
 * - exhaustive assertions, in the style of Stateright's `assert_discovery`
 *   and `assert_no_discovery`: `expectViolation(model, property)` and
 *   `expectHolds(model)` run the breadth-first search and throw a
 *   `SwapcheckAssertionError` when the model does not behave as claimed;
 * - fast-check properties over random schedules: `swapcheckProperty(model)`
 *   and `scenarioProperty(params, build)` fail with a `ScheduleViolation`
 *   when a schedule breaks an invariant, and fast-check shrinks it.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { expectHolds, expectViolation, swapcheckProperty } from "swapcheck/testing";
 *
 * it("the broken lock is caught, the fixed one holds", () => {
 *   expectViolation(naiveMutexModel(), "mutual-exclusion", { maxTraceLength: 4 });
 *   expectHolds(petersonModel());
 *   fc.assert(swapcheckProperty(petersonModel(), { maxSteps: 50 }));
 * });
 * ```
 */
export type { ExpectHoldsOptions, ExpectViolationOptions } from "./assertions.js";
export { expectHolds, expectViolation, SwapcheckAssertionError } from "./assertions.js";
export type { ScheduleOptions, ScheduleOutcome } from "./schedules.js";
export {
  runSchedule,
  ScheduleViolation,
  scenarioProperty,
  scheduleArbitrary,
  swapcheckProperty,
} from "./schedules.js";
