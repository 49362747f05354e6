/**
 * `swapcheck replay FILE`: re-execute a recorded trace against the model
 * named in it. Every step must be enabled and lead to the recorded state;
 * the end is then judged as `check` would (exit 1 on a violation, 0 when
 * every property holds there). A trace that does not replay is bad input:
 * one line naming the first bad step, exit 2.
 */
import { readFileSync } from "node:fs";
import type { Argv, CommandModule } from "yargs";
import { findModel } from "../../../models/registry.js";
import {
  isSwitch,
  type Model,
  type SearchResult,
  type Trace,
  type TraceStep,
  type Variable,
} from "../../engine/index.js";
import { ParameterError } from "../../params.js";
import { checkedText } from "../checked.js";
import { EXIT_OK, EXIT_VIOLATION } from "../exit-status.js";
import { type Io, outputWidth } from "../io.js";
import { raceTable } from "../report/table.js";
import { traceText } from "../report/text.js";
import { parseTraceFile, type TraceFile, traceVariables } from "../trace-file.js";

export interface ReplayArgs {
  file: string;
  json: boolean;
  "full-states": boolean;
  color: boolean;
  /** `text` (swimlane) or `table` (a race table, itself a schedule file: docs/schedules.md). */
  format?: string;
}

function readTrace(path: string): TraceFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder" : "cannot read it";
    throw new ParameterError(`${path}: ${why}`);
  }
  return parseTraceFile(path, text);
}

function compareState(
  path: string,
  index: number,
  recorded: Readonly<Record<string, string>>,
  actual: readonly Variable[],
): void {
  const names = new Set(actual.map((v) => v.name));
  for (const v of actual) {
    if (recorded[v.name] !== v.value) {
      throw new ParameterError(
        `${path}: state ${index}: ${v.name} is '${recorded[v.name] ?? "missing"}' in the trace ` +
          `but '${v.value}' when replayed`,
      );
    }
  }
  for (const k of Object.keys(recorded)) {
    if (k !== "#meta" && !names.has(k)) {
      throw new ParameterError(`${path}: state ${index}: the model has no variable '${k}'`);
    }
  }
}

/** Re-executes the file's steps on the model; throws a ParameterError at the first mismatch. */
export function replayTrace<S, A>(path: string, file: TraceFile, model: Model<S, A>): Trace<S> {
  const vars = traceVariables(model);
  const [first, ...rest] = file.states;
  const initIndex = first!["#meta"].stepIndex;
  const inits = model.initStates();
  if (!(initIndex >= 0 && initIndex < inits.length)) {
    throw new ParameterError(`${path}: state 0: the model has no initial state ${initIndex}`);
  }
  const init = inits[initIndex] as S;
  compareState(path, 0, first!, vars(init));
  let state: S = init;
  const steps: TraceStep<S>[] = [];
  let last: string | null = null;
  let switches = 0;
  rest.forEach((recorded, i) => {
    const meta = recorded["#meta"];
    const enabled = model.actions(state);
    const index = enabled.findIndex((s) => s.thread === meta.thread && s.label === meta.action);
    if (index === -1) {
      throw new ParameterError(
        `${path}: step ${i + 1} (${meta.thread}: ${meta.action}) is not enabled in the state before it`,
      );
    }
    const step = enabled[index]!;
    if (isSwitch(last, step.thread, enabled)) switches++;
    last = step.thread;
    state = model.next(state, step.action);
    compareState(path, i + 1, recorded, vars(state));
    steps.push({ thread: step.thread, name: step.name, label: step.label, index, state });
  });
  const loopStart = file["#meta"].loopStart;
  if (loopStart !== null) {
    const states = [init, ...steps.map((s) => s.state)];
    const at = states[loopStart];
    const same = (a: S, b: S) => model.encode(a).toString() === model.encode(b).toString();
    if (at === undefined || !same(at, state)) {
      throw new ParameterError(`${path}: the loop does not return to state ${loopStart}`);
    }
    // As check reports a lasso: without a count of switches (the loop repeats).
    return { initIndex, init, steps, loopStart };
  }
  return { initIndex, init, steps, switches };
}

/** The properties the recorded run checked (all the model's, for traces of older versions). */
function recordedProperties<S, A>(file: TraceFile, model: Model<S, A>) {
  const checked = file["#meta"].checked;
  const family = (name: string) => name.replace(/\(.*\)$/, "");
  const invariants = model.properties.filter(
    (p) => p.kind === "always" && (!checked || checked.invariants.includes(family(p.name))),
  );
  return { invariants, deadlock: checked?.deadlock ?? true };
}

