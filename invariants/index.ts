/**
 * The generic invariants, in the order they are checked, and how a model
 * binds one to its state (through its `KernelView`).
 */
import type { PropertyDecl } from "../src/declared/model.js";
import type { KernelView } from "../src/kernel/view.js";
import { cacheIntegrity } from "./cache-integrity.js";
import { dataIntegrity } from "./data-integrity.js";
import { deleteAssertion } from "./delete-assertion.js";
import type { KernelInvariant, KernelObject } from "./invariant.js";
import { kernelBug } from "./kernel-bug.js";
import { noDataLoss } from "./no-data-loss.js";
import { noUseAfterFree } from "./no-use-after-free.js";
import { swapMap } from "./swap-map.js";
import { xarrayStructure } from "./xarray-structure.js";

export { checkInvariant, type KernelInvariant, type KernelObject } from "./invariant.js";
export { progressProperties } from "./progress.js";

export const KERNEL_INVARIANTS: readonly KernelInvariant[] = [
  noUseAfterFree,
  deleteAssertion,
  dataIntegrity,
  xarrayStructure,
  cacheIntegrity,
  kernelBug,
  swapMap,
  noDataLoss,
];

/**
 * `inv` as a property of a model whose state `view` shows as kernel
 * objects; `shape` is the view of one state (its clauses' number);
 * `objects` names, for partial-order reduction, the model's objects of
 * each kind.
 */
export function invariantProperty<S>(
  inv: KernelInvariant,
  shape: KernelView,
  view: (s: S) => KernelView,
  objects: (kind: KernelObject) => readonly string[],
): PropertyDecl<S> {
  return {
    name: inv.name,
    kind: "always",
    description: inv.description,
    clauses: inv.clauses(shape).map((c) => (s: S) => c(view(s))),
    reads: [...new Set(inv.reads.flatMap(objects))],
  };
}

/** Every generic invariant that applies to a model with this view. */
export function kernelProperties<S>(
  shape: KernelView,
  view: (s: S) => KernelView,
  objects: (kind: KernelObject) => readonly string[],
): PropertyDecl<S>[] {
  return KERNEL_INVARIANTS.filter((inv) => inv.applies(shape)).map((inv) =>
    invariantProperty(inv, shape, view, objects),
  );
}
