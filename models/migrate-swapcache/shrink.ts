/**
 * The freeing path of shrink_folio_list (mm/vmscan.c, v6.6) for a clean,
 * unmapped folio: trylock → __remove_mapping (freeze the refcount at
 * 1 + 2^k under the xarray lock, then delete the folio from the swap cache
 * or page cache) → unlock and free. Used by reclaim of A (when its write
 * finished before pageout returned) and by the optional reclaim of B.
 */

import { stepTable } from "../../src/declared/steps.js";
import {
  folioClear,
  folioFreeFrozen,
  folioNrPages,
  folioPutbackLru,
  folioPutMany,
  folioRefFreeze,
  folioSet,
  folioTest,
  folioTrylock,
  folioUnlock,
  MAPPING,
} from "../../src/kernel/folio.js";
import { folioSwapped, putSwapFolio } from "../../src/kernel/swap-map.js";
import {
  XA_EMPTY,
  xaMkPointer,
  xaMkValue,
  xaState,
  xaStateOrder,
  xasNext,
  xasStore,
} from "../../src/kernel/xarray.js";
import {
  type ScenarioState,
  type Setup,
  Shrink,
  VmBug,
  withSwap,
  type XaLockHolder,
} from "./state.js";
import { folioOf, frameName, stepMaker, type ThreadStep, updateFolio } from "./step.js";

/** The freeing path's steps (core when it is the thread's purpose: reclaim of B). */
export const SHRINK_STEPS = stepTable<Setup, ShrinkStepName>({
  folio_trylock: "core",
  __remove_mapping: "core",
  __delete_from_swap_cache: (setup) => (setup.swapCache ? "core" : "absent"),
  __filemap_remove_folio: (setup) => (setup.swapCache ? "absent" : "core"),
  free_folio: "core",
});
type ShrinkStepName =
  | "folio_trylock"
  | "__remove_mapping"
  | "__delete_from_swap_cache"
  | "__filemap_remove_folio"
  | "free_folio";
const step = stepMaker(SHRINK_STEPS);

/** The shadow entry workingset_eviction() leaves in place of a reclaimed folio. */
export const SHADOW = xaMkValue(1);

export interface ShrinkContext {
  readonly setup: Setup;
  readonly frame: number;
  readonly thread: XaLockHolder;
  readonly pc: (s: ScenarioState) => Shrink;
  readonly setPc: (s: ScenarioState, pc: Shrink) => ScenarioState;
  /** Where a taken folio lock leads: folio_check_references (B) or straight to freeing (A). */
  readonly afterTrylock: Shrink;
  /**
   * Where keeping the folio leads (a failed folio_trylock or refcount
   * freeze): back to isolation on a later pass of the LRU, or done.
   */
  readonly onKeep: Shrink;
}

/** shrink_folio_list's keep_locked (and activate_locked): folio_unlock, then back on the LRU. */
export function keepLocked(s: ScenarioState, frame: number): ScenarioState {
  return putbackLru(updateFolio(s, frame, folioUnlock), frame);
}

/** folio_putback_lru() on a frame of the state. */
export function putbackLru(s: ScenarioState, frame: number): ScenarioState {
  return updateFolio(s, frame, folioPutbackLru);
}

export function shrinkSteps(s: ScenarioState, ctx: ShrinkContext): ThreadStep[] {
  const { frame, setPc } = ctx;
  // A finished thread reads nothing.
  if (ctx.pc(s) === Shrink.Done) return [];
  const f = folioOf(s, frame);
  const name = frameName(s, frame);
  switch (ctx.pc(s)) {
    case Shrink.Trylock: {
      if (folioTest(f, "locked")) {
        return [
          step("folio_trylock", `folio_trylock(${name}) fails → keep: putback`, (s) =>
            setPc(putbackLru(s, frame), ctx.onKeep),
          ),
        ];
      }
      return [
        step("folio_trylock", `folio_trylock(${name})`, (s) =>
          setPc(
            updateFolio(s, frame, (f) => folioTrylock(f)!),
            ctx.afterTrylock,
          ),
        ),
      ];
    }
    case Shrink.Freeze:
      return [freezeStep(s, ctx)];
    case Shrink.Delete:
      return [deleteStep(s, ctx)];
    case Shrink.Free:
      return [
        step("free_folio", `folio_unlock(${name}); free ${name}`, (s) =>
          setPc(
            updateFolio(s, frame, (f) => folioFreeFrozen(folioUnlock(f))),
            Shrink.Done,
          ),
        ),
      ];
    default:
      return [];
  }
}

/**
 * __remove_mapping(): xa_lock; folio_ref_freeze(folio, 1 + nr), unless
 * dirty. A failed freeze keeps the folio for a later pass (ctx.onKeep). A
 * dirty folio would go through pageout() first, which is not modelled for
 * B: reclaim gives up on it (B is clean on anon-swap, where it inherits
 * the flags of an A that writeback cleaned before migration could lock it).
 */
