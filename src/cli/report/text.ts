/**
 * The human report of `check`: one line per run, then the shortest
 * counterexample of each violated run, one step per line.
 */
import type { RunReport } from "./json.js";
import { type SwimlaneOptions, swimlane } from "./swimlane.js";

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

function table(rows: readonly string[][]): string {
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
function paramKeys(reports: readonly RunReport[]): string[] {
  const keys = [...new Set(reports.flatMap((r) => Object.keys(r.run.params)))];
  return keys.filter(
    (k, i) => i < 2 || new Set(reports.map((r) => String(r.run.params[k]))).size > 1,
  );
}

/** What the verdict column says: never "holds" for a search cut short. */
function verdictCell(r: RunReport): string {
  const { result } = r;
  if (result.verdict === "incomplete") return `incomplete (${result.incompleteReason})`;
  return result.verdict;
}

export function summaryTable(reports: readonly RunReport[]): string {
  const keys = paramKeys(reports);
  const common = reports[0]
    ? Object.keys(reports[0].run.params).filter((k) => !keys.includes(k))
    : [];
  const words = (k: string) => k.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
  const shared = common.map((k) => `${words(k)} ${reports[0]!.run.params[k]}`).join(", ");
  const header = [...keys, "verdict", "property", "length", "states", "seconds"];
  const rows = reports.map((r) => [
    ...keys.map((k) => String(r.run.params[k] ?? "")),
    verdictCell(r),
    r.result.property ?? "-",
    r.result.trace ? String(r.result.trace.steps.length) : "-",
    String(r.result.stats.distinctStates),
    r.result.stats.seconds.toFixed(2),
  ]);
  const title = `${reports[0]?.modelName ?? ""}${shared ? ` (${shared})` : ""}`;
  return `${title}\n${table([header, ...rows])}`;
}

export interface TextOptions extends SwimlaneOptions {}

/** The counterexample of one run: its length and switches, then the swimlane. */
export function traceText(r: RunReport, options: TextOptions = {}): string {
  const { result } = r;
  const trace = result.trace!;
  const what = result.verdict === "deadlock" ? "deadlock" : `${result.property} violated`;
  const switches = trace.switches === undefined ? "" : `, ${trace.switches} context switches`;
  const kind = trace.loopStart === undefined ? "shortest" : "lasso";
  return [
    `== ${r.run.title}: ${what} ==`,
    `${kind} counterexample: ${trace.steps.length} steps${switches}`,
    swimlane(r.run.model, result, options),
  ].join("\n");
}

export function reportText(reports: readonly RunReport[], options: TextOptions = {}): string {
  const parts = [summaryTable(reports)];
  for (const r of reports) if (r.result.trace) parts.push(traceText(r, options));
  const incomplete = reports.filter((r) => r.result.verdict === "incomplete");
  if (incomplete.length > 0) {
    parts.push(
      `${incomplete.length} run(s) stopped at a bound: nothing is proved for them (incomplete).`,
    );
  }
  return `${parts.join("\n\n")}\n`;
}
