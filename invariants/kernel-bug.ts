import { xaKernelBug } from "../src/kernel/xarray.js";
import type { KernelInvariant } from "./invariant.js";

/**
 * Where lib/xarray.c would hit XA_NODE_BUG_ON or BUG_ON, or an xa_load
 * would spin for ever on a retry entry (a sibling naming a node), the
 * XArray port records it (src/kernel/xarray.ts `xaKernelBug`): the kernel
 * stops there, so the model reports it instead of going on.
 */
export const kernelBug: KernelInvariant = {
  name: "kernel-bug",
  description:
    "The xarray code hits no BUG_ON (XA_NODE_BUG_ON, BUG_ON) and no xa_load livelock on a retry entry.",
  reads: ["cache"],
  applies: (v) => v.cache !== undefined,
  clauses: () => [(v) => xaKernelBug(v.cache!.xa)],
};
