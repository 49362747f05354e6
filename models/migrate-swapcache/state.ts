/**
 * The state of the reference scenario: one xarray (the swap cache or the
 * file's page cache), a pool of two folio frames (A, the folio reclaim and
 * migration race on, and B, migration's destination), one process's PTEs
 * over A's range, the xarray lock, and each thread's local state.
 */
import { List } from "immutable";
import { nullable, recordPart } from "../../src/declared/record-part.js";
import {
  choice,
  declareState,
  flag,
  optionalPart,
  part,
  parts,
  type StateRecord,
} from "../../src/declared/state.js";
import { DATA_GARBAGE, Folio, fastRecord, MAPPING, PG } from "../../src/kernel/folio.js";
import { PTE_NONE, type Pte, ptePresent } from "../../src/kernel/page-table.js";
import { FOLIO_PART, PTES_PART, SWAP_MAP_PART, XARRAY_PART } from "../../src/kernel/parts.js";
import { type SwapMapStep, swapMapCreate } from "../../src/kernel/swap-map.js";
import {
  type XArray,
  type XaState,
  xaInit,
  xaMkPointer,
  xaStoreOrder,
  xaStoreRange,
} from "../../src/kernel/xarray.js";
import type { ScenarioParams } from "./params.js";

/** Frame numbers: A is the folio under reclaim and migration, B the destination. */
export const FRAME_A = 0;
export const FRAME_B = 1;
export const NO_FRAME = -1;

/**
 * The free pages vma_alloc_folio hands out on a swap-cache miss
 * (__read_swap_cache_async): as many fresh order-0 frames as swap-ins,
 * after A and B (C, D, ...), shared by all of them (so that the swap-ins
 * stay interchangeable for --symmetry), the lowest free one first.
 */
export function swapinFrame(i: number): number {
  return 2 + i;
}

/** Data token of original page p (what the process wrote there). */
export function originalData(page: number): number {
  return page + 1;
}

/** Data token of page p of a recycled frame (unrelated data). */
export function recycledData(page: number): number {
  return 1000 + page;
}

/** The program counters of the threads; each step moves a thread between them. */
export enum Reclaim {
  Trylock,
  AddToSwap,
  Unmap,
  Pageout,
  AfterPageout,
  /** pageout() found the write already complete: try to free A at once. */
  Free,
  Done,
}

/** Steps of shrink_folio_list, shared by reclaim of A (its freeing path) and of B. */
export enum Shrink {
  Isolate,
  Trylock,
  /** folio_check_references (reclaim of B only: A's reclaim starts past it). */
  CheckReferences,
  /** try_to_unmap of a mapped B. */
  Unmap,
  Freeze,
  Delete,
  Free,
  Done,
}

export enum Migrate {
  Isolate,
  Alloc,
  LockSrc,
  WaitWriteback,
  LockDst,
  Unmap,
  Freeze,
  Store,
  Unfreeze,
  Copy,
  Move,
  PutSrc,
  Undo,
  Done,
}

export enum Swapin {
  Fault,
  Load,
  TryGet,
  Reload,
  /** The lookup missed: __read_swap_cache_async (R4..R9 of the spec). */
  Alloc,
  Prepare,
  AddToCache,
  Read,
  Lock,
  Recheck,
  Map,
  Unlock,
  Done,
}

/** try_to_unuse's walk of the process's PTEs (swapoff.ts). */
export enum Swapoff {
  /** swapoff() before try_to_unuse: SWP_WRITEOK still set. */
  Start,
  Scan,
  Load,
  TryGet,
  Reload,
  /** The lookup missed: swapin_readahead. */
  Readahead,
  Lock,
  Writeback,
  Unuse,
  FreeSwap,
  Unlock,
  /** try_to_unuse's second loop over the swap map (U10): find_next_to_unuse. */
  SlotScan,
  /** Its filemap_get_folio: the lookup loop at the slot. */
  SlotLoad,
  SlotTryGet,
  SlotReload,
  Done,
}

export const ReclaimThread = fastRecord(
  {
    pc: Reclaim.Trylock as Reclaim,
    /** In the Free phase (A's write finished early): the freeing path of shrink_folio_list. */
    shrink: Shrink.Trylock as Shrink,
  },
  undefined,
  { memo: true },
);
export type ReclaimThread = ReturnType<typeof ReclaimThread>;

export const ShrinkThread = fastRecord({ pc: Shrink.Isolate as Shrink }, undefined, { memo: true });
export type ShrinkThread = ReturnType<typeof ShrinkThread>;

