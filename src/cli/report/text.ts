/**
 * The human report of `check`: one line per run, then the shortest
 * counterexample of each violated run, one step per line.
 */
import type { ModelRun } from "../../../models/registry.js";
import { type Checked, checkedText } from "../checked.js";
import type { RunReport } from "./json.js";
import { type SwimlaneOptions, swimlane } from "./swimlane.js";

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

/** Rows of cells as aligned columns (the first row is the header). */
export function table(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => pad(cell, widths[c]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** The first two parameters (e.g. variant, mapping), then any other that varies between runs. */
function paramKeys(runs: readonly ModelRun[]): string[] {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))];
  return keys.filter((k, i) => i < 2 || new Set(runs.map((r) => String(r.params[k]))).size > 1);
}

/** What the verdict column says: never "holds" for a search cut short. */
function verdictCell(r: RunReport): string {
  const { result } = r;
  if (r.infeasible) return "infeasible";
  if (result.verdict === "incomplete") return `incomplete (${result.incompleteReason})`;
  return result.verdict;
}

const words = (k: string) => k.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);

/**
 * The header, known before any search runs: the model with the parameters
 * all runs share (its configuration), then what is checked.
 */
export function summaryHeader(
  modelName: string,
  runs: readonly ModelRun[],
  checked: readonly Checked[] = [],
): string {
  const keys = paramKeys(runs);
  const common = runs[0] ? Object.keys(runs[0].params).filter((k) => !keys.includes(k)) : [];
  const shared = common.map((k) => `${words(k)} ${runs[0]!.params[k]}`).join(", ");
  const lines = [`${modelName}${shared ? ` (${shared})` : ""}`];
  const texts = [...new Set(checked.map(checkedText))];
  if (texts.length === 1) lines.push(`checked: ${texts[0]}`);
  return lines.join("\n");
}

/**
 * The states a run stored. With partial-order reduction and a
 * counterexample, the reduced search and the unreduced rerun that finds a
 * shortest one are counted apart (`reduced+rerun`): their sum is not what
 * the reduction explored.
 */
function statesCell(st: RunReport["result"]["stats"]): string {
  const rerun = st.partialOrder?.rerun;
  if (!rerun) return String(st.distinctStates);
  return `${st.distinctStates - rerun.distinctStates}+${rerun.distinctStates} rerun`;
}

/** One line per run; with `header`, the summary header above it. */
export function summaryTable(reports: readonly RunReport[], header = true): string {
  const keys = paramKeys(reports.map((r) => r.run));
  const head = [...keys, "verdict", "property", "length", "states", "seconds"];
  const rows = reports.map((r) => [
    ...keys.map((k) => String(r.run.params[k] ?? "")),
    verdictCell(r),
    r.result.property ?? "-",
    r.result.trace ? String(r.result.trace.steps.length) : "-",
    statesCell(r.result.stats),
    r.result.stats.seconds.toFixed(2),
  ]);
  const title = header
    ? `${summaryHeader(
        reports[0]?.modelName ?? "",
        reports.map((r) => r.run),
        reports.flatMap((r) => (r.checked ? [r.checked] : [])),
      )}\n`
    : "";
  return `${title}${table([head, ...rows])}`;
}

export interface TextOptions extends SwimlaneOptions {
  /** What kind of counterexample a (non-lasso) trace is; default "shortest". */
  readonly kind?: string;
  /** Only the one-line-per-run table. */
  readonly quiet?: boolean;
  /** What the search was asked to do, for the summary. */
  readonly mode?: SearchMode;
  /** Print the summary header (false when it was printed before the search). */
  readonly header?: boolean;
}

/** `1 context switch`, `2 context switches`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The search settings a summary reports. */
export interface SearchMode {
  readonly liveness: boolean;
  readonly fairness: string;
  readonly deadlock: boolean;
  readonly bounds: readonly string[];
  /** Partial-order reduction was asked for. */
  readonly partialOrder?: boolean;
}

const MB = 1024 * 1024;

