/**
 * Every `$ npx swapcheck ...` block in the README and docs/ shows what the
 * command prints today: each block is run (in-process, as a pipe would see
 * it) and compared line by line. A line `...` stands for any run of lines
 * the document leaves out; decimal numbers (timings, collision bounds) are
 * not compared. A stale number or a claim the tool no longer makes fails.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";

const DOCS = ["README.md", "docs/skip-swapcache.md"];

interface Example {
  readonly doc: string;
  readonly line: number;
  readonly argv: string[];
  readonly expected: string[];
  /** The exit status the document shows (`$ echo $?`), if it shows one. */
  readonly status: number | null;
}

function examples(doc: string): Example[] {
  const lines = readFileSync(new URL(`../../${doc}`, import.meta.url), "utf8").split("\n");
  const out: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^\$ npx swapcheck (.*)$/.exec(lines[i]!);
    if (!m || lines[i - 1] !== "```") continue;
    const expected: string[] = [];
    let j = i + 1;
    while (j < lines.length && lines[j] !== "```" && !lines[j]!.startsWith("$ ")) {
      expected.push(lines[j++]!);
    }
    const status = lines[j] === "$ echo $?" ? Number(lines[j + 1]) : null;
    out.push({ doc, line: i + 1, argv: m[1]!.split(/\s+/), expected, status });
  }
  return out;
}

/** Decimal numbers and speeds masked (they vary from run to run), trailing blanks dropped. */
const norm = (l: string) =>
  l
    .replace(/\d+\.\d+(e-?\d+)?/g, "#")
    .replace(/\d+ states\/s/g, "# states/s")
    .trimEnd();

/** The first expected line no actual line matches in order (for the failure message). */
function firstMismatch(expected: readonly string[], actual: readonly string[]): string {
  let a = 0;
  for (let e = 0; e < expected.length; e++) {
    if (expected[e]!.trim() === "...") {
      const next = expected[e + 1];
      while (next !== undefined && a < actual.length && norm(actual[a]!) !== norm(next)) a++;
      continue;
    }
    if (a >= actual.length || norm(actual[a]!) !== norm(expected[e]!)) {
      return `document line ${e + 1}: ${JSON.stringify(expected[e])}\n  printed: ${JSON.stringify(actual[a] ?? null)}`;
    }
    a++;
  }
  return "the output goes on past the document's last line";
}

/** Whether `actual` matches `expected`, where a `...` line stands for any lines. */
function matches(expected: readonly string[], actual: readonly string[]): boolean {
  const memo = new Map<string, boolean>();
  const go = (e: number, a: number): boolean => {
    const key = `${e},${a}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let ok: boolean;
    if (e === expected.length) ok = a === actual.length;
    else if (expected[e]!.trim() === "...")
      ok = go(e + 1, a) || (a < actual.length && go(e, a + 1));
    else ok = a < actual.length && norm(expected[e]!) === norm(actual[a]!) && go(e + 1, a + 1);
    memo.set(key, ok);
    return ok;
  };
  return go(0, 0);
}

const all = DOCS.flatMap(examples);

describe("commands shown in the docs print what the docs show", () => {
  it("finds the examples", () => {
    expect(all.length).toBeGreaterThanOrEqual(4);
  });

  it.each(all.map((e) => [`${e.doc}:${e.line} swapcheck ${e.argv.join(" ")}`, e] as const))(
    "%s",
    async (_name, e) => {
      const r = await runCli(...e.argv);
      const actual = r.stdout.replace(/\n+$/, "").split("\n");
      if (!matches(e.expected, actual)) expect.fail(firstMismatch(e.expected, actual));
      if (e.status !== null) expect(r.status).toBe(e.status);
    },
    120_000,
  );
});
