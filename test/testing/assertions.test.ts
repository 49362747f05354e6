/**
 * expectViolation / expectHolds (src/testing): they pass exactly when the
 * exhaustive search says so, and fail with a SwapcheckAssertionError
 * carrying the search result otherwise. A search cut short never passes.
 */
import { describe, expect, it } from "vitest";
import {
  counterGridModel,
  lockOrderModel,
  naiveMutexModel,
  petersonModel,
} from "../../models/toy/index.js";
import type { Model, Step } from "../../src/engine/index.js";
import { expectHolds, expectViolation, SwapcheckAssertionError } from "../../src/testing/index.js";

/** The error `fn` throws (fails the test if it throws none). */
function thrown(fn: () => unknown): SwapcheckAssertionError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SwapcheckAssertionError);
    return err as SwapcheckAssertionError;
  }
  throw new Error("expected an error, none was thrown");
}

/** naive-mutex with a second invariant that breaks earlier (after 2 steps). */
function withEarlyInvariant() {
  const base = naiveMutexModel();
  return {
    ...base,
    properties: [
      ...base.properties,
      {
        name: "never-locked",
        kind: "always" as const,
        description: "The lock is never taken.",
        holds: (s: { locked: boolean }) => !s.locked,
      },
    ],
  };
}

/** A model written as a class (methods on the prototype): two counters that must not both reach 2. */
class TwoCounters implements Model<readonly [number, number], 0 | 1> {
  readonly name = "two-counters";
  readonly threads = ["A", "B"];
  readonly properties = [
    {
      name: "not-both-two",
      kind: "always" as const,
      description: "The counters are never both 2.",
      holds: (s: readonly [number, number]) => !(s[0] === 2 && s[1] === 2),
    },
  ];
  private readonly max = 3;
  initStates() {
    return [[0, 0] as const];
  }
  actions(s: readonly [number, number]): Step<0 | 1>[] {
    return ([0, 1] as const)
      .filter((i) => s[i] < this.max)
      .map((i) => ({ thread: this.threads[i]!, name: "inc", label: `c${i}++`, action: i }));
  }
  next(s: readonly [number, number], i: 0 | 1): readonly [number, number] {
    return i === 0 ? [s[0] + 1, s[1]] : [s[0], s[1] + 1];
  }
  encode(s: readonly [number, number]) {
    return [...s];
  }
}

describe("expectViolation", () => {
  it("passes on the naive mutex and returns a shortest counterexample", () => {
    const r = expectViolation(naiveMutexModel(), "mutual-exclusion");
    expect(r.verdict).toBe("violated");
    expect(r.trace!.steps).toHaveLength(4);
    expect(
      expectViolation(naiveMutexModel(), "mutual-exclusion", { maxTraceLength: 4 }).property,
    ).toBe("mutual-exclusion");
  });

  it("fails when the shortest counterexample is longer than maxTraceLength", () => {
    const err = thrown(() =>
      expectViolation(naiveMutexModel(), "mutual-exclusion", { maxTraceLength: 3 }),
    );
    expect(err.message).toMatch(
      /^expected a violation of mutual-exclusion in naive-mutex, but its shortest counterexample has 4 steps, more than 3:/,
    );
    expect(err.message).toMatch(/1\. T\d: test: lock == 0/);
    expect(err.result.verdict).toBe("violated");
  });

  it("fails when the property holds after a complete search", () => {
    const err = thrown(() => expectViolation(petersonModel(), "mutual-exclusion"));
    expect(err.message).toBe(
      "expected a violation of mutual-exclusion in peterson, but the search is complete and found none",
    );
    expect(err.result.verdict).toBe("holds");
  });

  it("fails when a bound cut the search short before a violation", () => {
    const err = thrown(() =>
      expectViolation(naiveMutexModel(), "mutual-exclusion", { search: { maxDepth: 2 } }),
    );
    expect(err.message).toMatch(/the search stopped at a bound \(max-depth\) before finding one/);
    expect(err.result.verdict).toBe("incomplete");
  });

  it("looks for the named property alone, even when another one breaks first", () => {
    const model = withEarlyInvariant();
    expect(expectHolds.bind(null, model)).toThrow(/never-locked violated after 2 steps/);
    expect(
      expectViolation(model, "mutual-exclusion", { maxTraceLength: 4 }).trace!.steps,
    ).toHaveLength(4);
    expect(expectViolation(model, "never-locked").trace!.steps).toHaveLength(2);
  });

  it("finds deadlocks when asked for 'deadlock', and not otherwise", () => {
    const r = expectViolation(lockOrderModel(), "deadlock", { maxTraceLength: 2 });
    expect(r.verdict).toBe("deadlock");
    expect(r.explanation).toBe("no step enabled; unfinished: T0, T1");
    // naive-mutex never deadlocks, and a deadlock does not count as an invariant's violation.
    const err = thrown(() => expectViolation(naiveMutexModel(), "deadlock"));
    expect(err.message).toMatch(/expected a deadlock in naive-mutex, but the search is complete/);
  });

  it("rejects a property the model does not have", () => {
    expect(() => expectViolation(naiveMutexModel(), "no-such")).toThrow(
      "expectViolation: model naive-mutex has no invariant 'no-such'; it has: mutual-exclusion, deadlock",
    );
    // A cover goal is not an invariant.
    expect(() => expectViolation(petersonModel(), "P0-enters")).toThrow(/no invariant 'P0-enters'/);
  });

  it("works on a model written as a class", () => {
    const r = expectViolation(new TwoCounters(), "not-both-two", { maxTraceLength: 4 });
    expect(r.trace!.steps).toHaveLength(4);
  });
});

describe("expectHolds", () => {
  it("passes on Peterson's algorithm and returns the search result", () => {
    const r = expectHolds(petersonModel());
    expect(r.verdict).toBe("holds");
    expect(r.covered.get("P0-enters")).toBe(true);
    expect(expectHolds(counterGridModel(3, 4)).stats.distinctStates).toBe(125);
  });

  it("fails on the naive mutex, naming the property, its explanation and the steps", () => {
    const err = thrown(() => expectHolds(naiveMutexModel()));
    expect(err.message).toMatch(
      /^expected every property of naive-mutex to hold, but mutual-exclusion violated after 4 steps: in critical section: T0, T1\n {2}1\. T\d: test: lock == 0\n/,
    );
    expect(err.message.split("\n")).toHaveLength(5);
    expect(err.result).toMatchObject({ verdict: "violated", property: "mutual-exclusion" });
  });

  it("fails on a deadlock unless deadlocks are not checked", () => {
    const err = thrown(() => expectHolds(lockOrderModel()));
    expect(err.message).toMatch(/but deadlock after 2 steps: no step enabled; unfinished: T0, T1/);
    expect(expectHolds(lockOrderModel(), { search: { checkDeadlock: false } }).verdict).toBe(
      "holds",
    );
  });

  it("never passes a search cut short by a bound", () => {
    for (const search of [{ maxStates: 10 }, { maxDepth: 3 }] as const) {
      const err = thrown(() => expectHolds(counterGridModel(3, 4), { search }));
      expect(err.message).toMatch(/the search stopped at a bound \(max-(states|depth)\)/);
      expect(err.message).toMatch(/nothing is proved$/);
      expect(err.result.verdict).toBe("incomplete");
    }
  });

  it("fails on a model written as a class", () => {
    expect(() => expectHolds(new TwoCounters())).toThrow(/not-both-two violated after 4 steps/);
  });
});
