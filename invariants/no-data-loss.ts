import { pteKind } from "../src/kernel/page-table.js";
import type { KernelInvariant } from "./invariant.js";

/**
 * A PTE that became the poisoned marker (make_poisoned_swp_entry, e.g.
 * unuse_pte on a page that is not uptodate) has lost the data swapped out
 * from that address: the next access gets SIGBUS.
 */
export const noDataLoss: KernelInvariant = {
  name: "no-data-loss",
  description:
    "No PTE is the poisoned marker: the data swapped out from every address can be read back.",
  reads: ["ptes"],
  applies: (v) => v.ptes !== undefined,
  clauses: () => [
    (v) => {
      const ptes = v.ptes!;
      for (let j = 0; j < ptes.size; j++) {
        if (pteKind(ptes.get(j)!) === "poisoned")
          return `pte ${j} is poisoned: its data is lost (SIGBUS)`;
      }
      return null;
    },
  ],
};
