/**
 * A parsed schedule checked against one run of a model: the model and
 * parameters its header names, its threads and step names (from the run's
 * step catalogue, when it has one), then folded into what the product
 * automaton needs: the rows that name steps, each with the threads free to
 * take any steps while it is next (their `...`), and the constraints.
 */
import type { RawParams } from "../params.js";
import type { Constraint, Located, Schedule } from "./parse.js";
import { ScheduleError } from "./parse.js";

export interface ScheduleTarget {
  /** The model's registry name. */
  readonly model: string;
  /** The run's parameters as the user writes them (`variant`, `order`, ...). */
  readonly raw: RawParams;
  readonly threads: readonly string[];
  /** Every step the run's code contains; absent: step names are not checked. */
  readonly catalogue?: readonly { readonly thread: string; readonly name: string }[];
}

export interface CompiledCell extends Located {
  readonly thread: string;
  readonly step: string;
}

export interface CompiledRow extends Located {
  /** 1-based number among the rows that name steps (what messages call "row N"). */
  readonly index: number;
  readonly label: string | null;
  readonly cells: readonly CompiledCell[];
  /** Threads with `...` since the previous such row or on this one: they may take any steps here. */
  readonly free: ReadonlySet<string>;
}

export interface CompiledSchedule {
  readonly source: string;
  readonly rows: readonly CompiledRow[];
  /** Threads with `...` after the last row (all that run on under --schedule-only). */
  readonly endFree: ReadonlySet<string>;
  readonly constraints: readonly Constraint[];
}

/** Most cells a row may have, and most constraints (each takes two bits of a 32-bit word). */
export const MAX_CELLS = 30;
export const MAX_CONSTRAINTS = 15;

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return d[b.length]!;
}

/** The (at most three) known names nearest to `word` by edit distance. */
export function nearestNames(word: string, known: readonly string[]): string[] {
  return [...new Set(known)]
    .map((k) => ({ k, d: levenshtein(word, k) }))
    .sort((x, y) => x.d - y.d || x.k.localeCompare(y.k))
    .slice(0, 3)
    .map((x) => x.k);
}

export function compileSchedule(schedule: Schedule, target: ScheduleTarget): CompiledSchedule {
  const src = schedule.source;
  const fail = (at: Located, message: string): never => {
    throw new ScheduleError(`${src}:${at.line}:${at.column}: ${message}`);
  };
  const header = schedule.model;
  if (header.name !== target.model) {
    fail(
      header,
      `the schedule is for model ${header.name}, this run is of ${target.model} (add --model ${header.name})`,
    );
  }
  for (const p of header.params) {
    const actual = target.raw[p.key];
    if (actual !== p.value) {
      fail(
        p,
        actual === undefined
          ? `the schedule is for ${p.key}=${p.value}, this run has no '${p.key}' (add --${p.key} ${p.value})`
          : `the schedule is for ${p.key}=${p.value}, this run has ${p.key}=${actual} (select it with --${p.key} ${p.value})`,
      );
    }
  }
  const checkThread = (thread: string, at: Located) => {
    if (!target.threads.includes(thread)) {
      fail(
        at,
        `unknown thread '${thread}'; nearest: ${nearestNames(thread, target.threads).join(", ")}`,
      );
    }
  };
  const catalogue = target.catalogue;
  const checkStep = (thread: string, step: string, at: Located) => {
    if (!catalogue) return;
    const names = catalogue.filter((c) => c.thread === thread).map((c) => c.name);
    if (!names.includes(step)) {
      fail(
        at,
        `unknown step '${step}' of ${thread}; nearest: ${nearestNames(step, names).join(", ") || "none (the thread has no steps)"}`,
      );
    }
  };
  for (const c of schedule.columns) checkThread(c.thread, c);
  if (schedule.constraints.length > MAX_CONSTRAINTS) {
    fail(schedule.constraints[MAX_CONSTRAINTS]!, `more than ${MAX_CONSTRAINTS} constraints`);
  }
  for (const k of schedule.constraints) {
    for (const ref of [k.before, k.after]) {
      checkThread(ref.thread, ref);
      checkStep(ref.thread, ref.step, ref);
    }
  }
  const rows: CompiledRow[] = [];
  let free = new Set<string>();
  for (const row of schedule.rows) {
    const cells: CompiledCell[] = [];
    for (const cell of row.cells) {
      if (cell.step === null) {
        free.add(cell.thread);
        continue;
      }
      checkStep(cell.thread, cell.step, cell);
      cells.push({ thread: cell.thread, step: cell.step, line: cell.line, column: cell.column });
    }
    if (cells.length === 0) continue;
    if (cells.length > MAX_CELLS) fail(row, `more than ${MAX_CELLS} steps on one row`);
    rows.push({
      index: rows.length + 1,
      label: row.label,
      cells,
      free,
      line: row.line,
      column: row.column,
    });
    free = new Set<string>();
  }
  return { source: src, rows, endFree: free, constraints: schedule.constraints };
}
