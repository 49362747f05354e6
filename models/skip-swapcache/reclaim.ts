/**
 * Reclaim of the page the PTE maps: shrink_folio_list() (mm/vmscan.c,
 * v6.6) swapping it out again to zram, whose write completes at once:
 *
 *   folio_trylock (isolated from the LRU: a reference);
 *   add_to_swap: folio_alloc_swap (any free slot: the one a fault freed
 *     included), add_to_swap_cache (a reference, PG_swapcache), dirty;
 *     with no free slot it fails and reclaim keeps the folio (activate);
 *   try_to_unmap: the PTE becomes the swap entry, swap_duplicate (count 1);
 *   pageout → swap_writepage: the device holds the page's data;
 *   __remove_mapping: folio_ref_freeze(2), __delete_from_swap_cache,
 *     put_swap_folio (the cache bit), then the folio is freed.
 *
 * And the per-CPU slot cache: a freed slot waits in it until
 * swapcache_free_entries returns it to the device (zram discards its data
 * then); only then can folio_alloc_swap hand it out again. It drains at
 * any time (the cache fills up), so it is its own step.
 */
import { List } from "immutable";
import type { ThreadDecl } from "../../src/declared/model.js";
import { stepsOf, stepTable, type ThreadStep } from "../../src/declared/steps.js";
import {
  DATA_GARBAGE,
  type Folio,
  folioFreeFrozen,
  folioRefFreeze,
  PG,
} from "../../src/kernel/folio.js";
import { pteFrame, pteKind, pteSwap } from "../../src/kernel/page-table.js";
import {
  folioAllocSwap,
  putSwapFolio,
  swapcacheFreeEntries,
  swapDuplicate,
  swapMapFreeSlots,
  swapMapParkedSlots,
} from "../../src/kernel/swap-map.js";
import type { Hold } from "../../src/kernel/view.js";
import { XA_EMPTY, xaMkPointer, xaStore } from "../../src/kernel/xarray.js";
import {
  D1,
  frameName,
  Reclaim,
  ReclaimThread,
  type Setup,
  type SkipState,
  withSwap,
} from "./state.js";
import { swapoffStarted } from "./swapoff.js";

export const RECLAIM_STEPS = stepTable<
  Setup,
  | "folio_trylock"
  | "folio_alloc_swap"
  | "add_to_swap"
  | "add_to_swap_cache"
  | "try_to_unmap"
  | "pageout"
  | "__remove_mapping"
  | "folio_putback_lru"
  | "swapcache_free_entries"
>({
  folio_trylock: "core",
  folio_alloc_swap: "core",
  add_to_swap: "branch",
  add_to_swap_cache: "core",
  try_to_unmap: "core",
  pageout: "core",
  __remove_mapping: "core",
  folio_putback_lru: (setup) => (setup.params.threads.has("swapoff") ? "branch" : "absent"),
  swapcache_free_entries: "core",
});
const step = stepsOf<SkipState, keyof typeof RECLAIM_STEPS>(RECLAIM_STEPS);

type Patch = Partial<ReturnType<ReclaimThread["toObject"]>>;

const setReclaim = (s: SkipState, patch: Patch) =>
  s.set("reclaim", ReclaimThread.patch(s.reclaim, patch));
const updateFolio = (s: SkipState, frame: number, fn: (f: Folio) => Folio) =>
  s.set("folios", s.folios.set(frame, fn(s.folios.get(frame)!)));
const ref = (f: Folio, nr: number) => f.set("refcount", f.refcount + nr);
const flags = (f: Folio, set: number, clear = 0) => f.set("flags", (f.flags | set) & ~clear);

export function reclaimSteps(s: SkipState): ThreadStep<SkipState>[] {
  return [...slotCacheSteps(s), ...shrinkSteps(s)];
}

function slotCacheSteps(s: SkipState): ThreadStep<SkipState>[] {
  return swapMapParkedSlots(s.swap).map((o) =>
    step("swapcache_free_entries", `swapcache_free_entries(slot ${o}): zram discards it`, (s) =>
      withSwap(s, swapcacheFreeEntries(s.swap, o)).set("disk", s.disk.set(o, DATA_GARBAGE)),
    ),
  );
}

