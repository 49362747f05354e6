/**
 * A swap-in: do_swap_page() (mm/memory.c, v6.6) on PTE j, with the swap
 * cache lookup swap_cache_get_folio → filemap_get_entry (mm/filemap.c).
 * For the page-cache mappings the same thread is a page fault on a file
 * page: filemap_fault → filemap_get_entry, then the folio->mapping check.
 *
 * The lookup loop runs under rcu_read_lock (pcs Load, TryGet, Reload):
 *   repeat: folio = xas_load(); if (!folio || xa_is_value(folio)) goto out;
 *           if (!folio_try_get_rcu(folio)) goto repeat;
 *           if (folio != xas_reload()) { folio_put(folio); goto repeat; }
 * A slot that keeps pointing at a freed folio (refcount 0) makes it spin.
 *
 * Kernel over spec: the spec says the lookup reference is dropped after
 * mapping; in do_swap_page it is not: it becomes the new PTE's reference
 * (a mapped page holds one). The model keeps it, which is also why a
 * mapped B cannot be frozen by reclaim. swap_free(entry) runs with the
 * mapping step (under the PTL); folio_free_swap() after it is not modelled
 * (should_try_to_free_swap: swap not full, not mlocked).
 */

import { List } from "immutable";
import type { ThreadDecl } from "../../src/declared/model.js";
import { stepTable } from "../../src/declared/steps.js";
import { forNames } from "../../src/declared/tracker.js";
import {
  Folio,
  folioCovers,
  folioPut,
  folioRefAdd,
  folioSet,
  folioTest,
  folioTryGetRcu,
  folioTrylock,
  folioUnlock,
  MAPPING,
  PG,
} from "../../src/kernel/folio.js";
import {
  pteDescribe,
  pteFrame,
  pteKind,
  ptePresent,
  pteSwapOffset,
} from "../../src/kernel/page-table.js";
import { EEXIST, swapcachePrepare, swapFree } from "../../src/kernel/swap-map.js";
import type { Hold, LookupView } from "../../src/kernel/view.js";
import { xaIsPointer, xaLoad, xaMkPointer, xaStore, xaToPointer } from "../../src/kernel/xarray.js";
import { describeEntry } from "./describe.js";
import {
  originalData,
  type ScenarioState,
  type Setup,
  Swapin,
  SwapinThread,
  swapinFrame,
  withSwap,
} from "./state.js";
import { folioOf, frameName, stepMaker, type ThreadStep, updateFolio } from "./step.js";

const onSwapCache = (setup: Setup) => (setup.swapCache ? "core" : "absent");
const onPageCache = (setup: Setup) => (setup.swapCache ? "absent" : "core");

/** do_swap_page's path (anon-swap) or filemap_fault's (the page-cache mappings). */
export const SWAPIN_STEPS = stepTable<
  Setup,
  | "do_swap_page"
  | "filemap_fault"
  | "filemap_get_entry"
  | "folio_try_get_rcu"
  | "xas_reload"
  | "folio_lock"
  | "do_swap_page:recheck"
  | "filemap_fault:recheck"
  | "set_pte_at"
  | "folio_unlock"
  | "handle_mm_fault"
  | "pte_same"
  | "vma_alloc_folio"
  | "swapcache_prepare"
  | "add_to_swap_cache"
  | "swap_readpage"
>({
  do_swap_page: onSwapCache,
  filemap_fault: onPageCache,
  filemap_get_entry: "core",
  folio_try_get_rcu: "core",
  xas_reload: "core",
  folio_lock: "core",
  "do_swap_page:recheck": onSwapCache,
  "filemap_fault:recheck": onPageCache,
  set_pte_at: "core",
  folio_unlock: "core",
  handle_mm_fault: "branch",
  pte_same: "branch",
  // The miss path: only once B has left the swap cache, or under a wrong store.
  vma_alloc_folio: (setup) => (setup.swapCache ? "branch" : "absent"),
  swapcache_prepare: (setup) => (setup.swapCache ? "branch" : "absent"),
  add_to_swap_cache: (setup) => (setup.swapCache ? "branch" : "absent"),
  swap_readpage: (setup) => (setup.swapCache ? "branch" : "absent"),
});
const step = stepMaker(SWAPIN_STEPS);

/** The fault handler the lookup runs under. */
type FaultFn = "do_swap_page" | "filemap_fault";

