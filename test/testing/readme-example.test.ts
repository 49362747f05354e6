/** The README's example, as written there (imports from the sources instead of the package). */
import fc from "fast-check";
import { expect, it } from "vitest";
import { migrateSwapcacheModel, SCENARIO_DEFAULTS } from "../../src/index.js";
import { expectHolds, expectViolation, swapcheckProperty } from "../../src/testing/index.js";

const model = (variant: "swapcache-check" | "head-only") =>
  migrateSwapcacheModel({ ...SCENARIO_DEFAULTS, variant });

it("random schedules never break the v6.7+ fix", () => {
  fc.assert(swapcheckProperty(model("swapcache-check")), { numRuns: 500 });
});

it("the exhaustive search proves it and finds the bug without it", () => {
  expectHolds(model("swapcache-check"));
  expectViolation(model("head-only"), "cache-integrity", { maxTraceLength: 16 });
  expect(() =>
    expectViolation(model("head-only"), "cache-integrity", { maxTraceLength: 15 }),
  ).toThrow();
  expect(() => expectHolds(model("head-only"))).toThrow();
});
