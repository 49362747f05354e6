import { describe, expect, it } from "vitest";
import { expectBadInput, runCli } from "./run-cli.js";

interface Run {
  verdict: string;
  property: string | null;
  trace: { steps: unknown[] } | null;
  stats: { distinctStates: number; partialOrder?: unknown };
}

describe("swapcheck check on the reference scenario", () => {
  it("by default runs the seed's case: anon-swap, order 2, every variant", async () => {
    const r = await runCli("check");
    expect(r.status).toBe(1);
    const rows = r.stdout.split("\n").filter((l) => /^\S+ +anon-swap/.test(l));
    expect(rows.map((l) => l.split(/\s+/)[0])).toEqual([
      "per-page",
      "head-only",
      "sibling-check",
      "swapbacked-check",
      "swapcache-check",
      "null-tails",
    ]);
    expect(r.stdout).toMatch(/head-only\s+anon-swap\s+violated\s+cache-integrity/);
    // A swimlane: a column per thread, a row per step naming the kernel function,
    // and under it what changed.
    expect(r.stdout).toMatch(/^# +reclaim +│ writeback +│ migrate$/m);
    expect(r.stdout).toMatch(/^\d+ +│ +│ xas_store\(slot 4 ← B\)$/m);
    expect(r.stdout).toMatch(/^ +slot 4: A→B$/m);
    expect(r.stdout).toMatch(/^2 +add_to_swap\(A\)/m);
    expect(r.stdout).toMatch(/A\.refcount 5→0 \(frozen\)/);
  });

  it("--json gives the documented document", async () => {
    const r = await runCli("check", "--variant", "head-only", "--json");
    const doc = JSON.parse(r.stdout);
    const run = doc.runs[0];
    expect(run).toMatchObject({
      model: "migrate-swapcache",
      variant: "head-only",
      mapping: "anon-swap",
      order: 2,
      chunkShift: 2,
      verdict: "violated",
      property: "cache-integrity",
    });
    expect(run.trace.steps[0]).toMatchObject({ thread: "reclaim", action: "folio_trylock(A)" });
    expect(Object.keys(run.stats)).toEqual(
      expect.arrayContaining([
        "distinctStates",
        "transitions",
        "depth",
        "seconds",
        "collisionProbability",
      ]),
    );
  });

  it("a fixed variant holds with exit 0 and trace null", async () => {
    const r = await runCli(
      "check",
      "--variant",
      "swapcache-check",
      "--mapping",
      "anon-swap,shmem,file",
      "--json",
    );
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.runs).toHaveLength(3);
    for (const run of doc.runs) expect([run.verdict, run.trace]).toEqual(["holds", null]);
  });

  it("--por gives the unreduced verdicts and shortest traces, with fewer states", async () => {
    // Without reclaim of B, which retries for ever and reads where the
    // swap-ins are, and without the process's loads: with them the
    // footprints leave the swap-ins no ample set.
    const args = [
      ...["--order", "2", "--swapins", "3", "--swapin-page", "distinct"],
      ...["--threads", "none", "--access", "cold", "--json"],
    ];
    const full = JSON.parse((await runCli("check", ...args)).stdout);
    const r = await runCli("check", "--por", ...args);
    expect(r.status).toBe(1);
    const reduced = JSON.parse(r.stdout);
    expect(reduced.runs.map((x: { verdict: string }) => x.verdict)).toEqual(
      full.runs.map((x: { verdict: string }) => x.verdict),
    );
    reduced.runs.forEach((run: Run, i: number) => {
      const other: Run = full.runs[i];
      expect(run.property).toBe(other.property);
      expect(run.trace?.steps.length).toBe(other.trace?.steps.length);
      expect(run.stats.partialOrder).toBeDefined();
      if (run.verdict === "holds") {
        expect(run.stats.distinctStates).toBeLessThan(other.stats.distinctStates);
      }
    });
    const text = await runCli("check", "--por", "--variant", "swapcache-check", "--order", "2");
    expect(text.stdout).toMatch(/breadth-first with partial-order reduction/);
    expect(text.stdout).toMatch(/partial-order reduction: \d+ states expanded by an ample set/);
    // A counterexample's rerun is counted apart, not added to what the reduction explored.
    const bug = await runCli("check", "--por", "--variant", "head-only", "--order", "2");
    expect(bug.stdout).toMatch(
      /head-only\s+anon-swap\s+violated\s+cache-integrity\s+16\s+\d+\+\d+ rerun/,
    );
  });

  it("a bound that cuts the search gives incomplete and exit 3", async () => {
    const r = await runCli("check", "--variant", "swapcache-check", "--max-states", "100");
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/incomplete \(max-states\)/);
  });

  it.each([
    [["check", "--variant", "frob"], /unknown variant 'frob'; valid: per-page, head-only/],
    [["check", "--mapping", "x"], /unknown mapping 'x'; valid: anon-swap/],
    [["check", "--order", "0"], /--order must be in 1\.\.5/],
    [["check", "--order", "two"], /--order must be an integer/],
    [["check", "--chunk-shift", "9"], /--chunk-shift must be in 1\.\.6/],
    [["check", "--swapin-page", "4"], /--swapin-page must be in 0\.\.3/],
    [["check", "--threads", "bogus"], /unknown thread 'bogus'/],
    [["check", "--invariants", "nope"], /unknown invariant 'nope'; valid: no-use-after-free/],
    [
      ["check", "--model", "peterson", "--variant", "head-only"],
      /model peterson has no parameter --variant/,
    ],
  ])("bad input %j exits 2 with one line", async (argv, message) => {
    expectBadInput(await runCli(...argv), message);
  });

  it("list --model names its variants, mappings, threads, invariants and liveness properties", async () => {
    const r = await runCli("list", "--model", "migrate-swapcache");
    expect(r.status).toBe(0);
    for (const word of [
      "migrate-swapcache",
      "sibling-check",
      "legacy-pagecache",
      "reclaim-dst",
      "reuse",
      "cache-integrity",
      "delete-assertion",
      "lookup-progress",
      "fault-completes",
      "bounded-spin",
    ]) {
      expect(r.stdout).toContain(word);
    }
  });
});