export function swapinSteps(s: ScenarioState, setup: Setup, t: number): ThreadStep[] {
  const me = s.swapins.get(t)!;
  const set = (s: ScenarioState, patch: Partial<ReturnType<SwapinThread["toObject"]>>) =>
    s.set("swapins", s.swapins.set(t, SwapinThread.patch(s.swapins.get(t)!, patch)));
  const x = me.folio;
  const xName = x >= 0 ? frameName(s, x) : "?";
  const fn = setup.swapCache ? ("do_swap_page" as const) : ("filemap_fault" as const);

  switch (me.pc) {
    case Swapin.Fault: {
      if (me.page >= 0) return faultStepsOf(s, setup, t, me.page, fn, set);
      const fixed = setup.params.swapinPage;
      if (fixed !== null)
        return faultStepsOf(s, setup, t, fixed === "distinct" ? t : fixed, fn, set);
      const steps: ThreadStep[] = [];
      for (let j = 0; j < setup.nr; j++) steps.push(...faultStepsOf(s, setup, t, j, fn, set));
      return steps;
    }

    case Swapin.Load: {
      const entry = xaLoad(s.xa, me.index);
      if (!xaIsPointer(entry) && setup.swapCache) {
        // A miss: swapin_readahead → __read_swap_cache_async reads the entry.
        return [
          step(
            "filemap_get_entry",
            `rcu: xas_load(slot ${me.index}) → ${describeEntry(s, entry)}: miss → __read_swap_cache_async`,
            (s) => set(s, { pc: Swapin.Alloc }),
          ),
        ];
      }
      if (!xaIsPointer(entry)) {
        // A page-cache miss: the folio would be read from the file, out of scope.
        return [
          step(
            "filemap_get_entry",
            `xas_load(slot ${me.index}) → ${describeEntry(s, entry)}: miss, read from disk`,
            (s) => set(s, { pc: Swapin.Done }),
          ),
        ];
      }
      const frame = xaToPointer(entry);
      return [
        step("filemap_get_entry", `rcu: xas_load(slot ${me.index}) → ${frameName(s, frame)}`, (s) =>
          set(s, { pc: Swapin.TryGet, folio: frame }),
        ),
      ];
    }

    case Swapin.TryGet: {
      const f = folioOf(s, x);
      const got = folioTryGetRcu(f);
      if (!got) {
        const bound = setup.params.spinBound;
        const spins = bound > 0 ? Math.min(me.spins + 1, bound) : 0;
        return [
          step("folio_try_get_rcu", `folio_try_get_rcu(${xName}) fails: refcount 0 → repeat`, (s) =>
            set(s, { pc: Swapin.Load, folio: -1, spins }),
          ),
        ];
      }
      return [
        step(
          "folio_try_get_rcu",
          `folio_try_get_rcu(${xName}): refcount ${f.refcount}→${got.refcount}`,
          (s) =>
            set(
              updateFolio(s, x, () => got),
              { pc: Swapin.Reload, hasRef: true },
            ),
        ),
      ];
    }

    case Swapin.Reload: {
      const entry = xaLoad(s.xa, me.index);
      if (xaIsPointer(entry) && xaToPointer(entry) === x) {
        return [
          step("xas_reload", `xas_reload(slot ${me.index}) = ${xName}; rcu_read_unlock`, (s) =>
            set(s, { pc: Swapin.Lock }),
          ),
        ];
      }
      return [
        step(
          "xas_reload",
          `xas_reload(slot ${me.index}) ≠ ${xName}: folio_put(${xName}), repeat`,
          (s) => set(updateFolio(s, x, folioPut), { pc: Swapin.Load, folio: -1, hasRef: false }),
        ),
      ];
    }

    case Swapin.Alloc:
    case Swapin.Prepare:
    case Swapin.AddToCache:
    case Swapin.Read:
      return readSwapCacheSteps(s, setup, t, set);

    case Swapin.Lock:
      if (folioTest(folioOf(s, x), "locked")) return [];
      return [
        step("folio_lock", `folio_lock(${xName})`, (s) =>
          set(
            updateFolio(s, x, (f) => folioTrylock(f)!),
            { pc: Swapin.Recheck },
          ),
        ),
      ];

    case Swapin.Recheck:
      return [recheckStep(s, setup, me, xName, fn, set)];

    case Swapin.Map: {
      const pte = s.ptes.get(me.page)!;
      if (pte !== me.orig) {
        return [
          step(
            "pte_same",
            `pte_same fails (pte ${me.page} = ${pteDescribe(pte, (f) => frameName(s, f))}): unlock, put, retry fault`,
            (s) =>
              set(
                updateFolio(s, x, (f) => folioPut(folioUnlock(f))),
                {
                  pc: Swapin.Fault,
                  folio: -1,
                  hasRef: false,
                },
              ),
          ),
        ];
      }
      const page = me.index - folioOf(s, x).index;
      // Under the PTL: swap_free(entry) (the PTE's count on the slot goes;
      // the cache bit stays with the folio), then set_pte_at.
      const freed = (s: ScenarioState) =>
        setup.swapCache ? withSwap(s, swapFree(s.swap!, pteSwapOffset(me.orig))) : s;
      return [
        step("set_pte_at", `set_pte_at(pte ${me.page} → ${xName}[${page}])`, (s) =>
          set(freed(s).set("ptes", s.ptes.set(me.page, ptePresent(x, page))), {
            pc: Swapin.Unlock,
            // The lookup reference is now the mapping's.
            hasRef: false,
          }),
        ),
      ];
    }

    case Swapin.Unlock:
      return [
        step("folio_unlock", `folio_unlock(${xName})`, (s) =>
          set(updateFolio(s, x, folioUnlock), { pc: Swapin.Done, folio: -1 }),
        ),
      ];

    default:
      return [];
  }
}

