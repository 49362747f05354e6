import { FOLIO_OBJECTS } from "../models/migrate-swapcache/footprint.js";
import { frameName } from "../models/migrate-swapcache/step.js";
import { folioCovers, folioTest, MAPPING } from "../src/kernel/folio.js";
import { xaIsPointer, xaLoad, xaToPointer } from "../src/kernel/xarray.js";
import type { Invariant } from "./invariant.js";

/**
 * Checked only while nobody holds the xarray lock (the spec): inside
 * folio_migrate_mapping the slots are being rewritten. Not required: that a
 * folio still flagged PG_swapcache is the one its slots point to (v6.6
 * clears the old folio's flag after the xarray lock is dropped).
 */
export const cacheIntegrity: Invariant = {
  name: "cache-integrity",
  description:
    "Every slot that points to a folio points to a live folio of this mapping whose range " +
    "covers the slot, and every index of that folio's range resolves to a live folio.",
  reads: () => ["xa_lock", "xa", ...FOLIO_OBJECTS],
  check(s, setup) {
    if (s.xaLock !== "") return null;
    const live = new Set<number>();
    for (let index = 0; index <= setup.maxIndex; index++) {
      const entry = xaLoad(s.xa, index);
      if (!xaIsPointer(entry)) continue;
      const frame = xaToPointer(entry);
      const f = s.folios.get(frame)!;
      const name = frameName(s, frame);
      if (!f.allocated) return `slot ${index}: ${name} (freed!)`;
      const inMapping = setup.swapCache ? folioTest(f, "swapcache") : f.mapping === MAPPING.file;
      if (!inMapping) {
        return `slot ${index}: ${name}, which is not in the ${setup.swapCache ? "swap" : "page"} cache`;
      }
      if (!folioCovers(f, index)) return `slot ${index}: ${name}, whose range starts at ${f.index}`;
      live.add(frame);
    }
    for (const frame of live) {
      const f = s.folios.get(frame)!;
      for (let i = 0; i < 1 << f.order; i++) {
        if (!xaIsPointer(xaLoad(s.xa, f.index + i))) {
          return `${frameName(s, frame)} is cached but slot ${f.index + i} of its range holds no folio`;
        }
      }
    }
    return null;
  },
};
