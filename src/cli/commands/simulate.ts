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
  deriveSeed,
  type SimulationProgress,
  type SimulationResult,
  type SimulationRun,
  simulateAsync,
} from "../../engine/simulate.js";
import { ParameterError, parseIntIn, type RawParams } from "../../params.js";
import {
  Fields,
  isRecord,
  matrixDigest,
  newShardHeader,
  parseShard,
  readShards,
  type ShardFile,
  type ShardHeader,
  type ShardSpec,
  shardIndices,
  shardOf,
} from "../../prove/shard.js";
import { type Checked, checkedBy, checkedJson, requireSomethingChecked } from "../checked.js";
import { EXIT_INCOMPLETE, EXIT_VIOLATION } from "../exit-status.js";
import { SIGNAL_EXIT, stopSignal } from "../interrupt.js";
import { type Io, outputWidth, useColor } from "../io.js";
import { entryNamed, rawParameters, withModelParameters } from "../model-options.js";
import { checkWritable, writeOutputFile } from "../output-file.js";
import { type RunReport, runToJson } from "../report/json.js";
import { summaryHeader, traceText } from "../report/text.js";
import { withTraceOptions } from "../trace-options.js";
import { TOOL_VERSION } from "../version.js";
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
  /** `i/N`: take only runs i-1, i-1+N, … of every configuration and write them as JSON. */
  shard?: string;
  /** Where a shard's JSON goes (default stdout). */
  out?: string;
  /** Shard files to merge into the unsharded simulation's report. */
  merge?: readonly string[];
  [param: string]: unknown;
}

/**
 * Everything the runs depend on besides the model: a shard file records it
 * and a merge refuses shards that differ in any of it.
 */
