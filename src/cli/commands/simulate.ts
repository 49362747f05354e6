/**
 * `swapcheck simulate`: random walks through a model (TLC's -simulate,
 * SPIN's random simulation), for models too large to explore exhaustively.
 * Each run's seed is printed, so a failing run is repeated alone with
 * `--runs 1 --seed S`. A simulation that finds nothing proves nothing: it
 * exits 3 (like a search cut short), 1 on a violation or deadlock, 2 on bad
 * input.
 */
import { randomInt } from "node:crypto";
import type { Argv, CommandModule } from "yargs";
import { DEFAULT_MODEL, type ModelEntry, type ModelRun } from "../../../models/registry.js";
import {
  type SimulationProgress,
  type SimulationResult,
  type SimulationRun,
  simulateAsync,
} from "../../engine/simulate.js";
import { parseIntIn } from "../../params.js";
import { type Checked, checkedBy, checkedJson, requireSomethingChecked } from "../checked.js";
import { EXIT_INCOMPLETE, EXIT_VIOLATION } from "../exit-status.js";
import { SIGNAL_EXIT, stopSignal } from "../interrupt.js";
import { type Io, outputWidth, useColor } from "../io.js";
import { entryNamed, withModelParameters } from "../model-options.js";
import { checkWritable } from "../output-file.js";
import { type RunReport, runToJson } from "../report/json.js";
import { summaryHeader, traceText } from "../report/text.js";
import { withTraceOptions } from "../trace-options.js";
import { BOUND_HELP, bound, resolveRuns, writeTrace } from "./check.js";

export interface SimulateArgs {
  model: string;
  /** Integers, given as text on the command line (validated here). */
  runs: string | number;
  depth: string | number;
  /** The master seed; a random one (printed) when absent. */
  seed?: string | number;
  swarm: boolean;
  "keep-going": boolean;
  deadlock: boolean;
  json: boolean;
  "trace-out"?: string;
  force: boolean;
  "full-states": boolean;
  color?: boolean;
  "max-seconds"?: string;
  progress?: boolean;
  [param: string]: unknown;
}

export const DEFAULT_RUNS = 100;
export const DEFAULT_DEPTH = 100;
const MAX_COUNT = 1_000_000_000;
const MAX_SEED = 0xffff_ffff;
/** Above this many runs, only failing runs get a line of their own. */
const LIST_ALL_RUNS = 20;

interface Simulated {
  readonly run: ModelRun;
  readonly runs: readonly SimulationRun[];
  /** The first violation, as check reports one. */
  readonly report: RunReport | null;
  readonly stopped: SimulationResult<unknown>["stopped"];
  readonly checked: Checked;
}

/** The command line that repeats one run alone. */
function reproduce(
  entry: ModelEntry,
  run: ModelRun,
  seed: number,
  depth: number,
  args: SimulateArgs,
): string {
  const params = Object.entries(run.raw)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` --${k} ${v}`)
    .join("");
  const flags = `${args.swarm ? " --swarm" : ""}${args.deadlock === false ? " --no-deadlock" : ""}`;
  return `swapcheck simulate --model ${entry.name}${params} --runs 1 --depth ${depth} --seed ${seed}${flags}`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

function runLine(i: number, r: SimulationRun): string {
  const cells = [
    pad(String(i), 5),
    pad(String(r.seed), 11),
    pad(String(r.steps), 6),
    pad(r.verdict, 9),
    r.property ?? "-",
  ];
  const favoured = r.favoured ? `  favours ${r.favoured.join(",")}` : "";
  return `${cells.join(" ")}${favoured}`.trimEnd();
}

function summary(s: Simulated): string {
  const count = (v: SimulationRun["verdict"]) => s.runs.filter((r) => r.verdict === v).length;
  const steps = s.runs.reduce((n, r) => n + r.steps, 0);
  return (
    `${s.runs.length} run(s), ${steps} steps: ${count("violated")} violated, ` +
    `${count("deadlock")} deadlocked, ${count("ok")} ok`
  );
}

