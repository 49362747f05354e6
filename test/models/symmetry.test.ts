/**
 * Symmetry reduction of the swap-in threads (--symmetry on): on every
 * scenario cell tried, the reduced and the full search give the same
 * verdict, property and shortest trace length, with fewer states stored.
 */
import { describe, expect, it } from "vitest";
import { compiledScenarioModel } from "../../models/migrate-swapcache/index.js";
import { MAPPINGS, VARIANTS } from "../../models/migrate-swapcache/params.js";
import { search } from "../../src/engine/index.js";
import { scenario } from "./scenario-helpers.js";

const cells = [
  ...VARIANTS.flatMap((v) =>
    MAPPINGS.map((m) => ({ variant: v.value, mapping: m.value, order: 1, swapins: 2 })),
  ),
  ...VARIANTS.map((v) => ({
    variant: v.value,
    mapping: "anon-swap" as const,
    order: 2,
    swapins: 2,
  })),
  { variant: "head-only" as const, mapping: "anon-swap" as const, order: 1, swapins: 3 },
  // Three swap-ins on a fixed fix: without reuse (each swap-in's miss path
  // multiplies the states), as the seed's offline migration.
  {
    variant: "swapcache-check" as const,
    mapping: "anon-swap" as const,
    order: 1,
    swapins: 3,
    reason: "offline" as const,
    threads: new Set(["reclaim-dst"] as const),
  },
];

describe("symmetry reduction of interchangeable swap-ins", () => {
  it.each(cells)("%o", (cell) => {
    // The compiled model (what the CLI runs), for speed.
    const full = search(compiledScenarioModel(scenario({ ...cell, symmetry: false })));
    const reduced = search(compiledScenarioModel(scenario({ ...cell, symmetry: true })));
    expect(reduced.verdict).toBe(full.verdict);
    expect(reduced.property).toBe(full.property);
    expect(reduced.trace?.steps.length).toBe(full.trace?.steps.length);
    expect(reduced.stats.distinctStates).toBeLessThan(full.stats.distinctStates);
  });

  it("is rejected for liveness, whose properties name a thread", async () => {
    const { runCli } = await import("../cli/run-cli.js");
    const r = await runCli("check", "--liveness", "--symmetry", "on", "--swapins", "2");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not sound for the per-thread progress properties/);
  });
});
