/**
 * `swapcheck prove`: the verdict matrix (variants × mappings × orders ×
 * chunk shifts) with, for every cell that holds, the evidence that makes it
 * a proof: completeness, coverage, and a vacuity witness (the baseline
 * variant violated in the same configuration). Exit 0 only when every
 * selected cell is proved cleanly; 1 when any is violated; 3 otherwise.
 */
import type { Argv, CommandModule } from "yargs";
import { VARIANTS } from "../../../models/migrate-swapcache/params.js";
import { findModel } from "../../../models/registry.js";
import { ParameterError, type RawParams } from "../../params.js";
import { type Cell, proveExitStatus, proveMatrix } from "../../prove/matrix.js";
import { proveJson, proveMarkdown, proveText } from "../../prove/render.js";
import { SIGNAL_EXIT, stopSignal } from "../interrupt.js";
import type { Io } from "../io.js";
import { checkWritable, writeOutputFile } from "../output-file.js";
import { TOOL_VERSION } from "../version.js";

export interface ProveArgs {
  variant: string;
  mapping: string;
  order: string;
  "chunk-shift": string;
  threads: string;
  baseline: string;
  liveness: boolean;
  md?: string;
  force: boolean;
  json: boolean;
  verbose: boolean;
  "max-seconds"?: number;
  "max-states"?: number;
}

/** `1..3`, `1,2` or `2`: the listed integers (validated later by the model). */
export function parseList(option: string, text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(",").map((p) => p.trim())) {
    const range = /^(\d+)\.\.(\d+)$/.exec(part);
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])];
      if (a > b) throw new ParameterError(`--${option}: empty range '${part}'`);
      for (let i = a; i <= b; i++) out.push(String(i));
    } else if (/^\d+$/.test(part)) {
      out.push(part);
    } else {
      throw new ParameterError(`--${option} must be integers or ranges like 1..3, got '${text}'`);
    }
  }
  return [...new Set(out)];
}

function expand(text: string, all: readonly string[]): string[] {
  if (text === "all") return [...all];
  return text.split(",").map((v) => v.trim());
}

/** The matrix's configurations, grouped by order and chunk shift. */
export function proveConfigs(args: ProveArgs): RawParams[] {
  const variants = expand(
    args.variant,
    VARIANTS.map((v) => v.value),
  );
  const mappings = expand(args.mapping, ["anon-swap", "shmem", "file", "legacy-pagecache"]);
  const configs: RawParams[] = [];
  for (const order of parseList("order", args.order)) {
    for (const shift of parseList("chunk-shift", args["chunk-shift"])) {
      for (const variant of variants) {
        for (const mapping of mappings) {
          configs.push({ variant, mapping, order, "chunk-shift": shift, threads: args.threads });
        }
      }
    }
  }
  return configs;
}

/** The command line that reproduces this matrix (for the Markdown header). */
function commandLine(args: ProveArgs): string {
  const parts = ["swapcheck prove"];
  const defaults: Record<string, string> = {
    variant: "all",
    mapping: "all",
    order: "1..3",
    "chunk-shift": "2,3",
    threads: "reclaim-dst,reuse",
    baseline: "head-only",
  };
  for (const [k, d] of Object.entries(defaults)) {
    const v = String(args[k as keyof ProveArgs]);
    if (v !== d) parts.push(`--${k} ${v}`);
  }
  if (!args.liveness) parts.push("--no-liveness");
  if (args.md) parts.push(`--md ${args.md}`);
  return parts.join(" ");
}

export async function runProve(args: ProveArgs, io: Io): Promise<number> {
  const entry = findModel("migrate-swapcache")!;
  if (!VARIANTS.some((v) => v.value === args.baseline)) {
    throw new ParameterError(
      `unknown baseline '${args.baseline}'; valid: ${VARIANTS.map((v) => v.value).join(", ")}`,
    );
  }
  const configs = proveConfigs(args);
  // Validate every cell's parameters before any search runs.
  for (const raw of configs) entry.configure(raw);
  if (args.md !== undefined) checkWritable("--md", args.md, args.force);
  const cells: Cell[] = await proveMatrix(entry, configs, {
    baseline: args.baseline,
    liveness: args.liveness,
    maxSeconds: args["max-seconds"],
    maxStates: args["max-states"],
    shouldStop: () => stopSignal() !== null,
    onCell: (_c, done, total) => {
      if (io.stderrIsTTY) io.err(`\rprove: ${done}/${total} cells\x1b[K`);
    },
  });
  if (io.stderrIsTTY) io.err("\r\x1b[K");
  io.out(args.json ? proveJson(cells) : proveText(cells, args.verbose));
  if (args.md !== undefined) {
    const md = proveMarkdown(cells, {
      command: commandLine(args),
      tool: `swapcheck ${TOOL_VERSION}`,
    });
    writeOutputFile("--md", args.md, md, args.force);
  }
  const signal = stopSignal();
  return signal ? SIGNAL_EXIT[signal] : proveExitStatus(cells);
}

export function proveCommand(
  io: Io,
  setStatus: (n: number) => void,
): CommandModule<object, ProveArgs> {
  return {
    command: "prove",
    describe: "the verdict matrix with completeness, coverage and vacuity witnesses",
    builder: (y: Argv) =>
      y
        .option("variant", {
          type: "string",
          default: "all",
          requiresArg: true,
          describe: "variants (comma-separated or all)",
        })
        .option("mapping", {
          type: "string",
          default: "all",
          requiresArg: true,
          describe: "mappings (comma-separated or all)",
        })
        .option("order", {
          type: "string",
          default: "1..3",
          requiresArg: true,
          describe: "orders, e.g. 1..3 or 2",
        })
        .option("chunk-shift", {
          type: "string",
          default: "2,3",
          requiresArg: true,
          describe: "chunk shifts, e.g. 2,3",
        })
        .option("threads", {
          type: "string",
          default: "reclaim-dst,reuse",
          requiresArg: true,
          describe: "optional threads",
        })
        .option("baseline", {
          type: "string",
          default: "head-only",
          requiresArg: true,
          describe: "the variant standing for 'no fix' (vacuity witness)",
        })
        .option("liveness", {
          type: "boolean",
          default: true,
          describe: "check the progress properties too (--no-liveness: invariants only)",
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
        .option("max-seconds", {
          type: "number",
          requiresArg: true,
          describe: "bound each search (cells become incomplete)",
        })
        .option("max-states", {
          type: "number",
          requiresArg: true,
          describe: "bound each search (cells become incomplete)",
        })
        .example("$0 prove --variant sibling-check", "does the RFC's fix close the bug?")
        .example(
          "$0 prove --md docs/results.md --force",
          "regenerate the committed results",
        ) as unknown as Argv<ProveArgs>,
    handler: async (args) => setStatus(await runProve(args, io)),
  };
}
