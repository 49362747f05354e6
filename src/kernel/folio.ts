/**
 * Folio frames: a small fixed pool of page frames, each either free or an
 * allocated folio of some order, with the refcount, flags and data tokens
 * that races on the swap and page caches are about. Pure functions over an
 * immutable `Folio` record; nothing here knows a particular race.
 *
 * References (include/linux/mm.h, include/linux/page_ref.h, mm/filemap.c):
 * folio_try_get_rcu fails exactly when the count is 0 (freed, or frozen by
 * folio_ref_freeze); folio_put frees the folio when the count reaches 0.
 */
import { List, Record } from "immutable";

/** Page flags the models use (include/linux/page-flags.h). */
export const PG = {
  locked: 1 << 0,
  swapbacked: 1 << 1,
  swapcache: 1 << 2,
  dirty: 1 << 3,
  writeback: 1 << 4,
  lru: 1 << 5,
} as const;

export type PageFlag = keyof typeof PG;

/** What `folio->mapping` says the folio belongs to. */
export const MAPPING = {
  none: 0,
  /** An anonymous folio (folio->mapping = anon_vma | PAGE_MAPPING_ANON). */
  anon: 1,
  /** A page-cache folio of the modelled file (shmem or a regular file). */
  file: 2,
} as const;

export type MappingKind = (typeof MAPPING)[keyof typeof MAPPING];

/** A data token no page holds: what a freshly allocated frame contains. */
export const DATA_GARBAGE = 0;

export interface FolioProps {
  allocated: boolean;
  order: number;
  /** folio_ref_count(); negative only after a bug (a put too many). */
  refcount: number;
  flags: number;
  mapping: MappingKind;
  /** folio->swap (swap cache) or folio->index (page cache): the first slot. */
  index: number;
  /** One token per page: which original page's data the page holds. */
  data: List<number>;
  /** How many times the frame was allocated: tells a recycled frame from the original. */
  generation: number;
}

export const Folio = Record<FolioProps>({
  allocated: false,
  order: 0,
  refcount: 0,
  flags: 0,
  mapping: MAPPING.none,
  index: 0,
  data: List<number>(),
  generation: 0,
});
export type Folio = ReturnType<typeof Folio>;

export function folioNrPages(f: Folio): number {
  return 1 << f.order;
}

export function folioTest(f: Folio, flag: PageFlag): boolean {
  return (f.flags & PG[flag]) !== 0;
}

export function folioSet(f: Folio, flag: PageFlag): Folio {
  return f.set("flags", f.flags | PG[flag]);
}

export function folioClear(f: Folio, flag: PageFlag): Folio {
  return f.set("flags", f.flags & ~PG[flag]);
}

/** Allocates a free frame as a folio of `order` holding `data` (refcount 1). */
export function folioAlloc(f: Folio, order: number, data: List<number>): Folio {
  return Folio({
    allocated: true,
    order,
    refcount: 1,
    data,
    generation: f.generation + 1,
  });
}

/** The page allocator takes the frame back; its memory keeps the old data. */
function folioFree(f: Folio): Folio {
  return Folio({ data: f.data, generation: f.generation, order: f.order });
}

/** folio_try_get_rcu(): take a reference unless the count is 0. */
export function folioTryGetRcu(f: Folio): Folio | null {
  return f.refcount === 0 ? null : f.set("refcount", f.refcount + 1);
}

/** folio_isolate_lru(): off the LRU, with a reference; null when not on the LRU. */
export function folioIsolateLru(f: Folio): Folio | null {
  return folioTest(f, "lru") ? folioClear(f, "lru").set("refcount", f.refcount + 1) : null;
}

/** folio_putback_lru(): back on the LRU, the isolation reference dropped. */
export function folioPutbackLru(f: Folio): Folio {
  return folioPut(folioSet(f, "lru"));
}

/** folio_ref_add(). */
export function folioRefAdd(f: Folio, nr: number): Folio {
  return f.set("refcount", f.refcount + nr);
}

/** folio_put(): drop a reference; the last one frees the frame. */
export function folioPut(f: Folio): Folio {
  return folioPutMany(f, 1);
}

/** folio_put_refs(). A count that goes below 0 stays visible: it is a bug the invariants report. */
export function folioPutMany(f: Folio, nr: number): Folio {
  const count = f.refcount - nr;
  if (count === 0 && f.allocated) return folioFree(f);
  return f.set("refcount", count);
}

/** folio_ref_freeze(): set the count to 0 if it is exactly `expected`. */
export function folioRefFreeze(f: Folio, expected: number): Folio | null {
  return f.refcount === expected ? f.set("refcount", 0) : null;
}

/** folio_ref_unfreeze(). */
export function folioRefUnfreeze(f: Folio, count: number): Folio {
  return f.set("refcount", count);
}

/**
 * Free a folio whose count was frozen at 0 by __remove_mapping (reclaim
 * frees it directly, without a folio_put).
 */
export function folioFreeFrozen(f: Folio): Folio {
  return folioFree(f);
}

/** folio_trylock(). */
export function folioTrylock(f: Folio): Folio | null {
  return folioTest(f, "locked") ? null : folioSet(f, "locked");
}

/** folio_unlock(). */
export function folioUnlock(f: Folio): Folio {
  return folioClear(f, "locked");
}

/** Whether the folio's range [index, index + nr) covers `index`. */
export function folioCovers(f: Folio, index: number): boolean {
  return index >= f.index && index < f.index + folioNrPages(f);
}

/** A flat integer encoding of a frame, for state fingerprints. */
export function folioEncode(f: Folio, out: number[]): void {
  out.push(f.allocated ? 1 : 0, f.order, f.refcount, f.flags, f.mapping, f.index, f.generation);
  for (const d of f.data) out.push(d);
}

/** The flags as kernel names, e.g. `locked|swapcache`. */
export function folioFlagNames(f: Folio): string {
  const names = (Object.keys(PG) as PageFlag[]).filter((k) => folioTest(f, k));
  return names.join("|") || "-";
}
