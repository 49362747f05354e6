import { folioCovers, folioTest, MAPPING } from "../src/kernel/folio.js";
import type { KernelView } from "../src/kernel/view.js";
import { xaIsPointer, xaLoad, xaToPointer } from "../src/kernel/xarray.js";
import type { KernelInvariant } from "./invariant.js";

/**
 * Checked only while nobody holds the xarray lock: inside
 * folio_migrate_mapping the slots are being rewritten. Not required: that a
 * folio still flagged PG_swapcache is the one its slots point to (v6.6
 * clears the old folio's flag after the xarray lock is dropped).
 */
export const cacheIntegrity: KernelInvariant = {
  name: "cache-integrity",
  description:
    "Every slot that points to a folio points to a live folio of this mapping whose range " +
    "covers the slot, and every index of that folio's range resolves to a live folio.",
  reads: ["cache-lock", "cache", "frames"],
  applies: (v) => v.cache !== undefined,
  clauses: () => [check],
};

function check(v: KernelView): string | null {
  const cache = v.cache!;
  if (cache.locked) return null;
  const { xa, swapCache } = cache;
  const live = new Set<number>();
  for (let index = 0; index <= cache.maxIndex; index++) {
    const entry = xaLoad(xa, index);
    if (!xaIsPointer(entry)) continue;
    const frame = xaToPointer(entry);
    const f = v.frames.get(frame)!;
    const name = v.frameName(frame);
    if (!f.allocated) return `slot ${index}: ${name} (freed!)`;
    const inMapping = swapCache ? folioTest(f, "swapcache") : f.mapping === MAPPING.file;
    if (!inMapping) {
      return `slot ${index}: ${name}, which is not in the ${swapCache ? "swap" : "page"} cache`;
    }
    if (!folioCovers(f, index)) return `slot ${index}: ${name}, whose range starts at ${f.index}`;
    live.add(frame);
  }
  for (const frame of live) {
    const f = v.frames.get(frame)!;
    for (let i = 0; i < 1 << f.order; i++) {
      if (!xaIsPointer(xaLoad(xa, f.index + i))) {
        return `${v.frameName(frame)} is cached but slot ${f.index + i} of its range holds no folio`;
      }
    }
  }
  return null;
}
