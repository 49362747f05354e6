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
import { List, Record, type RecordOf } from "immutable";

/**
 * What a fast record keeps beside immutable.js's own storage, in one array
 * under one property (so that records of a kind keep few shapes): its field
 * values as read so far (UNREAD until then), then two memo slots.
 */
const CACHE = Symbol("cache");
const UNREAD = Symbol("unread");

type Cached = { [CACHE]?: unknown[]; __ownerID?: unknown };

/** On a fast record kind's prototype: its number of fields. */
const FIELD_COUNT = Symbol("fieldCount");

/** Memo slots after the fields: the user's (see `recordMemo`), then `set` results. */
const USER_SLOT = 0;
const SETS_SLOT = 1;
const MEMO_SLOTS = 2;

/** A fresh cache for a record of `n` fields. */
function freshCache(n: number): unknown[] {
  const cache = new Array<unknown>(n + MEMO_SLOTS).fill(UNREAD);
  cache[n + USER_SLOT] = undefined;
  cache[n + SETS_SLOT] = undefined;
  return cache;
}

/** The cache of a new record made from `from`'s by replacing some fields (memo slots empty). */
function derivedCache(from: unknown[]): unknown[] {
  const cache = from.slice();
  cache[cache.length - MEMO_SLOTS + USER_SLOT] = undefined;
  cache[cache.length - MEMO_SLOTS + SETS_SLOT] = undefined;
  return cache;
}

/** The cache of an immutable fast record (made on first use); undefined for any other value. */
function cacheOf(r: object): unknown[] | undefined {
  const c = r as Cached;
  const cache = c[CACHE];
  if (cache !== undefined || c.__ownerID !== undefined) return cache;
  const n = (r as { [FIELD_COUNT]?: number })[FIELD_COUNT];
  if (n === undefined) return undefined;
  c[CACHE] = freshCache(n);
  return c[CACHE];
}

/**
 * A value memoised with an immutable fast record by its user (one slot per
 * record: the model keeps the id of the record's encoding there), or
 * undefined.
 */
export function recordMemo(r: object): unknown {
  const cache = (r as Cached)[CACHE];
  return cache === undefined ? undefined : cache[cache.length - MEMO_SLOTS + USER_SLOT];
}

/** Sets `recordMemo(r)`; false when `r` is not an immutable fast record. */
export function setRecordMemo(r: object, value: unknown): boolean {
  const cache = cacheOf(r);
  if (cache === undefined) return false;
  cache[cache.length - MEMO_SLOTS + USER_SLOT] = value;
  return true;
}

/**
 * `Record(defaults, name)` whose field reads are plain array reads: each
 * field of an immutable record is read once (with `get`) on first access
 * and kept with the record, and a record made by `set` from another starts
 * with the other's fields. immutable.js's own accessors go through `get`,
 * a key lookup and a List lookup on every read, which dominated the model
 * checker's profile (the invariants read the state's fields many times).
 * Records being built in `withMutations` (which have an owner) are never
 * cached. Everything else (equals, hashCode, iteration, ...) is
 * immutable.js's.
 *
 * With `memo`, an immutable record also remembers what each `set` returned:
 * the same update of a shared record returns the same record, which keeps
 * records shared between states (and their caches warm).
 */
