/**
 * What the generic invariants (invariants/) look at: the kernel objects a
 * model has, whatever its state looks like. A model's view is derived from
 * its declared state (declared-view.ts) or written by hand; each part of it
 * is read on demand (getters over the state), so that the compiled model
 * sees which parts an invariant actually read. A model leaves out what it
 * does not have (no swap map, no xarray): the invariants over those objects
 * do not apply to it.
 */
import type { List } from "immutable";
import type { Folio } from "./folio.js";
import type { Pte } from "./page-table.js";
import type { SwapMap } from "./swap-map.js";
import type { XArray } from "./xarray.js";

/** The kinds of kernel objects an invariant reads (a model maps them to its footprint names). */
export type KernelObject = "frames" | "cache" | "cache-lock" | "ptes" | "holds" | "swap" | "bug";

/** A thread's hold on a frame: a reference, the folio lock, or a mapping it is about to make. */
export interface Hold {
  /** The thread, as reports name it. */
  readonly thread: string;
  readonly frame: number;
  /** e.g. "a reference", "the isolation reference". */
  readonly what: string;
}

/** A mapping's cache: the xarray and how folios sit in it. */
export interface CacheView {
  readonly xa: XArray;
  /** The swap cache (its folios must be PG_swapcache), else a file's page cache. */
  readonly swapCache: boolean;
  /** Folios are one multi-index entry (shmem, file since v5.17), else a slot per page. */
  readonly multiIndex: boolean;
  /** Highest index the invariants look at. */
  readonly maxIndex: number;
  /** Someone holds the xarray lock across steps (its slots are being rewritten). */
  readonly locked: boolean;
}

export interface KernelView {
  /** Folio frames by frame number. */
  readonly frames: List<Folio>;
  /** A frame as reports name it (A, B, A' once recycled...). */
  frameName(frame: number): string;
  /** The cache lookups go through, if the model has one. */
  readonly cache?: CacheView;
  /** One process's PTEs over the range the model looks at, if it has them. */
  readonly ptes?: List<Pte>;
  /**
   * The data the process last wrote at the address of PTE j (what a page
   * mapped there must hold), if the model tracks it.
   */
  expectedData?(j: number): number;
  /** Frames each thread holds, one list per thread (read only when asked). */
  readonly holds?: readonly (() => readonly Hold[])[];
  /** The swap map, and who holds each slot besides PTEs, if the model has one. */
  readonly swap?: SwapView;
  /** A kernel BUG_ON the model recorded on its way (outside the xarray code), in one line. */
  readonly bug?: string | null;
  /** __delete_from_swap_cache's VM_BUG_ON_PAGE(entry != folio), if the model deletes from the swap cache. */
  readonly deleteAssertion?: string | null;
  /** The threads that look a folio up in the cache and fault it in. */
  readonly lookups?: readonly LookupView[];
}

/** A lookup thread: where it is, for the progress properties. */
export interface LookupView {
  readonly thread: string;
  /** Inside the RCU lookup loop (filemap_get_entry under rcu_read_lock). */
  inRcu(): boolean;
  /** A fault is in progress (started and not completed); absent for a lookup that is not a fault. */
  faulting?(): boolean;
  /** Where it is, in one line (e.g. the slot it spins on). */
  where(): string;
}

export interface SwapView {
  readonly map: SwapMap;
  /** Slots held by a shmem mapping's slot (SWAP_MAP_SHMEM), if any. */
  readonly shmem?: ReadonlySet<number>;
  /**
   * Slots whose cache bit a thread owns without a folio in the swap cache
   * (between swapcache_prepare and add_to_swap_cache, or the skip path's
   * guard of 13ddaf26be32; before add_to_swap_cache of a fresh allocation;
   * between __delete_from_swap_cache and put_swap_folio).
   */
  readonly pending: ReadonlySet<number>;
}
