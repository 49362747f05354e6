/** Test helpers for schedules: a run's product, and an independent check that a trace follows a schedule. */
import { expect } from "vitest";
import { findModel, type ModelEntry, type ModelRun } from "../../models/registry.js";
import {
  checkLiveness,
  type Model,
  type SearchResult,
  search,
  type TraceStep,
} from "../../src/engine/index.js";
import { type CompiledSchedule, compileSchedule } from "../../src/schedule/compile.js";
import { parseSchedule } from "../../src/schedule/parse.js";
import { scheduleProduct, unwrapScheduled } from "../../src/schedule/product.js";

export function entry(name: string): ModelEntry {
  const e = findModel(name);
  if (!e) throw new Error(`no model ${name}`);
  return e;
}

export function oneRun(name: string, raw: Record<string, string> = {}): ModelRun {
  const runs = entry(name).configure(raw);
  expect(runs).toHaveLength(1);
  return runs[0]!;
}

export function compileFor(run: ModelRun, modelName: string, text: string): CompiledSchedule {
  return compileSchedule(parseSchedule("t.schedule", text), {
    model: modelName,
    raw: run.raw,
    threads: run.model.threads,
    ...(run.catalogue ? { catalogue: run.catalogue } : {}),
  });
}

export interface ScheduledOutcome {
  readonly result: SearchResult<unknown>;
  readonly infeasible: string | null;
}

/** Explores the product as `check --schedule` does (liveness when asked). */
export function checkWithSchedule(
  model: Model<unknown, unknown>,
  schedule: CompiledSchedule,
  opts: { liveness?: boolean; scheduleOnly?: boolean; checkDeadlock?: boolean } = {},
): ScheduledOutcome {
  const product = scheduleProduct(model, schedule, { scheduleOnly: opts.scheduleOnly ?? false });
  const options = { checkDeadlock: opts.checkDeadlock ?? true };
  const raw = opts.liveness
    ? checkLiveness(product.model, options)
    : search(product.model, options);
  const result = unwrapScheduled(raw);
  return { result, infeasible: result.verdict === "holds" ? product.infeasibility() : null };
}

/** Only the named property (and cover goals), as `--property NAME` selects. */
export function only(model: Model<unknown, unknown>, property: string): Model<unknown, unknown> {
  return {
    ...model,
    properties: model.properties.filter((p) => p.name === property || p.kind === "sometimes"),
  };
}

/**
 * Whether a sequence of steps follows the schedule, read from the
 * definition in docs/schedules.md and written again here independently of
 * the product: returns the number of rows completed, or the index of the
 * first step the schedule does not allow as `{ bad }`.
 */
export function follow(
  steps: readonly Pick<TraceStep<unknown>, "thread" | "name">[],
  schedule: CompiledSchedule,
  scheduleOnly = false,
): { rows: number } | { bad: number } {
  let row = 0;
  let done = new Set<number>();
  const happened = new Set<string>();
  for (const [i, s] of steps.entries()) {
    const key = `${s.thread}:${s.name}`;
    for (const c of schedule.constraints) {
      if (
        `${c.after.thread}:${c.after.step}` === key &&
        !happened.has(`${c.before.thread}:${c.before.step}`)
      ) {
        return { bad: i };
      }
    }
    happened.add(key);
    const r = schedule.rows[row];
    if (!r) {
      if (scheduleOnly && !schedule.endFree.has(s.thread)) return { bad: i };
      continue;
    }
    const cell = r.cells.findIndex(
      (c, j) => !done.has(j) && c.thread === s.thread && c.step === s.name,
    );
    if (cell >= 0) {
      done.add(cell);
      if (done.size === r.cells.length) {
        row++;
        done = new Set();
      }
    } else if (!r.free.has(s.thread)) {
      return { bad: i };
    }
  }
  return { rows: row };
}
