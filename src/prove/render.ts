/**
 * The verdict matrix as text, Markdown and JSON: fix variants as rows, the
 * second parameter (e.g. mapping) as columns, one table per combination of
 * the other parameters that vary (e.g. order and chunk shift), then the
 * evidence for every cell that holds.
 */
import { checkedJson, checkedText } from "../cli/checked.js";
import { wrap } from "../cli/report/swimlane.js";
import { table } from "../cli/report/text.js";
import type { CellReport as Cell } from "./matrix.js";

export interface Matrix {
  readonly rowKey: string;
  readonly colKey: string;
  readonly groupKeys: readonly string[];
  readonly groups: readonly { readonly label: string; readonly cells: readonly Cell[] }[];
}

const words = (k: string) => k.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);

/** Arranges cells by their parameters. */
/** Which parameters make the rows, the columns and the groups (those that vary besides). */
function matrixKeys(cells: readonly Pick<Cell, "run">[]) {
  const keys = Object.keys(cells[0]?.run.params ?? {});
  const rowKey = cells[0]?.run.fixParameter ?? keys[0] ?? "";
  const colKey = keys.find((k) => k !== rowKey) ?? "";
  const varies = (k: string) => new Set(cells.map((c) => String(c.run.params[k]))).size > 1;
  const groupKeys = keys.filter((k) => k !== rowKey && k !== colKey && varies(k));
  return { keys, rowKey, colKey, groupKeys };
}

export function arrange(cells: readonly Cell[]): Matrix {
  const { keys, rowKey, colKey, groupKeys } = matrixKeys(cells);
  const groups = new Map<string, Cell[]>();
  // Without varying parameters, name the group by the shared order and chunk shift.
  const labelKeys =
    groupKeys.length > 0 ? groupKeys : keys.filter((k) => ["order", "chunkShift"].includes(k));
  for (const c of cells) {
    const label = labelKeys.map((k) => `${words(k)} ${c.run.params[k]}`).join(", ") || "all";
    const list = groups.get(label) ?? [];
    list.push(c);
    groups.set(label, list);
  }
  return {
    rowKey,
    colKey,
    groupKeys,
    groups: [...groups].map(([label, cells]) => ({ label, cells })),
  };
}

/**
 * The configuration every cell shares (the parameters that are neither
 * rows, columns nor groups, e.g. swap-ins and threads) and what the cells
 * checked: the line above the tables.
 */
export function configuration(
  cells: readonly Pick<Cell, "run" | "checked">[],
  model?: string,
): string[] {
  const m = matrixKeys(cells);
  const first = cells[0];
  if (!first) return [];
  const keys = Object.keys(first.run.params).filter(
    (k) =>
      k !== m.rowKey &&
      k !== m.colKey &&
      !m.groupKeys.includes(k) &&
      new Set(cells.map((c) => String(c.run.params[k]))).size === 1,
  );
  const shared = keys.map((k) => `${words(k)} ${first.run.params[k]}`).join(", ");
  const lines = [`${model ?? "configuration"}${shared ? ` (${shared})` : ""}`];
  const texts = [...new Set(cells.map((c) => checkedText(c.checked)))];
  if (texts.length === 1) lines.push(`checked: ${texts[0]}`);
  else lines.push(...cells.map((c) => `checked (${c.run.title}): ${checkedText(c.checked)}`));
  return lines;
}

