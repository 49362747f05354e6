/** The invariants of the reference scenario, in the order they are checked. */
import { cacheIntegrity } from "./cache-integrity.js";
import { dataIntegrity } from "./data-integrity.js";
import { deleteAssertion } from "./delete-assertion.js";
import type { Invariant } from "./invariant.js";
import { noUseAfterFree } from "./no-use-after-free.js";
import { xarrayStructure } from "./xarray-structure.js";

export { type Invariant, invariantProperty } from "./invariant.js";

export const SCENARIO_INVARIANTS: readonly Invariant[] = [
  noUseAfterFree,
  deleteAssertion,
  dataIntegrity,
  xarrayStructure,
  cacheIntegrity,
];