function shrinkSteps(s: SkipState): ThreadStep<SkipState>[] {
  const { frame, slot } = s.reclaim;
  const n = frame >= 0 ? frameName(s, frame) : "?";
  switch (s.reclaim.pc) {
    case Reclaim.Isolate: {
      const pte = s.ptes.get(0)!;
      if (pteKind(pte) !== "present") return [];
      const f = pteFrame(pte);
      return [
        step("folio_trylock", `isolate ${frameName(s, f)} from the LRU; folio_trylock`, (s) =>
          setReclaim(
            updateFolio(s, f, (x) => flags(ref(x, 1), PG.locked)),
            { pc: Reclaim.Alloc, frame: f },
          ),
        ),
      ];
    }

    case Reclaim.Alloc: {
      // The allocator may hand out any free slot (the scan's position is
      // not modelled): each is a step.
      const free = swapoffStarted(s) ? [] : swapMapFreeSlots(s.swap);
      if (free.length === 0) {
        return [
          step(
            "add_to_swap",
            `add_to_swap(${n}) fails: no slot to allocate; activate, unlock`,
            (s) =>
              setReclaim(
                updateFolio(s, frame, (f) => flags(ref(f, -1), 0, PG.locked)),
                { pc: Reclaim.Done },
              ),
          ),
        ];
      }
      return free.map((o) => {
        const r = folioAllocSwap(s.swap, 0, o);
        return step("folio_alloc_swap", `folio_alloc_swap(${n}) → slot ${o}`, (s) =>
          setReclaim(withSwap(s, r), { pc: Reclaim.AddToCache, slot: o }),
        );
      });
    }

    case Reclaim.AddToCache:
      return [
        step("add_to_swap_cache", `add_to_swap_cache(${n}, slot ${slot}); dirty`, (s) =>
          setReclaim(
            updateFolio(s.set("xa", xaStore(s.xa, slot, xaMkPointer(frame))), frame, (f) =>
              flags(ref(f, 1), PG.swapcache | PG.dirty).set("index", slot),
            ),
            { pc: Reclaim.Unmap },
          ),
        ),
      ];

    case Reclaim.Unmap:
      if (s.ptl !== "") return [];
      return [
        step("try_to_unmap", `try_to_unmap(${n}): pte → swp(${slot}), swap_duplicate`, (s) =>
          setReclaim(
            updateFolio(withSwap(s, swapDuplicate(s.swap, slot)), frame, (f) => ref(f, -1)).set(
              "ptes",
              s.ptes.set(0, pteSwap(slot)),
            ),
            { pc: Reclaim.Pageout },
          ),
        ),
      ];

    case Reclaim.Pageout: {
      const data = s.folios.get(frame)!.data.get(0)!;
      return [
        step("pageout", `pageout(${n}): zram holds data ${data} at slot ${slot}`, (s) =>
          setReclaim(
            updateFolio(s.set("disk", s.disk.set(slot, data)), frame, (f) => flags(f, 0, PG.dirty)),
            { pc: Reclaim.Remove },
          ),
        ),
      ];
    }

    case Reclaim.Remove: {
      const frozen = folioRefFreeze(s.folios.get(frame)!, 2);
      if (frozen === null) {
        // Someone else holds a reference (swapoff's lookup): keep the folio.
        return [
          step(
            "folio_putback_lru",
            `__remove_mapping(${n}) fails: refcount ${s.folios.get(frame)!.refcount}; keep, folio_unlock, putback`,
            (s) =>
              setReclaim(
                updateFolio(s, frame, (f) => flags(ref(f, -1), 0, PG.locked)),
                { pc: Reclaim.Done },
              ),
          ),
        ];
      }
      return [
        step(
          "__remove_mapping",
          `__remove_mapping(${n}): __delete_from_swap_cache, put_swap_folio(slot ${slot}); free ${n}`,
          (s) =>
            setReclaim(
              updateFolio(
                withSwap(s.set("xa", xaStore(s.xa, slot, XA_EMPTY)), putSwapFolio(s.swap, slot, 1)),
                frame,
                () => folioFreeFrozen(flags(frozen, 0, PG.locked | PG.swapcache)),
              ),
              { pc: Reclaim.Done },
            ),
        ),
      ];
    }

    default:
      return [];
  }
}

/** The process's store to its page (once, while the PTE maps a page). */
export const WRITE_STEPS = stepTable<Setup, "write">({ write: "core" });
const writeStep = stepsOf<SkipState, "write">(WRITE_STEPS);

export function writeSteps(s: SkipState): ThreadStep<SkipState>[] {
  const pte = s.ptes.get(0)!;
  if (s.written || pteKind(pte) !== "present") return [];
  const f = pteFrame(pte);
  return [
    writeStep("write", `the process writes data ${D1} to its page (${frameName(s, f)})`, (s) =>
      updateFolio(s, f, (x) => flags(x.set("data", List([D1])), PG.dirty)).set("written", true),
    ),
  ];
}

/** Reclaim holds its folio's isolation reference from folio_trylock until it frees it. */
export function reclaimHolds(s: SkipState): Hold[] {
  const r = s.reclaim;
  return r.pc > Reclaim.Isolate && r.pc < Reclaim.Done
    ? [{ thread: "reclaim", frame: r.frame, what: "the isolation reference to" }]
    : [];
}

/** The slot whose cache bit reclaim holds with no folio in the swap cache yet. */
export function reclaimPending(s: SkipState): number[] {
  return s.reclaim.pc === Reclaim.AddToCache ? [s.reclaim.slot] : [];
}

/** Reclaim (waiting for a mapped page is idling, not being stuck) and the optional write. */
export function reclaimThreads(setup: Setup): ThreadDecl<SkipState>[] {
  const unfinished = (s: SkipState) =>
    s.reclaim.pc !== Reclaim.Isolate && s.reclaim.pc !== Reclaim.Done;
  return [
    { name: "reclaim", own: "reclaim", table: RECLAIM_STEPS, steps: reclaimSteps, unfinished },
    ...(setup.params.threads.has("write")
      ? [{ name: "write", own: "written", table: WRITE_STEPS, steps: writeSteps }]
      : []),
  ];
}
