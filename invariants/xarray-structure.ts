import { FOLIO_OBJECTS } from "../models/migrate-swapcache/footprint.js";
import { frameName } from "../models/migrate-swapcache/step.js";
import {
  xaIsPointer,
  xaIsWellFormed,
  xaNodeCounterErrors,
  xaSlots,
  xaToPointer,
} from "../src/kernel/xarray.js";
import type { Invariant } from "./invariant.js";

/**
 * The shape lookups rely on: a folio in a multi-index mapping (shmem,
 * file) is one canonical slot plus its sibling markers; in a per-slot
 * mapping (swap cache, legacy page cache) each index has its own direct
 * slot. Node counters must match the slots (lib/xarray.c update_node).
 */
export const xarrayStructure: Invariant = {
  name: "xarray-structure",
  description:
    "Multi-index entries keep their shape (one canonical slot, siblings naming it), " +
    "per-slot folios have a direct slot per index, and node counters match the slots.",
  reads: () => ["xa", ...FOLIO_OBJECTS],
  check(s, setup) {
    const counters = xaNodeCounterErrors(s.xa);
    if (counters.length > 0) return counters[0]!;
    for (const slot of xaSlots(s.xa)) {
      if (!xaIsPointer(slot.entry)) continue;
      const frame = xaToPointer(slot.entry);
      const f = s.folios.get(frame)!;
      const order = setup.multiIndex ? f.order : 0;
      if (!xaIsWellFormed(s.xa, slot.firstIndex, order)) {
        const want = setup.multiIndex ? `one order-${order} entry` : "a direct slot per index";
        return `slot ${slot.firstIndex}: ${frameName(s, frame)} is not ${want}`;
      }
    }
    return null;
  },
};
