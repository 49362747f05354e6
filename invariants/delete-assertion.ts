import type { Invariant } from "./invariant.js";

/**
 * __delete_from_swap_cache(): VM_BUG_ON_PAGE(entry != folio) on every slot
 * it clears (CONFIG_DEBUG_VM). The model records the first failing slot.
 */
export const deleteAssertion: Invariant = {
  name: "delete-assertion",
  description: "Deleting a folio from the swap cache finds it in every slot of its range.",
  reads: () => ["bug"],
  check(s) {
    return s.bug
      ? `${s.bug.what}: slot ${s.bug.index} did not hold the folio (VM_BUG_ON_PAGE)`
      : null;
  },
};
