/**
 * A fault on the PTE: do_swap_page() (mm/memory.c, v6.6; v6.8 for the
 * guard of 13ddaf26be32) on a SWP_SYNCHRONOUS_IO device, the path that
 * skips the swap cache when the entry's count is 1:
 *
 *   entry = pte_to_swp_entry(vmf->orig_pte);
 *   folio = swap_cache_get_folio(entry, vma, addr);
 *   if (!folio) {
 *     if (data_race(si->flags & SWP_SYNCHRONOUS_IO) && __swap_count(entry) == 1) {
 *       if (swapcache_prepare(entry)) {                  // v6.8 only
 *         schedule_timeout_uninterruptible(1); goto out;
 *       }
 *       need_clear_cache = true;                          // v6.8 only
 *       folio = vma_alloc_folio(...); ... swap_readpage(page, true, NULL);
 *     } else folio = swapin_readahead(...);
 *   }
 *   ... vmf->pte = pte_offset_map_lock(...);
 *   if (!pte_same(ptep_get(vmf->pte), vmf->orig_pte)) goto out_nomap;
 *   swap_free(entry); ... set_pte_at(...); folio_unlock(folio);
 *   pte_unmap_unlock(...);
 * out:
 *   if (need_clear_cache) swapcache_clear(si, entry);   // v6.8 only
 *
 * A fault that returns without mapping is retried by the hardware (the
 * access faults again, with a fresh orig_pte).
 *
 * Not modelled: the swap-cache path after a hit (the migrate-swapcache
 * model's lookup): here a hit waits until the folio has left the cache
 * (reclaim or swapoff takes it out), then looks up again;
 * swapin_readahead (count ≠ 1) is followed only where it ends the fault.
 */
import { List } from "immutable";
import type { ThreadDecl } from "../../src/declared/model.js";
import { stepsOf, stepTable, type ThreadStep } from "../../src/declared/steps.js";
import { DATA_GARBAGE, type Folio, folioAlloc, folioPut, PG } from "../../src/kernel/folio.js";
import { pteDescribe, pteKind, ptePresent, pteSwapOffset } from "../../src/kernel/page-table.js";
import {
  EEXIST,
  swapCount,
  swapcacheClear,
  swapcachePrepare,
  swapFree,
  swapMapDiff,
} from "../../src/kernel/swap-map.js";
import type { Hold, LookupView } from "../../src/kernel/view.js";
import { xaIsPointer, xaLoad } from "../../src/kernel/xarray.js";
import {
  FAULT_NAMES,
  Fault,
  FaultThread,
  frameName,
  nextFrameName,
  type Setup,
  type SkipState,
  withSwap,
} from "./state.js";

const guarded = (setup: Setup) => (setup.guarded ? "core" : "absent");

export const FAULT_STEPS = stepTable<
  Setup,
  | "do_swap_page"
  | "handle_mm_fault"
  | "swap_cache_get_folio"
  | "__swap_count"
  | "swapin_readahead"
  | "swapcache_prepare"
  | "schedule_timeout_uninterruptible"
  | "vma_alloc_folio"
  | "swap_readpage"
  | "pte_offset_map_lock"
  | "pte_same"
  | "set_pte_at"
  | "swapcache_clear"
>({
  do_swap_page: "core",
  handle_mm_fault: "branch",
  swap_cache_get_folio: "core",
  __swap_count: "core",
  swapin_readahead: "branch",
  swapcache_prepare: guarded,
  schedule_timeout_uninterruptible: guarded,
  vma_alloc_folio: "core",
  swap_readpage: "core",
  pte_offset_map_lock: "core",
  pte_same: "branch",
  set_pte_at: "core",
  swapcache_clear: guarded,
});
const step = stepsOf<SkipState, keyof typeof FAULT_STEPS>(FAULT_STEPS);

type Patch = Partial<ReturnType<FaultThread["toObject"]>>;

