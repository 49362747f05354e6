/** `swapcheck check`: explore every interleaving of a model breadth-first. */
import { getHeapStatistics } from "node:v8";
import type { Argv, CommandModule } from "yargs";
import { DEFAULT_MODEL, type ModelEntry, type ModelRun } from "../../../models/registry.js";
import {
  checkLivenessAsync,
  type Fairness,
  type LivenessOptions,
  type Model,
  type ModelSpec,
  preemptionBounded,
  type SearchResult,
  searchAsync,
  searchParallel,
  unwrapBounded,
  workerLoadable,
} from "../../engine/index.js";
import { ParameterError, type RawParams } from "../../params.js";
import { type CompiledSchedule, compileSchedule } from "../../schedule/compile.js";
import { loadSchedule } from "../../schedule/load.js";
import { type Schedule, ScheduleError } from "../../schedule/parse.js";
import { scheduleProduct, unwrapScheduled } from "../../schedule/product.js";
import { type Checked, checkedBy, requireSomethingChecked } from "../checked.js";
import { EXIT_INFEASIBLE, exitStatusFor } from "../exit-status.js";
import { SIGNAL_EXIT, stopSignal } from "../interrupt.js";
import { type Io, outputWidth, useColor } from "../io.js";
import { configureAll, entryNamed, rawParameters, withModelParameters } from "../model-options.js";
import { checkWritable, writeOutputFile } from "../output-file.js";
import { progressLine } from "../progress.js";
import { htmlReport } from "../report/html.js";
import { type RunReport, reportJson } from "../report/json.js";
import { raceTable } from "../report/table.js";
import { reportText, summaryHeader } from "../report/text.js";
import { selectProperties } from "../select-properties.js";
import { traceFileText, traceToFile, traceVariables } from "../trace-file.js";
import { withTraceOptions } from "../trace-options.js";
import { TOOL_VERSION } from "../version.js";
import { modelProperties } from "./list.js";

export interface CheckArgs {
  model: string;
  /** Bounds, as typed (validated by `bound`). */
  "max-states"?: string;
  "max-depth"?: string;
  "max-seconds"?: string;
  "max-memory"?: string;
  "max-preemptions"?: string;
  progress?: boolean;
  quiet: boolean;
  exact: boolean;
  deadlock: boolean;
  json: boolean;
  invariants?: string;
  property?: string;
  liveness: boolean;
  fairness: string;
  "trace-out"?: string;
  html?: string;
  force: boolean;
  "full-states": boolean;
  "fewest-switches": boolean;
  por: boolean;
  workers: number;
  color?: boolean;
  /** A race table to follow (docs/schedules.md). */
  schedule?: string;
  "schedule-only": boolean;
  /** `text` (swimlanes) or `table` (the first counterexample as a schedule file). */
  format: string;
  [param: string]: unknown;
}

/**
 * A bound as typed: a positive number (a whole one for counts), or a
 * ParameterError quoting what was typed. `zero` allows 0 (a preemption
 * bound of 0 means "no preemption at all"); for the other bounds 0 would
 * stop at once, so it is refused: leave the option out for no bound.
 */
export function bound(
  option: string,
  text: string | number | undefined,
  opts: { whole?: boolean; zero?: boolean } = {},
): number | undefined {
  if (text === undefined) return undefined;
  const typed = String(text).trim();
  const n = /^\d+(\.\d+)?$/.test(typed) ? Number(typed) : Number.NaN;
  const what = `${opts.whole ? "a whole number" : "a number"} ${opts.zero ? "≥ 0" : "> 0"}`;
  if (!Number.isFinite(n) || (opts.whole && !Number.isInteger(n)) || (!opts.zero && n === 0)) {
    throw new ParameterError(
      `--${option} must be ${what} (leave it out for no bound), got '${typed}'`,
    );
  }
  return n;
}

