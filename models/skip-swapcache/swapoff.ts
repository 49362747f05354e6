/**
 * swapoff of the device (mm/swapfile.c, v6.6): it clears SWP_WRITEOK (no
 * more allocations) and turns the per-CPU slot cache off (freed slots go
 * back at once), then try_to_unuse → unuse_pte_range on the process's PTE:
 *
 *   entry = pte_to_swp_entry(ptep_get_lockless(pte));       // no PTL
 *   folio = swap_cache_get_folio(entry, ...);
 *   if (!folio) folio = swapin_readahead(...)             // → __read_swap_cache_async:
 *       vma_alloc_folio; swapcache_prepare (-EEXIST: sleep, look up again;
 *       -ENOENT: fail); add_to_swap_cache; swap_readpage
 *   if (!folio) { if (READ_ONCE(si->swap_map[offset])) return -ENOMEM; continue; }
 *   folio_lock(folio); folio_wait_writeback(folio);
 *   unuse_pte: pte_offset_map_lock; if pte_same: set_pte_at(folio), swap_free(entry)
 *   folio_free_swap(folio); folio_unlock(folio); folio_put(folio);
 *
 * then the second loop: while a slot is still in use, it starts again.
 */
import { List } from "immutable";
import type { ThreadDecl } from "../../src/declared/model.js";
import { stepsOf, stepTable, type ThreadStep } from "../../src/declared/steps.js";
import { DATA_GARBAGE, Folio, folioAlloc, folioPut, PG } from "../../src/kernel/folio.js";
import { pteDescribe, pteKind, ptePresent, pteSwapOffset } from "../../src/kernel/page-table.js";
import {
  EEXIST,
  folioSwapped,
  putSwapFolio,
  swapcacheFreeEntries,
  swapcachePrepare,
  swapFree,
  swapMapFrom,
  swapMapParkedSlots,
  swapMapValue,
} from "../../src/kernel/swap-map.js";
import type { Hold } from "../../src/kernel/view.js";
import {
  XA_EMPTY,
  xaIsPointer,
  xaLoad,
  xaMkPointer,
  xaStore,
  xaToPointer,
} from "../../src/kernel/xarray.js";
import {
  FRAME_S,
  frameName,
  type Setup,
  type SkipState,
  Swapoff,
  SwapoffThread,
  withSwap,
} from "./state.js";

export const SWAPOFF_STEPS = stepTable<
  Setup,
  | "swapoff"
  | "unuse_pte_range"
  | "swap_cache_get_folio"
  | "vma_alloc_folio"
  | "swapcache_prepare"
  | "schedule_timeout_uninterruptible"
  | "swap_map"
  | "add_to_swap_cache"
  | "swap_readpage"
  | "folio_lock"
  | "unuse_pte"
  | "folio_free_swap"
  | "try_to_unuse"
>({
  swapoff: "core",
  unuse_pte_range: "core",
  swap_cache_get_folio: "core",
  vma_alloc_folio: "core",
  swapcache_prepare: "core",
  schedule_timeout_uninterruptible: "branch",
  swap_map: "branch",
  add_to_swap_cache: "core",
  swap_readpage: "core",
  folio_lock: "branch",
  unuse_pte: "core",
  folio_free_swap: "core",
  try_to_unuse: "core",
});
const step = stepsOf<SkipState, keyof typeof SWAPOFF_STEPS>(SWAPOFF_STEPS);

type Patch = Partial<ReturnType<SwapoffThread["toObject"]>>;
const set = (s: SkipState, patch: Patch) => s.set("swapoff", SwapoffThread.patch(s.swapoff, patch));
const update = (s: SkipState, frame: number, fn: (f: Folio) => Folio) =>
  s.set("folios", s.folios.set(frame, fn(s.folios.get(frame)!)));
const flags = (f: Folio, on: number, off = 0) => f.set("flags", (f.flags | on) & ~off);
const ref = (f: Folio, nr: number) => f.set("refcount", f.refcount + nr);

