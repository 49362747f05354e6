/**
 * `swapcheck prove --model NAME`: the model's verdict matrix (its
 * `ModelEntry.proof`: a default value per parameter, the parameter that
 * selects the fix and the baseline standing for "no fix") with, for every
 * cell that holds, the evidence that makes it a proof: completeness,
 * coverage against the run's step catalogue, and a vacuity witness (the
 * baseline violated in the same configuration). Every model parameter can
 * be given, numbers as lists and ranges (`1..3`). Exit 0 only when every
 * selected cell is proved cleanly; 1 when any is violated; 3 otherwise.
 */
import type { Argv, CommandModule } from "yargs";
import {
  DEFAULT_MODEL,
  type ModelEntry,
  type ModelProof,
  type ModelRun,
} from "../../../models/registry.js";
import { ParameterError, type RawParams } from "../../params.js";
import {
  type Cell,
  type CellReport,
  matrixRuns,
  type ProveOptions,
  proveExitStatus,
  proveRuns,
} from "../../prove/matrix.js";
import { configuration, proveJson, proveMarkdown, proveText } from "../../prove/render.js";
import {
  cellRecord,
  Fields,
  matrixDigest,
  mergeCells,
  newShardHeader,
  parseShard,
  readShards,
  type ShardFile,
  shardCells,
  witnessGroups,
} from "../../prove/shard.js";
import { type Checked, checkedBy, isLiveness, requireSomethingChecked } from "../checked.js";
import { SIGNAL_EXIT, stopSignal } from "../interrupt.js";
import type { Io } from "../io.js";
import { entryNamed, expandNumbers, rawParameters, withModelParameters } from "../model-options.js";
import { checkWritable, writeOutputFile } from "../output-file.js";
import { TOOL_VERSION } from "../version.js";
import { BOUND_HELP, bound } from "./check.js";

export interface ProveArgs {
  model: string;
  baseline?: string;
  liveness: boolean;
  fairness: string;
  deadlock: boolean;
  md?: string;
  force: boolean;
  json: boolean;
  verbose: boolean;
  progress?: boolean;
  "max-seconds"?: string;
  "max-states"?: string;
  "max-depth"?: string;
  /** `i/N`: run the i-th of N slices of the matrix and write its cells as JSON. */
  shard?: string;
  /** Where a shard's JSON goes (default stdout). */
  out?: string;
  /** Shard files to merge into the unsharded run's report. */
  merge?: readonly string[];
  [param: string]: unknown;
}

export { parseList } from "../model-options.js";

/** The model's proof, or a one-line error for a model without one. */
export function proofOf(entry: ModelEntry): ModelProof {
  if (!entry.proof) {
    throw new ParameterError(
      `model ${entry.name} has no proof to run (no fix parameter and baseline); ` +
        `use swapcheck check --model ${entry.name}`,
    );
  }
  return entry.proof;
}

/** The matrix's parameters: the proof's defaults, overridden by the command line's. */
export function matrixParams(entry: ModelEntry, args: Record<string, unknown>): RawParams {
  const proof = proofOf(entry);
  return { ...proof.matrix, ...rawParameters(entry, args) };
}

/**
 * The matrix's configurations: numbers given as lists or ranges expanded
 * (the model expands its own lists, e.g. `variant: all`).
 */
export function proveConfigs(entry: ModelEntry, args: Record<string, unknown>): RawParams[] {
  return expandNumbers(entry, matrixParams(entry, args));
}

/**
 * Everything a cell's result depends on besides the model: the matrix's
 * parameters, the baseline, what is checked and the bounds. A shard file
 * records it, and a merge refuses shards that differ in any of it.
 */
export interface ProveSettings {
  /** The matrix's parameters: the proof's defaults, overridden by the command line's. */
  readonly params: RawParams;
  readonly baseline: string;
  readonly liveness: boolean;
  readonly fairness: string;
  readonly deadlock: boolean;
  readonly maxSeconds: string | null;
  readonly maxStates: string | null;
  readonly maxDepth: string | null;
}

function settingsOf(entry: ModelEntry, args: ProveArgs): ProveSettings {
  return {
    params: matrixParams(entry, args),
    baseline: args.baseline ?? proofOf(entry).baseline,
    liveness: args.liveness,
    fairness: args.fairness,
    deadlock: args.deadlock,
    maxSeconds: args["max-seconds"] ?? null,
    maxStates: args["max-states"] ?? null,
    maxDepth: args["max-depth"] ?? null,
  };
}

