/**
 * Optional thread: reclaim of B, the destination folio, once migration has
 * put it on the LRU, as shrink_folio_list (mm/vmscan.c, v6.6) handles an
 * anonymous swap-cache folio, pass after pass:
 *
 *   folio_isolate_lru → folio_trylock → folio_check_references → (mapped)
 *   try_to_unmap → __remove_mapping → __delete_from_swap_cache +
 *   put_swap_folio → free
 *
 * Each way of keeping B (lock taken, a young PTE, a refcount that will not
 * freeze) puts it back on the LRU for a later pass. Deleting B from the
 * swap cache overwrites every slot of its range, stale ones included, which
 * is what ends the seed's stall. So the stall lasts exactly as long as the
 * process keeps B hot (the `access` thread sets the PTE's accessed bit
 * again after each folio_check_references has cleared it): a fair lasso.
 *
 * Simplifications: one pass is one round of these steps (the active and
 * inactive lists are one LRU: shrink_active_list would only clear the
 * accessed bits once more, which the process can set again just the same);
 * PG_referenced is not kept, since for an anonymous folio only young PTEs
 * decide (FOLIOREF_ACTIVATE and FOLIOREF_KEEP both keep B); the process's
 * accesses are reads, so B stays clean and needs no pageout (a dirty B
 * gives up, see shrink.ts).
 */

import type { ThreadDecl } from "../../src/declared/model.js";
import { stepTable } from "../../src/declared/steps.js";
import { folioIsolateLru, folioPutMany, folioTest } from "../../src/kernel/folio.js";
import {
  PTE_NONE,
  type Pte,
  pteFrame,
  pteKind,
  pteMkold,
  ptePage,
  pteSwap,
  pteYoung,
} from "../../src/kernel/page-table.js";
import { swapDuplicate } from "../../src/kernel/swap-map.js";
import type { Hold } from "../../src/kernel/view.js";
import { keepLocked, SHRINK_STEPS, shrinkSteps } from "./shrink.js";
import {
  FRAME_B,
  type ScenarioState,
  type Setup,
  Shrink,
  Swapin,
  Swapoff,
  withSwap,
} from "./state.js";
import { folioOf, frameName, stepMaker, type ThreadStep, updateFolio } from "./step.js";

export const RECLAIM_DST_STEPS = stepTable<
  Setup,
  "folio_isolate_lru" | "folio_check_references" | "try_to_unmap" | keyof typeof SHRINK_STEPS
>({
  folio_isolate_lru: "core",
  folio_check_references: "core",
  // Only a B that a swap-in or fault mapped is mapped.
  try_to_unmap: "branch",
  ...SHRINK_STEPS,
});
const step = stepMaker(RECLAIM_DST_STEPS);

const setDstPc = (s: ScenarioState, pc: Shrink) => s.set("reclaimDst", s.reclaimDst.set("pc", pc));

/**
 * A thread waits to take frame x's lock (at its folio_lock). Reclaim does
 * not isolate B then: in the kernel the locker sleeps on the folio's
 * waitqueue and B's unlock wakes it (folio_wake_bit hands the lock to an
 * exclusive waiter), while reclaim rotates the whole LRU between two passes
 * over B, so its passes cannot keep the locker from B for ever. Without
 * this, the checker's weak fairness would let them starve it: a false
 * lasso. No state is lost: reclaim's isolation before the locker reaches
 * its folio_lock gives the same states (the steps between commute).
 */
function aboutToLock(s: ScenarioState, x: number): boolean {
  return (
    s.swapins.some((t) => t.pc === Swapin.Lock && t.folio === x) ||
    (s.swapoff.pc === Swapoff.Lock && s.swapoff.folio === x)
  );
}

/** A PTE that maps a page of frame `x`. */
const maps = (pte: Pte, x: number) => pteKind(pte) === "present" && pteFrame(pte) === x;

export function reclaimDstSteps(s: ScenarioState, setup: Setup): ThreadStep[] {
  const name = () => frameName(s, FRAME_B);
  switch (s.reclaimDst.pc) {
    case Shrink.Isolate: {
      const b = folioOf(s, FRAME_B);
      // Only the folio migration allocated (its first generation) on the LRU,
      // and on anon-swap only while it is in the swap cache: an anonymous B
      // outside it (A had left the swap cache before migration) would need
      // add_to_swap first, which this thread does not model.
      if (!b.allocated || b.generation !== 1 || !folioTest(b, "lru")) return [];
      if (setup.swapCache && !folioTest(b, "swapcache")) return [];
      if (aboutToLock(s, FRAME_B)) return [];
      return [
        step("folio_isolate_lru", `folio_isolate_lru(${name()})`, (s) =>
          setDstPc(
            updateFolio(s, FRAME_B, (f) => folioIsolateLru(f)!),
            Shrink.Trylock,
          ),
        ),
      ];
    }
    case Shrink.CheckReferences:
      return [checkReferencesStep(s, setup)];
    case Shrink.Unmap:
      return [unmapStep(s, setup)];
    default:
      return shrinkSteps(s, {
        setup,
        frame: FRAME_B,
        thread: "reclaim-dst",
        pc: (s) => s.reclaimDst.pc,
        setPc: setDstPc,
        afterTrylock: Shrink.CheckReferences,
        // Reclaim scans the LRU again later: a busy B is only postponed.
        onKeep: Shrink.Isolate,
      });
  }
}

