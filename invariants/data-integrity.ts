import { pteFrame, pteKind, ptePage } from "../src/kernel/page-table.js";
import type { KernelInvariant } from "./invariant.js";

/**
 * Data tokens follow a page's contents through swap-out, migration and
 * swap-in; a mapping that shows another page's (or recycled) data is the
 * "almost arbitrary data corruption" of fc346d0a70a1.
 */
export const dataIntegrity: KernelInvariant = {
  name: "data-integrity",
  description: "A page mapped at an address holds the data that was swapped out from that address.",
  reads: ["frames", "ptes"],
  applies: (v) => v.ptes !== undefined && v.expectedData !== undefined,
  clauses: () => [
    (v) => {
      const ptes = v.ptes!;
      for (let j = 0; j < ptes.size; j++) {
        const pte = ptes.get(j)!;
        if (pteKind(pte) !== "present") continue;
        const frame = pteFrame(pte);
        const page = ptePage(pte);
        const data = v.frames.get(frame)!.data.get(page);
        const expected = v.expectedData!(j);
        if (data !== expected) {
          return `pte ${j} maps ${v.frameName(frame)}[${page}] holding data ${data}, expected ${expected}`;
        }
      }
      return null;
    },
  ],
};