export function faultSteps(s: SkipState, setup: Setup, t: number): ThreadStep<SkipState>[] {
  const me = s.faults.get(t)!;
  const set = (s: SkipState, patch: Patch) =>
    s.set("faults", s.faults.set(t, FaultThread.patch(s.faults.get(t)!, patch)));
  const folio = (s: SkipState, fn: (f: Folio) => Folio) =>
    s.set("folios", s.folios.set(t, fn(s.folios.get(t)!)));
  const e = pteSwapOffset(me.orig);
  const n = frameName(s, t);
  const swp = `swp(${e})`;
  /** The exit: `out:` clears the guard first (v6.8), then the fault ends or is retried. */
  const out = (mapped: boolean): Patch =>
    me.guard ? { pc: Fault.Clear, mapped } : { pc: mapped ? Fault.Done : Fault.Retry };

  switch (me.pc) {
    case Fault.Idle:
    case Fault.Retry: {
      const pte = s.ptes.get(0)!;
      const shown = pteDescribe(pte, (f) => frameName(s, f));
      if (pteKind(pte) !== "swap") {
        return [
          step("handle_mm_fault", `handle_mm_fault: pte = ${shown}, no fault`, (s) =>
            set(s, { pc: Fault.Done }),
          ),
        ];
      }
      return [
        step("do_swap_page", `do_swap_page(orig_pte = ${shown})`, (s) =>
          set(s, { pc: Fault.Lookup, orig: pte }),
        ),
      ];
    }

    case Fault.Lookup: {
      const entry = xaLoad(s.xa, e);
      // A hit: the swap-cache path (not modelled); the fault waits until
      // the folio has left the cache, and the lookup is then repeated.
      if (xaIsPointer(entry)) return [];
      return [
        step("swap_cache_get_folio", `swap_cache_get_folio(${swp}) → NULL`, (s) =>
          set(s, { pc: Fault.Count }),
        ),
      ];
    }

    case Fault.Count: {
      const count = swapCount(s.swap, e);
      if (count !== 1) {
        // swapin_readahead → __read_swap_cache_async: no count, no folio;
        // the PTE has changed (it no longer holds the entry): return 0.
        return [
          step(
            "swapin_readahead",
            `__swap_count(${swp}) = ${count}: swapin_readahead finds no entry, retry`,
            (s) => set(s, { pc: Fault.Retry }),
          ),
        ];
      }
      return [
        step("__swap_count", `__swap_count(${swp}) = 1: skip the swap cache`, (s) =>
          set(s, { pc: setup.guarded ? Fault.Prepare : Fault.Alloc }),
        ),
      ];
    }

    case Fault.Prepare: {
      const r = swapcachePrepare(s.swap, e);
      if (r.ret !== 0) {
        const err = r.ret === EEXIST ? "-EEXIST" : "-ENOENT";
        return [
          step("swapcache_prepare", `swapcache_prepare(${swp}) = ${err}`, (s) =>
            set(s, { pc: Fault.Backoff }),
          ),
        ];
      }
      return [
        step("swapcache_prepare", `swapcache_prepare(${swp}): ${swapMapDiff(s.swap, r.map)}`, (s) =>
          set(withSwap(s, r), { pc: Fault.Alloc, guard: true }),
        ),
      ];
    }

    case Fault.Backoff:
      return [
        step(
          "schedule_timeout_uninterruptible",
          "schedule_timeout_uninterruptible(1); retry",
          (s) => set(s, { pc: Fault.Retry }),
        ),
      ];

    case Fault.Alloc:
      return [
        step("vma_alloc_folio", `vma_alloc_folio → ${nextFrameName(s, t)}, locked`, (s) =>
          set(
            folio(s, (f) => {
              const g = folioAlloc(f, 0, List([DATA_GARBAGE]));
              return g.set("flags", PG.locked | PG.swapbacked);
            }),
            { pc: Fault.Read },
          ),
        ),
      ];

    case Fault.Read: {
      const data = s.disk.get(e)!;
      return [
        step("swap_readpage", `swap_readpage(${n}, ${swp}): data ${data}`, (s) =>
          set(
            folio(s, (f) => f.set("data", List([data]))),
            { pc: Fault.Lock },
          ),
        ),
      ];
    }

    case Fault.Lock: {
      if (s.ptl !== "") return [];
      const pte = s.ptes.get(0)!;
      const shown = pteDescribe(pte, (f) => frameName(s, f));
      if (pte !== me.orig) {
        // out_nomap: pte_unmap_unlock; folio_unlock; folio_put (freed).
        return [
          step("pte_same", `pte_same fails (pte = ${shown}): folio_put(${n})`, (s) =>
            set(
              folio(s, (f) => folioPut(f.set("flags", f.flags & ~PG.locked))),
              out(false),
            ),
          ),
        ];
      }
      return [
        step("pte_offset_map_lock", `pte_offset_map_lock: pte_same (pte = ${shown})`, (s) =>
          set(s.set("ptl", FAULT_NAMES[t]!), { pc: Fault.Map }),
        ),
      ];
    }

    case Fault.Map: {
      const r = swapFree(s.swap, e);
      return [
        step("set_pte_at", `swap_free(${swp}); set_pte_at(pte → ${n}); unlock`, (s) =>
          set(
            folio(withSwap(s, r), (f) => f.set("flags", f.flags & ~PG.locked))
              .set("ptes", s.ptes.set(0, ptePresent(t, 0)))
              .set("ptl", ""),
            out(true),
          ),
        ),
      ];
    }

    case Fault.Clear: {
      const r = swapcacheClear(s.swap, e);
      return [
        step("swapcache_clear", `swapcache_clear(${swp}): ${swapMapDiff(s.swap, r.map)}`, (s) =>
          set(withSwap(s, r), { pc: me.mapped ? Fault.Done : Fault.Retry, guard: false }),
        ),
      ];
    }

    default:
      return [];
  }
}

/** Whether a fault is in progress (started, not completed). */
export function faulting(f: FaultThread): boolean {
  return f.pc !== Fault.Idle && f.pc !== Fault.Done;
}

/** Fault t holds its new folio from vma_alloc_folio until set_pte_at or folio_put. */
export function faultHolds(s: SkipState, t: number): Hold[] {
  const pc = s.faults.get(t)!.pc;
  return pc >= Fault.Read && pc <= Fault.Map
    ? [{ thread: FAULT_NAMES[t]!, frame: t, what: "the new folio" }]
    : [];
}

/** The slots whose cache bit a fault holds (13ddaf26be32's need_clear_cache). */
export function faultGuards(s: SkipState): number[] {
  return s.faults
    .filter((f) => f.guard)
    .map((f) => pteSwapOffset(f.orig))
    .toArray();
}

/** Fault t as a lookup thread of the progress properties (it has no RCU loop to spin in). */
export function faultLookup(s: SkipState, t: number): LookupView {
  return {
    thread: FAULT_NAMES[t]!,
    inRcu: () => false,
    faulting: () => faulting(s.faults.get(t)!),
    where: () => `pte 0 (${Fault[s.faults.get(t)!.pc]})`,
  };
}

/** The two faults, each with its record in `faults`. */
export function faultThreads(setup: Setup): ThreadDecl<SkipState>[] {
  return FAULT_NAMES.map((name, t) => ({
    name,
    own: ["faults", t],
    table: FAULT_STEPS,
    steps: (s) => faultSteps(s, setup, t),
    unfinished: (s) => faulting(s.faults.get(t)!),
  }));
}