/**
 * folio_check_references(): folio_referenced() walks B's mappings under
 * the PTL, clearing each young PTE's accessed bit
 * (ptep_clear_flush_young) and counting them. A young PTE keeps B
 * (FOLIOREF_ACTIVATE or KEEP → unlock, putback); none lets reclaim go on
 * (FOLIOREF_RECLAIM).
 */
function checkReferencesStep(s: ScenarioState, setup: Setup): ThreadStep {
  const young = s.ptes.filter((pte) => maps(pte, FRAME_B) && pteYoung(pte)).size;
  const name = frameName(s, FRAME_B);
  if (young > 0) {
    return step(
      "folio_check_references",
      `folio_check_references(${name}): ${young} young PTE(s), cleared → keep: unlock, putback`,
      (s) =>
        setDstPc(
          keepLocked(
            s.set(
              "ptes",
              s.ptes.map((pte) => (maps(pte, FRAME_B) ? pteMkold(pte) : pte)),
            ),
            FRAME_B,
          ),
          Shrink.Isolate,
        ),
    );
  }
  if (setup.swapCache && !folioTest(folioOf(s, FRAME_B), "swapcache")) {
    // swapoff or zap took B out of the swap cache since isolation
    // (folio_free_swap): shrink_folio_list would add_to_swap it again, which
    // fails once swapoff has cleared SWP_WRITEOK (activate_locked) and is
    // not modelled otherwise (a new swap slot): either way B is kept.
    return step(
      "folio_check_references",
      `folio_check_references(${name}): not referenced; not in the swap cache → add_to_swap not modelled: keep`,
      (s) => setDstPc(keepLocked(s, FRAME_B), Shrink.Isolate),
    );
  }
  const mapped = s.ptes.some((pte) => maps(pte, FRAME_B));
  return step(
    "folio_check_references",
    `folio_check_references(${name}): not referenced → reclaim`,
    (s) => setDstPc(s, mapped ? Shrink.Unmap : Shrink.Freeze),
  );
}

/**
 * try_to_unmap(B): under the PTL each PTE mapping B becomes the swap entry
 * of its page (try_to_unmap_one: swap_duplicate(folio->swap + i), one count
 * per PTE), or none for a page-cache B (the next fault finds it in the page
 * cache again); the map references go.
 */
function unmapStep(s: ScenarioState, setup: Setup): ThreadStep {
  const name = frameName(s, FRAME_B);
  if (!setup.swapCache) {
    return step("try_to_unmap", `try_to_unmap(${name}): PTEs cleared`, (s) => {
      const mapped = s.ptes.filter((pte) => maps(pte, FRAME_B)).size;
      const ptes = s.ptes.map((pte) => (maps(pte, FRAME_B) ? PTE_NONE : pte));
      const s2 = updateFolio(s.set("ptes", ptes), FRAME_B, (f) => folioPutMany(f, mapped));
      return setDstPc(s2, Shrink.Freeze);
    });
  }
  return step("try_to_unmap", `try_to_unmap(${name}): PTEs → swap entries`, (s) => {
    const base = folioOf(s, FRAME_B).index;
    let unmapped = 0;
    let s1 = s;
    const ptes = s.ptes.map((pte) => {
      if (!maps(pte, FRAME_B)) return pte;
      unmapped++;
      const offset = base + ptePage(pte);
      s1 = withSwap(s1, swapDuplicate(s1.swap!, offset));
      return pteSwap(offset);
    });
    const s2 = updateFolio(s1.set("ptes", ptes), FRAME_B, (f) => folioPutMany(f, unmapped));
    return setDstPc(s2, Shrink.Freeze);
  });
}

export function reclaimDstThread(setup: Setup): ThreadDecl<ScenarioState> {
  return {
    name: "reclaim-dst",
    own: "reclaimDst",
    table: RECLAIM_DST_STEPS,
    steps: (s) => reclaimDstSteps(s, setup),
    // Waiting for B to reach the LRU is idling, not being stuck.
    unfinished: (s) => s.reclaimDst.pc !== Shrink.Isolate && s.reclaimDst.pc !== Shrink.Done,
  };
}

/**
 * What reclaim of B holds: the isolation reference from folio_isolate_lru
 * until B goes back on the LRU or __remove_mapping freezes it away.
 */
export function reclaimDstHolds(s: ScenarioState): Hold[] {
  const pc = s.reclaimDst.pc;
  return pc === Shrink.Trylock ||
    pc === Shrink.CheckReferences ||
    pc === Shrink.Unmap ||
    pc === Shrink.Freeze
    ? [{ thread: "reclaim-dst", frame: FRAME_B, what: "the isolation reference to" }]
    : [];
}
