/**
 * The swap-map invariant (§A.4 S1..S5 of the swap map, src/kernel/swap-map.ts
 * `swapMapHoldersMismatch`) as a generic invariant over a KernelView: who
 * holds each slot (the PTEs holding its entry, a folio in the swap cache at
 * it, a thread holding its cache bit) against the slot's count and cache
 * bit (the kernel's S1/S2: a folio in the swap cache at a slot has the
 * slot's cache bit, and a cache bit has a folio or a thread inside one of
 * the known windows). Checked while nobody holds the xarray lock.
 */
import { pteKind, pteSwapOffset } from "../src/kernel/page-table.js";
import { swapMapHoldersMismatch } from "../src/kernel/swap-map.js";
import { xaIsPointer, xaLoad } from "../src/kernel/xarray.js";
import type { KernelInvariant } from "./invariant.js";

export const swapMap: KernelInvariant = {
  name: "swap-map",
  description:
    "Each swap slot's count is the number of PTEs holding its entry, its cache bit is set " +
    "while a folio is in the swap cache at it or a thread holds the bit, and a free slot is held by nothing.",
  reads: ["swap", "ptes", "cache", "cache-lock"],
  applies: (v) => v.swap !== undefined,
  clauses: () => [
    (v) => {
      if (v.cache?.locked) return null;
      const swap = v.swap!;
      const ptes = new Array<number>(swap.map.slots.length).fill(0);
      for (const pte of v.ptes ?? []) {
        if (pteKind(pte) === "swap") ptes[pteSwapOffset(pte)]! += 1;
      }
      const folios = new Set<number>();
      if (v.cache?.swapCache) {
        for (let o = 0; o <= v.cache.maxIndex; o++) {
          if (xaIsPointer(xaLoad(v.cache.xa, o))) folios.add(o);
        }
      }
      return swapMapHoldersMismatch(swap.map, {
        ptes,
        shmem: swap.shmem ?? new Set(),
        folios,
        pending: swap.pending,
      });
    },
  ],
};
