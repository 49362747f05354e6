import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  EEXIST,
  EINVAL,
  ENOENT,
  ENOMEM,
  folioAllocSwap,
  folioSwapped,
  freeSwapAndCacheCount,
  putSwapFolio,
  SWAP_HAS_CACHE,
  SWAP_MAP_MAX,
  SWAP_MAP_SHMEM,
  type SwapHolders,
  type SwapMap,
  type SwapMapStep,
  scanSwapMapSlots,
  splitSwapCluster,
  swapAllocCluster,
  swapCount,
  swapcacheClear,
  swapcacheFreeEntries,
  swapcachePrepare,
  swapDuplicate,
  swapEntryFree,
  swapFree,
  swapMapCreate,
  swapMapDescribe,
  swapMapDescribeSlot,
  swapMapDiff,
  swapMapEncode,
  swapMapEquals,
  swapMapFreeClusters,
  swapMapFreeSlots,
  swapMapFrom,
  swapMapHoldersMismatch,
  swapMapHuge,
  swapMapParked,
  swapMapParkedSlots,
  swapMapSlot,
  swapMapValue,
  swapPageTransHugeSwapped,
  swapShmemAlloc,
} from "../../src/kernel/swap-map.js";

const C = SWAP_HAS_CACHE;
const PARKED = 1 << 8;

/** A map of raw kernel bytes (plus parked words), 8 slots, clusters of 4. */
const at = (words: number[], opts: { huge?: number; direct?: boolean } = {}) =>
  swapMapFrom(words, {
    clusterOrder: 2,
    huge: opts.huge ?? 0,
    slotCache: opts.direct ? "direct" : "park",
  });

/** Value of slot 0 of a one-slot-changed map. */
const v0 = (m: SwapMap) => m.slots[0];

/** Apply steps in turn, expecting no bug. */
function run(map: SwapMap, ...steps: ((m: SwapMap) => SwapMapStep<unknown>)[]): SwapMap {
  for (const s of steps) {
    const r = s(map);
    expect(r.bug).toBeNull();
    map = r.map;
  }
  return map;
}

