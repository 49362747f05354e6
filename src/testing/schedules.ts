/**
 * Random schedules as fast-check values: a schedule is an array of small
 * integers, each choosing one step among those enabled (modulo their
 * count). fast-check generates schedules, runs them on a model, and on a
 * failure shrinks the schedule (drops choices, lowers them towards 0, the
 * first enabled step) to a short one that still breaks the invariant.
 */
import fc from "fast-check";
import type { Model, Trace, TraceStep } from "../engine/index.js";

export interface ScheduleOptions {
  /** The longest schedule generated: at most this many steps per run (default 100). */
  readonly maxSteps?: number;
  /** The largest choice generated (default 31); a choice is taken modulo the enabled count. */
  readonly maxChoice?: number;
  /** Which initial state runs start from (default 0, the first). */
  readonly initIndex?: number;
  /** Also fail on a deadlock: no step enabled while a thread is unfinished (default true). */
  readonly checkDeadlock?: boolean;
}

/** What one schedule did on a model. */
export interface ScheduleOutcome<S> {
  /** The steps taken (each step's `index` is the choice modulo the enabled count). */
  readonly trace: Trace<S>;
  /** The violated "always" property, "deadlock", or null when the run was fine. */
  readonly property: string | null;
  /** The property's explanation of the last state, when it gives one. */
  readonly explanation: string | null;
}

/** Thrown by the properties below: a schedule broke an invariant (or deadlocked). */
export class ScheduleViolation extends Error {
  override readonly name = "ScheduleViolation";
  constructor(
    /** The violated property, or "deadlock". */
    readonly property: string,
    readonly explanation: string | null,
    /** `thread: label` of each step taken, in order. */
    readonly labels: readonly string[],
    /** The choices actually used (the schedule's prefix that led to the violation). */
    readonly schedule: readonly number[],
  ) {
    const why = explanation ? `: ${explanation}` : "";
    const steps = labels.map((l, i) => `  ${i + 1}. ${l}`).join("\n");
    super(
      `${property === "deadlock" ? "deadlock" : `${property} violated`} after ${labels.length} ` +
        `steps${why}\nschedule [${schedule.join(",")}]:${steps ? `\n${steps}` : " (no steps)"}`,
    );
  }
}

function firstFailure<S, A>(
  model: Model<S, A>,
  state: S,
  enabled: number,
  checkDeadlock: boolean,
): { property: string; explanation: string | null } | null {
  for (const p of model.properties) {
    if (p.kind === "always" && !p.holds(state)) {
      return { property: p.name, explanation: p.explain?.(state) ?? null };
    }
  }
  if (checkDeadlock && enabled === 0) {
    const stuck = model.unfinished?.(state) ?? [];
    if (stuck.length > 0) {
      return {
        property: "deadlock",
        explanation: `no step enabled; unfinished: ${stuck.join(", ")}`,
      };
    }
  }
  return null;
}

/**
 * Runs `schedule` on `model` from its initial state `options.initIndex`
 * (default 0): choice i takes step `choice % enabled.length` among the
 * steps enabled before it. Stops at the first violated "always" property
 * (or deadlock), when no step is enabled, or when the schedule is used up.
 *
 * @example
 * ```ts
 * const { trace, property } = runSchedule(naiveMutexModel(), [0, 1, 0, 0]);
 * // property === "mutual-exclusion", trace.steps.length === 4
 * ```
 */
