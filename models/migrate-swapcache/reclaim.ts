/**
 * Reclaim of A: shrink_folio_list() (mm/vmscan.c, v6.6) on the isolated,
 * PTE-mapped anonymous folio A, as in the left column of the seed's table.
 */

import type { ThreadDecl } from "../../src/declared/model.js";
import { stepTable } from "../../src/declared/steps.js";
import {
  folioClear,
  folioPutMany,
  folioRefAdd,
  folioSet,
  folioTest,
  folioTrylock,
  folioUnlock,
} from "../../src/kernel/folio.js";
import { pteFrame, pteKind, ptePage, pteSwap } from "../../src/kernel/page-table.js";
import { swapAllocCluster, swapDuplicate } from "../../src/kernel/swap-map.js";
import type { Hold } from "../../src/kernel/view.js";
import { xaMkPointer, xaStoreRange } from "../../src/kernel/xarray.js";
import { putbackLru, type SHRINK_STEPS, shrinkSteps } from "./shrink.js";
import {
  FRAME_A,
  Reclaim,
  type ScenarioState,
  type Setup,
  Shrink,
  Swapoff,
  withSwap,
} from "./state.js";
import { folioOf, stepMaker, type ThreadStep, updateFolio } from "./step.js";

/**
 * The race's path, and the branch where the write finished before pageout()
 * returned and shrink_folio_list frees A at once (shrink.ts).
 */
export const RECLAIM_STEPS = stepTable<
  Setup,
  | "folio_trylock"
  | "add_to_swap"
  | "try_to_unmap"
  | "pageout"
  | "folio_putback_lru"
  | "shrink_folio_list"
  | keyof typeof SHRINK_STEPS
>({
  folio_trylock: "core",
  add_to_swap: "core",
  try_to_unmap: "core",
  pageout: "core",
  folio_putback_lru: "core",
  shrink_folio_list: "branch",
  __remove_mapping: "branch",
  __delete_from_swap_cache: "branch",
  __filemap_remove_folio: () => "absent",
  free_folio: "branch",
});
const step = stepMaker(RECLAIM_STEPS);

const setPc = (s: ScenarioState, pc: Reclaim) => s.set("reclaim", s.reclaim.set("pc", pc));