function textReport(
  entry: ModelEntry,
  results: readonly Simulated[],
  header: string,
  depth: number,
  args: SimulateArgs,
  color: boolean,
  width: number,
): string {
  const parts = header ? [header] : [];
  for (const s of results) {
    const lines = [`== ${s.run.title} ==`];
    const shown = s.runs
      .map((r, i) => ({ r, i }))
      .filter(({ r }) => s.runs.length <= LIST_ALL_RUNS || r.verdict !== "ok");
    if (shown.length > 0) {
      lines.push(
        `${pad("run", 5)} ${pad("seed", 11)} ${pad("steps", 6)} ${pad("verdict", 9)} property`,
      );
      for (const { r, i } of shown) lines.push(runLine(i, r));
    }
    lines.push(summary(s));
    if (s.stopped) {
      lines.push(
        `stopped early (${s.stopped === "interrupted" ? (stopSignal() ?? "interrupted") : "--max-seconds"}): ` +
          "the runs above are all that ran",
      );
    }
    const failed = s.runs.find((r) => r.verdict !== "ok");
    if (failed) lines.push(`reproduce: ${reproduce(entry, s.run, failed.seed, depth, args)}`);
    parts.push(lines.join("\n"));
  }
  const options = { fullStates: args["full-states"], color, width };
  for (const s of results) {
    if (!s.report) continue;
    parts.push(traceText(s.report, { ...options, kind: "random-walk (not necessarily shortest)" }));
  }
  if (!results.some((s) => s.report)) {
    parts.push(
      "no violation found: a simulation proves nothing (run `swapcheck check` for a proof).",
    );
  }
  return `${parts.join("\n\n")}\n`;
}

