/**
 * The skip-swapcache model (issue 18): the v6.6 race found by search (as
 * short as an independent BFS says it can be), the fix holding after a
 * complete search, the -EEXIST back-off live under weak fairness, every
 * step of the step tables reached, the compiled model equal to the object
 * model, and the CLI's acceptance lines.
 */

import { describe, expect, it } from "vitest";
import { findModel } from "../../models/registry.js";
import { skipDeclaration } from "../../models/skip-swapcache/index.js";
import type { SkipParams, Variant } from "../../models/skip-swapcache/params.js";
import type { SkipState } from "../../models/skip-swapcache/state.js";
import { checkEncoding } from "../../src/declared/checks.js";
import { type CompiledOptions, compiledModel, objectModel } from "../../src/declared/model.js";
import { checkLiveness, type Model, search } from "../../src/engine/index.js";
import { proveMatrix } from "../../src/prove/matrix.js";
import { expectBadInput, runCli } from "../cli/run-cli.js";
import { expectSameExploration } from "../support/same-exploration.js";

const params = (variant: Variant, slots = 2, write = true, swapoff = false): SkipParams => ({
  variant,
  slots,
  threads: new Set([
    ...(write ? (["write"] as const) : []),
    ...(swapoff ? (["swapoff"] as const) : []),
  ]),
});

/** The model as written (records), and as the checker runs it (packed, memoised). */
const skipSwapcacheModel = (p: SkipParams) => {
  const d = skipDeclaration(p);
  return Object.assign(objectModel(d), { declared: d });
};
const compiledSkipModel = (p: SkipParams, options: CompiledOptions = {}) =>
  compiledModel(skipDeclaration(p), options);

/** A state as plain data (the swap map is a frozen object: immutable.js compares it by identity). */
const key = (s: SkipState) => JSON.stringify(s.toJS());

/**
 * Every reachable state of the object model (no properties checked), with
 * its depth and each step's thread:name: a plain BFS on the states' values
 * (no fingerprints, no encodings, no parent links).
 */
function explore<A>(model: Model<SkipState, A>) {
  const seen = new Set<string>();
  const steps = new Set<string>();
  let layer = [...model.initStates()];
  for (const s of layer) seen.add(key(s));
  const depthOf: { state: SkipState; depth: number }[] = layer.map((state) => ({
    state,
    depth: 0,
  }));
  for (let depth = 1; layer.length > 0; depth++) {
    const next: SkipState[] = [];
    for (const s of layer) {
      for (const step of model.actions(s)) {
        steps.add(`${step.thread}:${step.name}`);
        const t = model.next(s, step.action);
        if (!seen.has(key(t))) {
          seen.add(key(t));
          next.push(t);
          depthOf.push({ state: t, depth });
        }
      }
    }
    layer = next;
  }
  return { steps, states: depthOf };
}

/** Shortest distance to a state breaking an invariant, by the plain BFS above (-1: none). */
function referenceViolationDepth<A>(model: Model<SkipState, A>): number {
  const bad = (s: SkipState) => model.properties.some((p) => p.kind === "always" && !p.holds(s));
  const hits = explore(model).states.filter((x) => bad(x.state));
  return hits.length === 0 ? -1 : Math.min(...hits.map((x) => x.depth));
}

describe("skip-swapcache: v6.6 (no-guard)", () => {
  it.each([1, 2, 3])(
    "%i slots: the search finds the race, as short as a reference BFS",
    (slots) => {
      const model = skipSwapcacheModel(params("no-guard", slots));
      const r = search(model);
      expect(r.verdict).toBe("violated");
      expect(r.property).toBe("data-integrity");
      const depth = referenceViolationDepth(model);
      expect(r.trace!.steps).toHaveLength(depth);
      // At least both faults' whole skip path and reclaim's swap-out to the freed slot.
      expect(depth).toBeGreaterThanOrEqual(19);
      const labels = r.trace!.steps.map((s) => `${s.thread}:${s.name}`);
      for (const t of ["fault0", "fault1"]) {
        for (const fn of ["do_swap_page", "__swap_count", "swap_readpage", "set_pte_at"]) {
          expect(labels).toContain(`${t}:${fn}`);
        }
      }
      for (const fn of ["folio_alloc_swap", "try_to_unmap", "swapcache_free_entries"]) {
        expect(labels).toContain(`reclaim:${fn}`);
      }
    },
  );

  it("without the process's write, zram's discard of the freed slot is enough", () => {
    const r = search(skipSwapcacheModel(params("no-guard", 1, false)));
    expect(r.verdict).toBe("violated");
    expect(r.explanation).toMatch(/pte 0 maps N\d\[0\] holding data 0, expected 1/);
  });

  it("with a write and without the discard's shortcut, the stale data itself is mapped", () => {
    // Among all violations: one where the mapped page holds D0 after the process wrote D1.
    const model = skipSwapcacheModel(params("no-guard", 2));
    const data = model.properties.find((p) => p.name === "data-integrity")!;
    const stale = explore(model).states.some(
      (x) => !data.holds(x.state) && /holding data 1, expected 2/.test(data.explain!(x.state)),
    );
    expect(stale).toBe(true);
  });
});

