/**
 * The example model of docs/adding-a-model.md, built as the guide shows:
 * every code block the guide takes from a file (marked `<!-- from FILE -->`)
 * is in that file word for word, and the commands the guide runs give what
 * it says. The bug is found with its shortest counterexample, the fix holds
 * after a complete search.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exampleDeclaration, exampleModel } from "../../models/example/index.js";
import { findModel } from "../../models/registry.js";
import { checkEncoding } from "../../src/declared/checks.js";
import { search } from "../../src/engine/index.js";
import { expectHolds, expectViolation } from "../../src/testing/index.js";
import { runCli } from "../cli/run-cli.js";

const ROOT = new URL("../../", import.meta.url);
const guide = readFileSync(new URL("docs/adding-a-model.md", ROOT), "utf8");

/** The guide's code blocks taken from files: [file, block]. */
const blocks = [...guide.matchAll(/<!-- from (\S+) -->\n+```\w*\n([\s\S]*?)```/g)].map(
  (m) => [m[1]!, m[2]!] as const,
);

/** The shortest counterexample the guide shows. */
const BUG_TRACE = [
  "reclaim: folio_ref_freeze(A, 2)",
  "lookup: xa_load(0) → A",
  "lookup: folio_get(A)",
  "lookup: folio_put(A)",
];

describe("the guide's code is the example's code", () => {
  it("the guide quotes every file of the example", () => {
    const quoted = new Set(blocks.map(([file]) => file));
    for (const file of ["state.ts", "params.ts", "lookup.ts", "reclaim.ts", "index.ts"]) {
      expect(quoted, file).toContain(`models/example/${file}`);
    }
  });

  it.each(blocks)("%s", (file, block) => {
    expect(readFileSync(new URL(file, ROOT), "utf8")).toContain(block);
  });
});

describe("the example model", () => {
  it("folio_get: cache-integrity is violated, the shortest counterexample is 4 steps", () => {
    const r = search(exampleModel({ variant: "folio-get" }));
    expect(r.verdict).toBe("violated");
    expect(r.property).toBe("cache-integrity");
    expect(r.explanation).toBe("slot 0: A (freed!)");
    expect(r.trace!.steps.map((s) => `${s.thread}: ${s.label}`)).toEqual(BUG_TRACE);
    // Breadth-first: nothing shorter; the same with the test helper's bound.
    expect(search(exampleModel({ variant: "folio-get" }), { maxDepth: 3 }).verdict).toBe(
      "incomplete",
    );
    expectViolation(exampleModel({ variant: "folio-get" }), "cache-integrity", {
      maxTraceLength: 4,
    });
  });

  it("folio_try_get: every invariant holds after a complete search", () => {
    const r = expectHolds(exampleModel({ variant: "folio-try-get" }));
    expect(r.incompleteReason).toBeNull();
    expect(r.stats.distinctStates).toBe(17);
  });

  it("the registered (compiled) model agrees", () => {
    const [bug, fix] = findModel("example")!.configure({});
    expect(bug!.title).toBe("folio-get");
    expect(search(bug!.model).trace!.steps.map((s) => `${s.thread}: ${s.label}`)).toEqual(
      BUG_TRACE,
    );
    expect(search(fix!.model).verdict).toBe("holds");
  });

  it("the layer's encoding check passes on all its states", () => {
    expect(checkEncoding(exampleDeclaration({ variant: "folio-get" }))).toBeGreaterThan(10);
  });
});

describe("the commands of the guide", () => {
  const dir = mkdtempSync(join(tmpdir(), "swapcheck-example-"));

  it("check: the bug exits 1 with its trace, the fix exits 0", async () => {
    const bug = await runCli("check", "--model", "example", "--variant", "folio-get");
    expect(bug.status).toBe(1);
    expect(bug.stdout).toMatch(/cache-integrity violated/);
    expect(bug.stdout).toContain("folio_ref_freeze(A, 2)");
    // The trace as the guide shows it (section 7).
    const shown = guide.slice(
      guide.indexOf("== folio-get: cache-integrity violated =="),
      guide.indexOf("  slot 0: A (freed!)"),
    );
    expect(shown.length).toBeGreaterThan(100);
    expect(bug.stdout).toContain(shown);
    const fix = await runCli("check", "--model", "example", "--variant", "folio-try-get");
    expect(fix.status).toBe(0);
  });

  it("prove: the fix is proved, the bug its vacuity witness", async () => {
    const r = await runCli("prove", "--model", "example");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/proved/);
    // One parameter: its single column is the result, not an undefined parameter.
    expect(r.stdout).toMatch(/^variant +result$/m);
    expect(r.stdout).not.toContain("undefined");
  });

  it("simulate: random walks find the bug", async () => {
    const r = await runCli(
      ...["simulate", "--model", "example", "--variant", "folio-get", "--runs", "100"],
      ...["--seed", "1"],
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/cache-integrity|no-use-after-free/);
  });

  it("replay: the trace written by check replays", async () => {
    const file = join(dir, "example.json");
    await runCli("check", "--model", "example", "--variant", "folio-get", "--trace-out", file);
    const r = await runCli("replay", file);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("steps replay on example");
  });
});