export const MigrateThread = fastRecord(
  {
    pc: Migrate.Isolate as Migrate,
    /** -EAGAIN retries left. */
    retries: 0,
    /** try_to_migrate found A mapped (page_was_mapped). */
    pageWasMapped: false,
    /** The xa_state cursor of folio_migrate_mapping. */
    xas: null as XaState | null,
    /** Position in the variant's sequence of cursor operations. */
    op: 0,
    /** What the RFC's first xas_next returned was a sibling (null before it ran). */
    sawSibling: null as boolean | null,
  },
  undefined,
  { memo: true },
);
export type MigrateThread = ReturnType<typeof MigrateThread>;

export const SwapinThread = fastRecord(
  {
    pc: Swapin.Fault as Swapin,
    /** The PTE faulted on, -1 before the fault. */
    page: -1,
    /** The PTE value read at fault time (vmf->orig_pte). */
    orig: PTE_NONE as Pte,
    /** The xarray index looked up. */
    index: -1,
    /** The folio the lookup found. */
    folio: NO_FRAME,
    /** Holds a reference on `folio`. */
    hasRef: false,
    /**
     * Consecutive failed folio_try_get_rcu calls, counted only with
     * --bounded-spin (and capped there) so the state space stays finite.
     */
    spins: 0,
  },
  undefined,
  { memo: true },
);
export type SwapinThread = ReturnType<typeof SwapinThread>;

/** zap_pte_range's walk (zap.ts): exit or munmap of the process's range. */
export enum Zap {
  Scan,
  Load,
  TryGet,
  Reload,
  Trylock,
  FreeSwap,
  Put,
  Done,
}

/** mincore_pte_range's walk (mincore.ts). */
export enum Mincore {
  Scan,
  Load,
  TryGet,
  Reload,
  Put,
  Done,
}

/**
 * A thread that walks the process's PTEs in address order and looks each
 * swap entry up in the swap cache (swapoff, zap, mincore); `pc` is its
 * own enum.
 */
export const PteWalk = fastRecord(
  {
    pc: 0,
    /** The PTE the walk is at. */
    page: 0,
    /** The swap offset of that PTE's entry. */
    index: -1,
    /** The folio the lookup returned. */
    folio: NO_FRAME,
    /** Holds a reference on `folio`. */
    hasRef: false,
    /** Failed folio_try_get_rcu calls, counted only with --bounded-spin. */
    spins: 0,
  },
  undefined,
  { memo: true },
);
export type PteWalk = ReturnType<typeof PteWalk>;

/** A VM_BUG_ON the kernel would hit (CONFIG_DEBUG_VM), recorded so an invariant reports it. */
export const VmBug = fastRecord({ what: "", index: -1 });
export type VmBug = ReturnType<typeof VmBug>;

const RECLAIM_PART = recordPart("reclaim", ReclaimThread);
const SHRINK_PART = recordPart("shrink", ShrinkThread);
const MIGRATE_PART = recordPart("migrate", MigrateThread, {
  xas: nullable((x: XaState, out) => out.push(x.index, x.node, x.offset, x.shift, x.sibs)),
  sawSibling: nullable((b: boolean, out) => out.push(b ? 1 : 0)),
});
const SWAPIN_PART = recordPart("swapin", SwapinThread);
const VM_BUG_PART = recordPart("vm-bug", VmBug);
const PTE_WALK_PART = recordPart("pte-walk", PteWalk);

/** The threads that hold the xarray lock across steps ("" = nobody). */
export const XA_LOCK_HOLDERS = ["", "migrate", "reclaim", "reclaim-dst"] as const;
export type XaLockHolder = (typeof XA_LOCK_HOLDERS)[number];

/**
 * The state, declared once: the kernel objects (the mapping's xarray, the
 * two frames, the PTEs, the xarray lock, a VM_BUG_ON record) and each
 * thread's record. The layer (src/declared/) derives the record, its
 * packing, encoding and symmetry (the swap-ins are interchangeable) from it.
 */
export const SCENARIO_STATE = declareState("ScenarioState", {
  xa: part(XARRAY_PART, null as unknown as XArray),
  folios: parts(FOLIO_PART),
  ptes: part(PTES_PART, List<Pte>()),
  /** Thread holding the xarray lock across steps, or "" (xas_lock_irq .. xas_unlock). */
  xaLock: choice(XA_LOCK_HOLDERS, "" as XaLockHolder),
  bug: optionalPart(VM_BUG_PART),
  /** The swap device's map (anon-swap only): counts and SWAP_HAS_CACHE per slot. */
  swap: optionalPart(SWAP_MAP_PART),
  reclaim: part(RECLAIM_PART, ReclaimThread()),
  writebackDone: flag(),
  migrate: part(MIGRATE_PART, MigrateThread()),
  swapins: parts(SWAPIN_PART, { symmetric: true }),
  reclaimDst: part(SHRINK_PART, ShrinkThread()),
  reuseDone: flag(),
  swapoff: part(PTE_WALK_PART, PteWalk()),
  zap: part(PTE_WALK_PART, PteWalk()),
  mincore: part(PTE_WALK_PART, PteWalk()),
});
export const ScenarioState = SCENARIO_STATE.State;
export type ScenarioState = StateRecord<typeof SCENARIO_STATE.fields>;

