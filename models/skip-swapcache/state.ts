/**
 * The state of the skip-swapcache model: one swap device (zram:
 * SWP_SYNCHRONOUS_IO) with its swap map and its contents, its swap cache,
 * one PTE of one process (it starts swapped out to slot 0 with count 1),
 * the page-table lock, two folio frames (N0 and N1, the fresh folio each
 * fault reads into), and each thread's record.
 */
import { List } from "immutable";
import { recordPart } from "../../src/declared/record-part.js";
import {
  choice,
  declareState,
  flag,
  optionalPart,
  part,
  parts,
  type StateRecord,
} from "../../src/declared/state.js";
import { DATA_GARBAGE, Folio, fastRecord, folioFlagNames } from "../../src/kernel/folio.js";
import { PTE_NONE, type Pte, pteDescribe, pteSwap } from "../../src/kernel/page-table.js";
import {
  FOLIO_PART,
  PTES_PART,
  SWAP_DATA_PART,
  SWAP_MAP_PART,
  XARRAY_PART,
} from "../../src/kernel/parts.js";
import {
  type SwapMap,
  type SwapMapStep,
  swapMapFrom,
  swapSlotWords,
} from "../../src/kernel/swap-map.js";
import { type XArray, xaInit, xaIsPointer, xaSlots, xaToPointer } from "../../src/kernel/xarray.js";
import type { SkipParams } from "./params.js";

/** The data the process had at the page when it was swapped out to slot 0. */
export const D0 = 1;
/** The data the process writes once the page is mapped again. */
export const D1 = 2;
/** The swap entry the PTE holds at the start. */
export const E = 0;

/** Fault threads' program counters (do_swap_page, mm/memory.c). */
export enum Fault {
  /** Not faulted yet. */
  Idle,
  /** The fault returned without mapping; the access faults again. */
  Retry,
  Lookup,
  Count,
  Prepare,
  Backoff,
  Alloc,
  Read,
  Lock,
  Map,
  Clear,
  Done,
}

/** Reclaim's program counter (shrink_folio_list, mm/vmscan.c). */
export enum Reclaim {
  Isolate,
  Alloc,
  AddToCache,
  Unmap,
  Pageout,
  Remove,
  Done,
}

/** Swapoff's program counter (try_to_unuse → unuse_pte_range, mm/swapfile.c). */
export enum Swapoff {
  Idle,
  Scan,
  Lookup,
  Alloc,
  Prepare,
  Backoff,
  Count,
  AddToCache,
  Read,
  Lock,
  Unuse,
  FreeSwap,
  Second,
  Done,
  Failed,
}

/** The frame swapoff reads the page into (read_swap_cache_async). */
export const FRAME_S = 2;

export const SwapoffThread = fastRecord(
  {
    pc: Swapoff.Idle as Swapoff,
    /** The PTE value unuse_pte_range read (locklessly). */
    orig: PTE_NONE as Pte,
    /** The folio it holds a reference to (found in the swap cache or read), or -1. */
    folio: -1,
  },
  undefined,
  { memo: true },
);
export type SwapoffThread = ReturnType<typeof SwapoffThread>;

export const FaultThread = fastRecord(
  {
    pc: Fault.Idle as Fault,
    /** vmf->orig_pte, read when the fault starts. */
    orig: PTE_NONE as Pte,
    /** 13ddaf26be32's need_clear_cache: this fault holds the entry's cache bit. */
    guard: false,
    /** The fault mapped its folio (it ends after swapcache_clear). */
    mapped: false,
  },
  undefined,
  { memo: true },
);
export type FaultThread = ReturnType<typeof FaultThread>;

export const ReclaimThread = fastRecord(
  {
    pc: Reclaim.Isolate as Reclaim,
    /** The folio reclaim swaps out (the one the PTE maps when it starts). */
    frame: -1,
    /** The slot folio_alloc_swap handed out. */
    slot: -1,
  },
  undefined,
  { memo: true },
);
export type ReclaimThread = ReturnType<typeof ReclaimThread>;

/** A kernel BUG met on the way, in one line (swap-map.ts's `bug`). */
export const Bug = fastRecord({ what: "" });
export type Bug = ReturnType<typeof Bug>;

const BUG_PART = recordPart("skip-bug", Bug);
const FAULT_PART = recordPart("skip-fault", FaultThread);
const RECLAIM_PART = recordPart("skip-reclaim", ReclaimThread);
const SWAPOFF_PART = recordPart("skip-swapoff", SwapoffThread);

export const FAULT_NAMES = ["fault0", "fault1"] as const;
/** Who holds the page-table lock across steps (pte_offset_map_lock .. pte_unmap_unlock). */
export const PTL_HOLDERS = ["", ...FAULT_NAMES] as const;
export type PtlHolder = (typeof PTL_HOLDERS)[number];

/** What reports show of a field: one variable per element (`name[i]`), or one. */
const shown =
  <T>(value: (v: T, s: Frames) => string, local = false) =>
  (v: T, s: Frames, name: string) => [{ name, value: value(v, s), ...(local ? { local } : {}) }];