/**
 * __read_swap_cache_async (mm/swap_state.c, v6.6) after the lookup missed:
 *
 *   folio = vma_alloc_folio(gfp, 0, vma, addr);                      // R4
 *   err = swapcache_prepare(entry);                                  // R5
 *   if (err == -EEXIST) { folio_put(folio); schedule_timeout_uninterruptible(1);
 *                         goto again (the lookup); }                 // R6
 *   if (err) goto fail_put;                                          // -ENOENT
 *   __folio_set_locked; __folio_set_swapbacked;                       // R7
 *   add_to_swap_cache(folio, entry);  // overwrites the slot unchecked  R8
 *   swap_readpage(folio);             // I/O: uptodate, unlock        R9
 *
 * -EEXIST means someone holds the entry's cache bit without the lookup
 * seeing a folio: legitimately a delete or another reader in progress; with
 * a wrong store (NULL in B's tail slots) B itself, for as long as B stays
 * in the swap cache: the fault loops here, in D state, not under RCU.
 * The read is one step (the I/O completes and unlocks the folio); the disk
 * holds what reclaim's writeback wrote: the page's original data.
 */
function readSwapCacheSteps(
  s: ScenarioState,
  setup: Setup,
  t: number,
  set: SetSwapin,
): ThreadStep[] {
  const me = s.swapins.get(t)!;
  const o = me.index;
  if (me.pc === Swapin.Alloc) {
    const free = setup.swapinNames
      .map((_, i) => swapinFrame(i))
      .find((f) => !folioOf(s, f).allocated);
    if (free === undefined) {
      // Every fresh page of the model is in use: -ENOMEM, VM_FAULT_OOM.
      return [
        step("vma_alloc_folio", "vma_alloc_folio fails (no free page here): VM_FAULT_OOM", (s) =>
          set(s, { pc: Swapin.Done }),
        ),
      ];
    }
    const c = free;
    return [
      step("vma_alloc_folio", `vma_alloc_folio → ${frameName(s, c)} (order 0)`, (s) =>
        set(
          updateFolio(s, c, (f) =>
            Folio({ allocated: true, refcount: 1, data: f.data, generation: 1 }),
          ),
          { pc: Swapin.Prepare, folio: c, hasRef: true },
        ),
      ),
    ];
  }
  const c = me.folio;
  const name = frameName(s, c);
  switch (me.pc) {
    case Swapin.Prepare: {
      const r = swapcachePrepare(s.swap!, o);
      if (r.ret === EEXIST) {
        return [
          step(
            "swapcache_prepare",
            `swapcache_prepare(swp(${o})) = -EEXIST: folio_put(${name}); schedule_timeout_uninterruptible(1); look up again`,
            (s) => set(updateFolio(s, c, folioPut), { pc: Swapin.Load, folio: -1, hasRef: false }),
          ),
        ];
      }
      if (r.ret !== 0) {
        return [
          step(
            "swapcache_prepare",
            `swapcache_prepare(swp(${o})) = ${r.ret}: entry freed; folio_put(${name}); no folio, the fault ends`,
            (s) => set(updateFolio(s, c, folioPut), { pc: Swapin.Done, folio: -1, hasRef: false }),
          ),
        ];
      }
      return [
        step("swapcache_prepare", `swapcache_prepare(swp(${o})): SWAP_HAS_CACHE set`, (s) =>
          set(withSwap(s, r), { pc: Swapin.AddToCache }),
        ),
      ];
    }
    case Swapin.AddToCache: {
      if (s.xaLock !== "") return [];
      return [
        step(
          "add_to_swap_cache",
          `add_to_swap_cache(${name}, swp(${o})): slot ${o} ← ${name}`,
          (s) =>
            set(
              updateFolio(s.set("xa", xaStore(s.xa, o, xaMkPointer(c))), c, (f) =>
                folioRefAdd(f, 1)
                  .set("flags", PG.locked | PG.swapbacked | PG.swapcache)
                  .set("mapping", MAPPING.anon)
                  .set("index", o),
              ),
              { pc: Swapin.Read },
            ),
        ),
      ];
    }
    default:
      return [
        step("swap_readpage", `swap_readpage(${name}): read swp(${o}); uptodate, unlock`, (s) =>
          set(
            updateFolio(s, c, (f) =>
              folioSet(folioUnlock(f), "uptodate").set(
                "data",
                List([originalData(o - setup.base)]),
              ),
            ),
            { pc: Swapin.Lock },
          ),
        ),
      ];
  }
}

