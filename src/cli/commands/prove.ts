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
import { DEFAULT_MODEL, type ModelEntry, type ModelProof } from "../../../models/registry.js";
import { ParameterError, type RawParams } from "../../params.js";
import { type Cell, matrixRuns, proveExitStatus, proveMatrix } from "../../prove/matrix.js";
import { configuration, proveJson, proveMarkdown, proveText } from "../../prove/render.js";
import { checkedBy, isLiveness, requireSomethingChecked } from "../checked.js";
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

/** The command line that reproduces this matrix (for the Markdown header). */
function commandLine(entry: ModelEntry, args: ProveArgs): string {
  const proof = proofOf(entry);
  const parts = ["swapcheck prove"];
  if (entry.name !== DEFAULT_MODEL) parts.push(`--model ${entry.name}`);
  for (const [k, v] of Object.entries(rawParameters(entry, args))) {
    if (v !== undefined && v !== proof.matrix[k]) parts.push(`--${k} ${v}`);
  }
  if (args.baseline !== undefined && args.baseline !== proof.baseline) {
    parts.push(`--baseline ${args.baseline}`);
  }
  if (!args.liveness) parts.push("--no-liveness");
  if (args.fairness !== "weak") parts.push(`--fairness ${args.fairness}`);
  if (!args.deadlock) parts.push("--no-deadlock");
  if (args.md) parts.push(`--md ${args.md}`);
  return parts.join(" ");
}

export async function runProve(
  args: ProveArgs,
  io: Io,
  entry: ModelEntry = entryNamed(args.model),
): Promise<number> {
  const proof = proofOf(entry);
  const baseline = args.baseline ?? proof.baseline;
  const fixSpec = entry.parameters.find((p) => p.name === proof.fixParameter);
  if (fixSpec?.choices && !fixSpec.choices.some((c) => c.value === baseline)) {
    throw new ParameterError(
      `unknown baseline '${baseline}'; valid: ${fixSpec.choices.map((c) => c.value).join(", ")}`,
    );
  }
  const fairness = args.fairness;
  if (fairness !== "weak" && fairness !== "none") {
    throw new ParameterError(`unknown fairness '${fairness}'; valid: weak, none`);
  }
  if (!args.liveness && fairness !== "weak") {
    throw new ParameterError("--fairness only applies to liveness: drop --no-liveness");
  }
  if (args.liveness && args.symmetry === "on") {
    throw new ParameterError(
      "--symmetry on is not sound for the per-thread progress properties: add --no-liveness",
    );
  }
  const configs = proveConfigs(entry, args);
  // Validate every cell's parameters (and the baseline's) before any search runs.
  const runs = matrixRuns(entry, configs);
  for (const run of runs) {
    const fix = run.fixParameter ?? proof.fixParameter;
    entry.configure({ ...run.raw, [fix]: baseline });
  }
  if (runs.length === 0) throw new ParameterError("the matrix is empty");
  const checked = runs.map((r) =>
    checkedBy(r.model, {
      liveness: args.liveness && r.model.properties.some(isLiveness),
      deadlock: args.deadlock,
      fairness,
    }),
  );
  requireSomethingChecked(checked);
  if (args.md !== undefined) checkWritable("--md", args.md, args.force);
  // The configuration first, so that a pipe shows what is being proved before the searches end.
  if (!args.json) {
    const header = configuration(
      runs.map((run, i) => ({ run, checked: checked[i]! })),
      entry.name,
    );
    io.out(`${header.join("\n")}\n\n`);
  }
  const showProgress = args.progress ?? io.stderrIsTTY;
  const cells: Cell[] = await proveMatrix(entry, configs, {
    baseline,
    liveness: args.liveness,
    fairness,
    checkDeadlock: args.deadlock,
    maxSeconds: bound("max-seconds", args["max-seconds"]),
    maxStates: bound("max-states", args["max-states"], { whole: true }),
    maxDepth: bound("max-depth", args["max-depth"], { whole: true }),
    shouldStop: () => stopSignal() !== null,
    onCell: (_c, done, total) => {
      if (showProgress) io.err(`\rprove: ${done}/${total} cells\x1b[K`);
    },
  });
  if (showProgress) io.err("\r\x1b[K");
  io.out(
    args.json ? proveJson(cells, entry.name) : proveText(cells, args.verbose, entry.name, false),
  );
  if (args.md !== undefined) {
    const md = proveMarkdown(cells, {
      command: commandLine(entry, args),
      tool: `swapcheck ${TOOL_VERSION}`,
      model: entry.name,
    });
    writeOutputFile("--md", args.md, md, args.force);
    io.err(`swapcheck: matrix of ${cells.length} cell(s) written to ${args.md}\n`);
  }
  const signal = stopSignal();
  return signal ? SIGNAL_EXIT[signal] : proveExitStatus(cells);
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
          describe: "overwrite an existing --md file",
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
