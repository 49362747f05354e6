/**
 * Kernel BUGs in the XArray port: where lib/xarray.c (built with XA_DEBUG) hits
 * XA_NODE_BUG_ON, livelocks, or goes on with a field it never set, the port records the BUG in
 * the array (xaKernelBug), never throws, and does nothing more. The cases are the divergences
 * the differential against the kernel found (test/xarray-kernel/cases.ts, replayed there on
 * both); these tests pin them down on the port alone.
 */
import { describe, expect, test } from "vitest";
import {
  XA_EMPTY,
  XA_RETRY_ENTRY,
  xaEncode,
  xaGetOrder,
  xaInit,
  xaIsNode,
  xaIsWellFormed,
  xaKernelBug,
  xaLoad,
  xaMkPointer,
  xaMkValue,
  xaRecordBug,
  xaState,
  xaStateOrder,
  xaStore,
  xaStoreOrder,
  xaStoreRange,
  xaStoreRangeTrace,
  xaStructureErrors,
  xasCreateRange,
  xasLoad,
  xasNext,
  xasPrev,
  xasStore,
} from "../../src/kernel/xarray.js";

describe("node->nr_values is an unsigned char: it wraps and XA_NODE_BUG_ON fires", () => {
  test("S=2: order-5 pointer at 96, order-1 value at 118, order-5 pointer at 96", () => {
    let xa = xaStoreOrder(xaInit(2), 96, 5, xaMkPointer(1));
    xa = xaStoreOrder(xa, 118, 1, xaMkValue(2));
    expect(xaKernelBug(xa)).toBeNull();
    const after = xaStoreOrder(xa, 96, 5, xaMkPointer(1));
    expect(xaKernelBug(after)).toBe("BUG in update_node: node->nr_values > XA_CHUNK_SIZE");
    // The tree stays as it was before the BUG, but the state differs.
    expect(xaEncode(after)).not.toEqual(xaEncode(xa));
    expect(xaEncode(after.set("bug", null))).toEqual(xaEncode(xa));
    // Every later modifying operation does nothing.
    expect(xaStore(after, 0, xaMkPointer(3))).toBe(after);
    expect(xasStore(after, xaState(0), xaMkPointer(3)).xa).toBe(after);
    expect(xaStoreRange(after, 0, 4, xaMkPointer(3))).toBe(after);
  });

  test("the same through xas_store on a cursor", () => {
    let xa = xaStoreOrder(xaInit(2), 96, 5, xaMkPointer(1));
    xa = xaStoreOrder(xa, 118, 1, xaMkValue(2));
    const r = xasStore(xa, xaStateOrder(96, 5, 2), xaMkPointer(1));
    expect(xaKernelBug(r.xa)).toBe("BUG in update_node: node->nr_values > XA_CHUNK_SIZE");
    expect(r.old).toBe(XA_EMPTY);
  });
});

describe("xas_create_range climbing past the top node", () => {
  test("S=2: through a cursor (XA_STATE_ORDER(0, 4), xas_create_range) over an order-2 entry", () => {
    const xa = xaStoreOrder(xaInit(2), 8, 2, xaMkValue(1));
    const xas = xaStateOrder(0, 4, 2);
    const r = xasCreateRange(xa, xas);
    expect(xaKernelBug(r.xa)).toBe(
      "xas_create_range: climbed past the top node (stale node->offset)",
    );
    expect(r.xas).toBe(xas);
    expect(xaStoreRangeTrace(xa, 0, 16, xaMkPointer(1)).loads).toEqual([]);
  });
});

describe("a sibling naming a node (S=3): xa_load livelocks", () => {
  // xas_next onto the sibling slot of an order-5 entry, xas_store there, xas_prev back to the
  // canonical slot, xas_store(NULL): it stops at the rewritten slot and leaves two siblings
  // naming an empty slot; an ordinary store then allocates a node in it.
  function build() {
    let xa = xaStoreOrder(xaInit(3), 0, 5, xaMkPointer(1));
    let xas = xasLoad(xa, xaState(0)).xas;
    for (let i = 0; i < 8; i++) xas = xasNext(xa, xas).xas;
    let w = xasStore(xa, xas, xaMkValue(1));
    xa = w.xa;
    xas = xasPrev(xa, w.xas).xas;
    w = xasStore(xa, xas, XA_EMPTY);
    return xaStore(w.xa, 0, xaMkPointer(2));
  }

  test("no exception; xa_load returns XA_RETRY_ENTRY where the kernel spins, and the BUG is named", () => {
    const xa = build();
    expect(xa.bug).toBeNull();
    expect(xaKernelBug(xa)).toBe("livelock in xa_load: retry entry");
    expect(xaLoad(xa, 16)).toBe(XA_RETRY_ENTRY);
    expect(xasLoad(xa, xaState(16)).entry).toBe(XA_RETRY_ENTRY);
    expect(xaLoad(xa, 0)).toBe(xaMkPointer(2));
    expect(xaLoad(xa, 8)).toBe(xaMkValue(1));
    expect(xaIsWellFormed(xa, 16, 3)).toBe(false);
    expect(xaGetOrder(xa, 16)).toBe(3);
  });
});

