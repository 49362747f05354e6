/**
 * Divergences the differential found between the port and lib/xarray.c, as minimal sequences
 * (most end in a kernel BUG, a livelock or the stale-offset climb). The port now reports each
 * the way the kernel hits it; cases.test.ts replays them on both, test/kernel/ on the port.
 */
import type { Op } from "./driver.js";

export interface KernelCase {
  readonly name: string;
  readonly S: number;
  readonly ops: readonly Op[];
  /** How the kernel's run ends (driver.c's "! ..." line), or null: normally (the "L" line). */
  readonly ending: string | null;
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
    // The NULL store at 32 meets a sibling naming a node (the node at 0 was allocated in the
    // emptied canonical slot of the order-7 entry): xas_descend() returns XA_RETRY_ENTRY, so
    // xas_store() overwrites the node's slot without freeing it: the kernel leaks the node.
    // The port kept it, unreachable, under its position's key, and threw "node 8 allocated
    // twice" when the migrate loop allocated a node there again.
    name: "S=4: a NULL store over a sibling naming a node leaks the node; a node is allocated there again",
    S: 4,
    ops: [
      st(0, 7, "p0"),
      { op: "ar", index: 16, order: 0, entry: "v0" },
      st(0, 3, "0"),
      st(0, 0, "p0"),
      st(32, 1, "0"),
      { op: "mg", variant: "pp", index: 0, order: 7 },
    ],
    ending: null,
  },
  {
    // Found by reading the code, next to the case above: the same siblings naming a node, a
    // cursor xas_next()ed onto one in the shift-4 node (index 34, xa_shift 4), xas_store(NULL):
    // xas_reload() resolves the sibling to the node and xas_load() stops above it, so
    // xas_store() writes the sibling slots and frees the node its canonical slot still names.
    // Under RCU the freed node stays as xas_free_nodes() left it (XA_RETRY_ENTRY, counters 0)
    // and xa_load() spins on it. The port dropped it ("N missing 8").
    name: "S=4: xas_store(NULL) through a cursor on a sibling naming a node frees the node in place",
    S: 4,
    ops: [
      st(0, 7, "p0"),
      { op: "ar", index: 16, order: 0, entry: "v0" },
      st(0, 3, "0"),
      st(0, 0, "p0"),
      { op: "set", index: 32, order: 4 },
      { op: "ld" },
      nx,
      nx,
      { op: "cs", entry: "0" },
      { op: "gl", index: 0 },
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
