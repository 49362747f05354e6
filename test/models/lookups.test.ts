/**
 * The swap-cache lookups other than do_swap_page (swapoff, zap, mincore),
 * against what their v6.6 code paths do with a stale tail slot: the
 * checker finds each outcome by exploring the seed's scenario with the
 * thread added, and the trace shows the kernel path that got there.
 */
import { describe, expect, it } from "vitest";
import { migrateSwapcacheModel } from "../../models/migrate-swapcache/index.js";
import { DEFAULTS } from "../../models/migrate-swapcache/params.js";
import {
  originalData,
  type ScenarioState,
  Swapoff,
  swapinFrame,
} from "../../models/migrate-swapcache/state.js";
import { checkLiveness, search, type Trace } from "../../src/engine/index.js";
import { pteFrame, pteKind } from "../../src/kernel/page-table.js";
import { swapCount } from "../../src/kernel/swap-map.js";
import { xaLoad, xaMkPointer } from "../../src/kernel/xarray.js";
import { seedModelChecking, threads } from "./scenario-helpers.js";

const model = seedModelChecking;

const steps = (trace: Trace<unknown> | null, thread: string) =>
  (trace?.steps ?? []).filter((s) => s.thread === thread).map((s) => `${s.name}: ${s.label}`);

describe("swapoff (try_to_unuse → unuse_pte_range → unuse_pte)", () => {
  it("maps a recycled page-cache page found at a stale tail slot: data-integrity (demotion)", () => {
    const params = { reason: "demotion", ...threads("reclaim-dst", "swapoff", "reuse") } as const;
    const r = search(model(params, "data-integrity"));
    expect(r.verdict).toBe("violated");
    const walk = steps(r.trace, "swapoff");
    // The lookup returned the recycled frame and unuse_pte mapped it: no recheck in between.
    expect(walk.at(-1)).toMatch(/^unuse_pte: .*set_pte_at\(pte \d → A'\[\d\]\)/);
    expect(walk.some((s) => s.includes("recheck"))).toBe(false);
    expect(steps(r.trace, "reuse").join()).toContain("page-cache page");
  });

  it("hits BUG_ON(PageAnon && PageAnonExclusive) on another process's anonymous page", () => {
    const params = { reason: "demotion", ...threads("reclaim-dst", "swapoff", "reuse") } as const;
    const r = search(model(params, "kernel-bug"));
    expect(r.verdict).toBe("violated");
    expect(steps(r.trace, "swapoff").at(-1)).toContain("BUG_ON(PageAnon && PageAnonExclusive)");
  });

  it("poisons the PTE of a frame alloc_contig_range took (not uptodate): no-data-loss", () => {
    const r = search(
      model({ reason: "contig", ...threads("reclaim-dst", "swapoff") }, "no-data-loss"),
    );
    expect(r.verdict).toBe("violated");
    expect(steps(r.trace, "swapoff").at(-1)).toMatch(/not uptodate → pte \d poisoned/);
  });

  it("its second loop over the swap map meets a stale slot that no PTE holds any more", () => {
    // A probe invariant that fails where try_to_unuse's second loop is about
    // to folio_try_get_rcu a freed folio that its slot still names (stale,
    // not a folio freed under the lookup), at a slot only the cache bit
    // keeps in use: the search finds how, through find_next_to_unuse.
    const m = migrateSwapcacheModel({ ...DEFAULTS, ...threads("reclaim-dst", "swapoff") });
    const stale = (s: ScenarioState) =>
      s.swapoff.pc === Swapoff.SlotTryGet &&
      !s.folios.get(s.swapoff.folio)!.allocated &&
      xaLoad(s.xa, s.swapoff.index) === xaMkPointer(s.swapoff.folio) &&
      swapCount(s.swap!, s.swapoff.index) === 0;
    const probe = {
      name: "probe",
      kind: "always" as const,
      description: "the second loop never looks a freed folio up at a slot no PTE holds",
      holds: (s: ScenarioState) => !stale(s),
    };
    const r = search({ ...m, properties: [probe] });
    expect(r.verdict).toBe("violated");
    const walk = steps(r.trace, "swapoff");
    expect(walk.some((s) => s.startsWith("find_next_to_unuse"))).toBe(true);
    const last = r.trace!.steps.at(-1)!.state;
    // The slot is a tail of B's range (not its head) and names the freed A.
    expect(last.swapoff.index).toBeGreaterThan(1 << DEFAULTS.order);
    expect(last.swapoff.folio).toBe(0);
  });

  it("spins on the freed A under memory offline: lookup-progress(swapoff) is a lasso", () => {
    const r = checkLiveness(model(threads("reclaim-dst", "swapoff"), "lookup-progress(swapoff)"));
    expect(r.verdict).toBe("violated");
    const loop = r.trace!.steps.slice(r.trace!.loopStart!);
    expect(loop.some((s) => s.thread === "swapoff" && s.name === "folio_try_get_rcu")).toBe(true);
  });

  it("with the swap-cache check every lookup finds B, and data stays intact", () => {
    const params = {
      variant: "swapcache-check",
      reason: "demotion",
      ...threads("reclaim-dst", "swapoff", "reuse"),
    } as const;
    for (const property of ["data-integrity", "kernel-bug", "swap-map"]) {
      const r = search(model(params, property));
      expect(r.verdict, property).toBe("holds");
      expect(r.incompleteReason).toBeNull();
    }
  });
});

describe("zap (zap_pte_range → free_swap_and_cache → __try_to_reclaim_swap)", () => {
  it("looks up a tail slot when the cluster's last count goes, and spins there on the freed A", () => {
    // Nothing reclaims B: zap unmaps the page of B a swap-in mapped, so a
    // reclaim of B would find it cold and end the stall (as below).
    const r = checkLiveness(model(threads("zap"), "lookup-progress(zap)"));
    expect(r.verdict).toBe("violated");
    const walk = steps(r.trace, "zap");
    const freed = walk.filter((s) => s.startsWith("free_swap_and_cache"));
    // Only the zap that drops the cluster's last count goes on to the lookup.
    expect(freed.filter((s) => s.includes("__try_to_reclaim_swap"))).toHaveLength(1);
    expect(freed.at(-1)).toContain("__try_to_reclaim_swap");
    const base = 1 << DEFAULTS.order;
    const slot = Number(/swp\((\d+)\)/.exec(freed.at(-1)!)![1]);
    expect(slot).toBeGreaterThan(base);
  });
});

describe("mincore (mincore_pte_range → mincore_page)", () => {
  it("spins on the freed A at a stale slot: lookup-progress(mincore)", () => {
    const r = checkLiveness(model(threads("reclaim-dst", "mincore"), "lookup-progress(mincore)"));
    expect(r.verdict).toBe("violated");
    const loop = r.trace!.steps.slice(r.trace!.loopStart!);
    expect(loop.some((s) => s.thread === "mincore" && s.name === "folio_try_get_rcu")).toBe(true);
  });
});

describe("swap-in miss (swapin_readahead → __read_swap_cache_async)", () => {
  it("a wrong store (NULL in B's tails) loops on swapcache_prepare's -EEXIST while B stays cached", () => {
    const r = checkLiveness(model({ variant: "null-tails" }, "fault-completes(swapin1)"));
    expect(r.verdict).toBe("violated");
    const loop = r.trace!.steps.slice(r.trace!.loopStart!).filter((s) => s.thread === "swapin1");
    expect(loop.map((s) => s.name)).toContain("swapcache_prepare");
    expect(loop.find((s) => s.name === "swapcache_prepare")!.label).toContain("-EEXIST");
    // The loop leaves RCU each time: it is no RCU stall.
    expect(
      checkLiveness(model({ variant: "null-tails" }, "lookup-progress(swapin1)")).verdict,
    ).toBe("holds");
  });

  it("after B left the swap cache, a fault reads the entry into a fresh page and maps the right data", () => {
    // A probe invariant that fails once a PTE maps a swap-in's fresh page
    // (frame C or D): the search finds how, and the page holds the data.
    const m = migrateSwapcacheModel({ ...DEFAULTS, variant: "swapcache-check" });
    const fresh = (s: ScenarioState) =>
      s.ptes.findIndex((pte) => pteKind(pte) === "present" && pteFrame(pte) >= swapinFrame(0));
    const probe = {
      name: "probe",
      kind: "always" as const,
      description: "no PTE maps a swap-in's fresh page",
      holds: (s: ScenarioState) => fresh(s) < 0,
    };
    const r = search({ ...m, properties: [probe] });
    expect(r.verdict).toBe("violated");
    const names = r.trace!.steps.map((s) => s.name);
    for (const n of [
      "__delete_from_swap_cache",
      "vma_alloc_folio",
      "swapcache_prepare",
      "add_to_swap_cache",
      "swap_readpage",
      "set_pte_at",
    ]) {
      expect(names).toContain(n);
    }
    const last = r.trace!.steps.at(-1)!.state;
    const j = fresh(last);
    const frame = last.folios.get(pteFrame(last.ptes.get(j)!))!;
    expect(frame.data.get(0)).toBe(originalData(j));
  });
});