describe("a store over a sibling naming a node leaks the node (S=4)", () => {
  // An order-7 pointer at 0 (a shift-4 node, slots 0..7); index 16 overwritten by a range store
  // (its sibling slot 1 becomes a value), the canonical slot emptied, then a node allocated in
  // it: slots 2..7 are siblings naming a node. The NULL store at 32 (order 1) meets them:
  // xas_descend() returns XA_RETRY_ENTRY, xas_store() overwrites slot 0 and frees nothing.
  function build() {
    let xa = xaStoreOrder(xaInit(4), 0, 7, xaMkPointer(0));
    xa = xaStoreRangeTrace(xa, 16, 1, xaMkValue(0)).xa;
    xa = xaStoreOrder(xa, 0, 3, XA_EMPTY);
    xa = xaStoreOrder(xa, 0, 0, xaMkPointer(0));
    expect(xaKernelBug(xa)).toBe("livelock in xa_load: retry entry");
    const r = xasStore(xa, xaStateOrder(32, 1, 4), XA_EMPTY);
    expect(r.old).toBe(XA_RETRY_ENTRY);
    return r.xa;
  }

  test("the leaked node is gone from the array; no BUG", () => {
    const xa = build();
    expect(xa.bug).toBeNull();
    expect(xaKernelBug(xa)).toBeNull();
    expect(xa.nodes.size).toBe(1);
    expect(xaStructureErrors(xa).filter((e) => e.includes("unreachable"))).toEqual([]);
    expect(xaLoad(xa, 0)).toBe(XA_EMPTY);
    expect(xaLoad(xa, 16)).toBe(xaMkValue(0));
    expect(xaLoad(xa, 32)).toBe(XA_EMPTY);
  });

  test("a node can be allocated at the leaked node's place again (it threw: allocated twice)", () => {
    const xa = build();
    const again = xaStoreOrder(xa, 0, 0, xaMkPointer(1));
    expect(again.bug).toBeNull();
    expect(xaLoad(again, 0)).toBe(xaMkPointer(1));
    // The siblings at 2..7 name a node again: xa_load() would spin there.
    expect(xaKernelBug(again)).toBe("livelock in xa_load: retry entry");
    // folio_migrate_mapping()'s per-page loop over 0..127 (the shrunk case of cases.ts).
    let cur = xa;
    let xas = xaState(0);
    const b = xaMkPointer(999);
    for (let i = 0; i < 128; i++) {
      if (i) xas = xasNext(cur, xas).xas;
      const w = xasStore(cur, xas, b);
      cur = w.xa;
      xas = w.xas;
    }
    expect(xaKernelBug(cur)).toBeNull();
    for (let i = 0; i < 128; i++) expect(xaLoad(cur, i)).toBe(b);
  });
});

describe("xas_store through a cursor on a sibling naming a node frees the node in place (S=4)", () => {
  test("the freed node stays in the tree, XA_RETRY_ENTRY-filled: xa_load livelocks", () => {
    let xa = xaStoreOrder(xaInit(4), 0, 7, xaMkPointer(0));
    xa = xaStoreRangeTrace(xa, 16, 1, xaMkValue(0)).xa;
    xa = xaStoreOrder(xa, 0, 3, XA_EMPTY);
    xa = xaStoreOrder(xa, 0, 0, xaMkPointer(0));
    // set 32 4; ld; nx; nx: the cursor on slot 2 (a sibling naming the node in slot 0).
    let r = xasLoad(xa, xaStateOrder(32, 4, 4));
    expect(r.entry).toBe(XA_RETRY_ENTRY);
    r = xasNext(xa, r.xas);
    expect(r.entry).toBe(xaMkValue(0));
    r = xasNext(xa, r.xas);
    expect(r.xas.offset).toBe(2);
    const w = xasStore(xa, r.xas, XA_EMPTY);
    expect(xaIsNode(w.old)).toBe(true);
    expect(w.xa.bug).toBeNull();
    // Slots 2..7 emptied, slot 0 still names the freed node: counters 0, p0 now a retry entry.
    const top = w.xa.nodes.find((n) => n.shift === 4)!;
    expect(top.count).toBe(2);
    expect(xaIsNode(top.slots.get(0)!)).toBe(true);
    const freed = w.xa.nodes.find((n) => n.shift === 0)!;
    expect([freed.count, freed.nrValues, freed.slots.get(0)]).toEqual([0, 0, XA_RETRY_ENTRY]);
    expect(xaLoad(w.xa, 0)).toBe(XA_RETRY_ENTRY);
    expect(xaLoad(w.xa, 16)).toBe(xaMkValue(0));
    expect(xaKernelBug(w.xa)).toBe("livelock in xa_load: retry entry");
  });
});

describe("xa_offset is an unsigned char", () => {
  test("S=6: an order-13 range over an order-6 entry reads slot 255: XA_NODE_BUG_ON in xa_entry", () => {
    const xa = xaStoreOrder(xaInit(6), 4160, 6, xaMkValue(1));
    expect(xaKernelBug(xaStoreRange(xa, 0, 8192, xaMkPointer(1)))).toBe(
      "BUG in xa_entry_locked: offset >= XA_CHUNK_SIZE",
    );
  });
});

describe("xaRecordBug", () => {
  test("keeps the first BUG", () => {
    const a = xaRecordBug(xaInit(2), "BUG in x: y");
    expect(xaRecordBug(a, "BUG in z: w")).toBe(a);
    expect(xaKernelBug(a)).toBe("BUG in x: y");
    expect(xaKernelBug(xaInit(2))).toBeNull();
  });
});