interface SimulateSettings {
  /** The model parameters given on the command line. */
  readonly params: RawParams;
  readonly runs: number;
  readonly depth: number;
  readonly seed: number;
  readonly swarm: boolean;
  readonly keepGoing: boolean;
  readonly deadlock: boolean;
  readonly maxSeconds: string | null;
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
  args: Pick<SimulateSettings, "swarm" | "deadlock">,
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
  args: Pick<SimulateSettings, "swarm" | "deadlock"> & { readonly "full-states": boolean },
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
  args: Pick<SimulateSettings, "swarm">,
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

function settingsOf(entry: ModelEntry, args: SimulateArgs): SimulateSettings {
  return {
    params: rawParameters(entry, args),
    runs: integer("runs", args.runs ?? DEFAULT_RUNS, MAX_COUNT),
    depth: integer("depth", args.depth ?? DEFAULT_DEPTH, MAX_COUNT),
    seed:
      args.seed === undefined ? randomInt(0, MAX_SEED + 1) : integer("seed", args.seed, MAX_SEED),
    swarm: args.swarm === true,
    keepGoing: args["keep-going"] === true,
    deadlock: args.deadlock !== false,
    maxSeconds: args["max-seconds"] ?? null,
  };
}

/** The configurations and what each checks, validated before any run. */
function prepare(entry: ModelEntry, settings: SimulateSettings) {
  const configs = resolveRuns(settings.params, entry);
  const checked = configs.map((run) =>
    checkedBy(run.model, { liveness: false, deadlock: settings.deadlock, fairness: "weak" }),
  );
  requireSomethingChecked(checked);
  return { configs, checked };
}

function printHeader(
  io: Io,
  entry: ModelEntry,
  configs: readonly ModelRun[],
  checked: readonly Checked[],
  settings: SimulateSettings,
): void {
  const maxSeconds = bound("max-seconds", settings.maxSeconds ?? undefined);
  const header =
    `${summaryHeader(entry.name, configs, checked)}\n` +
    `simulate: master seed ${settings.seed}, ${settings.runs} run(s) of at most ${settings.depth} steps` +
    `${settings.swarm ? ", swarm" : ""}${maxSeconds !== undefined ? `, at most ${maxSeconds} s` : ""}` +
    " (run 0 uses the master seed; --runs 1 --seed S repeats a run)";
  io.out(`${header}\n\n`);
}

/** The report (text or JSON, --trace-out) and the exit status. */
function report(
  entry: ModelEntry,
  results: readonly Simulated[],
  settings: SimulateSettings,
  args: SimulateArgs,
  io: Io,
): number {
  if (args.json) {
    io.out(jsonReport(results, settings.seed, settings.runs, settings.depth, settings));
  } else {
    const color = useColor(io, args.color);
    const options = { ...settings, "full-states": args["full-states"] };
    io.out(textReport(entry, results, "", settings.depth, options, color, outputWidth(io)));
  }
  const traceOut = args["trace-out"];
  if (traceOut !== undefined) {
    const reports = results.flatMap((s) => (s.report ? [s.report] : []));
    writeTrace(entry, reports, traceOut, args.force, io);
  }
  const signal = stopSignal();
  if (signal && results.some((s) => s.stopped === "interrupted")) return SIGNAL_EXIT[signal];
  return results.some((s) => s.report) ? EXIT_VIOLATION : EXIT_INCOMPLETE;
}

export async function runSimulate(
  args: SimulateArgs,
  io: Io,
  entry: ModelEntry = entryNamed(args.model),
): Promise<number> {
  if (args.merge !== undefined) return mergeSimulate(args, io);
  const shard = args.shard !== undefined ? parseShard(String(args.shard)) : null;
  if (args.out !== undefined && shard === null) {
    throw new ParameterError("--out goes with --shard i/N (where the shard's JSON goes)");
  }
  if (shard !== null && args.seed === undefined) {
    throw new ParameterError(
      "--shard needs --seed: every shard must draw its runs from the same master seed",
    );
  }
  const traceOut = args["trace-out"];
  if (shard !== null && traceOut !== undefined) {
    throw new ParameterError(
      "--trace-out goes with --merge: a shard writes its runs as JSON (stdout or --out FILE)",
    );
  }
  const settings = settingsOf(entry, args);
  const maxSeconds = bound("max-seconds", args["max-seconds"]);
  const { configs, checked } = prepare(entry, settings);
  if (traceOut !== undefined) checkWritable("--trace-out", traceOut, args.force);
  if (args.out !== undefined) checkWritable("--out", args.out, args.force);
  if (shard !== null) return simulateShard(entry, configs, settings, shard, args, io);
  const { runs, depth, seed } = settings;
  if (!args.json) printHeader(io, entry, configs, checked, settings);
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
      swarm: settings.swarm,
      keepGoing: settings.keepGoing,
      checkDeadlock: settings.deadlock,
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
  return report(entry, results, settings, args, io);
}

// --- sharding: --shard i/N writes a slice of every configuration's runs, --merge joins them ---

/** A run as a shard records it: its index among the unsharded runs, then the run. */
type ShardRun = SimulationRun & { readonly run: number };

interface ShardResult {
  readonly title: string;
  readonly runs: readonly ShardRun[];
  readonly stopped: SimulationResult<unknown>["stopped"];
  readonly seconds: number;
}

/**
 * Shard i of N: runs i-1, i-1+N, … of every configuration, each run alone
 * with its own seed (a run depends only on its seed: it is the same walk as
 * in the unsharded simulation). Without --keep-going a shard stops at its
 * first violation, as the unsharded simulation does at the first of all.
 */
async function simulateShard(
  entry: ModelEntry,
  configs: readonly ModelRun[],
  settings: SimulateSettings,
  shard: ShardSpec,
  args: SimulateArgs,
  io: Io,
): Promise<number> {
  const indices = shardIndices(settings.runs, shard);
  const maxSeconds = bound("max-seconds", settings.maxSeconds ?? undefined);
  const started = Date.now();
  const showProgress = args.progress ?? io.stderrIsTTY;
  const results: ShardResult[] = [];
  for (const config of configs) {
    const progress = simulationProgress(io, showProgress, config.title);
    const from = Date.now();
    const runs: ShardRun[] = [];
    let steps = 0;
    let stopped: ShardResult["stopped"] = null;
    for (const [j, k] of indices.entries()) {
      // Short walks never reach the simulation's own yield (every 4096 steps):
      // give the event loop a turn now and then, so that a signal is heard.
      if (j % 64 === 63) await new Promise<void>((resolve) => setImmediate(resolve));
      const seconds = (Date.now() - started) / 1000;
      if (stopSignal() !== null) stopped = "interrupted";
      else if (maxSeconds !== undefined && seconds >= maxSeconds) stopped = "max-seconds";
      if (stopped) break;
      const r = await simulateAsync(config.model, {
        runs: 1,
        depth: settings.depth,
        seed: deriveSeed(settings.seed, k),
        swarm: settings.swarm,
        checkDeadlock: settings.deadlock,
        shouldStop: () => stopSignal() !== null,
        ...(maxSeconds !== undefined ? { maxSeconds: Math.max(0, maxSeconds - seconds) } : {}),
      });
      stopped = r.stopped;
      const one = r.runs[0];
      if (stopped || !one) break;
      runs.push({ run: k, ...one });
      steps += one.steps;
      progress.onProgress?.({ runs: runs.length, steps, seconds: (Date.now() - from) / 1000 });
      if (one.verdict !== "ok" && !settings.keepGoing) break;
    }
    progress.done();
    results.push({ title: config.title, runs, stopped, seconds: (Date.now() - from) / 1000 });
    if (stopped) break;
  }
  const signal = stopSignal();
  // An interrupted shard writes nothing: a merge must not mistake it for a whole slice.
  if (signal) return SIGNAL_EXIT[signal];
  const header = newShardHeader({
    kind: "simulate",
    tool: TOOL_VERSION,
    model: entry.name,
    modelVersion: entry.version,
    settings: { ...settings },
    matrix: matrixDigest(configs),
    shard,
  });
  const json = shardJson(header, results);
  if (args.out === undefined) io.out(json);
  else {
    writeOutputFile("--out", args.out, json, args.force);
    const taken = results.reduce((n, r) => n + r.runs.length, 0);
    io.err(
      `swapcheck: shard ${shard.index}/${shard.count}: ${taken} run(s) of ${configs.length} ` +
        `configuration(s) (slice: ${indices.length} of ${settings.runs} runs each) written to ${args.out}\n`,
    );
  }
  // The verdict is the merge's: a shard that ran its slice succeeded.
  return 0;
}

/**
 * A simulate shard as JSON: the header indented, one line per run (a
 * shard may hold a million runs).
 */
function shardJson(header: ShardHeader, results: readonly ShardResult[]): string {
  const head = JSON.stringify(header, null, 2).slice(0, -2);
  const result = (r: ShardResult) => {
    const { runs, ...rest } = r;
    const fields = JSON.stringify(rest).slice(1, -1);
    const lines = runs.map((run) => `      ${JSON.stringify(run)}`).join(",\n");
    return `    {${fields}, "runs": [${runs.length > 0 ? `\n${lines}\n    ` : ""}]}`;
  };
  const body = results.map(result).join(",\n");
  return `${head},\n  "results": [${results.length > 0 ? `\n${body}\n  ` : ""}]\n}\n`;
}

/** Options a merge takes from the shards, not from its own command line. */
function refuseWithMerge(entry: ModelEntry, args: SimulateArgs): void {
  const given = [
    ...Object.keys(rawParameters(entry, args)).map((k) => `--${k}`),
    ...(["runs", "depth", "seed", "max-seconds", "shard", "out"] as const)
      .filter((k) => args[k] !== undefined)
      .map((k) => `--${k}`),
    ...(args.swarm ? ["--swarm"] : []),
    ...(args["keep-going"] ? ["--keep-going"] : []),
    ...(args.deadlock === false ? ["--no-deadlock"] : []),
  ];
  if (given.length > 0) {
    throw new ParameterError(
      `--merge takes the model and its settings from the shards: drop ${given.join(", ")}`,
    );
  }
}

function readSettings(s: ShardFile): SimulateSettings {
  const f = new Fields(s.path, "settings");
  const o = s.header.settings;
  const paramsDoc = f.record(o, "params");
  const params: Record<string, string> = {};
  for (const k of Object.keys(paramsDoc)) params[k] = f.at("params").string(paramsDoc, k);
  return {
    params,
    runs: f.integer(o, "runs"),
    depth: f.integer(o, "depth"),
    seed: f.integer(o, "seed"),
    swarm: f.boolean(o, "swarm"),
    keepGoing: f.boolean(o, "keepGoing"),
    deadlock: f.boolean(o, "deadlock"),
    maxSeconds: f.stringOrNull(o, "maxSeconds"),
  };
}

const RUN_VERDICTS: readonly SimulationRun["verdict"][] = ["ok", "violated", "deadlock"];
const STOPS = ["interrupted", "max-seconds"] as const;

/** A shard's results, checked: one per configuration it reached, each run in its slice, in order. */
function readResults(
  s: ShardFile,
  configs: readonly ModelRun[],
  settings: SimulateSettings,
): ShardResult[] {
  const top = new Fields(s.path, "");
  const slice = shardIndices(settings.runs, s.header.shard);
  const list = top.array(s.doc, "results");
  if (list.length > configs.length) top.fail("more results than configurations");
  const stoppedAt = list.findIndex((o) => isRecord(o) && o.stopped !== null);
  if (list.length < configs.length && stoppedAt < 0) {
    top.fail(
      `results for ${list.length} of the ${configs.length} configurations, and it did not stop`,
    );
  }
  if (stoppedAt >= 0 && stoppedAt < list.length - 1) top.fail("results go on past a stop");
  return list.map((o, c) => {
    const f = top.at(`results[${c}]`);
    if (!isRecord(o)) return f.fail("is not an object");
    const title = f.string(o, "title");
    if (title !== configs[c]!.title) {
      f.fail(`is '${title}', the simulation's configuration ${c} is '${configs[c]!.title}'`);
    }
    const stoppedValue = o.stopped;
    if (stoppedValue !== null && !(STOPS as readonly unknown[]).includes(stoppedValue)) {
      f.fail("stopped is not a reason");
    }
    const runs = f.array(o, "runs").map((r, i): ShardRun => {
      const g = f.at(`runs[${i}]`);
      if (!isRecord(r)) return g.fail("is not an object");
      const favoured = r.favoured === undefined ? undefined : g.strings(r, "favoured");
      const run: ShardRun = {
        run: g.integer(r, "run"),
        seed: g.integer(r, "seed"),
        steps: g.integer(r, "steps"),
        verdict: g.oneOf(r, "verdict", RUN_VERDICTS),
        property: g.stringOrNull(r, "property"),
        ...(favoured !== undefined ? { favoured } : {}),
      };
      if (run.run !== slice[i]) {
        g.fail(`run ${run.run} is not in slice ${s.header.shard.index}/${s.header.shard.count}`);
      }
      if (run.seed !== deriveSeed(settings.seed, run.run)) {
        g.fail(`seed ${run.seed} is not run ${run.run}'s`);
      }
      return run;
    });
    const stopped = stoppedValue as ShardResult["stopped"];
    // A slice taken in part must say why: its first violation (without --keep-going) or a stop.
    const failed = runs.findIndex((r) => r.verdict !== "ok");
    if (!settings.keepGoing && failed >= 0 && failed < runs.length - 1) {
      f.fail(`runs go on past the violation of run ${runs[failed]!.run}`);
    }
    const whole = runs.length === slice.length || runs.length === 0;
    if (!whole && stopped === null && (settings.keepGoing || failed < 0)) {
      f.fail(`${runs.length} of the slice's ${slice.length} runs, and it did not stop`);
    }
    return { title, runs, stopped, seconds: f.number(o, "seconds") };
  });
}

/**
 * One configuration's runs as the unsharded simulation has them: every
 * shard's, in run order, up to the first violation (without --keep-going)
 * or up to the first run a stopped shard did not take.
 */
function mergedRuns(
  c: number,
  shards: readonly ShardFile[],
  results: readonly ShardResult[][],
  settings: SimulateSettings,
): { runs: SimulationRun[]; stopped: ShardResult["stopped"]; seconds: number } {
  const byRun = new Map<number, ShardRun>();
  for (const r of results) for (const run of r[c]?.runs ?? []) byRun.set(run.run, run);
  const runs: SimulationRun[] = [];
  let stopped: ShardResult["stopped"] = null;
  for (let k = 0; k < settings.runs; k++) {
    const found = byRun.get(k);
    if (!found) {
      // The shard that should have taken run k stopped before it (here or in an earlier configuration).
      const owner = results[shardOf(k, shards.length) - 1]!;
      stopped = owner.slice(0, c + 1).find((r) => r.stopped)?.stopped ?? null;
      break;
    }
    const { run: _index, ...run } = found;
    runs.push(run);
    if (run.verdict !== "ok" && !settings.keepGoing) break;
  }
  const seconds = results.reduce((n, r) => n + (r[c]?.seconds ?? 0), 0);
  return { runs, stopped, seconds };
}

/**
 * The first violation of a configuration as the unsharded simulation
 * reports it: the walk repeated from its seed (its trace), with the stats
 * of every run up to it (states visited, steps taken).
 */
async function violationOf(
  entry: ModelEntry,
  config: ModelRun,
  checked: Checked,
  runs: readonly SimulationRun[],
  seconds: number,
  settings: SimulateSettings,
): Promise<RunReport | null> {
  const v = runs.findIndex((r) => r.verdict !== "ok");
  if (v < 0) return null;
  const failed = runs[v]!;
  const again = await simulateAsync(config.model, {
    runs: 1,
    depth: settings.depth,
    seed: failed.seed,
    swarm: settings.swarm,
    checkDeadlock: settings.deadlock,
  });
  const found = again.firstViolation;
  if (!found || found.property !== failed.property || found.trace?.steps.length !== failed.steps) {
    throw new ParameterError(
      `--merge: run ${v} of ${config.title} (seed ${failed.seed}) does not repeat its ${failed.property}`,
    );
  }
  const upTo = runs.slice(0, v + 1);
  const visited = upTo.reduce((n, r) => n + r.steps + 1, 0);
  const stats = {
    ...found.stats,
    distinctStates: visited,
    transitions: upTo.reduce((n, r) => n + r.steps, 0),
    seconds,
    statesPerSecond: seconds > 0 ? visited / seconds : visited,
  };
  return { modelName: entry.name, run: config, result: { ...found, stats }, checked };
}

/** `simulate --merge FILE...`: the unsharded simulation's report, from its shards. */
async function mergeSimulate(args: SimulateArgs, io: Io): Promise<number> {
  const paths = (Array.isArray(args.merge) ? args.merge : [args.merge]).map(String);
  const shards = readShards(paths, "simulate", TOOL_VERSION);
  const first = shards[0]!;
  const entry = entryNamed(first.header.model);
  if (args.model !== DEFAULT_MODEL && args.model !== entry.name) {
    throw new ParameterError(
      `--merge ${first.path}: the shards simulate model ${entry.name}, not ${args.model}`,
    );
  }
  refuseWithMerge(entryNamed(args.model), args);
  if (first.header.modelVersion !== entry.version) {
    throw new ParameterError(
      `--merge ${first.path}: model ${entry.name} version ${first.header.modelVersion}, this swapcheck has ${entry.version}`,
    );
  }
  const settings = readSettings(first);
  const { configs, checked } = prepare(entry, settings);
  const digest = matrixDigest(configs);
  if (digest.items !== first.header.matrix.items || digest.sha256 !== first.header.matrix.sha256) {
    throw new ParameterError(
      `--merge ${first.path}: its configurations (${first.header.matrix.items}) are not the ones this swapcheck builds from its parameters (${digest.items})`,
    );
  }
  const traceOut = args["trace-out"];
  if (traceOut !== undefined) checkWritable("--trace-out", traceOut, args.force);
  const perShard = shards.map((s) => readResults(s, configs, settings));
  const results: Simulated[] = [];
  for (const [c, config] of configs.entries()) {
    const { runs, stopped, seconds } = mergedRuns(c, shards, perShard, settings);
    const report = await violationOf(entry, config, checked[c]!, runs, seconds, settings);
    results.push({ run: config, runs, report, stopped, checked: checked[c]! });
    if (stopped) break;
  }
  if (!args.json) printHeader(io, entry, configs, checked, settings);
  return report(entry, results, settings, args, io);
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
        .option("shard", {
          type: "string",
          requiresArg: true,
          describe:
            "i/N: take only runs i-1, i-1+N, … of each configuration (needs --seed) and write them as JSON for --merge",
        })
        .option("out", {
          type: "string",
          requiresArg: true,
          describe: "with --shard: write the shard's JSON to this file instead of stdout",
        })
        .option("merge", {
          type: "array",
          string: true,
          describe:
            "shard files (all N of one simulation): print the report the unsharded simulation gives",
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