/** The help of the bounds: what each stops and when (they all give exit 3). */
export const BOUND_HELP = {
  "max-states":
    "stop (incomplete, exit 3) when a state beyond the first N turns up; a search of N states or fewer completes",
  "max-depth":
    "stop (incomplete, exit 3) before exploring BFS level N + 1: traces of at most N steps",
  "max-seconds":
    "stop (incomplete, exit 3) after N seconds (checked every 4096 steps; fractions allowed)",
  "max-memory": "stop (incomplete, exit 3) before the search holds N MB",
} as const;

/** --trace-out: the first counterexample as a JSON trace (see trace-file.ts). */
export function writeTrace(
  entry: ModelEntry,
  reports: readonly RunReport[],
  path: string,
  force: boolean,
  io: Io,
): void {
  const withTrace = reports.filter((r) => r.result.trace);
  const first = withTrace[0];
  if (!first) {
    io.err(`swapcheck: no counterexample, nothing written to ${path}\n`);
    return;
  }
  const file = traceToFile({
    tool: `swapcheck ${TOOL_VERSION}`,
    model: entry.name,
    modelVersion: entry.version,
    raw: first.run.raw,
    result: first.result,
    variables: traceVariables(first.run.model),
    ...(first.checked ? { checked: first.checked } : {}),
  });
  writeOutputFile("--trace-out", path, traceFileText(file), force);
  const more =
    withTrace.length > 1 ? ` (${withTrace.length - 1} other counterexample(s) not written)` : "";
  io.err(`swapcheck: trace of ${first.run.title} written to ${path}${more}\n`);
}

/** The runs for the command line's parameters (lists and ranges of numbers: one run per value). */
export function resolveRuns(args: { [param: string]: unknown }, entry: ModelEntry): ModelRun[] {
  return configureAll(entry, rawParameters(entry, args));
}

/** 85% of the V8 heap limit (raise it with NODE_OPTIONS=--max-old-space-size=MB). */
function defaultMemoryBound(): number {
  return Math.floor(0.85 * getHeapStatistics().heap_size_limit);
}

/** What a parallel search needs to build the run's model in each worker. */
interface Parallel {
  readonly workers: number;
  readonly entry: ModelEntry;
  readonly shared: unknown;
}

/** A search's result and, under a schedule, why no run follows it (null: some run does). */
interface Checked1 {
  readonly result: SearchResult<unknown>;
  readonly infeasible: string | null;
}

/** One run's search on the product of its model with a schedule (docs/schedules.md). */
async function checkScheduled(
  run: ModelRun,
  schedule: CompiledSchedule,
  scheduleOnly: boolean,
  liveness: boolean,
  preemptions: number | undefined,
  opts: LivenessOptions,
): Promise<Checked1> {
  const product = scheduleProduct(run.model, schedule, { scheduleOnly });
  const explore = <S, A>(m: Model<S, A>) =>
    liveness ? checkLivenessAsync(m, opts) : searchAsync(m, opts);
  let found: SearchResult<unknown>;
  if (preemptions === undefined) {
    found = unwrapScheduled(await explore(product.model));
  } else {
    const bounded = preemptionBounded(product.model, preemptions);
    found = unwrapScheduled(unwrapBounded(await explore(bounded.model), bounded.cut()));
  }
  // Only a complete search that found nothing can say that no run follows the schedule.
  const infeasible = found.verdict === "holds" ? product.infeasibility() : null;
  return { result: found, infeasible };
}

/** One run's search: liveness or not, within a preemption bound or not, in parallel or not. */
async function checkOne(
  run: ModelRun,
  liveness: boolean,
  preemptions: number | undefined,
  opts: LivenessOptions,
  parallel: Parallel | null,
): Promise<SearchResult<unknown>> {
  const model = run.model;
  if (parallel) {
    const spec: ModelSpec = {
      module: workerLoadable(
        new URL("../../../models/registry.js", import.meta.url),
        import.meta.url,
      ).href,
      export: "workerModel",
      args: [parallel.entry.name, run.raw, 0, model.properties.map((p) => p.name), parallel.shared],
    };
    return searchParallel(model, spec, { ...opts, workers: parallel.workers });
  }
  const explore = <S, A>(m: Model<S, A>) =>
    liveness ? checkLivenessAsync(m, opts) : searchAsync(m, opts);
  if (preemptions === undefined) return explore(model);
  const bounded = preemptionBounded(model, preemptions);
  return unwrapBounded(await explore(bounded.model), bounded.cut());
}

