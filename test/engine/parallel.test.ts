/**
 * The parallel search (--workers) against the sequential one: the same
 * verdict, property, shortest counterexample (step for step: the
 * fewest-switches pass is the same), and, for complete searches, the same
 * state and transition counts, on the toy models and on scenario cells,
 * through the CLI as a user runs it. Workers load the built JavaScript
 * (the test script builds first).
 */
import { describe, expect, it } from "vitest";
import { findModel } from "../../models/registry.js";
import { type ModelSpec, searchAsync, searchParallel } from "../../src/engine/index.js";
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
      "--swapin-page",
      "all",
      "--reason",
      "demotion",
    );
    expect(par[1]!.stats.distinctStates).toBeGreaterThan(2 ** 17);
  });

  it("symmetry and several swap-ins", async () => {
    await agree(2, "--order", "2", "--swapins", "2", "--symmetry", "on");
    await agree(2, "--order", "2", "--swapins", "3", "--swapin-page", "distinct");
  });

  it("with partial-order reduction: the reduced counts, the unreduced shortest traces", async () => {
    // Without the threads that leave the swap-ins no ample set (reclaim of
    // B retries for ever; the process's loads write every PTE).
    const args = [
      ...["--order", "2", "--swapins", "3", "--swapin-page", "distinct"],
      ...["--threads", "none", "--access", "cold"],
    ];
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

describe("parallel search with a seen-set that fills up mid-level", () => {
  it("pauses the workers, grows the table, and ends with the sequential counts", async () => {
    const name = "migrate-swapcache";
    const entry = findModel(name)!;
    const shared = entry.shareWithWorkers?.() ?? null;
    const raw = {
      order: "3",
      swapins: "2",
      "swapin-page": "all",
      reason: "demotion",
      variant: "head-only,swapcache-check",
    };
    for (const run of entry.configure(raw)) {
      const seq = await searchAsync(run.model, {});
      const spec: ModelSpec = {
        module: new URL("../../dist/models/registry.js", import.meta.url).href,
        export: "workerModel",
        args: [name, run.raw, 0, run.model.properties.map((p) => p.name), shared],
      };
      // Room for 128 states: every level after the first few fills it.
      const par = await searchParallel(run.model, spec, { workers: 2, tableStates: 128 });
      expect(par.verdict).toBe(seq.verdict);
      if (seq.verdict === "holds") {
        expect(par.stats.distinctStates).toBe(seq.stats.distinctStates);
        expect(par.stats.distinctStates).toBeGreaterThan(2 ** 17);
        expect(par.stats.transitions).toBe(seq.stats.transitions);
        // The threads shared the levels out: the worker took states the main
        // thread stored (it starts with all of them), rebuilding the first
        // ones whose parts it had not met.
        expect(par.stats.balance!.stolenChunks).toBeGreaterThan(0);
        expect(par.stats.balance!.rebuiltStates).toBeGreaterThan(0);
      } else {
        expect(par.trace?.steps.map((s) => s.label)).toEqual(seq.trace?.steps.map((s) => s.label));
      }
    }
  });
});
