/**
 * The swap map: one byte per swap slot of one swap device
 * (`si->swap_map[offset]`, mm/swapfile.c), the per-cluster huge flag
 * (`CLUSTER_FLAG_HUGE`) and the per-CPU slot cache that freed slots wait in
 * (`free_swap_slot`, mm/swap_slots.c). Pure functions over an immutable
 * `SwapMap`; nothing here knows a particular race.
 *
 * Each function stands for one kernel function and is one atomic step (one
 * critical section under `lock_cluster_or_swap_info`) unless its comment
 * says otherwise. It returns a `SwapMapStep`: the new map, the kernel's
 * return value, and `bug`: where v6.6 would hit a VM_BUG_ON/BUG_ON (with
 * CONFIG_DEBUG_VM) or print one of `_swap_info_get`'s "Unused swap offset"
 * complaints, a one-line string naming the function and the assertion. The
 * map returned with a bug is what a kernel without CONFIG_DEBUG_VM would
 * have written, so a model can report the violation and still go on.
 *
 * Followed: Linux v6.6 as quoted in ../shared/spec/swap-lookups.md §A, read
 * against Debian's 6.1 and 6.12 trees. Where they differ:
 * - v6.6 is 6.1's code for everything here (per-slot `__swap_duplicate`,
 *   `CLUSTER_FLAG_HUGE`, `put_swap_folio`'s `size == SWAPFILE_CLUSTER`
 *   path, `swap_page_trans_huge_swapped` on the huge flag), and that is
 *   what this file follows. 6.12 has no huge flag: `put_swap_folio` frees a
 *   large folio's range at once when every slot is exactly SWAP_HAS_CACHE
 *   (`swap_is_has_cache`), `swap_page_trans_huge_swapped` takes an order,
 *   and `__swap_duplicate`, `swapcache_prepare` and `swapcache_clear` take
 *   `nr` slots (all-or-nothing). For one slot their results are the same
 *   as here.
 * - `swapcache_clear` is not in v6.6.0: it came with 13ddaf26be32 (v6.8,
 *   6.6.57). Debian's 6.1 has the stable backport, the same code as 6.6.57
 *   (`__swap_entry_free_locked(si, offset, SWAP_HAS_CACHE)`, then
 *   `free_swap_slot` if the value became 0); followed here. 6.12 does the
 *   same through `cluster_swap_free_nr(si, offset, nr, SWAP_HAS_CACHE)`.
 * - `free_swap_and_cache` (v6.6: `_swap_info_get`, no `get_swap_device`)
 *   is `free_swap_and_cache_nr` in 6.12, which frees the whole range first;
 *   only its count part (v6.6) is here.
 *
 * Not modelled: COUNT_CONTINUED (counts above SWAP_MAP_MAX: reported as a
 * bug string), SWAP_MAP_BAD, discards, swapoff of the device, the per-CPU
 * cache of allocated slots (`slots[]`: a slot is handed out by the
 * allocation step itself), clusters on a device without `cluster_info`.
 */

/** include/linux/swap.h. */
export const SWAP_HAS_CACHE = 0x40;
export const SWAP_MAP_MAX = 0x3e;
export const SWAP_MAP_BAD = 0x3f;
export const SWAP_MAP_SHMEM = 0xbf;
export const COUNT_CONTINUED = 0x80;

/** The kernel's error returns. */
export const ENOENT = -2;
export const ENOMEM = -12;
export const EEXIST = -17;
export const EINVAL = -22;

/** How many times free_swap_slot parked the slot (bits 8..9 of a slot word; model-only). */
const PARKED_SHIFT = 8;
const PARKED_MAX = 3;
const BYTE = 0xff;

/**
 * One swap device's map. `slots[o]` is the kernel's byte `swap_map[o]`
 * (count | SWAP_HAS_CACHE, or SWAP_MAP_SHMEM | SWAP_HAS_CACHE) plus, in
 * bits 8..9, how many entries of the per-CPU `slots_ret` array name o (0
 * normally, 1 while parked; 2 or 3 only after a double free_swap_slot, a
 * kernel bug a model may want to see). `huge` has bit c set when cluster c
 * has CLUSTER_FLAG_HUGE. Frozen; compare with `swapMapEquals`.
 */
export interface SwapMap {
  readonly slots: readonly number[];
  /** log2 of SWAPFILE_CLUSTER (the kernel: 9 on x86-64); 0: no THP swap. */
  readonly clusterOrder: number;
  readonly huge: number;
  /**
   * free_swap_slot's direct_free path (`use_swap_slot_cache` off: swapoff,
   * or no slot cache): freed slots go to 0 at once. Otherwise they are
   * parked until `swapcacheFreeEntries`.
   */
  readonly direct: boolean;
}