type SetSwapin = (
  s: ScenarioState,
  patch: Partial<ReturnType<SwapinThread["toObject"]>>,
) => ScenarioState;

/**
 * `faultSteps`, computed once per swap-in thread, PTE index, PTE value and
 * the generation of the frame the PTE names (all the steps depend on; the
 * thread's `set` only on the thread): most states have swap-ins that have
 * not faulted yet, each offering a step per page.
 */
const faultMemo = new WeakMap<Setup, Map<number, ThreadStep[]>>();

function faultStepsOf(
  s: ScenarioState,
  setup: Setup,
  t: number,
  j: number,
  fn: FaultFn,
  set: SetSwapin,
): ThreadStep[] {
  const pte = s.ptes.get(j)!;
  const kind = pteKind(pte);
  const named = kind === "present" || kind === "migration";
  // The frame's generation only names it in labels (A or A').
  const generation = named ? forNames(() => folioOf(s, pteFrame(pte)).generation) : 0;
  if (!(pte >= 0 && pte < 2 ** 24 && generation < 64 && t < 64 && j < 1024)) {
    return faultSteps(s, setup, j, fn, set);
  }
  const key = ((pte * 64 + generation) * 64 + t) * 1024 + j;
  let memo = faultMemo.get(setup);
  if (memo === undefined) {
    memo = new Map();
    faultMemo.set(setup, memo);
  }
  let steps = memo.get(key);
  if (steps === undefined) {
    steps = faultSteps(s, setup, j, fn, set);
    memo.set(key, steps);
  }
  return steps;
}

/** The fault on PTE j: which path the PTE sends it down. */
function faultSteps(
  s: ScenarioState,
  setup: Setup,
  j: number,
  fn: FaultFn,
  set: SetSwapin,
): ThreadStep[] {
  const pte = s.ptes.get(j)!;
  const shown = pteDescribe(pte, (f) => frameName(s, f));
  switch (pteKind(pte)) {
    case "migration":
      // migration_entry_wait(): sleeps until migration restores the PTE.
      return [];
    case "present":
      return [
        step("handle_mm_fault", `access page ${j}: pte maps ${shown}, no fault`, (s) =>
          set(s, { pc: Swapin.Done, page: j }),
        ),
      ];
    case "swap":
      return [
        step(fn, `${fn}(pte ${j} = ${shown})`, (s) =>
          set(s, { pc: Swapin.Load, page: j, orig: pte, index: pteSwapOffset(pte) }),
        ),
      ];
    default:
      if (setup.swapCache) {
        return [
          step("handle_mm_fault", `pte ${j} none: not a swap fault`, (s) =>
            set(s, { pc: Swapin.Done, page: j }),
          ),
        ];
      }
      return [
        step(fn, `${fn}(pte ${j}: index ${setup.base + j})`, (s) =>
          set(s, { pc: Swapin.Load, page: j, orig: pte, index: setup.base + j }),
        ),
      ];
  }
}

