/** `swapcheck check`: explore every interleaving of a model breadth-first. */
import { getHeapStatistics } from "node:v8";
import type { Argv, CommandModule } from "yargs";
import {
  DEFAULT_MODEL,
  findModel,
  type ModelEntry,
  type ModelRun,
  models,
} from "../../../models/registry.js";
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
import { exitStatusFor } from "../exit-status.js";
import { SIGNAL_EXIT, stopSignal } from "../interrupt.js";
import { type Io, useColor } from "../io.js";
import { checkWritable, writeOutputFile } from "../output-file.js";
import { progressLine } from "../progress.js";
import { htmlReport } from "../report/html.js";
import { type RunReport, reportJson } from "../report/json.js";
import { reportText } from "../report/text.js";
import { selectProperties } from "../select-properties.js";
import { traceFileText, traceToFile } from "../trace-file.js";
import { withTraceOptions } from "../trace-options.js";
import { TOOL_VERSION } from "../version.js";

export interface CheckArgs {
  model: string;
  "max-states"?: number;
  "max-depth"?: number;
  "max-seconds"?: number;
  "max-memory"?: number;
  "max-preemptions"?: number;
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

/** Every model parameter any registered model declares, as string options. */
export function modelParameterNames(): string[] {
  return [...new Set(models().flatMap((m) => m.parameters.map((p) => p.name)))];
}

function positive(option: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value < 0) {
    throw new ParameterError(`--${option} must be a non-negative number, got ${value}`);
  }
  return value;
}

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
    variables: (s) => first.run.model.variables?.(s) ?? [],
  });
  writeOutputFile("--trace-out", path, traceFileText(file), force);
  const more =
    withTrace.length > 1 ? ` (${withTrace.length - 1} other counterexample(s) not written)` : "";
  io.err(`swapcheck: trace of ${first.run.title} written to ${path}${more}\n`);
}

/** Declares `--model` and every model parameter (as string options) for a command. */
export function withModelParameters<T>(y: Argv<T>, verb = "check"): Argv<T> {
  let b = y.option("model", {
    type: "string",
    requiresArg: true,
    default: DEFAULT_MODEL,
    describe: `the model to ${verb} (see \`swapcheck list\`)`,
  }) as unknown as Argv<T>;
  for (const name of modelParameterNames()) {
    const spec = models()
      .flatMap((m) => m.parameters)
      .find((p) => p.name === name)!;
    b = b.option(name, {
      type: "string",
      requiresArg: true,
      describe: `${spec.description} [model parameter]`,
    }) as unknown as Argv<T>;
  }
  return b;
}

/** The model entry and its runs for the command line's model and parameters. */
export function resolveRuns(args: { model: string; [param: string]: unknown }): {
  entry: ModelEntry;
  runs: ModelRun[];
} {
  const entry = findModel(args.model);
  if (!entry) {
    const valid = models()
      .map((m) => m.name)
      .join(", ");
    throw new ParameterError(`unknown model '${args.model}'; valid: ${valid}`);
  }
  const raw: Record<string, string | undefined> = {};
  for (const name of modelParameterNames()) {
    const v = args[name];
    if (v !== undefined) raw[name] = String(v);
  }
  return { entry, runs: entry.configure(raw as RawParams) };
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

export async function runCheck(args: CheckArgs, io: Io): Promise<number> {
  const fairness = args.fairness;
  if (fairness !== "weak" && fairness !== "none") {
    throw new ParameterError(`unknown fairness '${fairness}'; valid: weak, none`);
  }
  const fair: Fairness = fairness;
  const resolved = resolveRuns(args);
  const { entry } = resolved;
  const { runs, liveness } = selectProperties(resolved.runs, {
    invariants: args.invariants,
    property: args.property,
    liveness: args.liveness,
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
  const maxMemory = positive("max-memory", args["max-memory"]);
  const preemptions = positive("max-preemptions", args["max-preemptions"]);
  if (preemptions !== undefined && !Number.isInteger(preemptions)) {
    throw new ParameterError(`--max-preemptions must be a whole number, got ${preemptions}`);
  }
  const options = {
    fewestSwitches: args["fewest-switches"],
    maxStates: positive("max-states", args["max-states"]),
    maxDepth: positive("max-depth", args["max-depth"]),
    maxSeconds: positive("max-seconds", args["max-seconds"]),
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
  const reports: RunReport[] = [];
  for (const run of runs) {
    const progress = progressLine(io, showProgress, run.title);
    const opts = { ...options, onProgress: progress.onProgress };
    const result = await checkOne(run, liveness, preemptions, opts, parallel);
    progress.done();
    reports.push({ modelName: entry.name, run, result });
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
    quiet: args.quiet,
    mode: { liveness, fairness, deadlock: args.deadlock, bounds, partialOrder: args.por },
  };
  io.out(args.json ? reportJson(reports) : reportText(reports, textOptions));
  if (traceOut !== undefined) writeTrace(entry, reports, traceOut, args.force, io);
  if (args.html !== undefined) {
    const runsWithResults = reports.map((r) => ({ ...r.run, result: r.result }));
    const html = htmlReport(runsWithResults, {
      tool: `swapcheck ${TOOL_VERSION}`,
      model: entry.name,
    });
    writeOutputFile("--html", args.html, html, args.force);
  }
  return exitStatus(reports);
}

export function checkCommand(
  io: Io,
  setStatus: (n: number) => void,
): CommandModule<object, CheckArgs> {
  return {
    command: "check",
    describe: "explore every interleaving breadth-first and report violations",
    builder: (y: Argv) => {
      const b = y
        .option("max-states", {
          type: "number",
          requiresArg: true,
          describe: "stop after storing this many states",
        })
        .option("max-depth", {
          type: "number",
          requiresArg: true,
          describe: "stop after this many BFS levels",
        })
        .option("max-memory", {
          type: "number",
          requiresArg: true,
          describe: "stop before the search holds this many MB",
        })
        .option("max-preemptions", {
          type: "number",
          requiresArg: true,
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
          type: "number",
          requiresArg: true,
          describe: "stop after this many seconds",
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
        .example("$0 check", "the seed's case: anon-swap, order 2, every variant")
        .example("$0 check --variant head-only --trace-out t.json", "record the counterexample")
        .example("$0 check --variant all --mapping all --order 3", "a row of the verdict table")
        .example(
          "$0 check --variant head-only --threads none --property lookup-progress",
          "the RCU stall as a lasso",
        );
      return withTraceOptions(withModelParameters(b)) as unknown as Argv<CheckArgs>;
    },
    handler: async (args) => setStatus(await runCheck(args, io)),
  };
}
