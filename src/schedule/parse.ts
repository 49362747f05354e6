/**
 * The schedule file (docs/schedules.md): a race table as kernel developers
 * write one, parsed into rows of cells and ordering constraints. This
 * module knows no model: names are checked against a run in `compile.ts`.
 *
 * Layout: columns are found by position, as in a mail. The table's first
 * line names the threads; a cell belongs to the thread whose name starts
 * at or before the cell's first character (the rightmost such, one column
 * of slack), so a long step name may run on under the next thread's name.
 * `|` and `│` are spaces, tabs stop every 8 columns, `#` starts a comment.
 */
import { ParameterError } from "../params.js";

/** A bad schedule: `FILE:LINE:COLUMN: what`, one line (exit 2). */
export class ScheduleError extends ParameterError {}

export interface Located {
  /** 1-based line and column in the file. */
  readonly line: number;
  readonly column: number;
}

export interface ModelHeader extends Located {
  readonly name: string;
  readonly params: readonly (Located & { readonly key: string; readonly value: string })[];
}

export interface Column extends Located {
  readonly thread: string;
}

/** One cell: a step of `thread` named `step`, or `...` (step null): any steps of the thread. */
export interface Cell extends Located {
  readonly thread: string;
  readonly step: string | null;
}

export interface Row extends Located {
  /** The row number the file gives (e.g. `3)`), if any. */
  readonly label: string | null;
  readonly cells: readonly Cell[];
}

/** `thread:step`, in a constraint. */
export interface StepRef extends Located {
  readonly thread: string;
  readonly step: string;
}

/** `before < after`: `after` never happens before the first `before`. */
export interface Constraint extends Located {
  readonly before: StepRef;
  readonly after: StepRef;
}

export interface Schedule {
  /** The file name, as given (error messages start with it). */
  readonly source: string;
  readonly model: ModelHeader;
  readonly columns: readonly Column[];
  readonly rows: readonly Row[];
  readonly constraints: readonly Constraint[];
}

export const GAP_WORDS: ReadonlySet<string> = new Set(["...", "…"]);

function fail(source: string, at: Located, message: string): never {
  throw new ScheduleError(`${source}:${at.line}:${at.column}: ${message}`);
}

/** Tabs to spaces (stops every 8), box-drawing bars to spaces, the comment cut off. */
function clean(raw: string): string {
  let out = "";
  for (const ch of raw) {
    if (ch === "#") break;
    if (ch === "\t") out += " ".repeat(8 - (out.length % 8));
    else if (ch === "|" || ch === "│") out += " ";
    else out += ch;
  }
  return out.trimEnd();
}

interface Token {
  readonly text: string;
  /** 0-based column of its first character. */
  readonly at: number;
}

function tokens(line: string): Token[] {
  const out: Token[] = [];
  const re = /\S+/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) {
    out.push({ text: m[0], at: m.index });
  }
  return out;
}

/** `folio_trylock();` as `folio_trylock`: the seed's table writes calls. */
function stepName(text: string): string {
  return text.replace(/;$/, "").replace(/\(\)$/, "");
}

const SEPARATOR = /^[-=+\s─┼]+$/;
const ROW_LABEL = /^\d+[a-z\d.]*[).:]?$/i;
const NAME = /^[A-Za-z_][\w.-]*$/;
const STEP = /^[A-Za-z_][\w.:-]*$/;

function parseRef(source: string, text: string, line: number, column: number): StepRef {
  const colon = text.indexOf(":");
  const at = { line, column };
  if (colon <= 0 || colon === text.length - 1) {
    fail(source, at, `'${text}' is not THREAD:STEP (e.g. swapin0:do_swap_page)`);
  }
  const thread = text.slice(0, colon);
  const step = stepName(text.slice(colon + 1));
  if (!NAME.test(thread)) fail(source, at, `'${thread}' is not a thread name`);
  if (!STEP.test(step)) fail(source, at, `'${step}' is not a step name`);
  return { thread, step, line, column };
}

function param(source: string, t: Token, at: Located) {
  const eq = t.text.indexOf("=");
  if (eq <= 0 || eq === t.text.length - 1) {
    fail(source, at, `'${t.text}' is not param=value (e.g. variant=head-only)`);
  }
  return { key: t.text.slice(0, eq), value: t.text.slice(eq + 1), ...at };
}

