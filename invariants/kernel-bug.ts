import { xaKernelBug } from "../src/kernel/xarray.js";
import type { Clause, KernelInvariant } from "./invariant.js";

/**
 * Where lib/xarray.c would hit XA_NODE_BUG_ON or BUG_ON, or an xa_load
 * would spin for ever on a retry entry (a sibling naming a node), the
 * XArray port records it (src/kernel/xarray.ts `xaKernelBug`); any other
 * BUG_ON a model meets on its way (the swap map's, unuse_pte's) it records
 * in its view's `bug`. The kernel stops there, so the model reports it
 * instead of going on.
 */
export const kernelBug: KernelInvariant = {
  name: "kernel-bug",
  description:
    "The kernel hits no BUG_ON: none in the xarray code (nor an xa_load livelock on a retry entry), none on the model's paths.",
  reads: ["cache", "bug"],
  applies: (v) => v.cache !== undefined || v.bug !== undefined,
  clauses: (shape) => {
    const out: Clause[] = [];
    if (shape.cache !== undefined) out.push((v) => xaKernelBug(v.cache!.xa));
    if (shape.bug !== undefined) out.push((v) => v.bug ?? null);
    return out;
  },
};