function freezeStep(s: ScenarioState, ctx: ShrinkContext): ThreadStep {
  const { frame, setPc } = ctx;
  const f = folioOf(s, frame);
  const name = frameName(s, frame);
  const expected = 1 + folioNrPages(f);
  const frozen = folioRefFreeze(f, expected);
  if (!frozen || folioTest(f, "dirty")) {
    const why = frozen ? "dirty" : `refcount ${f.refcount} ≠ ${expected}`;
    const next = frozen ? Shrink.Done : ctx.onKeep;
    return step(
      "__remove_mapping",
      `__remove_mapping(${name}): folio_ref_freeze fails (${why}) → keep_locked: unlock, putback`,
      (s) => setPc(keepLocked(s, frame), next),
    );
  }
  return step(
    "__remove_mapping",
    `__remove_mapping(${name}): xa_lock; folio_ref_freeze(${name}, ${expected})`,
    (s) => setPc(updateFolio(s, frame, () => frozen).set("xaLock", ctx.thread), Shrink.Delete),
  );
}

/**
 * Swap cache: __delete_from_swap_cache() stores the shadow in each of the
 * 2^k slots through one cursor (xas_store; xas_next), with
 * VM_BUG_ON_PAGE(entry != folio) on what each store replaced. Page cache:
 * page_cache_delete() stores the shadow through an order-k cursor.
 */
function deleteStep(s: ScenarioState, ctx: ShrinkContext): ThreadStep {
  const { frame, setPc, setup } = ctx;
  const f = folioOf(s, frame);
  const name = frameName(s, frame);
  const unlock = (s: ScenarioState) => setPc(s.set("xaLock", ""), Shrink.Free);
  if (folioTest(f, "swapcache")) {
    return step("__delete_from_swap_cache", `__delete_from_swap_cache(${name}); xa_unlock`, (s) =>
      unlock(deleteFromSwapCache(s, frame, SHADOW)),
    );
  }
  return step("__filemap_remove_folio", `__filemap_remove_folio(${name}); xa_unlock`, (s) => {
    const xas = xaStateOrder(f.index, f.order, setup.params.chunkShift);
    const xa = xasStore(s.xa, xas, SHADOW).xa;
    return unlock(updateFolio(s.set("xa", xa), frame, (f) => f.set("mapping", MAPPING.none)));
  });
}

/**
 * __delete_from_swap_cache(folio, entry, shadow) under the xarray lock,
 * then put_swap_folio(folio, entry) after xa_unlock (the cache bits go;
 * slots no PTE holds any more are freed). The references the cache held
 * are the caller's business (frozen by __remove_mapping, or
 * folio_ref_sub by delete_from_swap_cache).
 */
export function deleteFromSwapCache(
  s: ScenarioState,
  frame: number,
  shadow: number,
): ScenarioState {
  const f = folioOf(s, frame);
  const name = frameName(s, frame);
  let xa = s.xa;
  let xas = xaState(f.index);
  let bug: VmBug | null = s.bug;
  for (let i = 0; i < folioNrPages(f); i++) {
    const stored = xasStore(xa, xas, shadow);
    if (stored.old !== xaMkPointer(frame) && bug === null) {
      bug = VmBug({ what: `__delete_from_swap_cache(${name})`, index: f.index + i });
    }
    xa = stored.xa;
    xas = xasNext(xa, stored.xas).xas;
  }
  const s2 = updateFolio(s.set("xa", xa).set("bug", bug), frame, (f) =>
    folioClear(f, "swapcache").set("index", 0),
  );
  return withSwap(s2, putSwapFolio(s2.swap!, f.index, folioNrPages(f)));
}

/**
 * folio_free_swap(folio) (mm/swapfile.c), as swapoff and zap call it on
 * the folio they found, acting on the folio's own swap state: only a
 * swap-cache folio not under writeback whose entries no PTE holds any
 * more leaves the cache (delete_from_swap_cache: NULL in its slots,
 * put_swap_folio, the cache's references dropped; then folio_set_dirty).
 * It takes the xarray lock: null while another thread holds it.
 */
export function folioFreeSwap(
  s: ScenarioState,
  x: number,
): { readonly label: string; readonly apply: (s: ScenarioState) => ScenarioState } | null {
  const f = folioOf(s, x);
  const name = frameName(s, x);
  if (
    !folioTest(f, "swapcache") ||
    folioTest(f, "writeback") ||
    folioSwapped(s.swap!, f.index, folioNrPages(f))
  ) {
    return { label: `folio_free_swap(${name}): kept`, apply: (s) => s };
  }
  if (s.xaLock !== "") return null;
  return {
    label: `folio_free_swap(${name}): delete_from_swap_cache`,
    apply: (s) =>
      updateFolio(deleteFromSwapCache(s, x, XA_EMPTY), x, (f) =>
        folioSet(folioPutMany(f, folioNrPages(f)), "dirty"),
      ),
  };
}

/** Where the thread is, in kernel words (reports): the function its next step runs. */
export const SHRINK_AT: Record<Shrink, string> = {
  [Shrink.Isolate]: "next folio_isolate_lru",
  [Shrink.Trylock]: "next folio_trylock",
  [Shrink.CheckReferences]: "next folio_check_references",
  [Shrink.Unmap]: "next try_to_unmap",
  [Shrink.Freeze]: "next __remove_mapping",
  [Shrink.Delete]: "next __delete_from_swap_cache",
  [Shrink.Free]: "next free_folio",
  [Shrink.Done]: "done",
};