/** The short text of a cell in the matrix. */
export function cellText(c: Cell): string {
  switch (c.status) {
    case "proved":
      return "proved";
    case "vacuous":
      return "holds, vacuous";
    case "no-witness":
      return "holds, no witness";
    case "incomplete":
      return `incomplete (${c.result.incompleteReason})`;
    default: {
      const prop = c.result.property ?? "?";
      const loop = c.result.trace?.loopStart !== undefined ? " lasso" : "";
      return `✗ ${prop} ${c.result.trace?.steps.length ?? ""}${loop}`;
    }
  }
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

/** Rows × columns of one group, as arrays of cell texts (with header row). */
function grid(m: Matrix, cells: readonly Cell[]): string[][] {
  const rows = unique(cells.map((c) => String(c.run.params[m.rowKey])));
  const cols = unique(cells.map((c) => String(c.run.params[m.colKey])));
  const find = (r: string, col: string) =>
    cells.find(
      (c) => String(c.run.params[m.rowKey]) === r && String(c.run.params[m.colKey]) === col,
    );
  return [
    // Numbers as column heads say what they count (`slots 2`); names (`anon-swap`) speak for themselves.
    // A matrix of one parameter has no column parameter: its one column is the result.
    [
      m.rowKey,
      ...cols.map((c) =>
        m.colKey === "" ? "result" : /^\d+$/.test(c) ? `${words(m.colKey)} ${c}` : c,
      ),
    ],
    ...rows.map((r) => [
      r,
      ...cols.map((col) => {
        const c = find(r, col);
        return c ? cellText(c) : "-";
      }),
    ]),
  ];
}

/** One line of evidence for a cell that holds. */
export function evidence(c: Cell): string {
  const st = c.result.stats;
  const complete = st.exact
    ? "complete (exact states)"
    : `complete, P(collision) ≤ ${st.collisionProbability.toExponential(1)}`;
  const coverage =
    c.unreachedCore.length > 0
      ? `core steps never taken: ${c.unreachedCore.join(", ")}`
      : `every core step taken (${c.catalogued - c.unreachedBranches.length} of ${c.catalogued} ` +
        `catalogued steps${c.unreachedBranches.length > 0 ? `; branches never taken: ${c.unreachedBranches.join(", ")}` : ""})`;
  const w = c.witness;
  const witness = !w
    ? "no witness: this is the baseline itself"
    : w.verdict === "violated" || w.verdict === "deadlock"
      ? `witness: ${w.baseline} violates ${
          w.violated.length > 0
            ? w.violated.map((v) => `${v.property} (${v.length} steps)`).join(", ")
            : `${w.property} in ${w.length} steps`
        }`
      : `${w.baseline} ${w.verdict === "holds" ? "holds too" : `is ${w.verdict}`}: this configuration cannot tell the fix from the bug`;
  return `${c.run.title}: ${complete}; ${coverage}; ${witness}`;
}

function totals(cells: readonly Cell[]) {
  const count = (s: Cell["status"]) => cells.filter((c) => c.status === s).length;
  const states = cells.reduce((n, c) => n + c.result.stats.distinctStates, 0);
  const seconds = cells.reduce((n, c) => n + c.result.stats.seconds, 0);
  return { count, states, seconds };
}

function totalsLine(cells: readonly Cell[]): string {
  const t = totals(cells);
  return (
    `${cells.length} cells: ${t.count("proved")} proved, ${t.count("violated")} violated, ` +
    `${t.count("vacuous")} vacuous in part, ${t.count("no-witness")} without a witness, ` +
    `${t.count("incomplete")} incomplete; ${t.states} states, ${t.seconds.toFixed(1)} s`
  );
}

/** The matrix as text; `header` false when the configuration was printed before the searches. */
export function proveText(
  cells: readonly Cell[],
  verbose: boolean,
  model?: string,
  header = true,
): string {
  const m = arrange(cells);
  const out: string[] = header && cells.length > 0 ? [...configuration(cells, model), ""] : [];
  for (const g of m.groups) {
    // One group with nothing to name it: no heading.
    const heading = m.groups.length === 1 && g.label === "all" ? [] : [`== ${g.label} ==`];
    out.push(...heading, table(grid(m, g.cells)), "");
  }
  const holding = cells.filter((c) => c.status !== "violated" && c.status !== "incomplete");
  const shown = verbose ? holding : holding.filter((c) => c.status !== "proved");
  if (shown.length > 0) {
    out.push(verbose ? "evidence:" : "cells that hold but are not clean proofs:");
    for (const c of shown)
      out.push(...wrap(evidence(c), 96).map((l, i) => (i === 0 ? `  ${l}` : `      ${l}`)));
    out.push("");
  }
  out.push(totalsLine(cells));
  return `${out.join("\n")}\n`;
}

function mdTable(rows: readonly string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const [head, ...body] = rows;
  return [
    `| ${head!.map(esc).join(" | ")} |`,
    `| ${head!.map(() => "---").join(" | ")} |`,
    ...body.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ].join("\n");
}

export function proveMarkdown(
  cells: readonly Cell[],
  meta: { command: string; tool: string; model?: string },
): string {
  const m = arrange(cells);
  const config = configuration(cells, meta.model).map((l) => `${l}  `);
  const out = [
    "# Verdict matrix",
    "",
    `Generated by \`${meta.command}\` (${meta.tool}). Regenerate with the same command;`,
    "a test checks that the verdicts (not the timings) still come out the same.",
    "",
    "Cells: `proved` = holds after a complete search, every core step taken, and the",
    "baseline variant violated in the same configuration; `holds, vacuous` = some core",
    "step never ran; `holds, no witness` = the baseline holds too (or is this cell);",
    "`✗ property N` = violated, shortest counterexample of N steps (`lasso`: a liveness",
    "counterexample).",
    "",
    ...(config.length > 0
      ? [...config.map((l, i) => (i === config.length - 1 ? l.trimEnd() : l)), ""]
      : []),
  ];
  for (const g of m.groups) out.push(`## ${g.label}`, "", mdTable(grid(m, g.cells)), "");
  out.push("## Evidence for the cells that hold", "");
  for (const c of cells.filter((c) => c.status !== "violated" && c.status !== "incomplete")) {
    out.push(`- ${evidence(c)}`);
  }
  out.push("", totalsLine(cells), "");
  return out.join("\n");
}

export function proveJson(cells: readonly Cell[], model?: string): string {
  return `${JSON.stringify(
    {
      ...(model !== undefined ? { model } : {}),
      cells: cells.map((c) => ({
        ...c.run.params,
        checked: checkedJson(c.checked),
        liveness: c.checked.liveness.length > 0,
        fairness: c.checked.fairness,
        status: c.status,
        verdict: c.result.verdict,
        property: c.result.property,
        length: c.result.trace?.steps.length ?? null,
        lasso: c.result.trace?.loopStart !== undefined,
        incompleteReason: c.result.incompleteReason,
        evidence:
          c.status === "violated" || c.status === "incomplete"
            ? null
            : {
                complete: true,
                collisionProbability: c.result.stats.collisionProbability,
                exact: c.result.stats.exact,
                catalogued: c.catalogued,
                unreachedCore: c.unreachedCore,
                unreachedBranches: c.unreachedBranches,
                witness: c.witness,
              },
        stats: {
          distinctStates: c.result.stats.distinctStates,
          transitions: c.result.stats.transitions,
          seconds: c.result.stats.seconds,
        },
      })),
      totals: (() => {
        const t = totals(cells);
        return { cells: cells.length, states: t.states, seconds: t.seconds };
      })(),
    },
    null,
    2,
  )}\n`;
}