/** The command line that reproduces this matrix (for the Markdown header). */
function commandLine(entry: ModelEntry, settings: ProveSettings, md: string | undefined): string {
  const proof = proofOf(entry);
  const parts = ["swapcheck prove"];
  if (entry.name !== DEFAULT_MODEL) parts.push(`--model ${entry.name}`);
  for (const p of entry.parameters) {
    const v = settings.params[p.name];
    if (v !== undefined && v !== proof.matrix[p.name]) parts.push(`--${p.name} ${v}`);
  }
  if (settings.baseline !== proof.baseline) parts.push(`--baseline ${settings.baseline}`);
  if (!settings.liveness) parts.push("--no-liveness");
  if (settings.fairness !== "weak") parts.push(`--fairness ${settings.fairness}`);
  if (!settings.deadlock) parts.push("--no-deadlock");
  if (md) parts.push(`--md ${md}`);
  return parts.join(" ");
}

/** The matrix's runs and what each checks, every parameter validated before any search runs. */
function prepare(
  entry: ModelEntry,
  settings: ProveSettings,
): { runs: ModelRun[]; checked: Checked[]; fairness: "weak" | "none" } {
  const proof = proofOf(entry);
  const { baseline, fairness } = settings;
  const fixSpec = entry.parameters.find((p) => p.name === proof.fixParameter);
  if (fixSpec?.choices && !fixSpec.choices.some((c) => c.value === baseline)) {
    throw new ParameterError(
      `unknown baseline '${baseline}'; valid: ${fixSpec.choices.map((c) => c.value).join(", ")}`,
    );
  }
  if (fairness !== "weak" && fairness !== "none") {
    throw new ParameterError(`unknown fairness '${fairness}'; valid: weak, none`);
  }
  if (!settings.liveness && fairness !== "weak") {
    throw new ParameterError("--fairness only applies to liveness: drop --no-liveness");
  }
  if (settings.liveness && settings.params.symmetry === "on") {
    throw new ParameterError(
      "--symmetry on is not sound for the per-thread progress properties: add --no-liveness",
    );
  }
  const configs = expandNumbers(entry, settings.params);
  // Validate every cell's parameters (and the baseline's) before any search runs.
  const runs = matrixRuns(entry, configs);
  for (const run of runs) {
    const fix = run.fixParameter ?? proof.fixParameter;
    entry.configure({ ...run.raw, [fix]: baseline });
  }
  if (runs.length === 0) throw new ParameterError("the matrix is empty");
  const checked = runs.map((r) =>
    checkedBy(r.model, {
      liveness: settings.liveness && r.model.properties.some(isLiveness),
      deadlock: settings.deadlock,
      fairness,
    }),
  );
  requireSomethingChecked(checked);
  return { runs, checked, fairness };
}

/** The configuration first, so that a pipe shows what is being proved before the searches end. */
function printHeader(io: Io, entry: ModelEntry, runs: readonly ModelRun[], checked: Checked[]) {
  const header = configuration(
    runs.map((run, i) => ({ run, checked: checked[i]! })),
    entry.name,
  );
  io.out(`${header.join("\n")}\n\n`);
}

/** The report of the whole matrix (text or JSON, and --md); the exit status. */
function report(
  entry: ModelEntry,
  settings: ProveSettings,
  cells: readonly CellReport[],
  args: ProveArgs,
  io: Io,
): number {
  io.out(
    args.json ? proveJson(cells, entry.name) : proveText(cells, args.verbose, entry.name, false),
  );
  if (args.md !== undefined) {
    const md = proveMarkdown(cells, {
      command: commandLine(entry, settings, args.md),
      tool: `swapcheck ${TOOL_VERSION}`,
      model: entry.name,
    });
    writeOutputFile("--md", args.md, md, args.force);
    io.err(`swapcheck: matrix of ${cells.length} cell(s) written to ${args.md}\n`);
  }
  const signal = stopSignal();
  return signal ? SIGNAL_EXIT[signal] : proveExitStatus(cells);
}

function searchOptions(
  settings: ProveSettings,
  fairness: "weak" | "none",
  io: Io,
  showProgress: boolean,
): ProveOptions {
  return {
    baseline: settings.baseline,
    liveness: settings.liveness,
    fairness,
    checkDeadlock: settings.deadlock,
    maxSeconds: bound("max-seconds", settings.maxSeconds ?? undefined),
    maxStates: bound("max-states", settings.maxStates ?? undefined, { whole: true }),
    maxDepth: bound("max-depth", settings.maxDepth ?? undefined, { whole: true }),
    shouldStop: () => stopSignal() !== null,
    onCell: (_c, done, total) => {
      if (showProgress) io.err(`\rprove: ${done}/${total} cells\x1b[K`);
    },
  };
}

