/**
 * A counterexample as a swimlane, like the two-column race table of the
 * seed RFC: one column per thread that takes part, one row per step, and
 * under each row only what changed in the state, in the model's words.
 */
import type { Model, SearchResult, Variable } from "../../engine/index.js";

export interface SwimlaneOptions {
  /** Total width in columns (default 100; the CLI gives the terminal's). */
  readonly width?: number;
  /** Print every variable after each step instead of the changes. */
  readonly fullStates?: boolean;
  readonly color?: boolean;
}

const STEP_COL = 4;
const SEPARATOR = " │ ";

/**
 * Splits text into lines of at most `width` characters, at spaces only: a
 * kernel identifier such as `folio_test_writeback(A)` is never split (a
 * word longer than `width` gets a line of its own).
 */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ").filter((w) => w !== "")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  lines.push(line);
  return lines;
}

/** The longest word of `text` (a column is never narrower: words are not split). */
function longestWord(text: string): number {
  return Math.max(0, ...text.split(" ").map((w) => w.length));
}

function pad(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - text.length));
}

function variableMap(vars: readonly Variable[]): Map<string, Variable> {
  return new Map(vars.map((v) => [v.name, v]));
}

/** What changed between two states, in the model's words: `A.refcount 5→0 (frozen)`. */
export function deltas(before: readonly Variable[], after: readonly Variable[]): string[] {
  const old = variableMap(before);
  const changes: string[] = [];
  const join = (name: string) => (name.startsWith("slot") || name.startsWith("pte") ? ": " : " ");
  for (const v of after) {
    if (v.local) continue;
    const was = old.get(v.name);
    if (was?.value === v.value) continue;
    if (v.set && was) {
      changes.push(`${v.name} ${setDelta(was.value, v.value)}`);
      continue;
    }
    changes.push(`${v.name}${join(v.name)}${was ? `${was.value}→` : ""}${v.value}`);
  }
  for (const v of before) {
    if (!v.local && !after.some((a) => a.name === v.name)) changes.push(`${v.name} gone`);
  }
  return changes;
}

/** `+added -removed` between two `|`-joined sets (`-` alone is the empty set). */
function setDelta(before: string, after: string): string {
  const items = (v: string) => new Set(v === "-" ? [] : v.split("|"));
  const a = items(before);
  const b = items(after);
  return [
    ...[...b].filter((x) => !a.has(x)).map((x) => `+${x}`),
    ...[...a].filter((x) => !b.has(x)).map((x) => `-${x}`),
  ].join(" ");
}

/**
 * Column widths: each thread's column as wide as its longest label, the
 * widest ones narrowed (labels then wrap) until the row fits `total`.
 */
function columnWidths(want: readonly number[], least: readonly number[], total: number): number[] {
  const widths = want.map((w) => Math.max(8, w));
  const floor = least.map((w) => Math.max(12, w));
  while (widths.reduce((a, b) => a + b, 0) > total) {
    let widest = -1;
    widths.forEach((w, i) => {
      if (w > floor[i]! && (widest < 0 || w > widths[widest]!)) widest = i;
    });
    if (widest < 0) break;
    widths[widest]! -= 1;
  }
  return widths;
}

function fullState(vars: readonly Variable[]): string[] {
  return vars.map((v) => `${v.name} = ${v.value}`);
}

/** Lays `items` out as comma-separated lines indented under a row. */
function flow(items: readonly string[], indent: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const item of items) {
    const piece = line ? `, ${item}` : item;
    // One column kept for the comma that ends a wrapped line.
    if (line && indent + line.length + piece.length + 1 > width) {
      lines.push(`${" ".repeat(indent)}${line},`);
      line = item;
    } else {
      line += piece;
    }
  }
  if (line) lines.push(" ".repeat(indent) + line);
  return lines;
}

export function swimlane<S, A>(
  model: Model<S, A>,
  result: SearchResult<S>,
  options: SwimlaneOptions = {},
): string {
  const trace = result.trace!;
  const width = options.width ?? 100;
  const paint = (code: string, text: string) =>
    options.color ? `\x1b[${code}m${text}\x1b[0m` : text;
  const used = new Set(trace.steps.map((s) => s.thread));
  const threads = model.threads.filter((t) => used.has(t));
  for (const t of used) if (!threads.includes(t)) threads.push(t);
  const labels = (t: string) => trace.steps.filter((s) => s.thread === t).map((s) => s.label);
  const widths = columnWidths(
    threads.map((t) => Math.max(t.length, ...labels(t).map((l) => l.length))),
    threads.map((t) => Math.max(t.length, ...labels(t).map(longestWord))),
    width - STEP_COL - SEPARATOR.length * (threads.length - 1),
  );
  const row = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]!)))
      .join(SEPARATOR)
      .trimEnd();
  const out: string[] = [];
  out.push(pad("#", STEP_COL) + paint("1", row(threads)));
  out.push(`${"-".repeat(STEP_COL)}${widths.map((w) => "-".repeat(w)).join("-+-")}`);
  const view = (s: S) => model.variables?.(s) ?? [];
  let before = view(trace.init);
  if (options.fullStates) out.push(...flow(fullState(before), STEP_COL, width));
  trace.steps.forEach((step, i) => {
    if (trace.loopStart !== undefined && trace.loopStart === i) {
      out.push(paint("33", "-- loop starts here --"));
    }
    const col = threads.indexOf(step.thread);
    const lines = wrap(step.label, widths[col]!);
    lines.forEach((text, l) => {
      const cells = threads.map((_, c) => (c === col ? text : ""));
      out.push(pad(l === 0 ? String(i + 1) : "", STEP_COL) + row(cells));
    });
    const after = view(step.state);
    const shown = options.fullStates ? fullState(after) : deltas(before, after);
    out.push(...flow(shown, STEP_COL + 2, width).map((l) => paint("2", l)));
    before = after;
  });
  if (trace.loopStart !== undefined) out.push(paint("33", "-- back to the loop start --"));
  const prop = model.properties.find((p) => p.name === result.property);
  const headline =
    result.verdict === "deadlock"
      ? "deadlock: no thread can take a step"
      : `violated: ${result.property}${prop ? ` — ${prop.description}` : ""}`;
  out.push(...wrap(headline, width).map((l) => paint("1;31", l)));
  if (result.explanation) out.push(...wrap(result.explanation, width - 2).map((l) => `  ${l}`));
  return out.join("\n");
}
