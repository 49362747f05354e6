/**
 * Divergences the differential found between the port and lib/xarray.c, as minimal sequences
 * (each ends in a kernel BUG, a livelock or the stale-offset climb). The port now reports each
 * the way the kernel hits it; cases.test.ts replays them on both, test/kernel/ on the port.
 */
import type { Op } from "./driver.js";

export interface KernelCase {
  readonly name: string;
  readonly S: number;
  readonly ops: readonly Op[];
  /** How the kernel's run ends (driver.c's "! ..." line). */
  readonly ending: string;
}

const st = (index: number, order: number, entry: string): Op => ({
  op: "st",
  index,
  order,
  entry,
});
const nx: Op = { op: "nx" };

export const KERNEL_CASES: readonly KernelCase[] = [
  {
    // The order-1 value store lands on the order-5 entry's canonical slot (a shift-4 node) and
    // rewrites only that slot, counting nr_values +1 for a value now covering both slots; the
    // pointer store over it counts -1 per slot, canonical and sibling: nr_values, an unsigned
    // char, goes below 0 and wraps.
    name: "S=2: order-5 pointer at 96, order-1 value at 118, order-5 pointer at 96 again",
    S: 2,
    ops: [st(96, 5, "p1"), st(118, 1, "v2"), st(96, 5, "p1")],
    ending: "BUG in update_node: node->nr_values > XA_CHUNK_SIZE",
  },
  {
    name: "S=2: add_to_swap_cache of 16 pages over an order-2 entry climbs past the top node",
    S: 2,
    ops: [st(8, 2, "v1"), { op: "ar", index: 0, order: 4, entry: "p1" }],
    ending: "xas_create_range: climbed past the top node (stale node->offset)",
  },
  {
    name: "S=2: xas_create_range through a cursor climbs past the top node",
    S: 2,
    ops: [st(8, 2, "v1"), { op: "set", index: 0, order: 4 }, { op: "cr" }],
    ending: "xas_create_range: climbed past the top node (stale node->offset)",
  },
  {
    // xas_next() walks onto the sibling slot of an order-5 entry (a shift-3 node), a store
    // there splits it off; storing NULL at the canonical slot then stops at that slot and
    // leaves the other siblings naming an empty slot, where a store allocates a node.
    name: "S=3: xas_next onto a sibling slot, xas_store; NULL at the head; a store allocates a node there",
    S: 3,
    ops: [
      st(0, 5, "p1"),
      { op: "set", index: 0, order: 0 },
      { op: "ld" },
      nx,
      nx,
      nx,
      nx,
      nx,
      nx,
      nx,
      nx,
      { op: "cs", entry: "v1" },
      { op: "pv" },
      { op: "cs", entry: "0" },
      st(0, 0, "p2"),
      { op: "gl", index: 16 },
    ],
    ending: "livelock in xa_load: retry entry",
  },
  {
    name: "S=6: an order-13 range over an order-6 entry reads slot 255",
    S: 6,
    ops: [st(4160, 6, "v1"), { op: "ar", index: 0, order: 13, entry: "p1" }],
    ending: "BUG in xa_entry_locked: offset >= XA_CHUNK_SIZE",
  },
];