/** What a step returns: the new map, the kernel's return value, a kernel BUG or null. */
export interface SwapMapStep<R> {
  readonly map: SwapMap;
  readonly ret: R;
  readonly bug: string | null;
  /** Slots handed to free_swap_slot in this step (parked, or freed at once when direct). */
  readonly slotsFreed: readonly number[];
}

export interface SwapMapOptions {
  /** log2 of the cluster size (SWAPFILE_CLUSTER); 0 (default): no huge clusters. */
  clusterOrder?: number;
  /** "park" (default): free_swap_slot parks; "direct": it returns the slot at once. */
  slotCache?: "park" | "direct";
}

function make(slots: readonly number[], clusterOrder: number, huge: number, direct: boolean) {
  return Object.freeze({
    slots: Object.freeze(slots) as readonly number[],
    clusterOrder,
    huge,
    direct,
  }) as SwapMap;
}

function clusterCount(nslots: number, clusterOrder: number): number {
  return Math.ceil(nslots / (1 << clusterOrder));
}

/** A swap device of `nslots` free slots (swapon: every byte 0). */
export function swapMapCreate(nslots: number, options: SwapMapOptions = {}): SwapMap {
  const clusterOrder = options.clusterOrder ?? 0;
  if (!Number.isInteger(nslots) || nslots < 1) throw new RangeError(`bad slot count ${nslots}`);
  if (!Number.isInteger(clusterOrder) || clusterOrder < 0 || clusterOrder > 8)
    throw new RangeError(`bad cluster order ${clusterOrder}`);
  if (clusterOrder > 0 && clusterCount(nslots, clusterOrder) > 31)
    throw new RangeError("at most 31 clusters");
  return make(new Array<number>(nslots).fill(0), clusterOrder, 0, options.slotCache === "direct");
}

/** A map with the given raw slot words (for tests and models that build states directly). */
export function swapMapFrom(
  slots: readonly number[],
  options: SwapMapOptions & { huge?: number } = {},
): SwapMap {
  const m = swapMapCreate(slots.length, options);
  for (const w of slots)
    if (!Number.isInteger(w) || w < 0 || w >> PARKED_SHIFT > PARKED_MAX)
      throw new RangeError(`bad slot word ${w}`);
  const huge = options.huge ?? 0;
  const clusters = m.clusterOrder === 0 ? 0 : clusterCount(slots.length, m.clusterOrder);
  if (!Number.isInteger(huge) || huge < 0 || huge >= 2 ** clusters)
    throw new RangeError(`bad huge mask ${huge} for ${clusters} clusters`);
  return make(slots.slice(), m.clusterOrder, huge, m.direct);
}

export function swapMapEquals(a: SwapMap, b: SwapMap): boolean {
  if (a === b) return true;
  if (a.clusterOrder !== b.clusterOrder || a.huge !== b.huge || a.direct !== b.direct) return false;
  if (a.slots.length !== b.slots.length) return false;
  for (let i = 0; i < a.slots.length; i++) if (a.slots[i] !== b.slots[i]) return false;
  return true;
}

// ---------------------------------------------------------------------------
// Reading a slot

function check(map: SwapMap, offset: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset >= map.slots.length)
    throw new RangeError(`swap offset ${offset} outside 0..${map.slots.length - 1}`);
}

/** The kernel's byte `swap_map[offset]` (without the model's parked count). */
export function swapMapValue(map: SwapMap, offset: number): number {
  check(map, offset);
  return map.slots[offset]! & BYTE;
}

/** How many times the slot sits in the per-CPU slot cache (free_swap_slot's slots_ret). */
export function swapMapParked(map: SwapMap, offset: number): number {
  check(map, offset);
  return map.slots[offset]! >> PARKED_SHIFT;
}

/** swap_count(): the byte without SWAP_HAS_CACHE (SWAP_MAP_SHMEM for a shmem slot). */
function countBits(v: number): number {
  return v & ~SWAP_HAS_CACHE & BYTE;
}

export interface SwapSlot {
  /** Swap references (0..SWAP_MAP_MAX); 0 for a shmem slot. */
  cnt: number;
  /** SWAP_MAP_SHMEM: owned by one shmem mapping slot (counts as one reference). */
  shmem: boolean;
  /** SWAP_HAS_CACHE. */
  cache: boolean;
  /** Entries of the per-CPU slot cache naming the slot. */
  parked: number;
}

/** The slot decoded. */
export function swapMapSlot(map: SwapMap, offset: number): SwapSlot {
  const v = swapMapValue(map, offset);
  const c = countBits(v);
  return {
    cnt: c === SWAP_MAP_SHMEM ? 0 : c,
    shmem: c === SWAP_MAP_SHMEM,
    cache: (v & SWAP_HAS_CACHE) !== 0,
    parked: swapMapParked(map, offset),
  };
}