/** The frames of a state: all frame names need. */
type Frames = { readonly folios: List<Folio> };

export const SKIP_STATE = declareState("SkipState", {
  swap: part(SWAP_MAP_PART, null as unknown as SwapMap, {
    show: (m) => m.slots.map((_, o) => ({ name: `swap_map[${o}]`, value: swapSlotWords(m, o) })),
  }),
  /** What each slot of the device holds (zram: discarded when the slot is freed). */
  disk: part(SWAP_DATA_PART, List<number>(), {
    show: (d) => d.toArray().map((v, o) => ({ name: `zram[${o}]`, value: String(v) })),
  }),
  /** The swap cache (swapper_spaces[type]), indexed by swap offset. */
  xa: part(XARRAY_PART, null as unknown as XArray, {
    show: (xa, s: Frames) =>
      [...xaSlots(xa)]
        .filter((x) => xaIsPointer(x.entry))
        .map((x) => ({
          name: `swap cache[${x.firstIndex}]`,
          value: frameName(s, xaToPointer(x.entry)),
        })),
  }),
  folios: parts(FOLIO_PART, {
    show: (list, s: Frames) =>
      list.toArray().flatMap((f, i) => {
        const n = frameBase(i);
        if (!f.allocated) return [{ name: `${n}.frame`, value: "free" }];
        return [
          { name: `${n}.frame`, value: frameName(s, i) },
          { name: `${n}.refcount`, value: String(f.refcount) },
          { name: `${n}.flags`, value: folioFlagNames(f), set: true },
          { name: `${n}.data`, value: String(f.data.get(0)) },
        ];
      }),
  }),
  ptes: part(PTES_PART, List<Pte>(), {
    show: (ptes, s: Frames) => [
      { name: "pte", value: pteDescribe(ptes.get(0)!, (f) => frameName(s, f)) },
    ],
  }),
  ptl: choice(PTL_HOLDERS, "" as PtlHolder, { show: shown((h) => h || "-") }),
  faults: parts(FAULT_PART, {
    show: (list) =>
      list.toArray().map((f, t) => ({ name: FAULT_NAMES[t]!, value: Fault[f.pc]!, local: true })),
  }),
  reclaim: part(RECLAIM_PART, ReclaimThread(), { show: shown((r) => Reclaim[r.pc]!, true) }),
  swapoff: part(SWAPOFF_PART, SwapoffThread(), {
    show: shown((r) => Swapoff[r.pc]!, true),
  }),
  /** The process wrote D1 to the page. */
  written: flag(false, { show: shown((w) => String(w ? D1 : D0)) }),
  /** The first BUG/VM_BUG_ON (or "Unused swap offset" complaint) a swap-map step hit. */
  bug: optionalPart(BUG_PART, { show: (b) => (b ? [{ name: "BUG", value: b.what }] : []) }),
});
export type SkipState = StateRecord<typeof SKIP_STATE.fields>;

/** One configuration's static facts. */
export interface Setup {
  readonly params: SkipParams;
  readonly guarded: boolean;
}

export function makeSetup(params: SkipParams): Setup {
  return { params, guarded: params.variant === "swapcache-prepare" };
}

/** The page swapped out to slot 0 (count 1, held by the PTE), both frames free. */
export function initialState(setup: Setup): SkipState {
  const n = setup.params.slots;
  const slots = Array.from({ length: n }, (_, o) => (o === E ? 1 : 0));
  return SKIP_STATE.State({
    swap: swapMapFrom(slots),
    disk: List(Array.from({ length: n }, (_, o) => (o === E ? D0 : DATA_GARBAGE))),
    xa: xaInit(2),
    // N0, N1 and, with swapoff, S.
    folios: List(
      Array.from({ length: setup.params.threads.has("swapoff") ? 3 : 2 }, () => Folio()),
    ),
    ptes: List([pteSwap(E)]),
    faults: List(FAULT_NAMES.map(() => FaultThread())),
  });
}

/** N0, N1: the frame each fault allocates; a prime per reallocation. */
export function frameName(s: Frames, frame: number): string {
  const g = s.folios.get(frame)?.generation ?? 0;
  return `${frameBase(frame)}${"'".repeat(Math.max(0, g - 1))}`;
}

/** N0, N1 (the faults' frames), S (swapoff's). */
export function frameBase(frame: number): string {
  return frame === FRAME_S ? "S" : `N${frame}`;
}

/**
 * The swap map after a swap-map step, keeping the first BUG it hit. A slot
 * freed at once (the slot cache off) is discarded by zram at once.
 */
export function withSwap(s: SkipState, r: SwapMapStep<unknown>): SkipState {
  let out = s.set("swap", r.map);
  if (r.map.direct) {
    for (const o of r.slotsFreed) out = out.set("disk", out.disk.set(o, DATA_GARBAGE));
  }
  return r.bug !== null && s.bug === null ? out.set("bug", Bug({ what: r.bug })) : out;
}

/** The name the frame gets when it is allocated next. */
export function nextFrameName(s: Frames, frame: number): string {
  return `${frameBase(frame)}${"'".repeat(s.folios.get(frame)!.generation)}`;
}