/** Parses a schedule; throws ScheduleError (`FILE:LINE:COLUMN: ...`) on the first error. */
export function parseSchedule(source: string, text: string): Schedule {
  let model: ModelHeader | null = null;
  let columns: Column[] | null = null;
  const rows: Row[] = [];
  const constraints: Constraint[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const line = clean(raw);
    if (line.trim() === "") return;
    const toks = tokens(line);
    const first = toks[0]!;
    const at = (t: Token): Located => ({ line: lineNo, column: t.at + 1 });
    if (model === null) {
      if (first.text !== "model") {
        fail(
          source,
          at(first),
          "a schedule starts with 'model NAME [param=value ...]' (e.g. model migrate-swapcache)",
        );
      }
      const name = toks[1];
      if (!name) fail(source, { line: lineNo, column: line.length + 1 }, "model: name missing");
      const params = toks.slice(2).map((t) => param(source, t, at(t)));
      model = { name: name.text, params, ...at(first) };
      return;
    }
    if (first.text === "model")
      fail(source, at(first), "a second 'model' line: one schedule per file");
    if (first.text === "params" && columns === null && rows.length === 0) {
      // More of the model's parameters (a long header is split over lines).
      const more = toks.slice(1).map((t) => param(source, t, at(t)));
      model = { ...model, params: [...model.params, ...more] };
      return;
    }
    if (line.includes("<")) {
      // An ordering constraint: a:x < b:y [< c:z ...].
      const parts: StepRef[] = [];
      const re = /[^<]+/g;
      for (let m = re.exec(line); m !== null; m = re.exec(line)) {
        const inner = tokens(m[0]);
        const start = m.index + (inner[0]?.at ?? 0);
        if (inner.length !== 1) {
          fail(
            source,
            { line: lineNo, column: start + 1 },
            inner.length === 0
              ? "'<' needs a THREAD:STEP on both sides"
              : `'${m[0].trim()}': one THREAD:STEP on each side of '<'`,
          );
        }
        parts.push(parseRef(source, inner[0]!.text, lineNo, start + 1));
      }
      if (parts.length < 2) fail(source, at(first), "'<' needs a THREAD:STEP on both sides");
      for (let k = 0; k + 1 < parts.length; k++) {
        constraints.push({
          before: parts[k]!,
          after: parts[k + 1]!,
          line: lineNo,
          column: parts[k]!.column,
        });
      }
      return;
    }
    if (SEPARATOR.test(line)) return;
    if (columns === null) {
      const names: Column[] = [];
      for (const t of toks) {
        if (!NAME.test(t.text)) {
          fail(
            source,
            at(t),
            `'${t.text}' is not a thread name (the table's first line names its threads, e.g. '    reclaim   migrate')`,
          );
        }
        if (names.some((c) => c.thread === t.text)) {
          fail(source, at(t), `thread '${t.text}' has two columns`);
        }
        names.push({ thread: t.text, ...at(t) });
      }
      columns = names;
      return;
    }
    const cols: Column[] = columns;
    let label: string | null = null;
    const cells: Cell[] = [];
    for (const t of toks) {
      if (t === first && ROW_LABEL.test(t.text) && t.at + 1 < cols[0]!.column - 1) {
        label = t.text;
        continue;
      }
      // Its column: the rightmost thread whose name starts at or before it (one column of slack).
      let c = -1;
      cols.forEach((col, k) => {
        if (col.column - 1 <= t.at + 1) c = k;
      });
      if (c < 0) {
        fail(
          source,
          at(t),
          `'${t.text}' is left of the first column (${cols[0]!.thread}, column ${cols[0]!.column})`,
        );
      }
      const thread = cols[c]!.thread;
      const previous = cells.find((x) => x.thread === thread);
      if (previous) {
        fail(
          source,
          at(t),
          `two cells in column ${thread} on one row ('${previous.step ?? "..."}' and '${t.text}'): one step per row and thread`,
        );
      }
      if (GAP_WORDS.has(t.text)) {
        cells.push({ thread, step: null, ...at(t) });
        continue;
      }
      const step = stepName(t.text);
      if (!STEP.test(step)) fail(source, at(t), `'${t.text}' is not a step name`);
      cells.push({ thread, step, ...at(t) });
    }
    if (cells.length > 0) rows.push({ label, cells, line: lineNo, column: cells[0]!.column });
  });
  if (model === null) {
    fail(source, { line: 1, column: 1 }, "empty schedule: it starts with 'model NAME'");
  }
  return { source, model, columns: columns ?? [], rows, constraints };
}