/**
 * After folio_lock: do_swap_page checks that the folio is still in the swap
 * cache and that its swap entry for this page is the PTE's
 * (page_swap_entry(page).val != entry.val → out_page); filemap_fault checks
 * folio->mapping. On failure: unlock, put, and the fault is retried.
 */
function recheckStep(
  s: ScenarioState,
  setup: Setup,
  me: SwapinThread,
  xName: string,
  fn: FaultFn,
  set: SetSwapin,
): ThreadStep {
  const f = folioOf(s, me.folio);
  const ok = setup.swapCache
    ? folioTest(f, "swapcache") && folioCovers(f, me.index)
    : f.mapping === MAPPING.file && folioCovers(f, me.index);
  const what = setup.swapCache ? "swapcache && swap entry matches" : "folio->mapping == mapping";
  if (ok) {
    return step(`${fn}:recheck` as const, `recheck ${xName}: ${what}`, (s) =>
      set(s, { pc: Swapin.Map }),
    );
  }
  return step(
    `${fn}:recheck` as const,
    `recheck ${xName} fails (not ${what}): unlock, put, retry fault`,
    (s) =>
      set(
        updateFolio(s, me.folio, (f) => folioPut(folioUnlock(f))),
        {
          pc: Swapin.Fault,
          folio: -1,
          hasRef: false,
        },
      ),
  );
}

/** Where the thread is, in kernel words (reports): the function its next step runs. */
export const SWAPIN_AT: Record<Swapin, string> = {
  [Swapin.Fault]: "next fault",
  [Swapin.Load]: "in filemap_get_entry (rcu)",
  [Swapin.TryGet]: "next folio_try_get_rcu (rcu)",
  [Swapin.Reload]: "next xas_reload (rcu)",
  [Swapin.Alloc]: "next vma_alloc_folio",
  [Swapin.Prepare]: "next swapcache_prepare",
  [Swapin.AddToCache]: "next add_to_swap_cache",
  [Swapin.Read]: "next swap_readpage",
  [Swapin.Lock]: "next folio_lock",
  [Swapin.Recheck]: "next recheck",
  [Swapin.Map]: "next set_pte_at",
  [Swapin.Unlock]: "next folio_unlock",
  [Swapin.Done]: "done",
};

/** The swap-in threads, one per name of the configuration. */
export function swapinThreads(setup: Setup): ThreadDecl<ScenarioState>[] {
  return setup.swapinNames.map((name, t) => ({
    name,
    own: ["swapins", t] as const,
    table: SWAPIN_STEPS,
    steps: (s: ScenarioState) => swapinSteps(s, setup, t),
    unfinished: (s: ScenarioState) => s.swapins.get(t)!.pc !== Swapin.Done,
  }));
}

/** What swap-in `t` holds: the reference its lookup took, until the mapping owns it or it is put. */
export function swapinHolds(setup: Setup): ((s: ScenarioState) => Hold[])[] {
  return setup.swapinNames.map((thread, t) => (s: ScenarioState) => {
    const me = s.swapins.get(t)!;
    return me.hasRef ? [{ thread, frame: me.folio, what: "a reference to" }] : [];
  });
}

const IN_RCU: ReadonlySet<Swapin> = new Set([Swapin.Load, Swapin.TryGet, Swapin.Reload]);

/** Each swap-in as a lookup (the progress properties): in the RCU loop, faulting, where. */
export function swapinLookups(s: ScenarioState, setup: Setup): LookupView[] {
  return setup.swapinNames.map((thread, t) => ({
    thread,
    inRcu: () => IN_RCU.has(s.swapins.get(t)!.pc),
    faulting: () => {
      const me = s.swapins.get(t)!;
      return !(me.pc === Swapin.Done || (me.pc === Swapin.Fault && me.page < 0));
    },
    where: () => {
      const me = s.swapins.get(t)!;
      return IN_RCU.has(me.pc) ? `slot ${me.index}` : `pte ${me.page}`;
    },
  }));
}

/** The slots whose cache bit a swap-in owns between swapcache_prepare and add_to_swap_cache. */
export function swapinPending(s: ScenarioState): Iterable<number> {
  return s.swapins.filter((t) => t.pc === Swapin.AddToCache).map((t) => t.index);
}
