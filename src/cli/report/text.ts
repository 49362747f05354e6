/**
 * The human report of `check`: one line per run, then the shortest
 * counterexample of each violated run, one step per line.
 */
import type { RunReport } from "./json.js";

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

function paramKeys(reports: readonly RunReport[]): string[] {
  const keys = new Set<string>();
  for (const r of reports) for (const k of Object.keys(r.run.params)) keys.add(k);
  return [...keys];
}

/** What the verdict column says: never "holds" for a search cut short. */
function verdictCell(r: RunReport): string {
  const { result } = r;
  if (result.verdict === "incomplete") return `incomplete (${result.incompleteReason})`;
  return result.verdict;
}

export function summaryTable(reports: readonly RunReport[]): string {
  const keys = paramKeys(reports);
  const header = [...keys, "verdict", "property", "length", "states", "seconds"];
  const rows = reports.map((r) => [
    ...keys.map((k) => String(r.run.params[k] ?? "")),
    verdictCell(r),
    r.result.property ?? "-",
    r.result.trace ? String(r.result.trace.steps.length) : "-",
    String(r.result.stats.distinctStates),
    r.result.stats.seconds.toFixed(2),
  ]);
  return table([header, ...rows]);
}

export function traceText(r: RunReport): string {
  const { result } = r;
  const trace = result.trace!;
  const where = Object.values(r.run.params).join(" / ") || r.modelName;
  const lines = [
    `== ${where}: ${result.property} ${result.verdict === "deadlock" ? "" : "violated "}` +
      `after ${trace.steps.length} steps ==`,
  ];
  const width = Math.max(...trace.steps.map((s) => s.thread.length), 6);
  const digits = String(trace.steps.length).length;
  trace.steps.forEach((s, i) => {
    lines.push(`${String(i + 1).padStart(digits)}. ${pad(s.thread, width)}  ${s.label}`);
  });
  if (result.explanation) lines.push(`   ${result.explanation}`);
  return lines.join("\n");
}

export function reportText(reports: readonly RunReport[]): string {
  const parts = [summaryTable(reports)];
  for (const r of reports) if (r.result.trace) parts.push(traceText(r));
  const incomplete = reports.filter((r) => r.result.verdict === "incomplete");
  if (incomplete.length > 0) {
    parts.push(
      `${incomplete.length} run(s) stopped at a bound: nothing is proved for them (incomplete).`,
    );
  }
  return `${parts.join("\n\n")}\n`;
}
