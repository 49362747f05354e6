/**
 * Traces as JSON files in the spirit of the Informal Trace Format (ITF)
 * used by Apalache and Quint: a `#meta` object (tool, model and version,
 * the parameters that rebuild the run, the verdict), the list of variable
 * names, and one object per state with every variable, plus a per-state
 * `#meta` naming the step that led to it. Nothing run-dependent (times,
 * dates) is written, so the same run gives the same file.
 */
import type { Model, SearchResult, Variable } from "../engine/index.js";
import type { RawParams } from "../params.js";
import { ParameterError } from "../params.js";
import { type Checked, checkedJson } from "./checked.js";
import { stateVariables } from "./report/html.js";

export const TRACE_FORMAT = "swapcheck-itf";
export const TRACE_FORMAT_VERSION = 1;

export interface TraceStateMeta {
  readonly index: number;
  /** Null for the initial state. */
  readonly thread: string | null;
  readonly action: string | null;
  readonly step: string | null;
  /** Index of the step among those enabled before it (for the initial state: among initial states). */
  readonly stepIndex: number;
}

export interface TraceFile {
  readonly "#meta": {
    readonly format: typeof TRACE_FORMAT;
    readonly formatVersion: number;
    readonly "format-description": string;
    readonly source: "swapcheck";
    readonly tool: string;
    readonly model: string;
    readonly modelVersion: number;
    readonly params: Readonly<Record<string, string>>;
    readonly verdict: string;
    readonly property: string | null;
    readonly explanation: string | null;
    /** For a lasso: index of the state where the loop starts; the last state equals it. */
    readonly loopStart: number | null;
    /**
     * What the run checked (invariants, deadlock, liveness properties and
     * the fairness they assume); absent in traces of older versions.
     */
    readonly checked?: ReturnType<typeof checkedJson>;
    /** The fairness a lasso is fair under (null: not a liveness run); absent in older traces. */
    readonly fairness?: "weak" | "none" | null;
  };
  readonly vars: readonly string[];
  readonly states: readonly (Record<string, string> & { readonly "#meta": TraceStateMeta })[];
}

export interface TraceSource<S> {
  readonly tool: string;
  readonly model: string;
  readonly modelVersion: number;
  readonly raw: RawParams;
  readonly result: SearchResult<S>;
  readonly variables: (s: S) => readonly Variable[];
  /** What the run checked. */
  readonly checked?: Checked;
}

/** What a trace records of its states: the model's variables, or its fields (toy models). */
export function traceVariables<S, A>(model: Model<S, A>): (s: S) => readonly Variable[] {
  return (s) => stateVariables(model, s);
}

function stateObject(vars: readonly Variable[], meta: TraceStateMeta) {
  const out: Record<string, string> & { "#meta": TraceStateMeta } = { "#meta": meta } as never;
  for (const v of vars) out[v.name] = v.value;
  return out;
}

export function traceToFile<S>(src: TraceSource<S>): TraceFile {
  const trace = src.result.trace!;
  const first = src.variables(trace.init);
  const later = trace.steps.map((s) => src.variables(s.state));
  // Every variable any state holds (slots appear as the xarray fills), in order of appearance.
  const vars = [...new Set([first, ...later].flatMap((vs) => vs.map((v) => v.name)))];
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(src.raw)) if (v !== undefined) params[k] = v;
  return {
    "#meta": {
      format: TRACE_FORMAT,
      formatVersion: TRACE_FORMAT_VERSION,
      "format-description": "ITF-style trace: https://apalache-mc.org/docs/adr/015adr-trace.html",
      source: "swapcheck",
      tool: src.tool,
      model: src.model,
      modelVersion: src.modelVersion,
      params,
      verdict: src.result.verdict,
      property: src.result.property,
      explanation: src.result.explanation,
      loopStart: trace.loopStart ?? null,
      ...(src.checked ? { checked: checkedJson(src.checked), fairness: src.checked.fairness } : {}),
    },
    vars,
    states: [
      stateObject(first, {
        index: 0,
        thread: null,
        action: null,
        step: null,
        stepIndex: trace.initIndex,
      }),
      ...trace.steps.map((s, i) =>
        stateObject(later[i]!, {
          index: i + 1,
          thread: s.thread,
          action: s.label,
          step: s.name,
          stepIndex: s.index,
        }),
      ),
    ],
  };
}

export function traceFileText(file: TraceFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Parses and checks the shape of a trace file; throws a one-line ParameterError. */
export function parseTraceFile(path: string, text: string): TraceFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ParameterError(`${path}: not a JSON document (${why})`);
  }
  const bad = (what: string) => new ParameterError(`${path}: not a swapcheck trace: ${what}`);
  if (!isObject(doc)) throw bad("the top level is not an object");
  const meta = doc["#meta"];
  if (!isObject(meta)) throw bad("no #meta object");
  if (meta.format !== TRACE_FORMAT) throw bad(`#meta.format is not "${TRACE_FORMAT}"`);
  if (meta.formatVersion !== TRACE_FORMAT_VERSION) {
    throw bad(
      `format version ${String(meta.formatVersion)}, this swapcheck reads ${TRACE_FORMAT_VERSION}`,
    );
  }
  if (typeof meta.model !== "string") throw bad("#meta.model is not a string");
  if (typeof meta.modelVersion !== "number") throw bad("#meta.modelVersion is not a number");
  if (!isObject(meta.params) || !Object.values(meta.params).every((v) => typeof v === "string")) {
    throw bad("#meta.params is not an object of strings");
  }
  if (meta.loopStart !== null && typeof meta.loopStart !== "number") throw bad("#meta.loopStart");
  if (meta.fairness !== undefined && ![null, "weak", "none"].includes(meta.fairness as string)) {
    throw bad("#meta.fairness is not weak, none or null");
  }
  if (meta.checked !== undefined) {
    const c = meta.checked;
    const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string");
    if (
      !isObject(c) ||
      !strings(c.invariants) ||
      !strings(c.liveness) ||
      typeof c.deadlock !== "boolean"
    ) {
      throw bad("#meta.checked needs invariants, liveness (lists of names) and deadlock");
    }
  }
  if (!Array.isArray(doc.vars) || !doc.vars.every((v) => typeof v === "string")) throw bad("vars");
  if (!Array.isArray(doc.states) || doc.states.length === 0) throw bad("no states");
  doc.states.forEach((s, i) => {
    if (!isObject(s) || !isObject(s["#meta"])) throw bad(`state ${i} has no #meta`);
    const m = s["#meta"];
    if (typeof m.stepIndex !== "number" || (i > 0 && typeof m.action !== "string")) {
      throw bad(`state ${i}: #meta needs stepIndex and (after the first) action`);
    }
    for (const [k, v] of Object.entries(s)) {
      if (k !== "#meta" && typeof v !== "string")
        throw bad(`state ${i}: variable ${k} is not a string`);
    }
  });
  return doc as unknown as TraceFile;
}