export function fastRecord<T extends object>(
  defaults: T,
  name?: string,
  { memo = false }: { memo?: boolean } = {},
): FastRecordFactory<T> {
  // A class to extend (the factory is one at run time; its type is not).
  const Base = Record<T>(defaults, name) as unknown as new (
    values?: unknown,
  ) => { set(key: string, value: unknown): unknown };
  const keys = Object.keys(defaults) as (keyof T & string)[];
  const n = keys.length;
  const indices = new Map<string, number>(keys.map((k, i) => [k, i]));
  const storedValue = (key: string, value: unknown) =>
    value === undefined ? defaults[key as keyof T] : value;
  class FastRecord extends Base {
    static displayName = name ?? "Record";

    override set(key: string, value: unknown): unknown {
      const self = this as Cached;
      const cache = self[CACHE];
      let sets: Map<string, Map<unknown, unknown>> | undefined;
      if (memo && cache !== undefined) {
        sets = cache[n + SETS_SLOT] as Map<string, Map<unknown, unknown>> | undefined;
        const known = sets?.get(key)?.get(value);
        if (known !== undefined) return known;
      }
      const out = super.set(key, value) as Cached;
      if (out === this || out.__ownerID !== undefined || cache === undefined) return out;
      const copy = derivedCache(cache);
      copy[indices.get(key)!] = storedValue(key, value);
      out[CACHE] = copy;
      if (memo) {
        if (sets === undefined) {
          sets = new Map();
          cache[n + SETS_SLOT] = sets;
        }
        let byValue = sets.get(key);
        if (byValue === undefined) {
          byValue = new Map();
          sets.set(key, byValue);
        }
        byValue.set(value, out);
      }
      return out;
    }
  }
  Object.defineProperty(FastRecord.prototype, FIELD_COUNT, { value: n });
  keys.forEach((key, i) => {
    Object.defineProperty(FastRecord.prototype, key, {
      get(this: RecordOf<T> & Cached) {
        const cache = this[CACHE];
        if (cache !== undefined) {
          const v = cache[i];
          if (v !== UNREAD) return v;
        }
        const v = this.get(key);
        const fresh = cache ?? cacheOf(this);
        if (fresh !== undefined) fresh[i] = v;
        return v;
      },
      set(this: RecordOf<T> & Cached, value: unknown) {
        // As immutable.js's accessor: only a record inside withMutations may be assigned to.
        if (this.__ownerID === undefined) throw new Error("Cannot set on an immutable record.");
        this.set(key, value as T[typeof key]);
      },
    });
  });
  /**
   * `r.merge(patch)` for a record of this kind, in one copy of the values,
   * keeping the fields read so far.
   */
  const patch = (r: RecordOf<T>, changes: Partial<T>): RecordOf<T> => {
    let count = 0;
    for (const _ in changes) count++;
    if (count === 1 || memo) {
      // One set per field: with `memo`, each is usually a lookup.
      let out = r;
      for (const key in changes) out = out.set(key, changes[key] as T[typeof key]);
      return out;
    }
    const out = r.withMutations((m) => {
      for (const key in changes) m.set(key, changes[key] as T[typeof key]);
    }) as RecordOf<T> & Cached;
    const cache = (r as RecordOf<T> & Cached)[CACHE];
    if (out !== r && cache !== undefined && out.__ownerID === undefined) {
      const copy = derivedCache(cache);
      for (const key in changes) copy[indices.get(key)!] = storedValue(key, changes[key]);
      out[CACHE] = copy;
    }
    return out;
  };
  const factory = (values?: Partial<T> | Iterable<[string, unknown]>) => {
    const r = new FastRecord(values) as RecordOf<T> & Cached;
    if (r[CACHE] === undefined && r.__ownerID === undefined) r[CACHE] = freshCache(n);
    return r as RecordOf<T>;
  };
  return Object.assign(factory, {
    displayName: FastRecord.displayName,
    patch,
  }) as FastRecordFactory<T>;
}

export type FastRecordFactory<T extends object> = Record.Factory<T> & {
  /** `record.merge(changes)`, faster: one copy of the values, the fields read so far kept. */
  patch(record: RecordOf<T>, changes: Partial<T>): RecordOf<T>;
};

/** Page flags the models use (include/linux/page-flags.h). */
export const PG = {
  locked: 1 << 0,
  swapbacked: 1 << 1,
  swapcache: 1 << 2,
  dirty: 1 << 3,
  writeback: 1 << 4,
  lru: 1 << 5,
  /** PG_uptodate: the contents are valid (unuse_pte poisons the PTE of a page that is not). */
  uptodate: 1 << 6,
  /**
   * PageAnonExclusive, kept for the whole folio: an anonymous page only
   * one process maps (try_to_unmap clears it when the page goes to swap).
   */
  anonExclusive: 1 << 7,
} as const;

export type PageFlag = keyof typeof PG;

/** What `folio->mapping` says the folio belongs to. */
export const MAPPING = {
  none: 0,
  /** An anonymous folio (folio->mapping = anon_vma | PAGE_MAPPING_ANON). */
  anon: 1,
  /** A page-cache folio of the modelled file (shmem or a regular file). */
  file: 2,
  /** A page-cache folio of some other file (a recycled frame). */
  otherFile: 3,
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

export const Folio = fastRecord<FolioProps>(
  {
    allocated: false,
    order: 0,
    refcount: 0,
    flags: 0,
    mapping: MAPPING.none,
    index: 0,
    data: List<number>(),
    generation: 0,
  },
  undefined,
  { memo: true },
);
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