/** Static facts of one configuration, derived from the parameters. */
export interface Setup {
  readonly params: ScenarioParams;
  /** Pages in the folio: 2^k. */
  readonly nr: number;
  /** First xarray index of A's range (its swap offset or file index). */
  readonly base: number;
  /** The folio lives in the swap cache (anon-swap). */
  readonly swapCache: boolean;
  /** The mapping stores one multi-index entry (shmem, file). */
  readonly multiIndex: boolean;
  /** Names of the lookup threads, one per swap-in. */
  readonly swapinNames: readonly string[];
  /** Highest xarray index the invariants look at. */
  readonly maxIndex: number;
}

export function makeSetup(params: ScenarioParams): Setup {
  const nr = 1 << params.order;
  const swapCache = params.mapping === "anon-swap";
  const lookup = swapCache ? "swapin" : "fault";
  return {
    params,
    nr,
    // An aligned range that is not at index 0, so that the tree has a
    // node above the folio's slots for every chunk shift we model.
    base: nr,
    swapCache,
    multiIndex: params.mapping === "shmem" || params.mapping === "file",
    swapinNames:
      params.swapins === 1
        ? [lookup]
        : Array.from({ length: params.swapins }, (_, i) => `${lookup}${i}`),
    maxIndex: 2 * nr - 1,
  };
}

/**
 * Initial states. anon-swap: A is mapped by all its PTEs and isolated by
 * reclaim (refcount = 2^k mappings + 1 isolation). Page cache: A sits in
 * the page cache (refcount 2^k, on the LRU, not mapped); legacy-pagecache
 * may start with a shmem and/or a regular-file folio.
 */
export function initialStates(setup: Setup): ScenarioState[] {
  const { params, nr, base } = setup;
  const data = List(Array.from({ length: nr }, (_, p) => originalData(p)));
  const frameB = Folio({ data: List(Array(nr).fill(DATA_GARBAGE)), order: params.order });
  const threads = {
    swapins: List(setup.swapinNames.map(() => SwapinThread())),
    migrate: MigrateThread({ retries: params.migrateRetries }),
  };
  if (setup.swapCache) {
    const a = Folio({
      allocated: true,
      order: params.order,
      refcount: nr + 1,
      flags: PG.swapbacked | PG.uptodate,
      mapping: MAPPING.anon,
      data,
      generation: 1,
    });
    return [
      ScenarioState({
        xa: xaInit(params.chunkShift),
        folios: List([
          a,
          frameB,
          ...setup.swapinNames.map(() => Folio({ data: List([DATA_GARBAGE]) })),
        ]),
        ptes: List(Array.from({ length: nr }, (_, p) => ptePresent(FRAME_A, p))),
        // Slots 0..2^(k+1)-1: A's range [nr, 2nr) is one aligned cluster of
        // 2^k slots, as folio_alloc_swap hands out for a THP (swap_alloc_cluster).
        swap: swapMapCreate(2 * nr, { clusterOrder: params.order, slotCache: "direct" }),
        ...threads,
      }),
    ];
  }
  const backings =
    params.mapping === "shmem"
      ? [true]
      : params.mapping === "file"
        ? [false]
        : params.legacyBacking === "both"
          ? [true, false]
          : [params.legacyBacking === "shmem"];
  return backings.map((swapbacked) => {
    const a = Folio({
      allocated: true,
      order: params.order,
      refcount: nr,
      flags: PG.lru | PG.uptodate | (swapbacked ? PG.swapbacked : 0),
      mapping: MAPPING.file,
      index: base,
      data,
      generation: 1,
    });
    const xa0 = xaInit(params.chunkShift);
    // filemap_add_folio: one order-k entry (v5.17+), or 2^k slots before.
    const xa = setup.multiIndex
      ? xaStoreOrder(xa0, base, params.order, xaMkPointer(FRAME_A))
      : xaStoreRange(xa0, base, nr, xaMkPointer(FRAME_A));
    return ScenarioState({
      xa,
      folios: List([a, frameB]),
      ptes: List(Array(nr).fill(PTE_NONE)),
      // No reclaim to swap in the page-cache scenarios.
      reclaim: ReclaimThread({ pc: Reclaim.Done }),
      writebackDone: true,
      ...threads,
    });
  });
}

/**
 * The state after a swap map operation (src/kernel/swap-map.ts): the new
 * map, and a BUG_ON it hit recorded like the model's other kernel BUGs.
 */
export function withSwap(s: ScenarioState, r: SwapMapStep<unknown>): ScenarioState {
  const s2 = s.set("swap", r.map);
  return r.bug !== null && s2.bug === null ? s2.set("bug", VmBug({ what: r.bug, index: -1 })) : s2;
}
