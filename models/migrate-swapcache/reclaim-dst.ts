/**
 * Optional thread: reclaim of B, the destination folio, once migration has
 * put it on the LRU (shrink_folio_list's freeing path, mm/vmscan.c).
 * Deleting B from the swap cache overwrites every slot of B's range,
 * including stale ones, which is what ends the seed's stall when nothing
 * keeps B in the cache. Simplification from the spec: B is not unmapped
 * first; a mapped B keeps its extra references, so its refcount cannot be
 * frozen and it stays (the seed's "can stay longer").
 */

import { stepTable } from "../../src/declared/steps.js";
import { folioIsolateLru, folioTest } from "../../src/kernel/folio.js";
import { SHRINK_STEPS, shrinkSteps } from "./shrink.js";
import { FRAME_B, type ScenarioState, type Setup, Shrink } from "./state.js";
import { folioOf, frameName, stepMaker, type ThreadStep, updateFolio } from "./step.js";

export const RECLAIM_DST_STEPS = stepTable<Setup, "folio_isolate_lru" | keyof typeof SHRINK_STEPS>({
  folio_isolate_lru: "core",
  ...SHRINK_STEPS,
});
const step = stepMaker(RECLAIM_DST_STEPS);

const setDstPc = (s: ScenarioState, pc: Shrink) => s.set("reclaimDst", s.reclaimDst.set("pc", pc));

export function reclaimDstSteps(s: ScenarioState, setup: Setup): ThreadStep[] {
  if (s.reclaimDst.pc === Shrink.Isolate) {
    const b = folioOf(s, FRAME_B);
    // Only the folio migration allocated (its first generation) on the LRU,
    // and on anon-swap only while it is in the swap cache: an anonymous B
    // outside it (A had left the swap cache before migration) would need
    // add_to_swap and unmapping first, which this thread does not model.
    if (!b.allocated || b.generation !== 1 || !folioTest(b, "lru")) return [];
    if (setup.swapCache && !folioTest(b, "swapcache")) return [];
    return [
      step("folio_isolate_lru", `folio_isolate_lru(${frameName(s, FRAME_B)})`, (s) =>
        setDstPc(
          updateFolio(s, FRAME_B, (f) => folioIsolateLru(f)!),
          Shrink.Trylock,
        ),
      ),
    ];
  }
  return shrinkSteps(s, {
    setup,
    frame: FRAME_B,
    thread: "reclaim-dst",
    pc: (s) => s.reclaimDst.pc,
    setPc: setDstPc,
    // Reclaim scans the LRU again later: a busy B is only postponed.
    onTrylockFail: Shrink.Isolate,
  });
}
