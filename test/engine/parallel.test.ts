/**
 * The parallel search (--workers) against the sequential one: the same
 * verdict, property, shortest counterexample (step for step: the
 * fewest-switches pass is the same), and, for complete searches, the same
 * state and transition counts, on the toy models and on scenario cells,
 * through the CLI as a user runs it. Workers load the built JavaScript
 * (the test script builds first).
 */
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";

interface Run {
  verdict: string;
  property: string | null;
  trace: { steps: { action: string; thread: string }[] } | null;
  stats: { distinctStates: number; transitions: number; workers?: number };
}

async function runs(...args: string[]): Promise<Run[]> {
  const r = await runCli("check", "--json", ...args);
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout).runs;
}

async function agree(workers: number, ...args: string[]) {
  const seq = await runs(...args);
  const par = await runs("--workers", String(workers), ...args);
  expect(par).toHaveLength(seq.length);
  par.forEach((p, i) => {
    const s = seq[i]!;
    expect(p.stats.workers).toBe(workers);
    expect(p.verdict).toBe(s.verdict);
    expect(p.property).toBe(s.property);
    expect(p.trace?.steps).toEqual(s.trace?.steps);
    if (s.verdict === "holds") {
      expect(p.stats.distinctStates).toBe(s.stats.distinctStates);
      expect(p.stats.transitions).toBe(s.stats.transitions);
    }
  });
  return { seq, par };
}

describe("parallel search (--workers)", () => {
  it.each(["peterson", "naive-mutex", "lock-order", "counter-grid"])("toy model %s", async (m) => {
    await agree(2, "--model", m);
  });

  it("every variant, order 2 and 1 swap-in, with 2 and 3 workers", async () => {
    await agree(2, "--order", "2");
    await agree(3, "--order", "2", "--mapping", "shmem,legacy-pagecache");
  });

  it("a search larger than the first table (it grows between levels)", async () => {
    const { par } = await agree(
      2,
      "--variant",
      "head-only,swapcache-check",
      "--order",
      "3",
      "--swapins",
      "2",
    );
    expect(par[1]!.stats.distinctStates).toBeGreaterThan(2 ** 17);
  });

  it("symmetry and several swap-ins", async () => {
    await agree(2, "--order", "2", "--swapins", "2", "--symmetry", "on");
    await agree(2, "--order", "2", "--swapins", "3", "--swapin-page", "distinct");
  });

  it("with partial-order reduction: the reduced counts, the unreduced shortest traces", async () => {
    const args = ["--order", "2", "--swapins", "3", "--swapin-page", "distinct"];
    const seq = await runs("--por", ...args);
    const par = await runs("--por", "--workers", "2", ...args);
    par.forEach((p, i) => {
      const s = seq[i]!;
      expect(p.verdict).toBe(s.verdict);
      expect(p.property).toBe(s.property);
      expect(p.trace?.steps).toEqual(s.trace?.steps);
    });
    const full = await runs(...args);
    par.forEach((p, i) => {
      if (p.verdict === "holds") {
        expect(p.stats.distinctStates).toBeLessThan(full[i]!.stats.distinctStates);
      }
    });
  });

  it("bounds give incomplete, never holds", async () => {
    const [r] = await runs("--workers", "2", "--variant", "swapcache-check", "--max-depth", "5");
    expect(r!.verdict).toBe("incomplete");
  });
});
