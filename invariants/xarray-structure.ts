import {
  xaIsPointer,
  xaIsWellFormed,
  xaNodeCounterErrors,
  xaSlots,
  xaToPointer,
} from "../src/kernel/xarray.js";
import type { KernelInvariant } from "./invariant.js";

/**
 * The shape lookups rely on: a folio in a multi-index mapping (shmem,
 * file) is one canonical slot plus its sibling markers; in a per-slot
 * mapping (swap cache, legacy page cache) each index has its own direct
 * slot. Node counters must match the slots (lib/xarray.c update_node).
 */
export const xarrayStructure: KernelInvariant = {
  name: "xarray-structure",
  description:
    "Multi-index entries keep their shape (one canonical slot, siblings naming it), " +
    "per-slot folios have a direct slot per index, and node counters match the slots.",
  reads: ["cache", "frames"],
  applies: (v) => v.cache !== undefined,
  clauses: () => [
    (v) => {
      const { xa, multiIndex } = v.cache!;
      const counters = xaNodeCounterErrors(xa);
      if (counters.length > 0) return counters[0]!;
      for (const slot of xaSlots(xa)) {
        if (!xaIsPointer(slot.entry)) continue;
        const frame = xaToPointer(slot.entry);
        const order = multiIndex ? v.frames.get(frame)!.order : 0;
        if (!xaIsWellFormed(xa, slot.firstIndex, order)) {
          const want = multiIndex ? `one order-${order} entry` : "a direct slot per index";
          return `slot ${slot.firstIndex}: ${v.frameName(frame)} is not ${want}`;
        }
      }
      return null;
    },
  ],
};
