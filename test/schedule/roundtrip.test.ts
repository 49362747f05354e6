/**
 * Tables out and back in, for every violated cell of the verdict matrix
 * (migrate-swapcache's `prove` matrix at its smallest chunk shift, as
 * `prove` enumerates it): the counterexample the search finds, printed as
 * `--format table` prints it, then checked with the table as a schedule
 * (only that property, as `--property` selects), gives the same property
 * and the same length. Verdicts come from the searches, none is written here.
 */
import { describe, expect, it } from "vitest";
import type { ModelRun } from "../../models/registry.js";
import { expandNumbers } from "../../src/cli/model-options.js";
import { raceTable } from "../../src/cli/report/table.js";
import { checkLiveness, type Model, type SearchResult, search } from "../../src/engine/index.js";
import { checkWithSchedule, compileFor, entry, only } from "./helpers.js";

const MODEL = "migrate-swapcache";

const isLiveness = (kind: string) => kind === "always-eventually" || kind === "eventually";

/** The cell's search, as prove runs it (liveness too, weak fairness, deadlocks). */
function cellResult(run: ModelRun): SearchResult<unknown> {
  return run.model.properties.some((p) => isLiveness(p.kind))
    ? checkLiveness(run.model)
    : search(run.model);
}

/** What `--property P` (or `--invariants none` for a deadlock) leaves of the model. */
function selected(model: Model<unknown, unknown>, property: string): Model<unknown, unknown> {
  return property === "deadlock"
    ? { ...model, properties: model.properties.filter((p) => p.kind === "sometimes") }
    : only(model, property);
}

/** The counterexample as `--format table` prints it, checked back with only its property. */
function checkBack(run: ModelRun, model: Model<unknown, unknown>, found: SearchResult<unknown>) {
  const trace = found.trace!;
  const property = found.property!;
  const text = raceTable({
    model: MODEL,
    raw: run.raw,
    threads: run.model.threads,
    steps: trace.steps,
    ...(trace.loopStart !== undefined ? { loopStart: trace.loopStart } : {}),
  });
  const schedule = compileFor(run, MODEL, text);
  const loop = trace.loopStart !== undefined;
  // A lasso's loop is printed as comments: the rows are its stem.
  expect(schedule.rows).toHaveLength(loop ? trace.loopStart! : trace.steps.length);
  const kind = model.properties.find((p) => p.name === property)?.kind ?? "always";
  const back = checkWithSchedule(selected(run.model, property), schedule, {
    liveness: isLiveness(kind),
  });
  const what = `${run.title}: ${property}`;
  expect(back.result.verdict, what).toBe(found.verdict);
  expect(back.result.property, what).toBe(property);
  expect(back.result.trace!.steps.length, what).toBe(trace.steps.length);
  expect(back.result.trace!.loopStart, what).toBe(trace.loopStart);
}

describe("tables checked back reproduce every violated cell of the matrix", () => {
  const e = entry(MODEL);
  const matrix = { ...e.proof!.matrix, "chunk-shift": "2" };
  const runs = expandNumbers(e, matrix).flatMap((raw) => e.configure(raw));

  it("enumerates the matrix as prove does", () => {
    expect(runs.length).toBeGreaterThan(20);
  });

  let violated = 0;
  it.each(runs.map((run) => [run.title, run] as const))("%s", (_title, run) => {
    // Every violated property with its own shortest counterexample, as `check --liveness` reports them.
    let model = run.model;
    for (;;) {
      const found = cellResult({ ...run, model });
      if (found.verdict !== "violated" && found.verdict !== "deadlock") return;
      violated++;
      checkBack(run, model, found);
      const left = model.properties.filter((p) => p.name !== found.property);
      if (found.verdict === "deadlock" || !left.some((p) => p.kind !== "sometimes")) return;
      model = { ...model, properties: left };
    }
  });

  it("found violated cells to check back", () => {
    expect(violated).toBeGreaterThan(0);
  });
});