export async function runProve(
  args: ProveArgs,
  io: Io,
  entry: ModelEntry = entryNamed(args.model),
): Promise<number> {
  if (args.merge !== undefined) return mergeProve(args, io);
  const shard = args.shard !== undefined ? parseShard(String(args.shard)) : null;
  if (args.out !== undefined && shard === null) {
    throw new ParameterError("--out goes with --shard i/N (where the shard's JSON goes)");
  }
  if (shard !== null && args.md !== undefined) {
    throw new ParameterError(
      "--md goes with --merge: a shard writes its cells as JSON (stdout or --out FILE)",
    );
  }
  const settings = settingsOf(entry, args);
  const { runs, checked, fairness } = prepare(entry, settings);
  if (args.md !== undefined) checkWritable("--md", args.md, args.force);
  if (args.out !== undefined) checkWritable("--out", args.out, args.force);
  const showProgress = args.progress ?? io.stderrIsTTY;
  const options = searchOptions(settings, fairness, io, showProgress);
  if (shard !== null) {
    const groups = witnessGroups(runs, proofOf(entry).fixParameter, settings.baseline);
    const indices = shardCells(groups, shard);
    const cells = await proveRuns(
      entry,
      indices.map((k) => runs[k]!),
      options,
    );
    if (showProgress) io.err("\r\x1b[K");
    const signal = stopSignal();
    // An interrupted shard writes nothing: a merge must not mistake it for a whole slice.
    if (signal) return SIGNAL_EXIT[signal];
    const doc = {
      ...newShardHeader({
        kind: "prove",
        tool: TOOL_VERSION,
        model: entry.name,
        modelVersion: entry.version,
        settings: { ...settings },
        matrix: matrixDigest(runs),
        shard,
      }),
      cells: cells.map((c, i) => cellRecord(indices[i]!, c)),
    };
    const json = `${JSON.stringify(doc, null, 2)}\n`;
    if (args.out === undefined) io.out(json);
    else {
      writeOutputFile("--out", args.out, json, args.force);
      io.err(
        `swapcheck: shard ${shard.index}/${shard.count}: ${cells.length} of ${runs.length} cell(s) written to ${args.out}\n`,
      );
    }
    // The verdict is the merge's: a shard that ran its slice to the end succeeded.
    return 0;
  }
  if (!args.json) printHeader(io, entry, runs, checked);
  const cells: Cell[] = await proveRuns(entry, runs, options);
  if (showProgress) io.err("\r\x1b[K");
  return report(entry, settings, cells, args, io);
}

/** Options a merge takes from the shards, not from its own command line. */
function refuseWithMerge(entry: ModelEntry, args: ProveArgs): void {
  const given = [
    ...Object.keys(rawParameters(entry, args)).map((k) => `--${k}`),
    ...(args.baseline !== undefined ? ["--baseline"] : []),
    ...(!args.liveness ? ["--no-liveness"] : []),
    ...(args.fairness !== "weak" ? ["--fairness"] : []),
    ...(!args.deadlock ? ["--no-deadlock"] : []),
    ...(["max-seconds", "max-states", "max-depth"] as const)
      .filter((k) => args[k] !== undefined)
      .map((k) => `--${k}`),
    ...(args.shard !== undefined ? ["--shard"] : []),
    ...(args.out !== undefined ? ["--out"] : []),
  ];
  if (given.length > 0) {
    throw new ParameterError(
      `--merge takes the model and its settings from the shards: drop ${given.join(", ")}`,
    );
  }
}

/** A shard's settings, read back (every field checked). */
function readSettings(s: ShardFile): ProveSettings {
  const f = new Fields(s.path, "settings");
  const o = s.header.settings;
  const paramsDoc = f.record(o, "params");
  const params: Record<string, string> = {};
  for (const k of Object.keys(paramsDoc)) params[k] = f.at("params").string(paramsDoc, k);
  return {
    params,
    baseline: f.string(o, "baseline"),
    liveness: f.boolean(o, "liveness"),
    fairness: f.string(o, "fairness"),
    deadlock: f.boolean(o, "deadlock"),
    maxSeconds: f.stringOrNull(o, "maxSeconds"),
    maxStates: f.stringOrNull(o, "maxStates"),
    maxDepth: f.stringOrNull(o, "maxDepth"),
  };
}