/** The exit status: 130/143 when a signal stopped the search, else by verdict (4: infeasible). */
function exitStatus(reports: readonly RunReport[]): number {
  const signal = stopSignal();
  if (signal && reports.some((r) => r.result.incompleteReason === "interrupted")) {
    return SIGNAL_EXIT[signal];
  }
  const status = exitStatusFor(reports.map((r) => r.result.verdict));
  if (status !== 1 && reports.some((r) => r.infeasible)) return EXIT_INFEASIBLE;
  return status;
}

/**
 * The runs for the command line under a schedule: the schedule's header
 * gives the parameters the command line leaves out (a parameter given on
 * both must agree: checked per run by compileSchedule).
 */
function scheduledRuns(
  args: { [param: string]: unknown },
  entry: ModelEntry,
  schedule: Schedule,
): ModelRun[] {
  const header = schedule.model;
  if (header.name !== entry.name) {
    throw new ScheduleError(
      `${schedule.source}:${header.line}:${header.column}: the schedule is for model ${header.name}, this run is of ${entry.name} (add --model ${header.name})`,
    );
  }
  const fromHeader: Record<string, string> = {};
  for (const p of header.params) {
    if (!entry.parameters.some((spec) => spec.name === p.key)) {
      const valid = entry.parameters.map((spec) => spec.name).join(", ") || "none";
      throw new ScheduleError(
        `${schedule.source}:${p.line}:${p.column}: ${entry.name} has no parameter '${p.key}'; valid: ${valid}`,
      );
    }
    fromHeader[p.key] = p.value;
  }
  const raw: RawParams = { ...fromHeader, ...rawParameters(entry, args) };
  return configureAll(entry, raw);
}

/** The runs' schedules, checked against each run (model, parameters, threads, step names). */
function compileFor(
  entry: ModelEntry,
  runs: readonly ModelRun[],
  schedule: Schedule,
): CompiledSchedule[] {
  return runs.map((run) =>
    compileSchedule(schedule, {
      model: entry.name,
      raw: run.raw,
      threads: run.model.threads,
      ...(run.catalogue ? { catalogue: run.catalogue } : {}),
    }),
  );
}

/** The property flags that check a table back: exactly the violated property. */
function checkBackFlags(property: string | null): string {
  if (property === null || property === "deadlock") return "--invariants none";
  return `--property ${/[()]/.test(property) ? `'${property}'` : property}`;
}

/** `--format table`: the first counterexample as a schedule file (the rest as comments). */
function tableReport(entry: ModelEntry, reports: readonly RunReport[]): string {
  const summary = reports.map((r) => {
    const v = r.result.verdict;
    const length = r.result.trace ? `, ${r.result.trace.steps.length} steps` : "";
    return `${r.run.title}: ${r.infeasible ? "infeasible" : v}${r.result.property ? ` ${r.result.property}` : ""}${length}`;
  });
  const infeasible = reports.flatMap((r) =>
    r.infeasible ? [`${r.run.title}: infeasible: ${r.infeasible}`] : [],
  );
  const withTrace = reports.filter((r) => r.result.trace);
  const first = withTrace[0];
  if (!first) {
    return `${[...summary, ...infeasible, "no counterexample: no table"].map((l) => `# ${l}`).join("\n")}\n`;
  }
  const trace = first.result.trace!;
  const what =
    first.result.verdict === "deadlock" ? "deadlock" : `${first.result.property} violated`;
  const kind = trace.loopStart === undefined ? "counterexample" : "lasso";
  const notes = [
    ...summary,
    ...infeasible,
    "",
    `${first.run.title}: ${what}, ${kind} of ${trace.steps.length} steps`,
    `check it back: swapcheck check --schedule FILE ${checkBackFlags(first.result.property)}`,
    ...(withTrace.length > 1
      ? [`${withTrace.length - 1} other counterexample(s) not shown: choose one with --property`]
      : []),
  ];
  return raceTable({
    model: entry.name,
    raw: first.run.raw,
    threads: first.run.model.threads,
    steps: trace.steps,
    ...(trace.loopStart !== undefined ? { loopStart: trace.loopStart } : {}),
    notes,
  });
}