export function runSchedule<S, A>(
  model: Model<S, A>,
  schedule: readonly number[],
  options: Pick<ScheduleOptions, "initIndex" | "checkDeadlock"> = {},
): ScheduleOutcome<S> {
  const initIndex = options.initIndex ?? 0;
  const init = model.initStates()[initIndex];
  if (init === undefined)
    throw new RangeError(`model ${model.name} has no initial state ${initIndex}`);
  const checkDeadlock = options.checkDeadlock !== false;
  const steps: TraceStep<S>[] = [];
  let state: S = init;
  let enabled = model.actions(state);
  for (let i = 0; ; i++) {
    const bad = firstFailure(model, state, enabled.length, checkDeadlock);
    if (bad) return { trace: { initIndex, init, steps }, ...bad };
    if (i >= schedule.length || enabled.length === 0) break;
    const choice = schedule[i]!;
    if (!Number.isInteger(choice) || choice < 0) {
      throw new RangeError(`schedule choice ${i} is ${choice}, not a non-negative integer`);
    }
    const index = choice % enabled.length;
    const step = enabled[index]!;
    state = model.next(state, step.action);
    steps.push({ thread: step.thread, name: step.name, label: step.label, index, state });
    enabled = model.actions(state);
  }
  return { trace: { initIndex, init, steps }, property: null, explanation: null };
}

/** The fast-check arbitrary of schedules (arrays of choices) the properties use. */
export function scheduleArbitrary(options: ScheduleOptions = {}): fc.Arbitrary<number[]> {
  const maxSteps = options.maxSteps ?? 100;
  const maxChoice = options.maxChoice ?? 31;
  return fc.array(fc.nat({ max: maxChoice }), { maxLength: maxSteps, size: "max" });
}

/** Runs `schedule`, throwing a ScheduleViolation when it breaks the model. */
function check<S, A>(model: Model<S, A>, schedule: readonly number[], options: ScheduleOptions) {
  const out = runSchedule(model, schedule, options);
  if (out.property !== null) {
    throw new ScheduleViolation(
      out.property,
      out.explanation,
      out.trace.steps.map((s) => `${s.thread}: ${s.label}`),
      schedule.slice(0, out.trace.steps.length),
    );
  }
}

/**
 * A fast-check property (for `fc.assert` or `fc.check`) over random
 * schedules of `model` (see `runSchedule`): it fails, with a
 * `ScheduleViolation` naming the property, its explanation and the labels
 * of the steps taken, when a schedule reaches a state that violates an
 * "always" property (or deadlocks, unless `checkDeadlock: false`).
 * fast-check then shrinks the schedule. Unlike `expectHolds`, passing
 * proves nothing: it only samples runs.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { swapcheckProperty } from "swapcheck/testing";
 *
 * it("random schedules keep the cache consistent", () => {
 *   fc.assert(swapcheckProperty(myModel, { maxSteps: 60 }), { numRuns: 500 });
 * });
 *
 * // Inspect the shrunk counterexample instead of throwing:
 * const details = fc.check(swapcheckProperty(brokenModel));
 * if (details.failed) console.log(runSchedule(brokenModel, details.counterexample![0]).trace);
 * ```
 */
export function swapcheckProperty<S, A>(
  model: Model<S, A>,
  options: ScheduleOptions = {},
): fc.IPropertyWithHooks<[number[]]> {
  return fc.property(scheduleArbitrary(options), (schedule) => {
    check(model, schedule, options);
  });
}

/**
 * Like `swapcheckProperty`, but fast-check also generates the model's
 * parameters: each run builds `build(params)` and runs a random schedule on
 * it. On a failure both the parameters and the schedule are shrunk.
 *
 * @example
 * ```ts
 * const params = fc.record({
 *   variant: fc.constantFrom("per-page", "swapcache-check"),
 *   order: fc.integer({ min: 1, max: 3 }),
 * });
 * fc.assert(
 *   scenarioProperty(params, (p) => migrateSwapcacheModel({ ...DEFAULTS, ...p })),
 *   { numRuns: 200 },
 * );
 * ```
 */
export function scenarioProperty<P, S, A>(
  params: fc.Arbitrary<P>,
  build: (params: P) => Model<S, A>,
  options: ScheduleOptions = {},
): fc.IPropertyWithHooks<[P, number[]]> {
  return fc.property(params, scheduleArbitrary(options), (p, schedule) => {
    check(build(p), schedule, options);
  });
}
