import type { KernelInvariant } from "./invariant.js";

/**
 * __delete_from_swap_cache(): VM_BUG_ON_PAGE(entry != folio) on every slot
 * it clears (CONFIG_DEBUG_VM): with the head-only store, deleting B finds
 * the old folio in the tail slots.
 */
export const deleteAssertion: KernelInvariant = {
  name: "delete-assertion",
  description: "Deleting a folio from the swap cache finds it in every slot of its range.",
  reads: ["bug"],
  applies: (v) => v.deleteAssertion !== undefined,
  clauses: () => [(v) => v.deleteAssertion ?? null],
};