export async function runCheck(
  args: CheckArgs,
  io: Io,
  entry: ModelEntry = entryNamed(args.model),
): Promise<number> {
  const fairness = args.fairness;
  if (fairness !== "weak" && fairness !== "none") {
    throw new ParameterError(`unknown fairness '${fairness}'; valid: weak, none`);
  }
  const fair: Fairness = fairness;
  const format = args.format;
  if (format !== "text" && format !== "table") {
    throw new ParameterError(`unknown --format '${format}'; valid: text, table`);
  }
  if (format === "table" && (args.json || args.quiet || args["full-states"])) {
    throw new ParameterError(
      "--format table prints only the table: drop --json, --quiet, --full-states",
    );
  }
  if (args["schedule-only"] && args.schedule === undefined) {
    throw new ParameterError("--schedule-only needs --schedule FILE");
  }
  const schedule = args.schedule === undefined ? null : loadSchedule(args.schedule);
  if (schedule) {
    const clash = [
      args.por && "--por (the schedule reads every step: no step is invisible to it)",
      args.workers > 1 && "--workers",
      args.symmetry === "on" && "--symmetry on (the schedule names each thread)",
    ].filter(Boolean);
    if (clash.length > 0) {
      throw new ParameterError(`--schedule cannot be combined with ${clash.join(", ")}`);
    }
  }
  const allRuns = schedule ? scheduledRuns(args, entry, schedule) : resolveRuns(args, entry);
  const { runs, liveness } = selectProperties(allRuns, {
    invariants: args.invariants,
    property: args.property,
    liveness: args.liveness,
    needs: (name) => modelProperties(entry).find((p) => p.name === name)?.addedBy ?? null,
  });
  if (liveness && args.symmetry === "on") {
    throw new ParameterError(
      "--symmetry on is not sound for the per-thread progress properties: drop it for liveness",
    );
  }
  if (args.por) {
    if (liveness) {
      throw new ParameterError(
        "--por is for invariants only (ample sets do not preserve fair cycles): drop it for liveness",
      );
    }
    if (args["max-preemptions"] !== undefined) {
      throw new ParameterError("--por and --max-preemptions cannot be combined");
    }
    if (runs.some((r) => !r.model.nextFootprint || !r.model.futureFootprint)) {
      throw new ParameterError(
        `--por needs a model that declares footprints; ${entry.name} does not`,
      );
    }
  }
  const workers = args.workers;
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
    throw new ParameterError(`--workers must be a whole number from 1 to 64, got ${workers}`);
  }
  if (workers > 1) {
    const clash = [
      liveness && "--liveness",
      args.exact && "--exact",
      args["max-preemptions"] !== undefined && "--max-preemptions",
    ].filter(Boolean);
    if (clash.length > 0) {
      throw new ParameterError(`--workers cannot be combined with ${clash.join(", ")}`);
    }
  }
  if (!liveness && args.fairness !== "weak") {
    throw new ParameterError("--fairness only applies to liveness: add --liveness or --property");
  }
  if (args.json && (args["full-states"] || args.quiet)) {
    throw new ParameterError(
      "--json contradicts --full-states and --quiet: the JSON has everything",
    );
  }
  const traceOut = args["trace-out"];
  if (traceOut !== undefined) checkWritable("--trace-out", traceOut, args.force);
  if (args.html !== undefined) checkWritable("--html", args.html, args.force);
  const maxMemory = bound("max-memory", args["max-memory"]);
  const preemptions = bound("max-preemptions", args["max-preemptions"], {
    whole: true,
    zero: true,
  });
  const checked: Checked[] = runs.map((r) =>
    checkedBy(r.model, { liveness, deadlock: args.deadlock, fairness: fair }),
  );
  requireSomethingChecked(checked);
  const compiled = schedule ? compileFor(entry, runs, schedule) : null;
  const options = {
    fewestSwitches: args["fewest-switches"],
    maxStates: bound("max-states", args["max-states"], { whole: true }),
    maxDepth: bound("max-depth", args["max-depth"], { whole: true }),
    maxSeconds: bound("max-seconds", args["max-seconds"]),
    // Without --max-memory, stop (incomplete) before V8's heap limit instead of crashing.
    maxMemoryBytes: maxMemory === undefined ? defaultMemoryBound() : maxMemory * 1024 * 1024,
    exact: args.exact,
    checkDeadlock: args.deadlock,
    partialOrder: args.por,
    shouldStop: () => stopSignal() !== null,
    fairness: fair,
  };
  const parallel =
    workers > 1 ? { workers, entry, shared: entry.shareWithWorkers?.() ?? null } : null;
  const showProgress = !args.quiet && (args.progress ?? io.stderrIsTTY);
  // The header first, so that a pipe shows what is being checked before the search ends.
  if (!args.json && format === "text") io.out(`${summaryHeader(entry.name, runs, checked)}\n`);
  const reports: RunReport[] = [];
  for (const [i, run] of runs.entries()) {
    // With --liveness, every violated property gets its own shortest
    // counterexample: after a violation the run is searched again without
    // the properties already found violated.
    let remaining = run;
    for (;;) {
      const progress = progressLine(io, showProgress, run.title);
      const opts = { ...options, onProgress: progress.onProgress };
      const { result, infeasible } = compiled
        ? await checkScheduled(
            remaining,
            compiled[i]!,
            args["schedule-only"],
            liveness,
            preemptions,
            opts,
          )
        : {
            result: await checkOne(remaining, liveness, preemptions, opts, parallel),
            infeasible: null,
          };
      progress.done();
      // After the violations, what is left holding is not a verdict on the run
      // (unless no run follows the schedule: that is said).
      const after = remaining !== run && result.verdict === "holds";
      if (!after || infeasible) {
        reports.push({
          modelName: entry.name,
          run,
          result,
          checked: checked[i]!,
          ...(infeasible ? { infeasible } : {}),
        });
      }
      const left = remaining.model.properties.filter((p) => p.name !== result.property);
      if (!liveness || result.verdict !== "violated" || stopSignal()) break;
      if (!left.some((p) => p.kind !== "sometimes")) break;
      remaining = { ...remaining, model: { ...remaining.model, properties: left } };
    }
    if (stopSignal()) break;
  }
  const bounds = (
    ["max-states", "max-depth", "max-seconds", "max-memory", "max-preemptions"] as const
  )
    .filter((b) => args[b] !== undefined)
    .map((b) => `--${b} ${args[b]}`);
  const textOptions = {
    fullStates: args["full-states"],
    color: useColor(io, args.color),
    width: outputWidth(io),
    quiet: args.quiet,
    header: false,
    mode: { liveness, fairness, deadlock: args.deadlock, bounds, partialOrder: args.por },
  };
  io.out(
    args.json
      ? reportJson(reports)
      : format === "table"
        ? tableReport(entry, reports)
        : reportText(reports, textOptions),
  );
  if (traceOut !== undefined) writeTrace(entry, reports, traceOut, args.force, io);
  if (args.html !== undefined) {
    const runsWithResults = reports.map((r) => ({
      ...r.run,
      result: r.result,
      checked: r.checked,
    }));
    const html = htmlReport(runsWithResults, {
      tool: `swapcheck ${TOOL_VERSION}`,
      model: entry.name,
    });
    writeOutputFile("--html", args.html, html, args.force);
    io.err(`swapcheck: HTML report of ${reports.length} run(s) written to ${args.html}\n`);
  }
  return exitStatus(reports);
}