function jsonReport(
  results: readonly Simulated[],
  seed: number,
  runs: number,
  depth: number,
  args: SimulateArgs,
): string {
  const doc = {
    seed,
    runs,
    depth,
    swarm: args.swarm,
    results: results.map((s) => ({
      title: s.run.title,
      ...s.run.params,
      checked: checkedJson(s.checked),
      stopped: s.stopped,
      runs: s.runs.map((r, i) => ({ run: i, ...r })),
      violation: s.report ? runToJson(s.report) : null,
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function integer(option: string, value: unknown, max: number): number {
  return parseIntIn(option, String(value), 0, max);
}

/** The progress line of a simulation on stderr (a terminal, or --progress). */
function simulationProgress(io: Io, enabled: boolean, title: string) {
  let last = 0;
  let shown = false;
  return {
    onProgress: enabled
      ? (p: SimulationProgress) => {
          const now = Date.now();
          if (now - last < 250) return;
          last = now;
          shown = true;
          const rate = p.seconds > 0 ? Math.round(p.steps / p.seconds) : 0;
          io.err(
            `\r${title}: ${p.runs} run(s), ${p.steps} steps (${rate}/s), ${p.seconds.toFixed(1)} s\x1b[K`,
          );
        }
      : undefined,
    done() {
      if (shown) io.err("\r\x1b[K");
    },
  };
}

export async function runSimulate(
  args: SimulateArgs,
  io: Io,
  entry: ModelEntry = entryNamed(args.model),
): Promise<number> {
  const runs = integer("runs", args.runs ?? DEFAULT_RUNS, MAX_COUNT);
  const depth = integer("depth", args.depth ?? DEFAULT_DEPTH, MAX_COUNT);
  const seed =
    args.seed === undefined ? randomInt(0, MAX_SEED + 1) : integer("seed", args.seed, MAX_SEED);
  const maxSeconds = bound("max-seconds", args["max-seconds"]);
  const configs = resolveRuns(args, entry);
  const checked = configs.map((run) =>
    checkedBy(run.model, { liveness: false, deadlock: args.deadlock !== false, fairness: "weak" }),
  );
  requireSomethingChecked(checked);
  const traceOut = args["trace-out"];
  if (traceOut !== undefined) checkWritable("--trace-out", traceOut, args.force);
  if (!args.json) {
    const header =
      `${summaryHeader(entry.name, configs, checked)}\n` +
      `simulate: master seed ${seed}, ${runs} run(s) of at most ${depth} steps` +
      `${args.swarm ? ", swarm" : ""}${maxSeconds !== undefined ? `, at most ${maxSeconds} s` : ""}` +
      " (run 0 uses the master seed; --runs 1 --seed S repeats a run)";
    io.out(`${header}\n\n`);
  }
  const started = Date.now();
  const showProgress = args.progress ?? io.stderrIsTTY;
  const results: Simulated[] = [];
  for (const [i, run] of configs.entries()) {
    const progress = simulationProgress(io, showProgress, run.title);
    const left =
      maxSeconds === undefined
        ? undefined
        : Math.max(0, maxSeconds - (Date.now() - started) / 1000);
    const r = await simulateAsync(run.model, {
      runs,
      depth,
      seed,
      swarm: args.swarm,
      keepGoing: args["keep-going"],
      checkDeadlock: args.deadlock !== false,
      shouldStop: () => stopSignal() !== null,
      ...(left !== undefined ? { maxSeconds: left } : {}),
      onProgress: progress.onProgress,
    });
    progress.done();
    const report = r.firstViolation
      ? { modelName: entry.name, run, result: r.firstViolation, checked: checked[i]! }
      : null;
    results.push({ run, runs: r.runs, report, stopped: r.stopped, checked: checked[i]! });
    if (r.stopped) break;
  }
  if (args.json) {
    io.out(jsonReport(results, seed, runs, depth, args));
  } else {
    const color = useColor(io, args.color);
    io.out(textReport(entry, results, "", depth, args, color, outputWidth(io)));
  }
  if (traceOut !== undefined) {
    const reports = results.flatMap((s) => (s.report ? [s.report] : []));
    writeTrace(entry, reports, traceOut, args.force, io);
  }
  const signal = stopSignal();
  if (signal && results.some((s) => s.stopped === "interrupted")) return SIGNAL_EXIT[signal];
  return results.some((s) => s.report) ? EXIT_VIOLATION : EXIT_INCOMPLETE;
}

export function simulateCommand(
  io: Io,
  setStatus: (n: number) => void,
  entry: ModelEntry,
): CommandModule<object, SimulateArgs> {
  return {
    command: "simulate",
    describe: "take random walks through a model (finds bugs, proves nothing)",
    builder: (y: Argv) => {
      const b = y
        .option("runs", {
          requiresArg: true,
          coerce: String,
          defaultDescription: String(DEFAULT_RUNS),
          describe: "number of random walks per configuration",
        })
        .option("depth", {
          requiresArg: true,
          coerce: String,
          defaultDescription: String(DEFAULT_DEPTH),
          describe: "most steps per walk",
        })
        .option("seed", {
          requiresArg: true,
          coerce: String,
          defaultDescription: "random, printed",
          describe: `master seed 0..${MAX_SEED}`,
        })
        .option("swarm", {
          type: "boolean",
          default: false,
          describe: "swarm testing: each run favours a random subset of the threads",
        })
        .option("keep-going", {
          type: "boolean",
          default: false,
          describe: "do every run instead of stopping at the first violation",
        })
        .option("deadlock", {
          type: "boolean",
          default: true,
          describe: "report deadlocks (--no-deadlock to ignore them)",
        })
        .option("max-seconds", {
          requiresArg: true,
          coerce: String,
          describe: BOUND_HELP["max-seconds"].replace("4096 steps", "4096 steps or runs"),
        })
        .option("progress", {
          type: "boolean",
          describe: "progress line on stderr (default: only when stderr is a terminal)",
        })
        .example(
          entry.name === DEFAULT_MODEL
            ? [
                ["$0 simulate --variant head-only --runs 1000 --seed 1", "random walks"],
                ["$0 simulate --variant head-only --runs 1 --seed 123", "repeat one run"],
                ["$0 simulate --order 5 --chunk-shift 6 --swarm", "a model too large to check"],
              ]
            : [
                [`$0 simulate --model ${entry.name} --runs 1000 --seed 1`, "random walks"],
                [`$0 simulate --model ${entry.name} --runs 1 --seed 123`, "repeat one run"],
              ],
        );
      return withTraceOptions(
        withModelParameters(b, "simulate", entry),
      ) as unknown as Argv<SimulateArgs>;
    },
    handler: async (args) => setStatus(await runSimulate(args, io, entry)),
  };
}
