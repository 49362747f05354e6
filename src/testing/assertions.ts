/**
 * Exhaustive assertions for model tests, in the style of Stateright's
 * `assert_discovery` / `assert_no_discovery`: they run the engine's
 * breadth-first `search` and throw a `SwapcheckAssertionError` (with the
 * search result attached) when the model does not behave as claimed. They
 * use no test framework, so they work under vitest, node:test or jest.
 */
import { type Model, type SearchOptions, type SearchResult, search } from "../engine/index.js";

/** Thrown by `expectViolation` and `expectHolds`; `result` is the search's answer. */
export class SwapcheckAssertionError extends Error {
  override readonly name = "SwapcheckAssertionError";
  constructor(
    message: string,
    readonly result: SearchResult<unknown>,
  ) {
    super(message);
  }
}

/** The model with only the "always" properties `keep` accepts (other kinds stay). */
function withInvariants<S, A>(model: Model<S, A>, keep: (name: string) => boolean): Model<S, A> {
  return {
    name: model.name,
    threads: model.threads,
    initStates: () => model.initStates(),
    actions: (s) => model.actions(s),
    next: (s, a) => model.next(s, a),
    properties: model.properties.filter((p) => p.kind !== "always" || keep(p.name)),
    encode: (s) => model.encode(s),
    unfinished: model.unfinished && ((s) => model.unfinished!(s)),
    variables: model.variables && ((s) => model.variables!(s)),
  };
}

function traceLines(result: SearchResult<unknown>): string {
  const steps = result.trace?.steps ?? [];
  return steps.map((s, i) => `\n  ${i + 1}. ${s.thread}: ${s.label}`).join("");
}

function found(result: SearchResult<unknown>): string {
  const what = result.verdict === "deadlock" ? "deadlock" : `${result.property} violated`;
  const why = result.explanation ? `: ${result.explanation}` : "";
  return `${what} after ${result.trace?.steps.length ?? 0} steps${why}${traceLines(result)}`;
}

export interface ExpectViolationOptions {
  /** Fail when the shortest counterexample is longer than this. */
  readonly maxTraceLength?: number;
  /** Passed to `search` (bounds, exact mode...). */
  readonly search?: SearchOptions;
}

/**
 * Asserts that `property` (an "always" property of the model, or
 * `"deadlock"`) can be violated: runs an exhaustive breadth-first search
 * for that property alone (the other invariants are left out, and deadlocks
 * are only looked for when `property` is `"deadlock"`) and throws a
 * `SwapcheckAssertionError` unless it finds a counterexample, of at most
 * `maxTraceLength` steps when given. Returns the search result, whose
 * trace is a shortest counterexample.
 *
 * @example
 * ```ts
 * import { expectViolation } from "swapcheck/testing";
 *
 * it("the test-then-set lock is broken in 4 steps", () => {
 *   const r = expectViolation(naiveMutexModel(), "mutual-exclusion", { maxTraceLength: 4 });
 *   expect(r.trace!.steps.map((s) => s.thread)).toEqual(["T0", "T1", "T0", "T1"]);
 * });
 * ```
 */
export function expectViolation<S, A>(
  model: Model<S, A>,
  property: string,
  options: ExpectViolationOptions = {},
): SearchResult<S> {
  const deadlock = property === "deadlock";
  if (!deadlock && !model.properties.some((p) => p.kind === "always" && p.name === property)) {
    const known = model.properties.filter((p) => p.kind === "always").map((p) => p.name);
    throw new Error(
      `expectViolation: model ${model.name} has no invariant '${property}'; ` +
        `it has: ${[...known, "deadlock"].join(", ")}`,
    );
  }
  const only = withInvariants(model, (name) => !deadlock && name === property);
  const result = search(only, { ...options.search, checkDeadlock: deadlock });
  const fail = (message: string): never => {
    throw new SwapcheckAssertionError(
      `expected ${deadlock ? "a deadlock" : `a violation of ${property}`} in ${model.name}, but ${message}`,
      result,
    );
  };
  if (result.verdict === "holds") fail("the search is complete and found none");
  if (result.verdict === "incomplete") {
    fail(`the search stopped at a bound (${result.incompleteReason}) before finding one`);
  }
  const length = result.trace!.steps.length;
  const max = options.maxTraceLength;
  if (max !== undefined && length > max) {
    fail(`its shortest counterexample has ${length} steps, more than ${max}:${traceLines(result)}`);
  }
  return result;
}

export interface ExpectHoldsOptions {
  /** Passed to `search` (bounds, deadlock checking, exact mode...). */
  readonly search?: SearchOptions;
}

/**
 * Asserts that every "always" property holds in every reachable state and
 * that no state deadlocks (unless `search.checkDeadlock` is false): runs an
 * exhaustive breadth-first search and throws a `SwapcheckAssertionError`
 * unless its verdict is `holds`. A search cut short by a bound
 * (`search.maxStates`, `maxDepth`, `maxSeconds`) proves nothing, so it
 * fails too. Returns the search result (stats, coverage, cover goals).
 *
 * @example
 * ```ts
 * import { expectHolds } from "swapcheck/testing";
 *
 * it("Peterson's algorithm is a mutex", () => {
 *   const r = expectHolds(petersonModel());
 *   expect(r.covered.get("P0-enters")).toBe(true);
 * });
 * ```
 */
export function expectHolds<S, A>(
  model: Model<S, A>,
  options: ExpectHoldsOptions = {},
): SearchResult<S> {
  const result = search(model, options.search);
  if (result.verdict === "holds") return result;
  const message =
    result.verdict === "incomplete"
      ? `the search stopped at a bound (${result.incompleteReason}) after ` +
        `${result.stats.distinctStates} states: nothing is proved`
      : found(result);
  throw new SwapcheckAssertionError(
    `expected every property of ${model.name} to hold, but ${message}`,
    result,
  );
}