describe("swapMapCreate / decoding", () => {
  it("swapon: every byte 0, no huge cluster", () => {
    const m = swapMapCreate(8, { clusterOrder: 2 });
    expect(m.slots).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(swapMapFreeSlots(m)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(swapMapFreeClusters(m)).toEqual([0, 4]);
    expect(Object.isFrozen(m) && Object.isFrozen(m.slots)).toBe(true);
    expect(() => swapMapCreate(0)).toThrow(RangeError);
    expect(() => swapValueOutside()).toThrow(RangeError);
    expect(swapMapCreate(64).slots.length).toBe(64); // no clusters, no limit of 31
    expect(() => swapMapCreate(128, { clusterOrder: 2 })).toThrow(/31 clusters/);
    expect(() => swapMapFrom([0, 0], { huge: 1 })).toThrow(/huge mask/);
    expect(() => swapMapFrom([0, 0, 0, 0, 0], { clusterOrder: 2, huge: 4 })).toThrow(/huge mask/);
    expect(() => swapMapFrom([0x400])).toThrow(/slot word/);
  });

  it("decodes count, SWAP_MAP_SHMEM, SWAP_HAS_CACHE and the parked count", () => {
    const m = at([0, 2 | C, SWAP_MAP_SHMEM, SWAP_MAP_SHMEM | C, C | PARKED, 1, 0, 0]);
    expect(swapMapSlot(m, 0)).toEqual({ cnt: 0, shmem: false, cache: false, parked: 0 });
    expect(swapMapSlot(m, 1)).toEqual({ cnt: 2, shmem: false, cache: true, parked: 0 });
    expect(swapMapSlot(m, 2)).toEqual({ cnt: 0, shmem: true, cache: false, parked: 0 });
    expect(swapMapSlot(m, 3)).toEqual({ cnt: 0, shmem: true, cache: true, parked: 0 });
    expect(swapMapSlot(m, 4)).toEqual({ cnt: 0, shmem: false, cache: true, parked: 1 });
    expect(swapMapValue(m, 4)).toBe(C);
    expect(swapMapParked(m, 4)).toBe(1);
    expect(swapMapParkedSlots(m)).toEqual([4]);
  });
});

function swapValueOutside() {
  return swapMapValue(swapMapCreate(2), 2);
}

describe("allocation (scan_swap_map_slots, swap_alloc_cluster, folio_alloc_swap)", () => {
  it("scan_swap_map_slots: 'WRITE_ONCE(si->swap_map[offset], usage)' gives a free slot SWAP_HAS_CACHE", () => {
    const r = scanSwapMapSlots(at([0, 0, 0, 0, 0, 0, 0, 0]), 5);
    expect(r.ret).toBe(1);
    expect(r.map.slots[5]).toBe(C);
    expect(swapMapDescribeSlot(r.map, 5)).toBe("slot 5: cnt 0 +cache");
  });

  it.each([
    ["in use", 1],
    ["cache only", C],
    ["parked in the slot cache", C | PARKED],
    ["shmem", SWAP_MAP_SHMEM],
  ])("scan_swap_map_slots: 'if (si->swap_map[offset])' skips a slot %s", (_, w) => {
    const m = at([w, 0, 0, 0, 0, 0, 0, 0]);
    const r = scanSwapMapSlots(m, 0);
    expect(r.ret).toBe(0);
    expect(r.map).toBe(m);
  });

  it("swap_alloc_cluster: 'memset(si->swap_map + offset, SWAP_HAS_CACHE, SWAPFILE_CLUSTER)' and CLUSTER_FLAG_HUGE", () => {
    const r = swapAllocCluster(at([0, 0, 0, 0, 0, 0, 0, 0]), 4);
    expect(r.ret).toBe(1);
    expect(r.map.slots).toEqual([0, 0, 0, 0, C, C, C, C]);
    expect(swapMapHuge(r.map, 5)).toBe(true);
    expect(swapMapHuge(r.map, 1)).toBe(false);
    expect(swapMapDescribe(r.map)).toBe(
      "slot 4: cnt 0 +cache, slot 5: cnt 0 +cache, slot 6: cnt 0 +cache, slot 7: cnt 0 +cache, cluster 4..7 huge",
    );
  });

  it("swap_alloc_cluster: only a free cluster ('cluster_list_first(&si->free_clusters)'), at its first slot", () => {
    const m = at([0, 0, C | PARKED, 0, 0, 0, 0, 0]);
    expect(swapMapFreeClusters(m)).toEqual([4]);
    expect(swapAllocCluster(m, 0).ret).toBe(0);
    expect(swapAllocCluster(m, 5).ret).toBe(0);
    expect(swapAllocCluster(m, 4).ret).toBe(1);
  });

  it("folio_alloc_swap: order 0 → scan, the cluster's order → swap_alloc_cluster, other orders fail (v6.6 splits)", () => {
    const m = at([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(folioAllocSwap(m, 0, 3).ret).toBe(3);
    expect(folioAllocSwap(m, 2, 4).ret).toBe(4);
    expect(folioAllocSwap(m, 2, 4).map.huge).toBe(0b10);
    expect(folioAllocSwap(m, 1, 4).ret).toBeNull();
    expect(folioAllocSwap(m, 1, 4).map).toBe(m);
    expect(folioAllocSwap(scanSwapMapSlots(m, 3).map, 0, 3).ret).toBeNull();
  });
});

describe("__swap_duplicate: swap_duplicate, swapcache_prepare, swap_shmem_alloc", () => {
  it.each([
    // [name, before, after, ret]
    ["swap_duplicate: cache only → 'count += usage'", C, 1 | C, 0],
    ["swap_duplicate: count 1 +cache → 2 +cache", 1 | C, 2 | C, 0],
    ["swap_duplicate: count 1, no cache → 2", 1, 2, 0],
    ["swap_duplicate: free → '-ENOENT; /* unused swap entry */'", 0, 0, ENOENT],
    [
      "swap_duplicate: shmem → -EINVAL (count above SWAP_MAP_MAX)",
      SWAP_MAP_SHMEM,
      SWAP_MAP_SHMEM,
      EINVAL,
    ],
  ])("%s", (_, before, after, ret) => {
    const r = swapDuplicate(at([before, 0, 0, 0, 0, 0, 0, 0]), 0);
    expect([v0(r.map), r.ret, r.bug]).toEqual([after, ret, null]);
  });

  it.each([
    ["'if (!has_cache && count)' sets the cache bit", 1, 1 | C, 0],
    ["shmem slot without cache: sets it", SWAP_MAP_SHMEM, SWAP_MAP_SHMEM | C, 0],
    ["'else if (has_cache) /* someone else added cache */' → -EEXIST", 1 | C, 1 | C, EEXIST],
    ["cache only (allocated or being torn down) → -EEXIST", C, C, EEXIST],
    ["parked slot (value SWAP_HAS_CACHE) → -EEXIST", C | PARKED, C | PARKED, EEXIST],
    ["'else /* no users remaining */' → -ENOENT", 0, 0, ENOENT],
  ])("swapcache_prepare: %s", (_, before, after, ret) => {
    const r = swapcachePrepare(at([before, 0, 0, 0, 0, 0, 0, 0]), 0);
    expect([v0(r.map), r.ret, r.bug]).toEqual([after, ret, null]);
  });

  it.each([
    ["a fresh slot (cnt 0 +cache) becomes SWAP_MAP_SHMEM", C, SWAP_MAP_SHMEM | C, 0],
    ["a free slot: -ENOENT", 0, 0, ENOENT],
    ["already shmem: -EINVAL", SWAP_MAP_SHMEM | C, SWAP_MAP_SHMEM | C, EINVAL],
  ])("swap_shmem_alloc: %s", (_, before, after, ret) => {
    const r = swapShmemAlloc(at([before, 0, 0, 0, 0, 0, 0, 0]), 0);
    expect([v0(r.map), r.ret, r.bug]).toEqual([after, ret, null]);
    if (after === (SWAP_MAP_SHMEM | C))
      expect(swapMapDescribeSlot(r.map, 0)).toBe("slot 0: shmem +cache");
  });

  it("swap_duplicate at SWAP_MAP_MAX needs COUNT_CONTINUED: -ENOMEM, reported as unmodelled", () => {
    const r = swapDuplicate(at([SWAP_MAP_MAX, 0, 0, 0, 0, 0, 0, 0]), 0);
    expect(r.ret).toBe(ENOMEM);
    expect(r.bug).toMatch(/swap_duplicate\(0\): count at SWAP_MAP_MAX.*COUNT_CONTINUED/);
    expect(v0(r.map)).toBe(SWAP_MAP_MAX);
  });
});

describe("__swap_entry_free_locked: swap_free, swapcache_clear, free_swap_and_cache", () => {
  it.each([
    // [name, before, after (parking), ret, freed]
    ["count 2 → 1", 2, 1, 1, []],
    ["count 1 +cache → cache only ('usage = count | has_cache')", 1 | C, C, C, []],
    [
      "count 1 → 0: 'WRITE_ONCE(p->swap_map[offset], SWAP_HAS_CACHE)', free_swap_slot parks it",
      1,
      C | PARKED,
      0,
      [0],
    ],
    ["shmem: 'count == SWAP_MAP_SHMEM' → 0, cache stays", SWAP_MAP_SHMEM | C, C, C, []],
    ["shmem without cache → freed", SWAP_MAP_SHMEM, C | PARKED, 0, [0]],
  ])("swap_free: %s", (_, before, after, ret, freed) => {
    const r = swapFree(at([before, 0, 0, 0, 0, 0, 0, 0]), 0);
    expect([v0(r.map), r.ret, r.bug, r.slotsFreed]).toEqual([after, ret, null, freed]);
  });

  it("swap_free with the slot cache off (direct_free): swapcache_free_entries at once, value 0", () => {
    const r = swapFree(at([1, 0, 0, 0, 0, 0, 0, 0], { direct: true }), 0);
    expect([v0(r.map), r.ret, r.bug, r.slotsFreed]).toEqual([0, 0, null, [0]]);
    expect(swapMapFreeSlots(r.map)).toContain(0);
  });

  it("swapcache_free_entries → swap_entry_free: 'p->swap_map[offset] = 0'; only then can the slot be allocated", () => {
    const parked = swapFree(at([1, 0, 0, 0, 0, 0, 0, 0]), 0).map;
    expect(swapMapFreeSlots(parked)).not.toContain(0);
    expect(scanSwapMapSlots(parked, 0).ret).toBe(0);
    const r = swapcacheFreeEntries(parked, 0);
    expect([v0(r.map), r.bug]).toEqual([0, null]);
    expect(scanSwapMapSlots(r.map, 0).ret).toBe(1);
    expect(() => swapcacheFreeEntries(r.map, 0)).toThrow(/not in the slot cache/);
  });

  it.each([
    ["count 0 +cache → 0: freed ('if (!usage) free_swap_slot(entry)')", C, C | PARKED, 0, [0]],
    ["count 1 +cache → count 1", 1 | C, 1, 1, []],
    ["shmem +cache → shmem", SWAP_MAP_SHMEM | C, SWAP_MAP_SHMEM, SWAP_MAP_SHMEM, []],
  ])("swapcache_clear: %s", (_, before, after, ret, freed) => {
    const r = swapcacheClear(at([before, 0, 0, 0, 0, 0, 0, 0]), 0);
    expect([v0(r.map), r.ret, r.bug, r.slotsFreed]).toEqual([after, ret, null, freed]);
  });

  it.each([
    [
      "count 1 +cache, order 0: 'count == SWAP_HAS_CACHE && !swap_page_trans_huge_swapped' → reclaim",
      [1 | C, 0, 0, 0],
      0,
      0,
      { count: C, reclaim: true },
    ],
    ["count 2 +cache: no reclaim", [2 | C, 0, 0, 0], 0, 0, { count: 1 | C, reclaim: false }],
    ["count 1, no cache: freed, no reclaim", [1, 0, 0, 0], 0, 0, { count: 0, reclaim: false }],
    [
      "huge cluster, another slot still counted: no reclaim",
      [1 | C, 1 | C, C, C],
      0,
      1,
      { count: C, reclaim: false },
    ],
    ["huge cluster, the last count: reclaim", [C, C, C, 1 | C], 3, 1, { count: C, reclaim: true }],
  ])("free_swap_and_cache: %s", (_, words, o, huge, ret) => {
    const r = freeSwapAndCacheCount(at([...words, 0, 0, 0, 0], { huge }), o);
    expect([r.ret, r.bug]).toEqual([ret, null]);
  });

  it("__swap_entry_free returns what free_swap_and_cache tests, without _swap_info_get's check", () => {
    const r = swapEntryFree(at([2 | C, 0, 0, 0, 0, 0, 0, 0]), 0);
    expect([v0(r.map), r.ret]).toEqual([1 | C, 1 | C]);
  });
});

describe("put_swap_folio", () => {
  it("order 0: clears the cache bit; 'if (!__swap_entry_free_locked(...)) free_swap_slot(entry)'", () => {
    const r = putSwapFolio(at([C, 1 | C, 0, 0, 0, 0, 0, 0]), 0, 1);
    expect([r.map.slots.slice(0, 2), r.slotsFreed, r.bug]).toEqual([
      [C | PARKED, 1 | C],
      [0],
      null,
    ]);
    const r1 = putSwapFolio(r.map, 1, 1);
    expect([r1.map.slots[1], r1.slotsFreed, r1.bug]).toEqual([1, [], null]);
  });

  it("a whole huge cluster, every slot 'val == SWAP_HAS_CACHE': swap_free_cluster, memset 0 without the slot cache", () => {
    const r = putSwapFolio(at([C, C, C, C, 0, 0, 0, 0], { huge: 1 }), 0, 4);
    expect([r.map.slots, r.map.huge, r.slotsFreed, r.bug]).toEqual([
      [0, 0, 0, 0, 0, 0, 0, 0],
      0,
      [],
      null,
    ]);
    expect(swapMapFreeClusters(r.map)).toEqual([0, 4]);
  });

  it("a whole huge cluster with counts left: 'cluster_clear_huge(ci)', then slot by slot", () => {
    const r = putSwapFolio(
      at([C, 1 | C, SWAP_MAP_SHMEM | C, 2 | C, 0, 0, 0, 0], { huge: 1 }),
      0,
      4,
    );
    expect(r.map.slots.slice(0, 4)).toEqual([C | PARKED, 1, SWAP_MAP_SHMEM, 2]);
    expect([r.map.huge, r.slotsFreed, r.bug]).toEqual([0, [0], null]);
    expect(
      swapMapDiff(at([C, 1 | C, SWAP_MAP_SHMEM | C, 2 | C, 0, 0, 0, 0], { huge: 1 }), r.map),
    ).toBe(
      "slot 0: cnt 0 +cache→cnt 0 +cache parked, slot 1: cnt 1 +cache→cnt 1, slot 2: shmem +cache→shmem, slot 3: cnt 2 +cache→cnt 2, cluster 0..3 huge→-",
    );
  });

  it("split_swap_cluster: 'cluster_clear_huge(ci)'; the folio's pages are then put one by one", () => {
    const m = at([C, C, C, C, 0, 0, 0, 0], { huge: 1 });
    const split = splitSwapCluster(m, 2).map;
    expect(split.huge).toBe(0);
    const r = putSwapFolio(split, 2, 1);
    expect([r.map.slots[2], r.bug]).toEqual([C | PARKED, null]);
  });
});

describe("__swap_count and swap_page_trans_huge_swapped", () => {
  it("__swap_count: 'swap_count(si->swap_map[offset])' ignores the cache bit; shmem reads 0xbf", () => {
    const m = at([1 | C, C, SWAP_MAP_SHMEM | C, 0, 3, C | PARKED, 0, 0]);
    expect([0, 1, 2, 3, 4, 5].map((o) => swapCount(m, o))).toEqual([1, 0, SWAP_MAP_SHMEM, 0, 3, 0]);
  });

  it("swap_page_trans_huge_swapped: any count in a huge cluster; else this slot's", () => {
    const huge = at([C, C, 1 | C, C, C, C, 1 | C, C], { huge: 1 });
    expect([0, 1, 2, 3].map((o) => swapPageTransHugeSwapped(huge, o))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect([4, 5, 6, 7].map((o) => swapPageTransHugeSwapped(huge, o))).toEqual([
      false,
      false,
      true,
      false,
    ]);
    expect(
      swapPageTransHugeSwapped(at([C, C, C, SWAP_MAP_SHMEM | C, 0, 0, 0, 0], { huge: 1 }), 0),
    ).toBe(true);
    expect(swapPageTransHugeSwapped(at([C, C, C, C, 0, 0, 0, 0], { huge: 1 }), 0)).toBe(false);
  });

  it("folio_swapped: order 0 by swap_swapcount, large by swap_page_trans_huge_swapped, unused → false", () => {
    expect(folioSwapped(at([1 | C, C, C, C, 0, 0, 0, 0], { huge: 1 }), 0, 4)).toBe(true);
    expect(folioSwapped(at([C, C, C, C, 0, 0, 0, 0], { huge: 1 }), 0, 4)).toBe(false);
    expect(folioSwapped(at([C, 1 | C, 0, 0, 0, 0, 0, 0]), 1, 1)).toBe(true);
    expect(folioSwapped(at([C, 1 | C, 0, 0, 0, 0, 0, 0]), 0, 1)).toBe(false);
    expect(folioSwapped(at([0, 0, 0, 0, 0, 0, 0, 0]), 0, 1)).toBe(false);
  });
});

describe("kernel BUGs and complaints are returned, never thrown", () => {
  it.each([
    [
      "swapcache_clear without the cache bit: VM_BUG_ON(!has_cache)",
      () => swapcacheClear(at([1, 0, 0, 0, 0, 0, 0, 0]), 0),
      /^swapcache_clear\(0\): __swap_entry_free_locked: VM_BUG_ON\(!has_cache\)/,
    ],
    [
      "put_swap_folio on a slot without the cache bit: VM_BUG_ON(!has_cache)",
      () => putSwapFolio(at([0, 1, 0, 0, 0, 0, 0, 0]), 1, 1),
      /^put_swap_folio\(1\): __swap_entry_free_locked: VM_BUG_ON\(!has_cache\)/,
    ],
    [
      "put_swap_folio of a whole cluster that is not huge: VM_BUG_ON(!cluster_is_huge(ci))",
      () => putSwapFolio(at([C, C, C, C, 0, 0, 0, 0]), 0, 4),
      /^put_swap_folio\(0\): VM_BUG_ON\(!cluster_is_huge\(ci\)\)$/,
    ],
    [
      "put_swap_folio of a huge cluster with a slot without cache: VM_BUG_ON(!(val & SWAP_HAS_CACHE))",
      () => putSwapFolio(at([C, 1, C, C, 0, 0, 0, 0], { huge: 1 }), 0, 4),
      /VM_BUG_ON\(!\(val & SWAP_HAS_CACHE\)\) at slot 1/,
    ],
    [
      "swap_entry_free on a value other than SWAP_HAS_CACHE: VM_BUG_ON(count != SWAP_HAS_CACHE)",
      () => swapcacheFreeEntries(at([1 | C | PARKED, 0, 0, 0, 0, 0, 0, 0]), 0),
      /^swap_entry_free\(0\): VM_BUG_ON\(count != SWAP_HAS_CACHE\): count 0x41$/,
    ],
    [
      "swap_free of an unused entry: _swap_info_get 'Unused swap offset entry'",
      () => swapFree(at([0, 0, 0, 0, 0, 0, 0, 0]), 0),
      /^swap_free\(0\): _swap_info_get: Unused swap offset entry/,
    ],
    [
      "free_swap_and_cache of an unused entry",
      () => freeSwapAndCacheCount(at([0, 0, 0, 0, 0, 0, 0, 0]), 0),
      /^free_swap_and_cache\(0\): _swap_info_get: Unused swap offset entry/,
    ],
    [
      "swap_free of a parked slot (count 0): the count underflows to 0xff",
      () => swapFree(at([C | PARKED, 0, 0, 0, 0, 0, 0, 0]), 0),
      /^swap_free\(0\): __swap_entry_free_locked: count 0 underflows \(the kernel writes 0xff\)/,
    ],
    [
      "swapcache_clear of a parked slot: free_swap_slot a second time",
      () => swapcacheClear(at([C | PARKED, 0, 0, 0, 0, 0, 0, 0]), 0),
      /^free_swap_slot\(0\): slot already in the slot cache \(double free\)/,
    ],
    [
      "swap_shmem_alloc on a slot with a count",
      () => swapShmemAlloc(at([1 | C, 0, 0, 0, 0, 0, 0, 0]), 0),
      /^swap_shmem_alloc\(0\): count 1 is not 0/,
    ],
  ])("%s", (_, f, bug) => {
    const r = f();
    expect(r.bug).toMatch(bug);
  });

  it("after a BUG the map is what a kernel without CONFIG_DEBUG_VM writes", () => {
    // swapcache_clear without cache on count 1: has_cache = 0, count stays 1.
    expect(v0(swapcacheClear(at([1, 0, 0, 0, 0, 0, 0, 0]), 0).map)).toBe(1);
    // swap_entry_free writes 0 regardless.
    expect(v0(swapcacheFreeEntries(at([1 | C | PARKED, 0, 0, 0, 0, 0, 0, 0]), 0).map)).toBe(0);
    // underflow: 0xff (reads as shmem +cache).
    expect(v0(swapFree(at([C | PARKED, 0, 0, 0, 0, 0, 0, 0]), 0).map)).toBe(0xff | PARKED);
    // a double free_swap_slot leaves two entries in slots_ret: the second swap_entry_free BUGs
    // once the first has run, or once the slot was handed out again.
    const twice = swapcacheClear(at([C | PARKED, 0, 0, 0, 0, 0, 0, 0]), 0).map;
    expect(swapMapParked(twice, 0)).toBe(2);
    const once = swapcacheFreeEntries(twice, 0);
    expect(once.bug).toBeNull();
    const again = scanSwapMapSlots(once.map, 0);
    expect(again.ret).toBe(1);
    expect(swapcacheFreeEntries(again.map, 0).bug).toBeNull(); // value SWAP_HAS_CACHE: no assertion fires
    const used = swapDuplicate(again.map, 0).map;
    expect(swapcacheFreeEntries(used, 0).bug).toMatch(
      /VM_BUG_ON\(count != SWAP_HAS_CACHE\): count 0x41/,
    );
  });
});

describe("the skip-swapcache ABA (spec §D.2) in swap-map terms", () => {
  it("v6.6: T1's swap_free lets e be freed and handed out again; T0's later swap_free drops the new owner's count", () => {
    // e = slot 0, swapped out: PTE holds it, no cache (after writeback and put_swap_folio).
    let m = run(
      at([0, 0, 0, 0, 0, 0, 0, 0]),
      (x) => scanSwapMapSlots(x, 0),
      (x) => swapDuplicate(x, 0),
      (x) => putSwapFolio(x, 0, 1),
    );
    expect(swapMapDescribe(m)).toBe("slot 0: cnt 1");
    expect(swapCount(m, 0)).toBe(1); // T0 and T1 both see __swap_count == 1
    m = run(m, (x) => swapFree(x, 0)); // T1 D10
    expect(swapMapDescribe(m)).toBe("slot 0: cnt 0 +cache parked");
    m = run(m, (x) => swapcacheFreeEntries(x, 0));
    const re = folioAllocSwap(m, 0, 0); // reclaim of N1 gets e again
    expect(re.ret).toBe(0);
    m = run(
      re.map,
      (x) => swapDuplicate(x, 0),
      (x) => putSwapFolio(x, 0, 1),
    );
    expect(swapMapDescribe(m)).toBe("slot 0: cnt 1"); // pte_same passes for T0
    m = run(m, (x) => swapFree(x, 0)); // T0 D10: the new swap-out's reference is gone
    // PTE p now maps N0, so no holder is left and the map is consistent: the damage (d1 on
    // disk, never read back) is for the model's data property, not for the swap map.
    expect(swapMapDescribe(m)).toBe("slot 0: cnt 0 +cache parked");
    expect(swapMapHoldersMismatch(m, holders({}))).toBeNull();
  });

  it("13ddaf26be32: with T0's swapcache_prepare, T1's swap_free cannot free e; swapcache_clear does", () => {
    let m = at([1, 0, 0, 0, 0, 0, 0, 0]);
    m = run(m, (x) => swapcachePrepare(x, 0));
    expect(swapcachePrepare(m, 0).ret).toBe(EEXIST); // T1 backs off
    m = run(m, (x) => swapFree(x, 0));
    expect(swapMapDescribe(m)).toBe("slot 0: cnt 0 +cache");
    expect(folioAllocSwap(m, 0, 0).ret).toBeNull();
    const r = swapcacheClear(m, 0);
    expect([r.ret, r.slotsFreed, swapMapDescribe(r.map)]).toEqual([
      0,
      [0],
      "slot 0: cnt 0 +cache parked",
    ]);
  });
});

function holders(h: Partial<SwapHolders>): SwapHolders {
  return {
    ptes: h.ptes ?? [],
    shmem: h.shmem ?? new Set(),
    folios: h.folios ?? new Set(),
    pending: h.pending ?? new Set(),
  };
}

describe("swapMapHoldersMismatch (the swap-map invariant's predicate)", () => {
  it.each([
    ["all free, nothing held", [0, 0, 0, 0], {}, null],
    ["count 2, 2 PTEs, a folio", [2 | C, 0, 0, 0], { ptes: [2], folios: new Set([0]) }, null],
    ["count 2 but 1 PTE", [0, 2, 0, 0], { ptes: [0, 1] }, "slot 1: count 2 but 1 PTE holds it"],
    ["count 1 but no PTE", [0, 1, 0, 0], {}, "slot 1: count 1 but no PTE holds it"],
    ["free but held", [0, 0, 0, 0], { ptes: [0, 0, 3] }, "slot 2: free but 3 PTEs hold it"],
    [
      "cache bit with neither folio nor thread",
      [0, 0, 1 | C, 0],
      { ptes: [0, 0, 1] },
      "slot 2: cache bit set, no folio and no thread in swapcache_prepare..add_to_swap_cache",
    ],
    [
      "cache bit of a thread's window",
      [0, 0, 1 | C, 0],
      { ptes: [0, 0, 1], pending: new Set([2]) },
      null,
    ],
    ["parked: no folio needed", [C | PARKED, 0, 0, 0], {}, null],
    [
      "parked yet a folio",
      [C | PARKED, 0, 0, 0],
      { folios: new Set([0]) },
      "slot 0: in the slot cache (free_swap_slot) but a folio is in the swap cache",
    ],
    [
      "a folio without the cache bit (S1)",
      [1, 0, 0, 0],
      { ptes: [1], folios: new Set([0]) },
      "slot 0: a folio is in the swap cache but the cache bit is clear",
    ],
    ["shmem held by shmem", [SWAP_MAP_SHMEM, 0, 0, 0], { shmem: new Set([0]) }, null],
    [
      "shmem, no shmem holder",
      [SWAP_MAP_SHMEM, 0, 0, 0],
      {},
      "slot 0: shmem-owned but no shmem slot holds it",
    ],
    [
      "shmem holder, plain count",
      [1, 0, 0, 0],
      { shmem: new Set([0]) },
      "slot 0: a shmem slot holds it but its count is 1, not shmem",
    ],
    [
      "huge cluster missing a cache bit",
      [C, C, 1, C],
      { ptes: [0, 0, 1], pending: new Set([0, 1, 3]), huge: 1 },
      "cluster 0..3: huge but slot 2 has no cache bit",
    ],
  ])("%s", (_, words, h, expected) => {
    const { huge, ...rest } = h as Partial<SwapHolders> & { huge?: number };
    const m = at([...words, 0, 0, 0, 0], { huge });
    expect(swapMapHoldersMismatch(m, holders(rest))).toBe(expected);
  });
});

// ---------------------------------------------------------------------------
// Properties

const N = 8;
const LONG = process.env.SWAPCHECK_LONG !== undefined;

/** Random raw maps (any legal slot word), for the encoding. */
const mapArb = fc
  .record({
    n: fc.integer({ min: 1, max: 8 }),
    order: fc.integer({ min: 0, max: 2 }),
    direct: fc.boolean(),
    words: fc.array(
      fc.oneof(
        fc.constantFrom(0, C, 1, 1 | C, SWAP_MAP_SHMEM, SWAP_MAP_SHMEM | C, C | PARKED),
        fc.integer({ min: 0, max: 0x3ff }),
      ),
      { minLength: 8, maxLength: 8 },
    ),
    huge: fc.integer({ min: 0, max: 0xff }),
  })
  .map(({ n, order, direct, words, huge }) =>
    swapMapFrom(words.slice(0, n), {
      clusterOrder: order,
      slotCache: direct ? "direct" : "park",
      huge: order === 0 ? 0 : huge & ((1 << Math.ceil(n / (1 << order))) - 1),
    }),
  );

type Op =
  | { k: "alloc"; o: number }
  | { k: "cluster"; o: number }
  | { k: "dup"; o: number }
  | { k: "free"; o: number }
  | { k: "prepare"; o: number }
  | { k: "clear"; o: number }
  | { k: "put"; o: number; nr: number }
  | { k: "return"; o: number }
  | { k: "shmem"; o: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  ...(["alloc", "dup", "free", "prepare", "clear", "return", "shmem"] as const).map((k) =>
    fc.integer({ min: 0, max: N - 1 }).map((o) => ({ k, o }) as Op),
  ),
  fc.constantFrom(0, 4).map((o) => ({ k: "cluster", o }) as Op),
  fc.constantFrom(0, 4).map((o) => ({ k: "put", o, nr: 4 }) as Op),
  fc.integer({ min: 0, max: N - 1 }).map((o) => ({ k: "put", o, nr: 1 }) as Op),
);

function apply(m: SwapMap, op: Op): SwapMapStep<unknown> {
  switch (op.k) {
    case "alloc":
      return folioAllocSwap(m, 0, op.o);
    case "cluster":
      return folioAllocSwap(m, 2, op.o);
    case "dup":
      return swapDuplicate(m, op.o);
    case "free":
      return swapFree(m, op.o);
    case "prepare":
      return swapcachePrepare(m, op.o);
    case "clear":
      return swapcacheClear(m, op.o);
    case "put":
      return putSwapFolio(m, op.o, op.nr);
    case "shmem":
      return swapShmemAlloc(m, op.o);
    case "return": {
      // swapcache_free_entries on one of the parked slots (o picks which), if any.
      const parked = swapMapParkedSlots(m);
      if (parked.length === 0) return { map: m, ret: undefined, bug: null, slotsFreed: [] };
      return swapcacheFreeEntries(m, parked[op.o % parked.length]!);
    }
  }
}

/** Who holds what, as a model of correct callers would track it. */
interface Ghost {
  ptes: number[];
  shmem: Set<number>;
  /** Slots whose cache bit a folio or a thread legitimately holds. */
  cache: Set<number>;
}

/**
 * Whether a correct caller could make this call: a PTE takes an entry that a PTE or the
 * cache folio already holds; only a holder drops it; only the owner of a cache bit clears it;
 * a huge cluster's slots are put together, as one folio.
 */
function legal(m: SwapMap, g: Ghost, op: Op): boolean {
  const o = op.o;
  switch (op.k) {
    case "dup":
      return g.ptes[o]! > 0 || g.cache.has(o);
    case "free":
      return g.ptes[o]! > 0 || g.shmem.has(o);
    case "clear":
      return g.cache.has(o) && !swapMapHuge(m, o);
    case "put":
      for (let i = 0; i < op.nr; i++) if (!g.cache.has(o + i)) return false;
      return swapMapHuge(m, o) === (op.nr === 4);
    case "shmem":
      return g.cache.has(o) && g.ptes[o] === 0 && !g.shmem.has(o);
    default:
      return true;
  }
}

/** The holders after a successful call. */
function track(g: Ghost, op: Op, ret: unknown): void {
  const o = op.o;
  switch (op.k) {
    case "alloc":
      if (ret !== null) g.cache.add(o);
      break;
    case "cluster":
      if (ret !== null) for (let i = 0; i < 4; i++) g.cache.add(o + i);
      break;
    case "dup":
      if (ret === 0) g.ptes[o]!++;
      break;
    case "free":
      if (g.shmem.has(o)) g.shmem.delete(o);
      else g.ptes[o]!--;
      break;
    case "prepare":
      if (ret === 0) g.cache.add(o);
      break;
    case "clear":
      g.cache.delete(o);
      break;
    case "put":
      for (let i = 0; i < op.nr; i++) g.cache.delete(o + i);
      break;
    case "shmem":
      if (ret === 0) g.shmem.add(o);
      break;
  }
}

/** Runs the legal calls among `ops` (a correct caller never hits a kernel BUG), calling `see` after each. */
function runLegal(
  ops: Op[],
  direct: boolean,
  see: (before: SwapMap, op: Op, r: SwapMapStep<unknown>, g: Ghost) => void,
): void {
  let m = swapMapCreate(N, { clusterOrder: 2, slotCache: direct ? "direct" : "park" });
  const g: Ghost = { ptes: new Array<number>(N).fill(0), shmem: new Set(), cache: new Set() };
  for (const op of ops) {
    if (!legal(m, g, op)) continue;
    const r = apply(m, op);
    expect(r.bug).toBeNull();
    track(g, op, r.ret);
    see(m, op, r, g);
    m = r.map;
  }
}

describe("properties", () => {
  it("swapMapEncode is injective: different maps, different encodings", () => {
    fc.assert(
      fc.property(fc.array(mapArb, { minLength: 50, maxLength: 200 }), (maps) => {
        const seen = new Map<string, SwapMap>();
        for (const m of maps) {
          const out: number[] = [];
          swapMapEncode(m, out);
          for (const x of out) expect(x | 0).toBe(x);
          const key = out.join(",");
          const prev = seen.get(key);
          if (prev !== undefined) expect(swapMapEquals(prev, m)).toBe(true);
          else seen.set(key, m);
        }
        // and equal maps, equal encodings
        for (const m of maps) {
          const a: number[] = [];
          const b: number[] = [];
          swapMapEncode(m, a);
          swapMapEncode(
            swapMapFrom(m.slots, {
              clusterOrder: m.clusterOrder,
              huge: m.huge,
              slotCache: m.direct ? "direct" : "park",
            }),
            b,
          );
          expect(a).toEqual(b);
        }
      }),
      { numRuns: LONG ? 1_000 : 40 },
    );
  });

  it("swap_duplicate/swap_free: the count is duplicates minus frees while the cache bit holds the slot", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 60 }), (ops) => {
        let m = folioAllocSwap(swapMapCreate(4), 0, 2).map;
        let expected = 0;
        for (const dup of ops) {
          if (!dup && expected === 0) continue; // a free with no holder is another test's bug
          const r = dup ? swapDuplicate(m, 2) : swapFree(m, 2);
          expect(r.bug).toBeNull();
          expected += dup ? 1 : -1;
          m = r.map;
          expect(swapMapSlot(m, 2)).toEqual({
            cnt: expected,
            shmem: false,
            cache: true,
            parked: 0,
          });
          expect(swapCount(m, 2)).toBe(expected);
        }
        // Once the cache goes: freed exactly when no count is left.
        const put = putSwapFolio(m, 2, 1);
        expect(put.slotsFreed).toEqual(expected === 0 ? [2] : []);
      }),
    );
  });

  it("a slot is handed out again only after its count and cache bit are gone and the slot cache returned it", () => {
    const seen = { parked: 0, returned: 0, reallocated: 0, clusterFreed: 0, direct: 0 };
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80, size: "max" }), fc.boolean(), (ops, direct) => {
        // Ghost: whether each slot went back to the allocator (never allocated, or returned).
        const returned = new Array<boolean>(N).fill(true);
        const allocated = new Array<boolean>(N).fill(false);
        runLegal(ops, direct, (before, op, r) => {
          const m = r.map;
          for (let o = 0; o < N; o++) {
            const was = swapMapValue(before, o);
            const now = swapMapValue(m, o);
            if (was === 0 && now !== 0) {
              // A free slot took a value: only allocation does that, and only a returned slot.
              expect(["alloc", "cluster"]).toContain(op.k);
              expect(returned[o]).toBe(true);
              expect(now).toBe(SWAP_HAS_CACHE);
              if (allocated[o]) seen.reallocated++;
              allocated[o] = true;
              returned[o] = false;
            }
            if (was !== 0 && now === 0) {
              // Freed: by swap_entry_free (from the slot cache, or at once on the direct path)
              // or by swap_free_cluster; from the slot cache or the cluster, only a value of
              // SWAP_HAS_CACHE (no count, the cache bit as free_swap_slot left it).
              const directly = m.direct && r.slotsFreed.includes(o);
              expect(op.k === "return" || directly || (op.k === "put" && op.nr === 4)).toBe(true);
              if (!directly) expect(was).toBe(SWAP_HAS_CACHE);
              if (op.k === "return") seen.returned++;
              else if (directly) seen.direct++;
              else seen.clusterFreed++;
              returned[o] = true;
            }
            if (swapMapParked(m, o) > 0 && swapMapParked(before, o) === 0) seen.parked++;
            if (swapMapParked(m, o) > 0) {
              // Parked: value SWAP_HAS_CACHE (cnt 0 + cache), never allocatable.
              expect(m.direct).toBe(false);
              expect(swapMapValue(m, o)).toBe(SWAP_HAS_CACHE);
              expect(swapMapParked(m, o)).toBe(1);
              expect(returned[o]).toBe(false);
              expect(swapMapFreeSlots(m)).not.toContain(o);
            }
          }
        });
      }),
      { numRuns: LONG ? 5_000 : 200 },
    );
    // Not vacuous: every way back to the allocator, and reallocation, happened.
    for (const [what, n] of Object.entries(seen)) expect(n, what).toBeGreaterThan(0);
  });

  it("correct callers never hit a BUG, and the map agrees with their holders (swapMapHoldersMismatch)", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80, size: "max" }), fc.boolean(), (ops, direct) => {
        runLegal(ops, direct, (_before, _op, r, g) => {
          // No folios here: every cache bit is some thread's window.
          const h = holders({ ptes: g.ptes, shmem: g.shmem, pending: g.cache });
          expect(swapMapHoldersMismatch(r.map, h)).toBeNull();
          for (let o = 0; o < N; o++) {
            const s = swapMapSlot(r.map, o);
            expect(s.cnt).toBe(g.ptes[o]);
            expect(s.shmem).toBe(g.shmem.has(o));
            expect(s.cache && s.parked === 0).toBe(g.cache.has(o));
          }
        });
      }),
      { numRuns: LONG ? 5_000 : 200 },
    );
  });

  it("the predicate sees a PTE taking a freed (parked) entry", () => {
    const m = run(
      at([C, 0, 0, 0, 0, 0, 0, 0]),
      (x) => swapcacheClear(x, 0),
      (x) => swapDuplicate(x, 0),
    );
    expect(swapMapHoldersMismatch(m, holders({ ptes: [1] }))).toBe(
      "slot 0: in the slot cache (free_swap_slot) but its value is cnt 1 +cache parked",
    );
  });

  it("the describers name every slot in kernel words", () => {
    fc.assert(
      fc.property(mapArb, (m) => {
        const d = swapMapDescribe(m);
        expect(d.length).toBeGreaterThan(0);
        for (let o = 0; o < m.slots.length; o++) {
          const s = swapMapDescribeSlot(m, o);
          expect(s.startsWith(`slot ${o}: `)).toBe(true);
          if (m.slots[o] !== 0) expect(d).toContain(s);
        }
        expect(swapMapDiff(m, m)).toBe("");
      }),
    );
  });
});
