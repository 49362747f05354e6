/** `swapcheck check`: explore every interleaving of a model breadth-first. */
import type { Argv, CommandModule } from "yargs";
import { DEFAULT_MODEL, findModel, models } from "../../../models/registry.js";
import { search } from "../../engine/index.js";
import { ParameterError, type RawParams } from "../../params.js";
import { exitStatusFor } from "../exit-status.js";
import type { Io } from "../io.js";
import { type RunReport, reportJson } from "../report/json.js";
import { reportText } from "../report/text.js";

export interface CheckArgs {
  model: string;
  "max-states"?: number;
  "max-depth"?: number;
  "max-seconds"?: number;
  exact: boolean;
  deadlock: boolean;
  json: boolean;
  [param: string]: unknown;
}

/** Every model parameter any registered model declares, as string options. */
function modelParameterNames(): string[] {
  return [...new Set(models().flatMap((m) => m.parameters.map((p) => p.name)))];
}

function positive(option: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value < 0) {
    throw new ParameterError(`--${option} must be a non-negative number, got ${value}`);
  }
  return value;
}

export function runCheck(args: CheckArgs, io: Io): number {
  const entry = findModel(args.model);
  if (!entry) {
    throw new ParameterError(
      `unknown model '${args.model}'; valid: ${models()
        .map((m) => m.name)
        .join(", ")}`,
    );
  }
  const raw: Record<string, string | undefined> = {};
  for (const name of modelParameterNames()) {
    const v = args[name];
    if (v !== undefined) raw[name] = String(v);
  }
  const runs = entry.configure(raw as RawParams);
  const bounds = {
    maxStates: positive("max-states", args["max-states"]),
    maxDepth: positive("max-depth", args["max-depth"]),
    maxSeconds: positive("max-seconds", args["max-seconds"]),
    exact: args.exact,
    checkDeadlock: args.deadlock,
  };
  const reports: RunReport[] = runs.map((run) => ({
    modelName: entry.name,
    run,
    result: search(run.model, bounds),
  }));
  io.out(args.json ? reportJson(reports) : reportText(reports));
  return exitStatusFor(reports.map((r) => r.result.verdict));
}

export function checkCommand(
  io: Io,
  setStatus: (n: number) => void,
): CommandModule<object, CheckArgs> {
  return {
    command: "check",
    describe: "explore every interleaving breadth-first and report violations",
    builder: (y: Argv) => {
      let b = y
        .option("model", {
          type: "string",
          requiresArg: true,
          default: DEFAULT_MODEL,
          describe: "the model to check (see `swapcheck list`)",
        })
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
        .option("json", { type: "boolean", default: false, describe: "print one JSON document" });
      for (const name of modelParameterNames()) {
        const spec = models()
          .flatMap((m) => m.parameters)
          .find((p) => p.name === name)!;
        b = b.option(name, {
          type: "string",
          requiresArg: true,
          describe: `${spec.description} [model parameter]`,
        });
      }
      return b as unknown as Argv<CheckArgs>;
    },
    handler: (args) => setStatus(runCheck(args, io)),
  };
}