export function swapoffSteps(s: SkipState): ThreadStep<SkipState>[] {
  const me = s.swapoff;
  const e = pteSwapOffset(me.orig);
  const swp = `swp(${e})`;
  const x = me.folio;
  const xn = x >= 0 ? frameName(s, x) : "?";
  switch (me.pc) {
    case Swapoff.Idle:
      return [
        step("swapoff", "swapoff: SWP_WRITEOK off; disable_swap_slots_cache (drained)", (s) => {
          let out = s;
          for (const o of swapMapParkedSlots(s.swap)) {
            out = withSwap(out, swapcacheFreeEntries(out.swap, o));
            out = out.set("disk", out.disk.set(o, DATA_GARBAGE));
          }
          const direct = swapMapFrom(out.swap.slots, { slotCache: "direct" });
          return set(out.set("swap", direct), { pc: Swapoff.Scan });
        }),
      ];

    case Swapoff.Scan: {
      const pte = s.ptes.get(0)!;
      const shown = pteDescribe(pte, (f) => frameName(s, f));
      const swap = pteKind(pte) === "swap";
      return [
        step("unuse_pte_range", `unuse_pte_range: pte = ${shown}`, (s) =>
          set(s, swap ? { pc: Swapoff.Lookup, orig: pte } : { pc: Swapoff.Second }),
        ),
      ];
    }

    case Swapoff.Lookup: {
      const entry = xaLoad(s.xa, e);
      if (xaIsPointer(entry)) {
        const f = xaToPointer(entry);
        return [
          step("swap_cache_get_folio", `swap_cache_get_folio(${swp}) → ${frameName(s, f)}`, (s) =>
            set(
              update(s, f, (g) => ref(g, 1)),
              { pc: Swapoff.Lock, folio: f },
            ),
          ),
        ];
      }
      return [
        step("swap_cache_get_folio", `swap_cache_get_folio(${swp}) → NULL`, (s) =>
          set(s, { pc: Swapoff.Alloc }),
        ),
      ];
    }

    case Swapoff.Alloc:
      // A fresh page each time (its generation is not counted: the back-off
      // loop allocates again and again, and nothing else ever holds S).
      return [
        step("vma_alloc_folio", "__read_swap_cache_async: vma_alloc_folio → S", (s) =>
          set(
            update(s, FRAME_S, () => folioAlloc(Folio(), 0, List([DATA_GARBAGE]))),
            { pc: Swapoff.Prepare, folio: FRAME_S },
          ),
        ),
      ];

    case Swapoff.Prepare: {
      const r = swapcachePrepare(s.swap, e);
      if (r.ret !== 0) {
        const eexist = r.ret === EEXIST;
        return [
          step(
            "swapcache_prepare",
            `swapcache_prepare(${swp}) = ${eexist ? "-EEXIST" : "-ENOENT"}: folio_put(${xn})`,
            (s) =>
              set(update(s, x, folioPut), {
                pc: eexist ? Swapoff.Backoff : Swapoff.Count,
                folio: -1,
              }),
          ),
        ];
      }
      return [
        step("swapcache_prepare", `swapcache_prepare(${swp})`, (s) =>
          set(withSwap(s, r), { pc: Swapoff.AddToCache }),
        ),
      ];
    }

    case Swapoff.Backoff:
      return [
        step(
          "schedule_timeout_uninterruptible",
          "schedule_timeout_uninterruptible(1); look up again",
          (s) => set(s, { pc: Swapoff.Lookup }),
        ),
      ];

    case Swapoff.Count: {
      const v = swapMapValue(s.swap, e);
      return [
        step(
          "swap_map",
          `READ_ONCE(swap_map[${e}]) = ${v}${v ? ": -ENOMEM, swapoff fails" : ""}`,
          (s) => set(s, { pc: v ? Swapoff.Failed : Swapoff.Second }),
        ),
      ];
    }

    case Swapoff.AddToCache:
      return [
        step("add_to_swap_cache", `add_to_swap_cache(${xn}, ${swp}), locked`, (s) =>
          set(
            update(s.set("xa", xaStore(s.xa, e, xaMkPointer(x))), x, (f) =>
              ref(flags(f, PG.locked | PG.swapbacked | PG.swapcache), 1).set("index", e),
            ),
            { pc: Swapoff.Read },
          ),
        ),
      ];

    case Swapoff.Read: {
      const data = s.disk.get(e)!;
      return [
        step("swap_readpage", `swap_readpage(${xn}, ${swp}): data ${data}; folio_lock`, (s) =>
          set(
            update(s, x, (f) => f.set("data", List([data]))),
            { pc: Swapoff.Unuse },
          ),
        ),
      ];
    }

    case Swapoff.Lock:
      if ((s.folios.get(x)!.flags & PG.locked) !== 0) return [];
      return [
        step("folio_lock", `folio_lock(${xn})`, (s) =>
          set(
            update(s, x, (f) => flags(f, PG.locked)),
            { pc: Swapoff.Unuse },
          ),
        ),
      ];

    case Swapoff.Unuse: {
      if (s.ptl !== "") return [];
      const pte = s.ptes.get(0)!;
      if (pte !== me.orig) {
        const shown = pteDescribe(pte, (f) => frameName(s, f));
        return [
          step("unuse_pte", `unuse_pte: pte = ${shown}, not ${swp}: nothing to do`, (s) =>
            set(s, { pc: Swapoff.FreeSwap }),
          ),
        ];
      }
      const r = swapFree(s.swap, e);
      return [
        step("unuse_pte", `unuse_pte: set_pte_at(pte → ${xn}); swap_free(${swp})`, (s) =>
          set(
            update(withSwap(s, r), x, (f) => ref(f, 1)).set(
              "ptes",
              s.ptes.set(0, ptePresent(x, 0)),
            ),
            { pc: Swapoff.FreeSwap },
          ),
        ),
      ];
    }

    case Swapoff.FreeSwap: {
      const f = s.folios.get(x)!;
      const free = (f.flags & PG.swapcache) !== 0 && !folioSwapped(s.swap, f.index, 1);
      const o = f.index;
      return [
        step(
          "folio_free_swap",
          `folio_free_swap(${xn})${free ? `: delete_from_swap_cache, put_swap_folio(slot ${o})` : ": still swapped"}; folio_unlock; folio_put`,
          (s) => {
            let out = s;
            if (free) {
              out = withSwap(
                out.set("xa", xaStore(out.xa, o, XA_EMPTY)),
                putSwapFolio(out.swap, o, 1),
              );
              out = update(out, x, (g) => ref(flags(g, PG.dirty, PG.swapcache), -1));
            }
            return set(
              update(out, x, (g) => folioPut(flags(g, 0, PG.locked))),
              { pc: Swapoff.Second, folio: -1 },
            );
          },
        ),
      ];
    }

    case Swapoff.Second: {
      const inUse = s.swap.slots.some((_, o) => swapMapValue(s.swap, o) !== 0);
      return [
        step(
          "try_to_unuse",
          inUse ? "try_to_unuse: slots still in use: retry" : "try_to_unuse: done",
          (s) => set(s, { pc: inUse ? Swapoff.Scan : Swapoff.Done }),
        ),
      ];
    }

    default:
      return [];
  }
}

/** swapoff holds a reference to the folio it found or read, until folio_put. */
export function swapoffHolds(s: SkipState): Hold[] {
  const x = s.swapoff.folio;
  return x >= 0 ? [{ thread: "swapoff", frame: x, what: "a reference to" }] : [];
}

/** The slot whose cache bit swapoff holds before its folio is in the swap cache. */
export function swapoffPending(s: SkipState): number[] {
  return s.swapoff.pc === Swapoff.AddToCache ? [pteSwapOffset(s.swapoff.orig)] : [];
}

/** Whether swapoff has started (no more swap allocations from the device). */
export const swapoffStarted = (s: SkipState) => s.swapoff.pc !== Swapoff.Idle;

export function swapoffThreads(setup: Setup): ThreadDecl<SkipState>[] {
  if (!setup.params.threads.has("swapoff")) return [];
  const unfinished = (s: SkipState) => s.swapoff.pc !== Swapoff.Idle && s.swapoff.pc < Swapoff.Done;
  return [
    { name: "swapoff", own: "swapoff", table: SWAPOFF_STEPS, steps: swapoffSteps, unfinished },
  ];
}
