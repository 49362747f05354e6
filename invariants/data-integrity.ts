import { FOLIO_OBJECTS, pteObjects } from "../models/migrate-swapcache/footprint.js";
import { originalData } from "../models/migrate-swapcache/state.js";
import { frameName } from "../models/migrate-swapcache/step.js";
import { pteFrame, pteKind, ptePage } from "../src/kernel/page-table.js";
import type { Invariant } from "./invariant.js";

/**
 * Data tokens follow a page's contents through swap-out, migration and
 * swap-in; a mapping that shows another page's (or recycled) data is the
 * "almost arbitrary data corruption" of fc346d0a70a1.
 */
export const dataIntegrity: Invariant = {
  name: "data-integrity",
  description: "A page mapped at an address holds the data that was swapped out from that address.",
  reads: (setup) => [...FOLIO_OBJECTS, ...pteObjects(setup)],
  check(s) {
    for (const [j, pte] of s.ptes.entries()) {
      if (pteKind(pte) !== "present") continue;
      const frame = pteFrame(pte);
      const page = ptePage(pte);
      const data = s.folios.get(frame)!.data.get(page);
      if (data !== originalData(j)) {
        return `pte ${j} maps ${frameName(s, frame)}[${page}] holding data ${data}, expected ${originalData(j)}`;
      }
    }
    return null;
  },
};
