import type { KernelInvariant } from "./invariant.js";

/**
 * __delete_from_swap_cache(): VM_BUG_ON_PAGE(entry != folio) on every slot
 * it clears (CONFIG_DEBUG_VM), and any other BUG_ON a model records on its
 * way: the kernel would stop there.
 */
export const deleteAssertion: KernelInvariant = {
  name: "delete-assertion",
  description: "Deleting a folio from the swap cache finds it in every slot of its range.",
  reads: ["bug"],
  applies: (v) => v.bug !== undefined,
  clauses: () => [(v) => v.bug ?? null],
};