describe("skip-swapcache: 13ddaf26be32 (swapcache-prepare)", () => {
  it.each([
    [1, true, false],
    [2, true, false],
    [3, true, false],
    [2, false, false],
    [1, true, true],
    [2, true, true],
    [2, false, true],
  ])("%i slots, write %s, swapoff %s: holds after a complete search", (slots, write, swapoff) => {
    const r = search(compiledSkipModel(params("swapcache-prepare", slots, write, swapoff)));
    expect(r.verdict).toBe("holds");
    expect(r.incompleteReason ?? null).toBeNull();
  });

  it("with swapoff, the faults still complete under weak fairness", () => {
    expect(
      checkLiveness(compiledSkipModel(params("swapcache-prepare", 1, true, true))).verdict,
    ).toBe("holds");
  });

  it("the -EEXIST back-off does not livelock under weak fairness, and does without it", () => {
    const model = compiledSkipModel(params("swapcache-prepare"));
    const fair = checkLiveness(model);
    expect(fair.verdict).toBe("holds");
    const unfair = checkLiveness(model, { fairness: "none" });
    expect(unfair.verdict).toBe("violated");
    expect(unfair.property).toMatch(/^fault-completes/);
    const loop = unfair.trace!.steps.slice(unfair.trace!.loopStart!).map((s) => s.name);
    expect(loop).toContain("schedule_timeout_uninterruptible");
  });
});

describe("skip-swapcache: coverage of the step tables", () => {
  it("every row of every table (swapoff's too) is reached (1 and 2 slots), and with the guard pte_same never fails", () => {
    for (const variant of ["no-guard", "swapcache-prepare"] as const) {
      // 1 slot: add_to_swap can fail; 2 slots: the allocator can choose.
      const models = [1, 2].map((slots) => skipSwapcacheModel(params(variant, slots, true, true)));
      const reached = new Set(models.flatMap((m) => [...explore(m).steps]));
      const missing = models[0]!.declared.catalogue.filter(
        (c) => !reached.has(`${c.thread}:${c.name}`),
      );
      expect(
        missing.filter((c) => c.core),
        variant,
      ).toEqual([]);
      // The fix's point: a fault past swapcache_prepare always finds its PTE unchanged.
      expect(
        missing.map((c) => `${c.thread}:${c.name}`),
        variant,
      ).toEqual(
        // Without the guard no thread holds the cache bit of a slot the PTE
        // holds, so swapoff's swapcache_prepare never meets -EEXIST.
        variant === "no-guard"
          ? ["swapoff:schedule_timeout_uninterruptible"]
          : ["fault0:pte_same", "fault1:pte_same"],
      );
    }
  });
});

describe("skip-swapcache: compiled model = object model", () => {
  it.each([
    ["no-guard", 1, false],
    ["no-guard", 2, false],
    ["swapcache-prepare", 1, false],
    ["swapcache-prepare", 2, false],
    ["swapcache-prepare", 3, false],
    ["no-guard", 1, true],
    ["swapcache-prepare", 1, true],
  ] as const)(
    "%s, %i slots, swapoff %s (verify mode without swapoff)",
    (variant, slots, swapoff) => {
      const object = skipSwapcacheModel(params(variant, slots, true, swapoff));
      // verify recomputes every memoised step: slow with swapoff's larger space.
      const compiled = compiledSkipModel(params(variant, slots, true, swapoff), {
        verify: !swapoff,
      });
      expectSameExploration(object, compiled);
      const la = checkLiveness(object);
      const lb = checkLiveness(compiled);
      expect(lb.verdict).toBe(la.verdict);
      expect(lb.stats.distinctStates).toBe(la.stats.distinctStates);
    },
  );
});

describe("skip-swapcache: the layer's encoding checks with swapoff", () => {
  it("injective, lossless pack/unpack on every state of a swapoff configuration", () => {
    for (const variant of ["no-guard", "swapcache-prepare"] as const) {
      const d = skipDeclaration(params(variant, 2, true, true));
      expect(checkEncoding(d, { maxStates: 20000 })).toBeGreaterThan(1000);
    }
  });
});

describe("skip-swapcache: the proof", () => {
  it("proveMatrix: the fix proved in every cell, the baseline violated", async () => {
    const entry = findModel("skip-swapcache")!;
    const cells = await proveMatrix(
      entry,
      [1, 2, 3].map((slots) => ({ ...entry.proof!.matrix, slots: String(slots) })),
      { baseline: entry.proof!.baseline, liveness: true },
    );
    expect(cells.map((c) => c.status)).toEqual(["proved", "proved", "proved"]);
    for (const c of cells) {
      expect(c.unreachedCore).toEqual([]);
      expect(c.witness?.verdict).toBe("violated");
    }
  });
});

describe("skip-swapcache: the CLI", () => {
  it("check --variant no-guard: exit 1, a shortest counterexample in kernel functions", async () => {
    const r = await runCli("check", "--model", "skip-swapcache", "--variant", "no-guard");
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/no-guard +2 +violated +data-integrity +19 /);
    expect(r.stdout).toMatch(/shortest counterexample: 19 steps/);
    for (const fn of ["do_swap_page", "__swap_count", "swap_readpage", "swap_free", "set_pte_at"]) {
      expect(r.stdout).toContain(fn);
    }
  });

  it("check --variant swapcache-prepare: exit 0 after a complete search", async () => {
    const r = await runCli("check", "--model", "skip-swapcache", "--variant", "swapcache-prepare");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/swapcache-prepare +2 +holds/);
    expect(r.stdout).toMatch(/complete/);
  });

  it("prove --model skip-swapcache: exit 0, every cell proved", async () => {
    const r = await runCli("prove", "--model", "skip-swapcache");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/3 cells: 3 proved, 0 violated/);
  });

  it("a parameter this model does not have: one line, exit 2", async () => {
    const r = await runCli("check", "--model", "skip-swapcache", "--order", "2");
    expectBadInput(r, /^swapcheck: model skip-swapcache has no parameter --order/);
  });
});