/**
 * A SPIN-like summary of one run: search mode and bounds; states stored and
 * matched, transitions, depth; memory of the seen-set, fingerprint bits and
 * the collision bound; seconds.
 */
export function runSummary(r: RunReport, mode: SearchMode): string {
  const st = r.result.stats;
  const matched = st.transitions + (st.initialStates ?? 1) - st.distinctStates;
  const kind = mode.liveness
    ? `breadth-first + fair-cycle search (${mode.fairness === "none" ? "no" : mode.fairness} fairness)`
    : "breadth-first";
  const storage =
    (st.exact ? "exact states" : "64-bit fingerprints") +
    (st.workers ? `, ${st.workers} workers (shared seen-set)` : "");
  const v = r.result.verdict;
  // --max-states N stops when a state beyond the first N turns up: say so, it is counted.
  const beyond =
    r.result.incompleteReason === "max-states"
      ? `: state ${st.distinctStates} went beyond the bound`
      : "";
  const done =
    v === "incomplete"
      ? `incomplete (${r.result.incompleteReason}${beyond}), nothing proved`
      : v === "holds"
        ? "complete"
        : "stopped at the first counterexample";
  const bounds = mode.bounds.length > 0 ? mode.bounds.join(", ") : "no bounds";
  const collision = st.exact
    ? "no collisions (exact)"
    : `P(collision) ≤ ${st.collisionProbability.toExponential(1)}`;
  const por = st.partialOrder;
  const reduction = por
    ? [
        `  partial-order reduction: ${por.reducedStates} states expanded by an ample set ` +
          `(${por.stepsSkipped} steps not taken), ${por.provisoExpansions} fully by the cycle proviso` +
          (por.rerun
            ? `; shortest counterexample from an unreduced search to its depth ` +
              `(${por.rerun.distinctStates} of the states above)`
            : ""),
      ]
    : [];
  return [
    `${r.run.title}: ${done}`,
    `  ${kind}${mode.partialOrder ? " with partial-order reduction" : ""}, ${storage}, ` +
      `deadlock check ${mode.deadlock ? "on" : "off"}, ${bounds}`,
    ...reduction,
    `  ${st.distinctStates} states stored, ${Math.max(0, matched)} matched, ` +
      `${st.transitions} transitions, depth ${st.depth}`,
    `  store ${(st.storeBytes / MB).toFixed(1)} MB, ${collision}, ${st.seconds.toFixed(2)} s ` +
      `(${Math.round(st.statesPerSecond)} states/s)`,
  ].join("\n");
}

/** The counterexample of one run: its length and switches, then the swimlane. */
export function traceText(r: RunReport, options: TextOptions = {}): string {
  const { result } = r;
  const trace = result.trace!;
  const what = result.verdict === "deadlock" ? "deadlock" : `${result.property} violated`;
  const switches =
    trace.switches === undefined
      ? ""
      : `, ${plural(trace.switches, "context switch", "context switches")}`;
  const kind = trace.loopStart === undefined ? (options.kind ?? "shortest") : "lasso";
  return [
    `== ${r.run.title}: ${what} ==`,
    `${kind} counterexample: ${plural(trace.steps.length, "step")}${switches}`,
    swimlane(r.run.model, result, options),
  ].join("\n");
}

export function reportText(reports: readonly RunReport[], options: TextOptions = {}): string {
  const parts = [summaryTable(reports, options.header !== false)];
  if (options.quiet) return `${parts[0]}\n`;
  for (const r of reports) if (r.result.trace) parts.push(traceText(r, options));
  if (options.mode) {
    const mode = options.mode;
    parts.push(reports.map((r) => runSummary(r, mode)).join("\n"));
  }
  for (const r of reports) {
    if (r.infeasible) parts.push(`${r.run.title}: infeasible: ${r.infeasible}`);
  }
  const incomplete = reports.filter((r) => r.result.verdict === "incomplete");
  if (incomplete.length > 0) {
    parts.push(
      `${incomplete.length} run(s) stopped before the search was complete: nothing is proved for them.`,
    );
  }
  return `${parts.join("\n\n")}\n`;
}