export function reclaimSteps(s: ScenarioState, setup: Setup): ThreadStep[] {
  // A is read only in the cases that use it: what a step reads is what it depends on.
  const A = () => folioOf(s, FRAME_A);
  switch (s.reclaim.pc) {
    case Reclaim.Trylock:
      if (folioTest(A(), "locked")) {
        return [
          step("folio_trylock", "folio_trylock(A) fails → keep: putback", (s) =>
            setPc(putbackLru(s, FRAME_A), Reclaim.Done),
          ),
        ];
      }
      return [
        step("folio_trylock", "folio_trylock(A)", (s) =>
          setPc(
            updateFolio(s, FRAME_A, (f) => folioTrylock(f)!),
            Reclaim.AddToSwap,
          ),
        ),
      ];

    case Reclaim.AddToSwap:
      if (setup.params.threads.has("swapoff") && s.swapoff.pc !== Swapoff.Start) {
        // swapoff began: no writable swap device, folio_alloc_swap fails; a
        // large folio would be split and retried, which is not modelled:
        // activate_locked.
        return [
          step(
            "add_to_swap",
            "add_to_swap(A) fails: swapoff cleared SWP_WRITEOK → activate_locked: unlock, putback",
            (s) => setPc(putbackLru(updateFolio(s, FRAME_A, folioUnlock), FRAME_A), Reclaim.Done),
          ),
        ];
      }
      // add_to_swap: folio_alloc_swap() gives the aligned offsets
      // [base, base + 2^k); add_to_swap_cache() takes one reference per
      // slot, sets PG_swapcache and folio->swap, and under the xarray lock
      // stores A in every slot (xas_create_range; xas_store; xas_next);
      // add_to_swap() then marks A dirty.
      return [
        step(
          "add_to_swap",
          `add_to_swap(A): slots ${setup.base}..${setup.base + setup.nr - 1} ← A`,
          (s) => {
            // folio_alloc_swap → swap_alloc_cluster: the cluster's slots get SWAP_HAS_CACHE.
            const s1 = withSwap(s, swapAllocCluster(s.swap!, setup.base));
            const xa = xaStoreRange(s1.xa, setup.base, setup.nr, xaMkPointer(FRAME_A));
            const s2 = updateFolio(s1.set("xa", xa), FRAME_A, (f) =>
              folioSet(folioSet(folioRefAdd(f, setup.nr), "swapcache"), "dirty").set(
                "index",
                setup.base,
              ),
            );
            return setPc(s2, Reclaim.Unmap);
          },
        ),
      ];

    case Reclaim.Unmap:
      // try_to_unmap(A, TTU_SPLIT_HUGE_PMD): under the PTL every PTE that
      // maps A becomes the swap entry of its page (try_to_unmap_one:
      // swap_duplicate, one count per PTE); the map references go.
      return [
        step("try_to_unmap", "try_to_unmap(A, TTU_SPLIT_HUGE_PMD)", (s) => {
          let unmapped = 0;
          let s1 = s;
          const ptes = s.ptes.map((pte) => {
            if (pteKind(pte) !== "present" || pteFrame(pte) !== FRAME_A) return pte;
            unmapped++;
            const offset = A().index + ptePage(pte);
            s1 = withSwap(s1, swapDuplicate(s1.swap!, offset));
            return pteSwap(offset);
          });
          const s2 = updateFolio(s1.set("ptes", ptes), FRAME_A, (f) => folioPutMany(f, unmapped));
          return setPc(s2, Reclaim.Pageout);
        }),
      ];

    case Reclaim.Pageout:
      // pageout() → swap_writepage(): folio_clear_dirty_for_io, start
      // writeback, unlock A, submit the bio.
      return [
        step("pageout", "pageout(A) → swap_writepage: writeback, unlock A", (s) =>
          setPc(
            updateFolio(s, FRAME_A, (f) =>
              folioUnlock(folioSet(folioClear(f, "dirty"), "writeback")),
            ),
            Reclaim.AfterPageout,
          ),
        ),
      ];

    case Reclaim.AfterPageout:
      // PAGE_SUCCESS: a folio still under writeback is kept (back to the
      // LRU, isolation reference dropped); if the write already finished
      // ("a synchronous write"), shrink_folio_list tries to free A at once.
      if (folioTest(A(), "writeback")) {
        return [
          step("folio_putback_lru", "folio_test_writeback(A) → keep: folio_putback_lru(A)", (s) =>
            setPc(putbackLru(s, FRAME_A), Reclaim.Done),
          ),
        ];
      }
      return [
        step("shrink_folio_list", "write done → try to free A", (s) =>
          s.set("reclaim", s.reclaim.set("shrink", Shrink.Trylock).set("pc", Reclaim.Free)),
        ),
      ];

    case Reclaim.Free:
      return shrinkSteps(s, {
        setup,
        frame: FRAME_A,
        thread: "reclaim",
        pc: (s) => s.reclaim.shrink,
        setPc: (s, pc) =>
          s.set(
            "reclaim",
            s.reclaim.set("shrink", pc).set("pc", pc === Shrink.Done ? Reclaim.Done : Reclaim.Free),
          ),
        afterTrylock: Shrink.Freeze,
        onKeep: Shrink.Done,
      });

    default:
      return [];
  }
}

/** Where the thread is, in kernel words (reports): the function its next step runs. */
export const RECLAIM_AT: Record<Reclaim, string> = {
  [Reclaim.Trylock]: "next folio_trylock",
  [Reclaim.AddToSwap]: "next add_to_swap",
  [Reclaim.Unmap]: "next try_to_unmap",
  [Reclaim.Pageout]: "next pageout",
  [Reclaim.AfterPageout]: "next folio_test_writeback",
  [Reclaim.Free]: "freeing A (shrink_folio_list)",
  [Reclaim.Done]: "done",
};

export function reclaimThread(setup: Setup): ThreadDecl<ScenarioState> {
  return {
    name: "reclaim",
    own: "reclaim",
    table: RECLAIM_STEPS,
    steps: (s) => reclaimSteps(s, setup),
    unfinished: (s) => s.reclaim.pc !== Reclaim.Done,
  };
}

/** What reclaim holds: A's isolation reference, until pageout puts A back or the freeing path takes it over. */
export function reclaimHolds(s: ScenarioState): Hold[] {
  return s.reclaim.pc < Reclaim.Done && s.reclaim.pc !== Reclaim.Free
    ? [{ thread: "reclaim", frame: FRAME_A, what: "the isolation reference to" }]
    : [];
}
