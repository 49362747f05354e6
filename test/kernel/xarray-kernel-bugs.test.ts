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
