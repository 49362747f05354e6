/**
 * Reclaim of B as v6.6's shrink_folio_list does it, pass after pass:
 * folio_check_references keeps a B with a young PTE, try_to_unmap turns
 * B's PTEs into swap entries, a failed freeze is retried on a later pass.
 * The seed's stall then lasts exactly as long as the process keeps B hot:
 * the checker finds the lasso with the process's loads in it, and finds
 * none when the process is cold.
 */
import { describe, expect, it } from "vitest";
import { migrateSwapcacheModel } from "../../models/migrate-swapcache/index.js";
import { DEFAULTS } from "../../models/migrate-swapcache/params.js";
import { type ScenarioState, Shrink } from "../../models/migrate-swapcache/state.js";
import { checkLiveness, search } from "../../src/engine/index.js";
import { pteFrame, pteKind, pteSwap } from "../../src/kernel/page-table.js";
import { swapCount } from "../../src/kernel/swap-map.js";
import { seedModelChecking, threads } from "./scenario-helpers.js";

const model = seedModelChecking;

describe("reclaim of B (shrink_folio_list)", () => {
  it("the seed's stall is a fair lasso while the process keeps B hot", () => {
    const r = checkLiveness(model({}, "lookup-progress(swapin1)"));
    expect(r.verdict).toBe("violated");
    const loop = r.trace!.steps.slice(r.trace!.loopStart!);
    const names = loop.map((s) => `${s.thread}:${s.name}`);
    // swapin1 spins on the freed A; reclaim looks at B and keeps it because
    // the process touched it again since the last look.
    expect(names).toContain("swapin1:folio_try_get_rcu");
    expect(names).toContain("access:pte_mkyoung");
    const check = loop.find((s) => s.name === "folio_check_references");
    expect(check?.label).toContain("young");
  });

  it("with the process cold, reclaim unmaps and frees B, and the stall ends", () => {
    const r = checkLiveness(model({ access: "cold" }, "lookup-progress(swapin1)"));
    expect(r.verdict).toBe("holds");
    expect(r.incompleteReason).toBeNull();
    // Not vacuous: B does get unmapped and deleted from the swap cache.
    const taken = (key: string) => (r.coverage.get(key) ?? 0) > 0;
    expect(taken("reclaim-dst:try_to_unmap")).toBe(true);
    expect(taken("reclaim-dst:__delete_from_swap_cache")).toBe(true);
  });

  it("zap unmaps B, so reclaim frees it and zap's stall on a tail slot ends", () => {
    const r = checkLiveness(model(threads("reclaim-dst", "zap"), "lookup-progress(zap)"));
    expect(r.verdict).toBe("holds");
    expect(r.incompleteReason).toBeNull();
  });

  it("try_to_unmap gives B's pages swap entries that the swap map counts", () => {
    // A probe invariant that fails where reclaim, having found B cold, is
    // about to unmap it; the unmap is then taken from there.
    const m = migrateSwapcacheModel({ ...DEFAULTS, variant: "swapcache-check", access: "cold" });
    const probe = {
      name: "probe",
      kind: "always" as const,
      description: "reclaim of B never gets to try_to_unmap",
      holds: (s: ScenarioState) => s.reclaimDst.pc !== Shrink.Unmap,
    };
    const r = search({ ...m, properties: [probe] });
    expect(r.verdict).toBe("violated");
    const before = r.trace!.steps.at(-1)!.state;
    const j = before.ptes.findIndex((pte) => pteKind(pte) === "present" && pteFrame(pte) === 1);
    expect(j).toBeGreaterThanOrEqual(0);
    const unmap = m.actions(before).find((a) => a.thread === "reclaim-dst")!;
    expect(unmap.name).toBe("try_to_unmap");
    const after = m.next(before, unmap.action);
    const offset = (1 << DEFAULTS.order) + j;
    expect(after.ptes.get(j)).toBe(pteSwap(offset));
    expect(swapCount(after.swap!, offset)).toBe(swapCount(before.swap!, offset) + 1);
    expect(after.folios.get(1)!.refcount).toBe(before.folios.get(1)!.refcount - 1);
    const swapMap = m.properties.find((p) => p.name === "swap-map")!;
    expect(swapMap.holds(after)).toBe(true);
  });
});
