/**
 * .github/workflows/prove.yml: a GitHub Actions matrix of N shard jobs and a
 * merge job. No YAML library is installed, so the file is read by a parser
 * of the block subset it uses (mappings, sequences, flow lists, `|`
 * scalars, comments); anything outside that subset fails the test. Its N
 * must be the same in the matrix, the env, and the job name; its commands
 * are run on a small matrix.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";

type Yaml = string | number | boolean | null | Yaml[] | { [key: string]: Yaml };

interface Line {
  readonly indent: number;
  readonly text: string;
  readonly no: number;
}

function scalar(text: string): Yaml {
  const t = text.trim();
  if (t.startsWith("[")) {
    if (!t.endsWith("]")) throw new Error(`unclosed flow list: ${t}`);
    const inner = t.slice(1, -1).trim();
    return inner === "" ? [] : inner.split(",").map((x) => scalar(x));
  }
  if (/^".*"$/.test(t) || /^'.*'$/.test(t)) return t.slice(1, -1);
  if (/^-?\d+$/.test(t)) return Number(t);
  if (t === "true" || t === "false") return t === "true";
  if (t === "" || t === "null" || t === "~") return null;
  if (/^[&*!%@`]/.test(t) || /: /.test(t) || t.startsWith("{")) {
    throw new Error(`outside the subset: ${t}`);
  }
  return t;
}

/** Parses the block YAML subset the workflow uses. */
function parseYaml(source: string): Yaml {
  const lines: Line[] = [];
  source.split("\n").forEach((raw, i) => {
    if (raw.includes("\t")) throw new Error(`line ${i + 1}: a tab`);
    const text = raw.replace(/\s+#.*$/, "").trimEnd();
    if (text.trim() === "" || text.trim().startsWith("#")) return;
    lines.push({ indent: text.length - text.trimStart().length, text: text.trim(), no: i + 1 });
  });
  let pos = 0;
  const block = (indent: number): Yaml => {
    const first = lines[pos];
    if (!first || first.indent !== indent) throw new Error(`line ${first?.no}: bad indentation`);
    if (first.text.startsWith("- ") || first.text === "-") return sequence(indent);
    return mapping(indent);
  };
  const value = (rest: string, indent: number, no: number): Yaml => {
    if (rest === "|") {
      const out: string[] = [];
      const inner = lines[pos]?.indent ?? 0;
      if (inner <= indent) throw new Error(`line ${no}: empty block scalar`);
      while (pos < lines.length && lines[pos]!.indent >= inner) {
        out.push(" ".repeat(lines[pos]!.indent - inner) + lines[pos]!.text);
        pos++;
      }
      return `${out.join("\n")}\n`;
    }
    if (rest !== "") return scalar(rest);
    const next = lines[pos];
    if (next && next.indent > indent) return block(next.indent);
    // A sequence may sit at its key's indentation.
    if (next && next.indent === indent && next.text.startsWith("- ")) return sequence(indent);
    return null;
  };
  const entry = (text: string, indent: number, no: number, into: { [key: string]: Yaml }) => {
    const m = /^("[^"]*"|[^:]+):(?: (.*)|)$/.exec(text);
    if (!m) throw new Error(`line ${no}: not 'key: value': ${text}`);
    const key = m[1]!.replace(/^"|"$/g, "");
    if (key in into) throw new Error(`line ${no}: duplicate key ${key}`);
    into[key] = value((m[2] ?? "").trim(), indent, no);
  };
  const mapping = (indent: number): Yaml => {
    const out: { [key: string]: Yaml } = {};
    while (
      pos < lines.length &&
      lines[pos]!.indent === indent &&
      !lines[pos]!.text.startsWith("- ")
    ) {
      const line = lines[pos++]!;
      entry(line.text, indent, line.no, out);
    }
    if (pos < lines.length && lines[pos]!.indent > indent) {
      throw new Error(`line ${lines[pos]!.no}: bad indentation`);
    }
    return out;
  };
  const sequence = (indent: number): Yaml => {
    const out: Yaml[] = [];
    while (
      pos < lines.length &&
      lines[pos]!.indent === indent &&
      lines[pos]!.text.startsWith("- ")
    ) {
      const line = lines[pos++]!;
      const rest = line.text.slice(2);
      if (/^("[^"]*"|[\w.-]+):( |$)/.test(rest)) {
        // A mapping item: its first entry on the dash's line, the others below it.
        const item: { [key: string]: Yaml } = {};
        entry(rest, indent + 2, line.no, item);
        while (pos < lines.length && lines[pos]!.indent === indent + 2) {
          const more = lines[pos++]!;
          entry(more.text, indent + 2, more.no, item);
        }
        out.push(item);
      } else out.push(scalar(rest));
    }
    return out;
  };
  const doc = block(0);
  if (pos !== lines.length) throw new Error(`line ${lines[pos]!.no}: not parsed`);
  return doc;
}

const asMap = (y: Yaml | undefined): { [key: string]: Yaml } => {
  expect(y !== null && typeof y === "object" && !Array.isArray(y)).toBe(true);
  return y as { [key: string]: Yaml };
};
const asList = (y: Yaml | undefined): Yaml[] => {
  expect(Array.isArray(y)).toBe(true);
  return y as Yaml[];
};

/** A GitHub Actions expression as the workflow writes it: `${{ e }}`. */
const ex = (e: string) => ["$", "{{ ", e, " }}"].join("");

const workflow = parseYaml(
  readFileSync(new URL("../../.github/workflows/prove.yml", import.meta.url), "utf8"),
);

type Step = { [key: string]: Yaml };
const stepsOf = (job: string): Step[] =>
  asList(asMap(asMap(asMap(workflow).jobs)[job]).steps).map((s) => asMap(s));
const runs = (job: string) =>
  stepsOf(job).flatMap((s) => (typeof s.run === "string" ? [s.run] : []));
const uses = (job: string) =>
  stepsOf(job).flatMap((s) => (typeof s.uses === "string" ? [s.uses] : []));

describe(".github/workflows/prove.yml", () => {
  it("parses: a matrix of N shard jobs whose N is the env's and the name's", () => {
    const root = asMap(workflow);
    expect(root.name).toBe("prove");
    const shard = asMap(asMap(root.jobs).shard);
    const matrix = asList(asMap(asMap(shard.strategy).matrix).shard);
    const n = Number(asMap(root.env).SHARDS);
    expect(n).toBeGreaterThan(1);
    expect(matrix).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(shard.name).toBe(`prove shard ${ex("matrix.shard")}/${n}`);
    expect(asMap(shard.strategy)["fail-fast"]).toBe(false);
  });

  it("each shard job installs, proves its slice into shard-i.json and uploads it", () => {
    expect(uses("shard")).toEqual(
      expect.arrayContaining(["actions/checkout@v4", "actions/setup-node@v4"]),
    );
    expect(runs("shard")).toContain("npm ci");
    expect(runs("shard")).toContain(
      `npx swapcheck prove --shard ${ex("matrix.shard")}/${ex("env.SHARDS")} --out shard-${ex("matrix.shard")}.json`,
    );
    const upload = stepsOf("shard").find((s) => s.uses === "actions/upload-artifact@v4")!;
    expect(asMap(upload.with).path).toBe(`shard-${ex("matrix.shard")}.json`);
  });

  it("the merge job needs the shards, downloads them all, merges into proof.md and uploads it", () => {
    const merge = asMap(asMap(asMap(workflow).jobs).merge);
    expect(merge.needs).toBe("shard");
    const download = stepsOf("merge").find((s) => s.uses === "actions/download-artifact@v4")!;
    expect(asMap(download.with)).toMatchObject({
      pattern: "prove-shard-*",
      "merge-multiple": true,
    });
    const script = runs("merge").find((r) => r.includes("--merge"))!;
    expect(script).toContain("npx swapcheck prove --merge shard-*.json --md proof.md");
    // A bad merge (exit 2) fails the job; verdicts (1, 3) do not.
    expect(script).toContain('test "$status" -ne 2');
    const upload = stepsOf("merge").find((s) => s.uses === "actions/upload-artifact@v4")!;
    expect(String(asMap(upload.with).path)).toContain("proof.md");
  });

  it("its commands work: N shards of a small matrix, then the merge", async () => {
    const n = Number(asMap(asMap(workflow).env).SHARDS);
    const small = [
      "--order",
      "1",
      "--chunk-shift",
      "2",
      "--mapping",
      "anon-swap",
      "--variant",
      "per-page",
    ];
    const shardLine = runs("shard").find((r) => r.includes("--shard"))!;
    const dir = mkdtempSync(join(tmpdir(), "swapcheck-workflow-"));
    for (let i = 1; i <= n; i++) {
      const argv = shardLine
        .replaceAll(ex("matrix.shard"), String(i))
        .replaceAll(ex("env.SHARDS"), String(n))
        .split(" ")
        .slice(2) // npx swapcheck
        .map((a) => (a.endsWith(".json") ? join(dir, a) : a));
      const r = await runCli(...argv, ...small, "--no-liveness");
      expect(r.status, r.stderr).toBe(0);
    }
    const files = readdirSync(dir)
      .filter((f) => /^shard-.*\.json$/.test(f))
      .map((f) => join(dir, f));
    expect(files).toHaveLength(n);
    const md = join(dir, "proof.md");
    const r = await runCli("prove", "--merge", ...files, "--md", md);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(md, "utf8")).toMatch(/^# Verdict matrix/);
  });
});

describe("the YAML subset parser", () => {
  it("reads what it claims and refuses what it does not know", () => {
    expect(parseYaml("a: 1\nb:\n  - x\n  - y: 2\n    z: [1, 2]\nc: |\n  one\n  two\n")).toEqual({
      a: 1,
      b: ["x", { y: 2, z: [1, 2] }],
      c: "one\ntwo\n",
    });
    expect(() => parseYaml("a: 1\na: 2\n")).toThrow(/duplicate/);
    expect(() => parseYaml("a:\n\tb: 1\n")).toThrow(/tab/);
    expect(() => parseYaml("a: &x 1\n")).toThrow(/subset/);
  });
});