/** The examples of `check --help`: the scenario's, or the model's own name. */
function examples(entry: ModelEntry): [string, string][] {
  if (entry.name !== DEFAULT_MODEL) {
    return [
      [`$0 check --model ${entry.name}`, "every interleaving of the model"],
      [`$0 check --model ${entry.name} --trace-out t.json`, "record the counterexample"],
    ];
  }
  return [
    ["$0 check", "the seed's case: anon-swap, order 2, every variant"],
    ["$0 check --variant head-only --trace-out t.json", "record the counterexample"],
    ["$0 check --variant all --mapping all --order 3", "a row of the verdict table"],
    ["$0 check --variant swapcache-check --order 1..3", "one run per order"],
    [
      "$0 check --variant head-only --threads none --property lookup-progress",
      "the RCU stall as a lasso",
    ],
  ];
}

export function checkCommand(
  io: Io,
  setStatus: (n: number) => void,
  entry: ModelEntry,
): CommandModule<object, CheckArgs> {
  return {
    command: "check",
    describe: "explore every interleaving breadth-first and report violations",
    builder: (y: Argv) => {
      const b = y
        .option("max-states", {
          requiresArg: true,
          coerce: String,
          describe: BOUND_HELP["max-states"],
        })
        .option("max-depth", {
          requiresArg: true,
          coerce: String,
          describe: BOUND_HELP["max-depth"],
        })
        .option("max-memory", {
          requiresArg: true,
          coerce: String,
          describe: BOUND_HELP["max-memory"],
        })
        .option("max-preemptions", {
          requiresArg: true,
          coerce: String,
          describe: "explore only schedules with at most N preemptions (context bounding)",
        })
        .option("progress", {
          type: "boolean",
          describe: "progress line on stderr (default: only when stderr is a terminal)",
        })
        .option("quiet", {
          type: "boolean",
          default: false,
          describe: "print only the one-line-per-run table",
        })
        .option("max-seconds", {
          requiresArg: true,
          coerce: String,
          describe: BOUND_HELP["max-seconds"],
        })
        .option("exact", {
          type: "boolean",
          default: false,
          describe: "store whole states instead of 64-bit fingerprints",
        })
        .option("deadlock", {
          type: "boolean",
          default: true,
          describe: "report deadlocks (--no-deadlock to ignore them)",
        })
        .option("invariants", {
          type: "string",
          requiresArg: true,
          describe: "check only these invariants (comma-separated names, all, or none)",
        })
        .option("property", {
          type: "string",
          requiresArg: true,
          describe: "check exactly these properties (invariants or liveness, comma-separated)",
        })
        .option("liveness", {
          type: "boolean",
          default: false,
          describe: "also check liveness (progress) properties: find fair lassos",
        })
        .option("fairness", {
          type: "string",
          default: "weak",
          requiresArg: true,
          describe: "fairness for liveness: weak (every continuously enabled thread steps) or none",
        })
        .option("html", {
          type: "string",
          requiresArg: true,
          describe: "write a self-contained HTML report (swimlane + state inspector)",
        })
        .option("workers", {
          type: "number",
          default: 1,
          requiresArg: true,
          describe:
            "threads for the search: this one and N - 1 workers (strict BFS levels: traces stay shortest)",
        })
        .option("por", {
          type: "boolean",
          default: false,
          describe:
            "partial-order reduction (ample sets, invariants only); counterexamples stay shortest",
        })
        .option("schedule", {
          type: "string",
          requiresArg: true,
          describe:
            "explore only the interleavings that follow this race table (docs/schedules.md); exit 4 when none does",
        })
        .option("schedule-only", {
          type: "boolean",
          default: false,
          describe: "with --schedule: after the last row only threads with '...' there run on",
        })
        .option("format", {
          type: "string",
          default: "text",
          requiresArg: true,
          describe:
            "text (swimlanes) or table: the first counterexample as a race table, itself a schedule file",
        })
        .option("fewest-switches", {
          type: "boolean",
          default: true,
          describe: "among shortest counterexamples, pick one with the fewest context switches",
        })
        .example(examples(entry));
      return withTraceOptions(withModelParameters(b, "check", entry)) as unknown as Argv<CheckArgs>;
    },
    handler: async (args) => setStatus(await runCheck(args, io, entry)),
  };
}