/** Number of slots per cluster (SWAPFILE_CLUSTER). */
export function swapMapClusterSize(map: SwapMap): number {
  return 1 << map.clusterOrder;
}

/** cluster_is_huge() of the cluster holding `offset`. */
export function swapMapHuge(map: SwapMap, offset: number): boolean {
  check(map, offset);
  return map.clusterOrder > 0 && ((map.huge >> (offset >> map.clusterOrder)) & 1) !== 0;
}

/**
 * The slots an order-0 allocation may hand out: value 0 (swap_entry_free
 * done). A parked slot (SWAP_HAS_CACHE) is not among them until
 * `swapcacheFreeEntries` returns it.
 */
export function swapMapFreeSlots(map: SwapMap): number[] {
  const out: number[] = [];
  for (let o = 0; o < map.slots.length; o++) if ((map.slots[o]! & BYTE) === 0) out.push(o);
  return out;
}

/** The slots sitting in the per-CPU slot cache, waiting for swapcache_free_entries. */
export function swapMapParkedSlots(map: SwapMap): number[] {
  const out: number[] = [];
  for (let o = 0; o < map.slots.length; o++) if (map.slots[o]! >> PARKED_SHIFT > 0) out.push(o);
  return out;
}

/** The first slot of each cluster swap_alloc_cluster may take (every slot 0, i.e. a free cluster). */
export function swapMapFreeClusters(map: SwapMap): number[] {
  if (map.clusterOrder === 0) return [];
  const size = swapMapClusterSize(map);
  const out: number[] = [];
  for (let base = 0; base + size <= map.slots.length; base += size) {
    let free = true;
    for (let i = 0; i < size && free; i++) free = (map.slots[base + i]! & BYTE) === 0;
    if (free) out.push(base);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Steps

function step<R>(
  map: SwapMap,
  slots: number[] | null,
  huge: number,
  ret: R,
  bug: string | null = null,
  slotsFreed: readonly number[] = [],
): SwapMapStep<R> {
  if (slots === null && huge === map.huge) return { map, ret, bug, slotsFreed };
  return {
    map: make(slots ?? map.slots.slice(), map.clusterOrder, huge, map.direct),
    ret,
    bug,
    slotsFreed,
  };
}

const hex = (v: number) => `0x${v.toString(16)}`;

/**
 * free_swap_slot() (swap_slots.c:272) on `slots` (a copy being built): park
 * the slot in slots_ret, or, on the direct_free path, swapcache_free_entries
 * → swap_entry_free at once. Returns a bug string or null.
 */
function freeSwapSlot(map: SwapMap, slots: number[], offset: number): string | null {
  if (map.direct) return swapEntryFreeIn(slots, offset);
  const parked = slots[offset]! >> PARKED_SHIFT;
  if (parked >= PARKED_MAX)
    return `free_swap_slot(${offset}): parked ${parked + 1} times (swapcheck keeps at most ${PARKED_MAX})`;
  slots[offset] = slots[offset]! + (1 << PARKED_SHIFT);
  return parked > 0
    ? `free_swap_slot(${offset}): slot already in the slot cache (double free)`
    : null;
}

/** swap_entry_free() (swapfile.c:1307 in v6.6) on a copy: the value must be SWAP_HAS_CACHE. */
function swapEntryFreeIn(slots: number[], offset: number): string | null {
  const v = slots[offset]! & BYTE;
  slots[offset] = slots[offset]! & ~BYTE;
  return v === SWAP_HAS_CACHE
    ? null
    : `swap_entry_free(${offset}): VM_BUG_ON(count != SWAP_HAS_CACHE): count ${hex(v)}`;
}

/**
 * __swap_entry_free_locked() (swapfile.c:1181 in v6.6) on a copy: drop
 * `usage` (1 or SWAP_HAS_CACHE). Returns the kernel's `usage` result (0:
 * the slot was written SWAP_HAS_CACHE and the caller must free_swap_slot)
 * and a bug string.
 */
function entryFreeLocked(
  slots: number[],
  offset: number,
  usage: number,
  caller: string,
): { usage: number; bug: string | null } {
  const word = slots[offset]!;
  let count = word & BYTE;
  let hasCache = count & SWAP_HAS_CACHE;
  count &= ~SWAP_HAS_CACHE;
  let bug: string | null = null;
  if (usage === SWAP_HAS_CACHE) {
    if (!hasCache)
      bug = `${caller}(${offset}): __swap_entry_free_locked: VM_BUG_ON(!has_cache): count ${hex(count)}`;
    hasCache = 0;
  } else if (count === SWAP_MAP_SHMEM) {
    count = 0;
  } else if ((count & ~COUNT_CONTINUED) <= SWAP_MAP_MAX) {
    if (count === 0)
      bug = `${caller}(${offset}): __swap_entry_free_locked: count 0 underflows (the kernel writes ${hex((0xff | hasCache) & BYTE)})`;
    count = (count - 1) & BYTE;
  }
  const result = count | hasCache;
  slots[offset] = (word & ~BYTE) | (result !== 0 ? result : SWAP_HAS_CACHE);
  return { usage: result, bug };
}

/**
 * `_swap_info_get`'s check (unlocked): a slot whose byte is 0 is "Unused
 * swap offset entry" (pr_err, the caller does nothing).
 */
function unused(map: SwapMap, offset: number, fn: string): string | null {
  return (map.slots[offset]! & BYTE) === 0
    ? `${fn}(${offset}): _swap_info_get: Unused swap offset entry (swap_map is 0)`
    : null;
}

/**
 * scan_swap_map_slots() for one slot (swapfile.c:799 in v6.6): the model
 * names the free slot handed out (so that a freed slot can be handed out
 * again). It gets SWAP_HAS_CACHE (`WRITE_ONCE(si->swap_map[offset],
 * usage)`, usage = SWAP_HAS_CACHE). `ret` is n_ret: 1, or 0 when the slot's
 * byte is not 0 (the scanner skips it).
 */
export function scanSwapMapSlots(map: SwapMap, offset: number): SwapMapStep<number> {
  check(map, offset);
  if ((map.slots[offset]! & BYTE) !== 0) return step(map, null, map.huge, 0);
  const slots = map.slots.slice();
  slots[offset] = slots[offset]! | SWAP_HAS_CACHE;
  return step(map, slots, map.huge, 1);
}

/**
 * swap_alloc_cluster() (swapfile.c:1002 in v6.6): a free cluster (every
 * byte 0) starting at `offset` gets SWAP_HAS_CACHE in every slot
 * (`memset(si->swap_map + offset, SWAP_HAS_CACHE, SWAPFILE_CLUSTER)`) and
 * CLUSTER_FLAG_HUGE. `ret` 1, or 0 (the cluster is not free, `offset` is
 * not a cluster's first slot, or the map has no clusters).
 */
export function swapAllocCluster(map: SwapMap, offset: number): SwapMapStep<number> {
  check(map, offset);
  if (!swapMapFreeClusters(map).includes(offset)) return step(map, null, map.huge, 0);
  const slots = map.slots.slice();
  for (let i = 0; i < swapMapClusterSize(map); i++)
    slots[offset + i] = slots[offset + i]! | SWAP_HAS_CACHE;
  return step(map, slots, map.huge | (1 << (offset >> map.clusterOrder)), 1);
}

/**
 * folio_alloc_swap() (swap_slots.c:302) → get_swap_pages() for a folio of
 * `order` at the slot the model chose: order 0 → scan_swap_map_slots;
 * order == clusterOrder → swap_alloc_cluster (v6.6: a large folio gets swap
 * only as one whole cluster); any other order fails, as in v6.6 (the
 * caller splits the folio). `ret` is the entry's first slot, or null
 * (entry.val = 0).
 */
export function folioAllocSwap(
  map: SwapMap,
  order: number,
  offset: number,
): SwapMapStep<number | null> {
  let r: SwapMapStep<number>;
  if (order === 0) r = scanSwapMapSlots(map, offset);
  else if (map.clusterOrder > 0 && order === map.clusterOrder) r = swapAllocCluster(map, offset);
  else return step(map, null, map.huge, null);
  return { ...r, ret: r.ret === 1 ? offset : null };
}

/**
 * __swap_duplicate(entry, usage) (swapfile.c:3268 in v6.6), one locked step.
 * Returns the error: 0; -ENOENT when the byte is 0 (neither count nor
 * cache; the kernel writes the value back unchanged); -EINVAL on a shmem
 * slot with usage 1 (its count is above SWAP_MAP_MAX); with usage
 * SWAP_HAS_CACHE -EEXIST when the cache bit is set, -ENOENT when the count is 0.
 */
function swapDuplicateUsage(map: SwapMap, offset: number, usage: number, fn: string) {
  check(map, offset);
  const word = map.slots[offset]!;
  let count = word & BYTE;
  let hasCache = count & SWAP_HAS_CACHE;
  count &= ~SWAP_HAS_CACHE;
  let err = 0;
  let bug: string | null = null;
  if (usage === SWAP_HAS_CACHE) {
    if (!hasCache && count) hasCache = SWAP_HAS_CACHE;
    else if (hasCache) err = EEXIST;
    else err = ENOENT;
  } else if (count || hasCache) {
    if ((count & ~COUNT_CONTINUED) < SWAP_MAP_MAX) {
      if (usage === SWAP_MAP_SHMEM && count !== 0)
        bug = `${fn}(${offset}): count ${count} is not 0 (the kernel adds SWAP_MAP_SHMEM to it)`;
      else count += usage;
    } else if ((count & ~COUNT_CONTINUED) > SWAP_MAP_MAX) err = EINVAL;
    else {
      err = ENOMEM;
      bug = `${fn}(${offset}): count at SWAP_MAP_MAX needs a continuation page (COUNT_CONTINUED is not modelled)`;
    }
  } else err = ENOENT;
  const value = count | hasCache;
  if (value === (word & BYTE)) return step(map, null, map.huge, err, bug);
  const slots = map.slots.slice();
  slots[offset] = (word & ~BYTE) | value;
  return step(map, slots, map.huge, err, bug);
}

/**
 * swap_duplicate() (swapfile.c:3343 in v6.6): a PTE (try_to_unmap_one,
 * fork) takes the entry: count + 1. `ret` is __swap_duplicate's error (0,
 * -ENOENT when neither count nor cache, -EINVAL on a shmem slot);
 * swap_duplicate itself returns 0 for both of those.
 */
export function swapDuplicate(map: SwapMap, offset: number): SwapMapStep<number> {
  return swapDuplicateUsage(map, offset, 1, "swap_duplicate");
}

/**
 * swapcache_prepare() (swapfile.c:3360 in v6.6): `!cache && cnt` → set the
 * cache bit, 0; cache bit set (a folio, a thread setting one up or
 * tearing it down, or a parked slot) → -EEXIST; no count → -ENOENT.
 */
export function swapcachePrepare(map: SwapMap, offset: number): SwapMapStep<number> {
  return swapDuplicateUsage(map, offset, SWAP_HAS_CACHE, "swapcache_prepare");
}

/**
 * swap_shmem_alloc() (swapfile.c:3331 in v6.6): shmem_writepage marks a
 * freshly allocated slot (cnt 0 + cache) as owned by shmem: the count
 * becomes SWAP_MAP_SHMEM. `ret` is __swap_duplicate's error (the kernel
 * ignores it): -ENOENT on a free slot, -EINVAL on a slot already shmem.
 */
export function swapShmemAlloc(map: SwapMap, offset: number): SwapMapStep<number> {
  return swapDuplicateUsage(map, offset, SWAP_MAP_SHMEM, "swap_shmem_alloc");
}

/**
 * __swap_entry_free() (swapfile.c:1291 in v6.6): under the lock,
 * __swap_entry_free_locked(o, 1) (shmem → 0, else count - 1); when the
 * value would become 0, SWAP_HAS_CACHE is written instead and, after the
 * unlock, free_swap_slot parks the slot (or, direct, frees it). `ret` is
 * the new `count | has_cache` (0: freed; SWAP_HAS_CACHE: only the cache
 * holds it). Does not check for an unused slot: see `swapFree`.
 */
export function swapEntryFree(map: SwapMap, offset: number): SwapMapStep<number> {
  check(map, offset);
  return freeLocked(map, offset, 1, "__swap_entry_free");
}

function freeLocked(map: SwapMap, offset: number, usage: number, fn: string): SwapMapStep<number> {
  const slots = map.slots.slice();
  const r = entryFreeLocked(slots, offset, usage, fn);
  let bug = r.bug;
  let freed: number[] = [];
  if (r.usage === 0) {
    const parkBug = freeSwapSlot(map, slots, offset);
    bug ??= parkBug;
    freed = [offset];
  }
  return step(map, slots, map.huge, r.usage, bug, freed);
}

/**
 * swap_free() (swapfile.c:1328 in v6.6): `_swap_info_get` (a byte of 0:
 * "Unused swap offset entry", nothing done) then __swap_entry_free. A PTE
 * or shmem slot drops the entry (do_swap_page, unuse_pte,
 * shmem_swapin_folio). `ret` as `swapEntryFree` (0 when unused).
 */
export function swapFree(map: SwapMap, offset: number): SwapMapStep<number> {
  check(map, offset);
  const bug = unused(map, offset, "swap_free");
  if (bug !== null) return step(map, null, map.huge, 0, bug);
  return freeLocked(map, offset, 1, "swap_free");
}

/**
 * swapcache_clear() (v6.8 / 6.6.57, 13ddaf26be32; Debian 6.1's backport
 * followed): __swap_entry_free_locked(o, SWAP_HAS_CACHE) clears the cache
 * bit (VM_BUG_ON(!has_cache)); if the value becomes 0, free_swap_slot.
 * `ret` as `swapEntryFree`.
 */
export function swapcacheClear(map: SwapMap, offset: number): SwapMapStep<number> {
  check(map, offset);
  return freeLocked(map, offset, SWAP_HAS_CACHE, "swapcache_clear");
}

/**
 * swapcache_free_entries() → swap_entry_free() (swapfile.c:1307 in v6.6)
 * for one slot of the per-CPU slot cache: the slot leaves slots_ret and its
 * byte goes to 0 (VM_BUG_ON(count != SWAP_HAS_CACHE)); only now can it be
 * allocated again. A model calls it as its own step (the slot cache
 * flushes when full, or on swapoff). Throws if the slot is not parked: a
 * model error, not a kernel state.
 */
export function swapcacheFreeEntries(map: SwapMap, offset: number): SwapMapStep<undefined> {
  check(map, offset);
  if (map.slots[offset]! >> PARKED_SHIFT === 0)
    throw new Error(`swapcache_free_entries: slot ${offset} is not in the slot cache`);
  const slots = map.slots.slice();
  slots[offset] = slots[offset]! - (1 << PARKED_SHIFT);
  const bug = swapEntryFreeIn(slots, offset);
  return step(map, slots, map.huge, undefined, bug);
}

/**
 * put_swap_folio(folio, entry) (swapfile.c:1340 in v6.6) for a folio of
 * `nrPages` pages at `offset`, after it left the swap cache (or failed to
 * enter it). A whole cluster (nrPages == SWAPFILE_CLUSTER): VM_BUG_ON
 * unless the cluster is huge and every slot has the cache bit; the huge
 * flag is cleared; if every slot is exactly SWAP_HAS_CACHE, swap_free_cluster
 * sets them all to 0 at once (not through the slot cache). Otherwise each
 * slot in turn: __swap_entry_free_locked(o, SWAP_HAS_CACHE), free_swap_slot
 * for each that became free. One step: the kernel drops the lock only
 * between freed slots, around free_swap_slot, which takes no swap-map lock.
 */
export function putSwapFolio(
  map: SwapMap,
  offset: number,
  nrPages: number,
): SwapMapStep<undefined> {
  check(map, offset);
  check(map, offset + nrPages - 1);
  const slots = map.slots.slice();
  let huge = map.huge;
  let bug: string | null = null;
  if (nrPages > 1 && map.clusterOrder > 0 && nrPages === swapMapClusterSize(map)) {
    if (!swapMapHuge(map, offset))
      bug = `put_swap_folio(${offset}): VM_BUG_ON(!cluster_is_huge(ci))`;
    let free = 0;
    for (let i = 0; i < nrPages; i++) {
      const v = slots[offset + i]! & BYTE;
      if (!(v & SWAP_HAS_CACHE))
        bug ??= `put_swap_folio(${offset}): VM_BUG_ON(!(val & SWAP_HAS_CACHE)) at slot ${offset + i}`;
      if (v === SWAP_HAS_CACHE) free++;
    }
    huge &= ~(1 << (offset >> map.clusterOrder));
    if (free === nrPages) {
      // swap_free_cluster(): memset(si->swap_map + offset, 0, SWAPFILE_CLUSTER).
      for (let i = 0; i < nrPages; i++) slots[offset + i] = slots[offset + i]! & ~BYTE;
      return step(map, slots, huge, undefined, bug);
    }
  }
  const freed: number[] = [];
  for (let i = 0; i < nrPages; i++) {
    const r = entryFreeLocked(slots, offset + i, SWAP_HAS_CACHE, "put_swap_folio");
    bug ??= r.bug;
    if (r.usage === 0) {
      const parkBug = freeSwapSlot(map, slots, offset + i);
      bug ??= parkBug;
      freed.push(offset + i);
    }
  }
  return step(map, slots, huge, undefined, bug, freed);
}

/**
 * split_swap_cluster() (THP split of a folio in the swap cache): clear
 * CLUSTER_FLAG_HUGE of the cluster holding `offset`.
 */
export function splitSwapCluster(map: SwapMap, offset: number): SwapMapStep<number> {
  check(map, offset);
  if (map.clusterOrder === 0) return step(map, null, map.huge, 0);
  return step(map, null, map.huge & ~(1 << (offset >> map.clusterOrder)), 0);
}

/**
 * __swap_count() (swapfile.c:1439 in v6.6): swap_count(swap_map[o]), an
 * unlocked read (the skip-swapcache test `__swap_count(entry) == 1`).
 * SWAP_MAP_SHMEM (0xbf) for a shmem slot, as in the kernel.
 */
export function swapCount(map: SwapMap, offset: number): number {
  return countBits(swapMapValue(map, offset));
}

/**
 * swap_page_trans_huge_swapped() (swapfile.c:1510 in v6.6), one locked
 * read: in a huge cluster, whether any of its slots has a count (shmem
 * counts); otherwise whether slot `offset` has one. (6.12 takes the
 * folio's order instead of the huge flag.)
 */
export function swapPageTransHugeSwapped(map: SwapMap, offset: number): boolean {
  check(map, offset);
  if (!swapMapHuge(map, offset)) return countBits(map.slots[offset]! & BYTE) !== 0;
  const size = swapMapClusterSize(map);
  const base = offset & ~(size - 1);
  for (let i = 0; i < size; i++) if (countBits(map.slots[base + i]! & BYTE) !== 0) return true;
  return false;
}

/**
 * folio_swapped() (swapfile.c:1537 in v6.6) for a folio of `nrPages` at
 * `offset`: order 0 → swap_swapcount(entry) != 0; large →
 * swap_page_trans_huge_swapped. False for an unused slot (_swap_info_get).
 */
export function folioSwapped(map: SwapMap, offset: number, nrPages: number): boolean {
  check(map, offset);
  if ((map.slots[offset]! & BYTE) === 0) return false;
  if (nrPages === 1) return countBits(map.slots[offset]! & BYTE) !== 0;
  return swapPageTransHugeSwapped(map, offset);
}

/**
 * The count part of free_swap_and_cache() (swapfile.c:1598 in v6.6):
 * `_swap_info_get`, `count = __swap_entry_free(p, entry)`, and whether the
 * caller goes on to `__try_to_reclaim_swap` (count == SWAP_HAS_CACHE and
 * !swap_page_trans_huge_swapped). Two locked steps in the kernel; a model
 * that needs the gap calls `swapEntryFree` and `swapPageTransHugeSwapped`.
 */
export function freeSwapAndCacheCount(
  map: SwapMap,
  offset: number,
): SwapMapStep<{ count: number; reclaim: boolean }> {
  check(map, offset);
  const bug = unused(map, offset, "free_swap_and_cache");
  if (bug !== null) return step(map, null, map.huge, { count: 0, reclaim: false }, bug);
  const r = freeLocked(map, offset, 1, "free_swap_and_cache");
  const reclaim = r.ret === SWAP_HAS_CACHE && !swapPageTransHugeSwapped(r.map, offset);
  return { ...r, ret: { count: r.ret, reclaim } };
}

// ---------------------------------------------------------------------------
// Encoding and reports

/**
 * Canonical, injective integer encoding: the slot count, the cluster order
 * and slot-cache mode, the huge mask, then each slot word (kernel byte and
 * parked count).
 */
export function swapMapEncode(map: SwapMap, out: number[]): void {
  out.push(map.slots.length, (map.clusterOrder << 1) | (map.direct ? 1 : 0), map.huge);
  for (const w of map.slots) out.push(w);
}

/** The slot's value in kernel words, e.g. `cnt 1 +cache`, `free`, `shmem`, `cnt 0 +cache parked`. */
export function swapSlotWords(map: SwapMap, offset: number): string {
  const s = swapMapSlot(map, offset);
  const v = swapMapValue(map, offset);
  let w: string;
  if (v === 0) w = "free";
  else if ((countBits(v) & ~COUNT_CONTINUED) > SWAP_MAP_MAX && !s.shmem) w = `value ${hex(v)}`;
  else w = `${s.shmem ? "shmem" : `cnt ${s.cnt}`}${s.cache ? " +cache" : ""}`;
  if (s.parked === 1) w += " parked";
  else if (s.parked > 1) w += ` parked ×${s.parked}`;
  return w;
}

/** One slot for reports: `slot 4: cnt 1 +cache`. */
export function swapMapDescribeSlot(map: SwapMap, offset: number): string {
  return `slot ${offset}: ${swapSlotWords(map, offset)}`;
}

/** The whole map: every slot that is not free, then the huge clusters; `all free` if none. */
export function swapMapDescribe(map: SwapMap): string {
  const parts: string[] = [];
  for (let o = 0; o < map.slots.length; o++)
    if (map.slots[o] !== 0) parts.push(swapMapDescribeSlot(map, o));
  const size = swapMapClusterSize(map);
  for (let c = 0; map.clusterOrder > 0 && c * size < map.slots.length; c++)
    if ((map.huge >> c) & 1) parts.push(`cluster ${c * size}..${c * size + size - 1} huge`);
  return parts.join(", ") || "all free";
}

/** What changed, e.g. `slot 4: cnt 0 +cache→cnt 1 +cache, cluster 0..3 huge→-`; "" if nothing. */
export function swapMapDiff(before: SwapMap, after: SwapMap): string {
  const parts: string[] = [];
  const n = Math.min(before.slots.length, after.slots.length);
  for (let o = 0; o < n; o++)
    if (before.slots[o] !== after.slots[o])
      parts.push(`slot ${o}: ${swapSlotWords(before, o)}→${swapSlotWords(after, o)}`);
  if (before.clusterOrder === after.clusterOrder && before.clusterOrder > 0) {
    const size = swapMapClusterSize(before);
    for (let c = 0; c * size < n; c++) {
      const a = (before.huge >> c) & 1;
      const b = (after.huge >> c) & 1;
      if (a !== b)
        parts.push(`cluster ${c * size}..${c * size + size - 1} ${a ? "huge→-" : "-→huge"}`);
    }
  }
  return parts.join(", ");
}

// ---------------------------------------------------------------------------
// The swap-map invariant's predicate

/** Who holds each slot, as a model computes it. Slots not mentioned hold nothing. */
export interface SwapHolders {
  /** ptes[o]: number of PTEs holding swp_entry(o). */
  readonly ptes: ArrayLike<number>;
  /** Slots a shmem mapping slot holds (each counts as SWAP_MAP_SHMEM). */
  readonly shmem: ReadonlySet<number>;
  /** Slots the swap cache (the XArray) points to a folio at. */
  readonly folios: ReadonlySet<number>;
  /**
   * Slots a thread holds the cache bit of without a folio in the XArray:
   * folio_alloc_swap / swapcache_prepare .. add_to_swap_cache,
   * __delete_from_swap_cache .. put_swap_folio, a skip-swapcache swap-in's
   * swapcache_prepare .. swapcache_clear.
   */
  readonly pending: ReadonlySet<number>;
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;

/**
 * The first slot whose map disagrees with its holders, in one line, or
 * null (§A.4 S1, S3, S4, S5 and S2 up to the windows given in `pending`).
 * Check it where no swap-map lock, PTL or XArray lock is held.
 */
export function swapMapHoldersMismatch(map: SwapMap, holders: SwapHolders): string | null {
  for (let o = 0; o < map.slots.length; o++) {
    const v = map.slots[o]! & BYTE;
    const s = swapMapSlot(map, o);
    const ptes = holders.ptes[o] ?? 0;
    const shmem = holders.shmem.has(o);
    const folio = holders.folios.has(o);
    const pending = holders.pending.has(o);
    const held = ptes > 0 ? plural(ptes, "PTE") + (ptes === 1 ? " holds it" : " hold it") : "";
    if (s.parked > 1)
      return `slot ${o}: in the slot cache ${s.parked} times (free_swap_slot twice)`;
    if (s.parked === 1 && v !== SWAP_HAS_CACHE)
      return `slot ${o}: in the slot cache (free_swap_slot) but its value is ${swapSlotWords(map, o)}`;
    if (v === 0) {
      if (ptes > 0) return `slot ${o}: free but ${held}`;
      if (shmem) return `slot ${o}: free but a shmem slot holds it`;
      if (folio) return `slot ${o}: free but a folio is in the swap cache`;
      if (pending) return `slot ${o}: free but a thread holds its cache bit`;
      continue;
    }
    if ((countBits(v) & ~COUNT_CONTINUED) > SWAP_MAP_MAX && !s.shmem)
      return `slot ${o}: value ${hex(v)} (count beyond SWAP_MAP_MAX)`;
    if (s.shmem) {
      if (!shmem) return `slot ${o}: shmem-owned but no shmem slot holds it`;
      if (ptes > 0) return `slot ${o}: shmem-owned but ${held}`;
    } else {
      if (shmem) return `slot ${o}: a shmem slot holds it but its count is ${s.cnt}, not shmem`;
      if (s.cnt !== ptes)
        return `slot ${o}: count ${s.cnt} but ${ptes === 0 ? "no PTE holds it" : held}`;
    }
    if (s.parked === 1) {
      if (folio)
        return `slot ${o}: in the slot cache (free_swap_slot) but a folio is in the swap cache`;
      if (pending)
        return `slot ${o}: in the slot cache (free_swap_slot) but a thread holds its cache bit`;
      continue;
    }
    if (folio && !s.cache)
      return `slot ${o}: a folio is in the swap cache but the cache bit is clear`;
    if (s.cache && !folio && !pending)
      return `slot ${o}: cache bit set, no folio and no thread in swapcache_prepare..add_to_swap_cache`;
  }
  const size = swapMapClusterSize(map);
  for (let c = 0; map.clusterOrder > 0 && c * size < map.slots.length; c++) {
    if (!((map.huge >> c) & 1)) continue;
    for (let i = c * size; i < (c + 1) * size && i < map.slots.length; i++)
      if (!(map.slots[i]! & SWAP_HAS_CACHE))
        return `cluster ${c * size}..${c * size + size - 1}: huge but slot ${i} has no cache bit`;
  }
  return null;
}