/** How the replayed trace ends, judged as `check` judged it (the same properties). */
function judge<S, A>(
  file: TraceFile,
  model: Model<S, A>,
  trace: Trace<S>,
): Pick<SearchResult<S>, "verdict" | "property" | "explanation"> {
  const meta = file["#meta"];
  const last = trace.steps.at(-1)?.state ?? trace.init;
  if (trace.loopStart !== undefined) {
    // A lasso: the recorded liveness property must fail on every state of the loop.
    const prop = model.properties.find((p) => p.name === meta.property);
    const loop = trace.steps.slice(trace.loopStart).map((s) => s.state);
    return prop && loop.every((s) => !prop.holds(s))
      ? { verdict: "violated", property: meta.property, explanation: meta.explanation }
      : { verdict: "holds", property: null, explanation: null };
  }
  const { invariants, deadlock } = recordedProperties(file, model);
  const broken = invariants.find((p) => !p.holds(last));
  if (broken) {
    return {
      verdict: "violated",
      property: broken.name,
      explanation: broken.explain?.(last) ?? null,
    };
  }
  const stuck = model.actions(last).length === 0 && (model.unfinished?.(last) ?? []).length > 0;
  return deadlock && stuck
    ? {
        verdict: "deadlock",
        property: "deadlock",
        explanation: `no step enabled; unfinished: ${(model.unfinished?.(last) ?? []).join(", ")}`,
      }
    : { verdict: "holds", property: null, explanation: null };
}

export function runReplay(args: ReplayArgs, io: Io): number {
  const file = readTrace(args.file);
  const meta = file["#meta"];
  const entry = findModel(meta.model);
  if (!entry)
    throw new ParameterError(`${args.file}: the trace is of an unknown model '${meta.model}'`);
  if (entry.version !== meta.modelVersion) {
    throw new ParameterError(
      `${args.file}: the trace is of ${meta.model} version ${meta.modelVersion}; this swapcheck has version ${entry.version}`,
    );
  }
  let runs: ReturnType<typeof entry.configure>;
  try {
    runs = entry.configure(meta.params);
  } catch (err) {
    if (err instanceof ParameterError)
      throw new ParameterError(`${args.file}: parameters: ${err.message}`);
    throw err;
  }
  if (runs.length !== 1)
    throw new ParameterError(`${args.file}: the parameters select ${runs.length} runs, not one`);
  const run = runs[0]!;
  const model = run.model;
  const format = args.format ?? "text";
  if (format !== "text" && format !== "table") {
    throw new ParameterError(`unknown --format '${format}'; valid: text, table`);
  }
  if (format === "table" && (args.json || args["full-states"])) {
    throw new ParameterError("--format table prints only the table: drop --json, --full-states");
  }
  const trace = replayTrace(args.file, file, model);
  const judged = judge(file, model, trace);
  const { verdict, property } = judged;
  if (format === "table") {
    const what =
      verdict === "holds"
        ? "every property checked holds at the end"
        : verdict === "deadlock"
          ? "deadlock"
          : `${property} violated`;
    const back =
      property === null || property === "deadlock"
        ? "--invariants none"
        : `--property ${/[()]/.test(property) ? `'${property}'` : property}`;
    io.out(
      raceTable({
        model: meta.model,
        raw: run.raw,
        threads: model.threads,
        steps: trace.steps,
        ...(trace.loopStart !== undefined ? { loopStart: trace.loopStart } : {}),
        notes: [
          `${args.file}: ${trace.steps.length} steps replay on ${meta.model} (${run.title}): ${what}`,
          ...(verdict === "holds"
            ? []
            : [`check it back: swapcheck check --schedule FILE ${back}`]),
        ],
      }),
    );
  } else if (args.json) {
    io.out(
      `${JSON.stringify({ file: args.file, replayed: true, verdict, property, length: trace.steps.length, ...(meta.checked ? { checked: meta.checked } : {}) })}\n`,
    );
  } else {
    io.out(`${args.file}: ${trace.steps.length} steps replay on ${meta.model} (${run.title})\n`);
    if (meta.checked) {
      const c = meta.checked;
      io.out(`checked: ${checkedText({ ...c, fairness: meta.fairness ?? c.fairness ?? null })}\n`);
    }
    if (verdict === "holds") {
      io.out("every property checked holds at the end of the trace\n");
    } else {
      const result = { ...judged, trace } as SearchResult<unknown>;
      const report = { modelName: entry.name, run, result };
      const options = {
        fullStates: args["full-states"],
        color: args.color,
        width: outputWidth(io),
        kind: "recorded",
      };
      io.out(`${traceText(report, options)}\n`);
    }
  }
  return verdict === "holds" ? EXIT_OK : EXIT_VIOLATION;
}

export function replayCommand(
  io: Io,
  setStatus: (n: number) => void,
  color: boolean,
): CommandModule<object, ReplayArgs> {
  return {
    command: "replay <file>",
    describe: "re-execute a JSON trace (from check --trace-out) and show its violation again",
    builder: (y: Argv) =>
      y
        .positional("file", { type: "string", describe: "the trace file", demandOption: true })
        .option("json", { type: "boolean", default: false, describe: "print one JSON document" })
        .option("full-states", { type: "boolean", default: false, describe: "print whole states" })
        .option("format", {
          type: "string",
          default: "text",
          requiresArg: true,
          describe:
            "text (swimlane) or table: a race table, itself a schedule file (check --schedule)",
        })
        .option("color", {
          type: "boolean",
          describe:
            "colour (default: on a terminal without NO_COLOR; --color forces it, --no-color never)",
        })
        .example(
          "$0 replay head-only.json",
          "replay a recorded counterexample",
        ) as unknown as Argv<ReplayArgs>,
    handler: (args) => setStatus(runReplay({ ...args, color }, io)),
  };
}
