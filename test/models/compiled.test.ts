/**
 * The compiled model (packed states, steps and invariants memoised per
 * combination of the parts they read) against the object model it is
 * built from: on every cell of the verdict table and on configurations
 * with more threads, the same verdict, property, state and transition
 * counts, coverage and counterexample labels; with `verify`, every cached
 * step and invariant result is recomputed on the spot and compared, which
 * catches a read the footprints leave out.
 */
import { describe, expect, it } from "vitest";
import { compiledScenarioModel } from "../../models/migrate-swapcache/index.js";
import { MAPPINGS, VARIANTS } from "../../models/migrate-swapcache/params.js";
import { checkLiveness } from "../../src/engine/index.js";
import { expectSameExploration } from "../support/same-exploration.js";
import { scenario, verdictTableCells } from "./scenario-helpers.js";

type Cell = Parameters<typeof scenario>[0];

function same(cell: Cell, verify = false) {
  const object = scenario(cell);
  return expectSameExploration(object, compiledScenarioModel(object, { verify }));
}

const table: Cell[] = verdictTableCells();

describe("compiled model = object model", () => {
  it.each(table)("verdict table cell %o", (cell) => {
    same(cell);
  });

  const larger: Cell[] = [
    ...VARIANTS.map((v) => ({ variant: v.value, order: 2, swapins: 2, spinBound: 2 })),
    { variant: "swapcache-check", order: 2, swapins: 3, swapinPage: "distinct" },
    { variant: "head-only", order: 1, swapins: 2, symmetry: true },
    { variant: "swapcache-check", order: 2, swapins: 2, migrateRetries: 2 },
    { variant: "swapcache-check", mapping: "legacy-pagecache", legacyBacking: "both", order: 2 },
    { variant: "head-only", threads: new Set([]), order: 2 },
  ];
  it.each(larger)("more threads and options %o", (cell) => {
    same(cell);
  });

  // Every cached step and invariant recomputed and compared (slow: about
  // as slow as the object model, twice). Larger cells with SWAPCHECK_LONG=1.
  const long = process.env.SWAPCHECK_LONG === "1";
  const verified: Cell[] = [
    ...VARIANTS.flatMap((v) =>
      MAPPINGS.map((m) => ({
        variant: v.value,
        mapping: m.value,
        order: long ? 2 : 1,
        swapins: 2,
      })),
    ),
    ...VARIANTS.map((v) => ({ variant: v.value, order: 2, chunkShift: 1 })),
    { variant: "head-only", order: 1, swapins: 3, swapinPage: "distinct", spinBound: 2 },
  ];
  it.each(verified)("verify mode %o", (cell) => {
    same(cell, true);
  });

  it("liveness verdicts and lassos agree", () => {
    for (const variant of ["head-only", "swapcache-check"] as const) {
      const object = scenario({ variant, order: 2 });
      const a = checkLiveness(object);
      const b = checkLiveness(compiledScenarioModel(object));
      expect(b.verdict).toBe(a.verdict);
      expect(b.property).toBe(a.property);
      expect(b.stats.distinctStates).toBe(a.stats.distinctStates);
      expect(b.trace?.steps.map((s) => s.label)).toEqual(a.trace?.steps.map((s) => s.label));
    }
  });
});

describe("unpackable (a parallel search hands packed states between threads)", () => {
  it("is true for states whose parts this thread has met, false when a part id is unknown here", () => {
    const model = compiledScenarioModel(scenario({ variant: "swapcache-check", order: 2 }));
    let states = [...model.initStates()];
    for (let depth = 0; depth < 6; depth++) {
      for (const s of states) expect(model.unpackable!(s)).toBe(true);
      states = states.flatMap((s) => model.actions(s).map((step) => model.next(s, step.action)));
    }
    // Every part word in turn replaced by an id no thread has handed out
    // (one swap-in: xarray, A, B, the swap-in's fresh page C, PTEs, VM_BUG_ON, swap map, reclaim,
    // migrate, swap-in, reclaim-dst, swapoff, zap, mincore).
    const s = states.find((x) => x[6] !== -1) ?? states[0]!;
    expect(s).toHaveLength(17);
    const unknown = 2 ** 30;
    const partWords = [0, 1, 2, 3, 4, 6, 7, 8, 10, 11, 12, 14, 15, 16];
    for (const w of partWords) {
      const words = [...s];
      words[w] = unknown;
      expect(model.unpackable!(words), `word ${w}`).toBe(false);
    }
    // Words that are flags or indices, not part ids, do not matter.
    for (const w of [5, 9, 13]) {
      const words = [...s];
      words[w] = unknown;
      expect(model.unpackable!(words), `word ${w}`).toBe(true);
    }
  });
});
