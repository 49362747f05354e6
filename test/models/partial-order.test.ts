/**
 * Partial-order reduction on the scenario (footprint.ts): on every cell of
 * the verdict table (k 1..3, S 2..3, every variant and mapping) and on
 * configurations with several swap-ins and with one invariant at a time,
 * the reduced and the full search give the same verdict, property and
 * shortest trace length, and a complete reduced search never stores more
 * states.
 */
import { describe, expect, it } from "vitest";
import { VARIANTS } from "../../models/migrate-swapcache/params.js";
import { type Model, search } from "../../src/engine/index.js";
import { scenario, verdictTableCells } from "./scenario-helpers.js";

type Cell = Parameters<typeof scenario>[0];

function compare<S, A>(model: Model<S, A>) {
  const full = search(model);
  const reduced = search(model, { partialOrder: true });
  expect(reduced.verdict).toBe(full.verdict);
  expect(reduced.property).toBe(full.property);
  expect(reduced.trace?.steps.length).toBe(full.trace?.steps.length);
  const por = reduced.stats.partialOrder!;
  // (A violated search stops at the first violation, which the reduced
  // search may reach later: only complete searches compare their sizes.)
  if (full.verdict === "holds") {
    expect(por.rerun).toBeNull();
    expect(reduced.stats.distinctStates).toBeLessThanOrEqual(full.stats.distinctStates);
  } else {
    expect(por.rerun).not.toBeNull();
  }
  return { full, reduced, por };
}

const table: Cell[] = verdictTableCells();

describe("partial-order reduction on the scenario", () => {
  it.each(table)("verdict table cell %o", (cell) => {
    compare(scenario(cell));
  });

  const larger: Cell[] = [
    ...VARIANTS.flatMap((v) => [
      { variant: v.value, order: 1, swapins: 2 },
      { variant: v.value, order: 2, swapins: 2, spinBound: 2 },
    ]),
    { variant: "head-only", order: 2, swapins: 3, swapinPage: "distinct" },
  ];
  it.each(larger)("several swap-ins %o", (cell) => {
    compare(scenario(cell));
  });

  const names = scenario({})
    .properties.filter((p) => p.kind === "always")
    .map((p) => p.name);
  const single = VARIANTS.flatMap((v) => names.map((name) => ({ variant: v.value, name })));
  it.each(single)("one invariant at a time %o", ({ variant, name }) => {
    const m = scenario({ variant, order: 2, swapins: 2, swapinPage: "distinct" });
    compare({ ...m, properties: m.properties.filter((p) => p.name === name) });
  });

  it("removes states where swap-ins fault distinct pages", () => {
    const m = scenario({
      variant: "swapcache-check",
      order: 2,
      swapins: 3,
      swapinPage: "distinct",
      // Without the threads that never finish: reclaim of B retries pass
      // after pass and reads where the swap-ins are, and the process's
      // loads write every PTE at any time, so with either no swap-in is
      // ever alone in its objects (footprints are whole objects).
      threads: new Set(),
      access: "cold",
    });
    const { full, reduced, por } = compare(m);
    expect(full.verdict).toBe("holds");
    // Few: the swap-ins share the folios with migration until it is done
    // (2.5 % fewer here; finer footprints are issue 21's).
    expect(reduced.stats.distinctStates).toBeLessThan(full.stats.distinctStates);
    expect(por.reducedStates).toBeGreaterThan(0);
  });
});
