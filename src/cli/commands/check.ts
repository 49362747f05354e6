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
import { ParameterError } from "../../params.js";
import { type Checked, checkedBy, requireSomethingChecked } from "../checked.js";
import { exitStatusFor } from "../exit-status.js";
import { SIGNAL_EXIT, stopSignal } from "../interrupt.js";
import { type Io, outputWidth, useColor } from "../io.js";
import { configureAll, entryNamed, rawParameters, withModelParameters } from "../model-options.js";
import { checkWritable, writeOutputFile } from "../output-file.js";
import { progressLine } from "../progress.js";
import { htmlReport } from "../report/html.js";
import { type RunReport, reportJson } from "../report/json.js";
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

/** The exit status: 130/143 when a signal stopped the search, else by verdict. */
function exitStatus(reports: readonly RunReport[]): number {
  const signal = stopSignal();
  if (signal && reports.some((r) => r.result.incompleteReason === "interrupted")) {
    return SIGNAL_EXIT[signal];
  }
  return exitStatusFor(reports.map((r) => r.result.verdict));
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
  const { runs, liveness } = selectProperties(resolveRuns(args, entry), {
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
  if (!args.json) io.out(`${summaryHeader(entry.name, runs, checked)}\n`);
  const reports: RunReport[] = [];
  for (const [i, run] of runs.entries()) {
    // With --liveness, every violated property gets its own shortest
    // counterexample: after a violation the run is searched again without
    // the properties already found violated.
    let remaining = run;
    for (;;) {
      const progress = progressLine(io, showProgress, run.title);
      const opts = { ...options, onProgress: progress.onProgress };
      const result = await checkOne(remaining, liveness, preemptions, opts, parallel);
      progress.done();
      // After the violations, what is left holding is not a verdict on the run.
      const after = remaining !== run && result.verdict === "holds";
      if (!after) reports.push({ modelName: entry.name, run, result, checked: checked[i]! });
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
  io.out(args.json ? reportJson(reports) : reportText(reports, textOptions));
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