/** `prove --merge FILE...`: the report of the unsharded run, from its shards. */
async function mergeProve(args: ProveArgs, io: Io): Promise<number> {
  const paths = (Array.isArray(args.merge) ? args.merge : [args.merge]).map(String);
  const shards = readShards(paths, "prove", TOOL_VERSION);
  const first = shards[0]!;
  const entry = entryNamed(first.header.model);
  if (args.model !== DEFAULT_MODEL && args.model !== entry.name) {
    throw new ParameterError(
      `--merge ${first.path}: the shards prove model ${entry.name}, not ${args.model}`,
    );
  }
  refuseWithMerge(entryNamed(args.model), args);
  if (first.header.modelVersion !== entry.version) {
    throw new ParameterError(
      `--merge ${first.path}: model ${entry.name} version ${first.header.modelVersion}, this swapcheck has ${entry.version}`,
    );
  }
  const settings = readSettings(first);
  const { runs, checked } = prepare(entry, settings);
  const digest = matrixDigest(runs);
  if (digest.items !== first.header.matrix.items || digest.sha256 !== first.header.matrix.sha256) {
    throw new ParameterError(
      `--merge ${first.path}: its matrix (${first.header.matrix.items} cells) is not the one this swapcheck builds from its parameters (${digest.items} cells)`,
    );
  }
  if (args.md !== undefined) checkWritable("--md", args.md, args.force);
  const groups = witnessGroups(runs, proofOf(entry).fixParameter, settings.baseline);
  const cells = mergeCells(shards, runs, groups, checked);
  if (!args.json) printHeader(io, entry, runs, checked);
  return report(entry, settings, cells, args, io);
}

export function proveCommand(
  io: Io,
  setStatus: (n: number) => void,
  entry: ModelEntry,
): CommandModule<object, ProveArgs> {
  return {
    command: "prove",
    describe: "a model's verdict matrix with completeness, coverage and vacuity witnesses",
    builder: (y: Argv) => {
      const b = y
        .option("baseline", {
          type: "string",
          requiresArg: true,
          ...(entry.proof ? { defaultDescription: entry.proof.baseline } : {}),
          describe: `the value of --${entry.proof?.fixParameter ?? "the fix parameter"} standing for 'no fix' (the vacuity witness)`,
        })
        .option("liveness", {
          type: "boolean",
          default: true,
          describe: "check the progress properties too (--no-liveness: invariants only)",
        })
        .option("fairness", {
          type: "string",
          default: "weak",
          requiresArg: true,
          describe: "fairness for liveness: weak (every continuously enabled thread steps) or none",
        })
        .option("deadlock", {
          type: "boolean",
          default: true,
          describe: "report deadlocks (--no-deadlock to ignore them)",
        })
        .option("md", {
          type: "string",
          requiresArg: true,
          describe: "write the matrix and evidence as Markdown",
        })
        .option("force", {
          type: "boolean",
          default: false,
          describe: "overwrite an existing --md or --out file",
        })
        .option("shard", {
          type: "string",
          requiresArg: true,
          describe:
            "i/N: prove only the i-th of N slices of the matrix and write its cells as JSON for --merge",
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
            "shard files (all N of one run): print the report the unsharded run gives, with its exit status",
        })
        .option("json", { type: "boolean", default: false, describe: "print one JSON document" })
        .option("verbose", {
          type: "boolean",
          default: false,
          describe: "print the evidence of every cell",
        })
        .option("progress", {
          type: "boolean",
          describe: "progress line on stderr (default: only when stderr is a terminal)",
        })
        .option("max-seconds", {
          requiresArg: true,
          coerce: String,
          describe: `${BOUND_HELP["max-seconds"]}, per search`,
        })
        .option("max-states", {
          requiresArg: true,
          coerce: String,
          describe: `${BOUND_HELP["max-states"]}, per search`,
        })
        .option("max-depth", {
          requiresArg: true,
          coerce: String,
          describe: `${BOUND_HELP["max-depth"]}, per search`,
        })
        .example(
          entry.name === DEFAULT_MODEL
            ? [
                ["$0 prove --variant sibling-check", "does the RFC's fix close the bug?"],
                ["$0 prove --variant sibling-check --order 1..4 --swapins 2", "a larger matrix"],
                ["$0 prove --md docs/results.md --force", "regenerate the committed results"],
                ["$0 prove --shard 1/4 --out shard-1.json", "one of four machines' share"],
                ["$0 prove --merge shard-*.json --md proof.md", "their report, as one run's"],
              ]
            : [[`$0 prove --model ${entry.name}`, "the model's proof matrix"]],
        );
      return withModelParameters(
        b,
        "prove",
        entry,
        entry.proof?.matrix,
      ) as unknown as Argv<ProveArgs>;
    },
    handler: async (args) => setStatus(await runProve(args, io, entry)),
  };
}
