/**
 * `--format table`: a counterexample as a race table for a mail, one
 * column per thread that takes part, one row per step, the step's name in
 * its thread's column (no colour, at most 80 columns by default). The
 * output is a schedule file (docs/schedules.md): the model and its
 * parameters head it, everything else is a comment, and checking it with
 * `--schedule` follows exactly this run. A lasso's loop is printed as
 * comments: after the last row every thread runs freely, and the search
 * finds the loop again.
 */
import type { RawParams } from "../../params.js";

export interface TableStep {
  readonly thread: string;
  readonly name: string;
}

export interface RaceTable {
  readonly model: string;
  readonly raw: RawParams;
  /** The model's threads, in its order (columns follow it). */
  readonly threads: readonly string[];
  readonly steps: readonly TableStep[];
  /** For a lasso: the index of the state where the loop starts. */
  readonly loopStart?: number;
  /** Lines said first, as comments (what was violated, how to check it back). */
  readonly notes?: readonly string[];
}

const NUMBER_COL = 4;
const GAP = 2;

/** `key=value` words wrapped into `model`/`params` lines of at most `width` columns. */
function headerLines(model: string, raw: RawParams, width: number): string[] {
  const words = Object.entries(raw)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${v}`);
  const lines: string[] = [];
  let line = `model ${model}`;
  for (const w of words) {
    if (line.length + 1 + w.length > width) {
      lines.push(line);
      line = `params ${w}`;
    } else {
      line = `${line} ${w}`;
    }
  }
  lines.push(line);
  return lines;
}

/**
 * Where each column starts: as wide as its longest step name when that
 * fits in `width`; else the widest columns are narrowed (never below their
 * thread's name) and a long step name runs on under the next thread's
 * name, which is fine: a cell belongs to the column it starts in.
 */
function columnStarts(
  names: readonly string[],
  longest: readonly number[],
  width: number,
): number[] {
  const want = names.map((n, i) => Math.max(n.length, longest[i]!) + GAP);
  const least = names.map((n) => n.length + GAP);
  const starts = () => {
    const s: number[] = [];
    let x = NUMBER_COL;
    for (const w of want) {
      s.push(x);
      x += w;
    }
    return s;
  };
  for (;;) {
    const s = starts();
    const over = s.findIndex((x, i) => x + Math.max(names[i]!.length, longest[i]!) > width);
    if (over < 0) return s;
    let widest = -1;
    for (let i = 0; i < over; i++) {
      if (want[i]! > least[i]! && (widest < 0 || want[i]! > want[widest]!)) widest = i;
    }
    if (widest < 0) return s;
    want[widest]! -= 1;
  }
}

/** Words into lines of at most `width` columns (a longer word keeps a line of its own). */
function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ").filter((w) => w !== "")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = `  ${word}`;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  lines.push(line);
  return lines;
}

function placeAt(line: string, x: number, text: string): string {
  const padded = line.length < x ? line + " ".repeat(x - line.length) : `${line} `;
  return padded + text;
}

export function raceTable(t: RaceTable, width = 80): string {
  const used = new Set(t.steps.map((s) => s.thread));
  const threads = t.threads.filter((th) => used.has(th));
  for (const th of used) if (!threads.includes(th)) threads.push(th);
  const longest = threads.map((th) =>
    Math.max(0, ...t.steps.filter((s) => s.thread === th).map((s) => s.name.length)),
  );
  const starts = columnStarts(threads, longest, width);
  const out: string[] = [];
  for (const n of t.notes ?? []) {
    if (n === "") out.push("#");
    else for (const l of wrapWords(n, width - 2)) out.push(`# ${l}`);
  }
  out.push(...headerLines(t.model, t.raw, width));
  out.push("");
  let head = "";
  let rule = "";
  threads.forEach((th, i) => {
    head = placeAt(head, starts[i]!, th);
    rule = placeAt(rule, starts[i]!, "-".repeat(th.length));
  });
  out.push(head, rule);
  t.steps.forEach((s, i) => {
    const inLoop = t.loopStart !== undefined && i >= t.loopStart;
    if (t.loopStart !== undefined && i === t.loopStart) {
      out.push("# -- loop: these steps repeat for ever (after the last row every thread runs");
      out.push("# freely, so checking this table finds the loop again) --");
    }
    const number = inLoop ? `#${i + 1}` : String(i + 1);
    const col = threads.indexOf(s.thread);
    out.push(placeAt(number, starts[col]!, s.name));
  });
  if (t.loopStart !== undefined && t.loopStart === t.steps.length) {
    out.push("# -- the last state has no step: it stays there for ever --");
  }
  return `${out.join("\n")}\n`;
}
