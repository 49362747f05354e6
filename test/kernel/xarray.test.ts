/**
 * Tests for the XArray model, ported from lib/test_xarray.c (Linux v6.6) where a kernel test
 * exists (each cites its function), plus the behaviours the swap-cache models rely on.
 *
 * Helpers mirror the kernel test's: xa_mk_index() is a value entry, xa_erase_index() checks the
 * old entry and that the index is empty afterwards.
 */
import { is } from "immutable";
import { describe, expect, test } from "vitest";
import {
  XA_EMPTY,
  XA_INDEX_BITS,
  XA_MAX_INDEX,
  type XArray,
  XAS_BOUNDS,
  XAS_HEAD,
  XAS_RESTART,
  type XaEntry,
  type XaNode,
  type XaState,
  xaDescribe,
  xaEmpty,
  xaEncode,
  xaEntryToString,
  xaErase,
  xaGetOrder,
  xaInit,
  xaIsNode,
  xaIsPointer,
  xaIsSibling,
  xaIsValue,
  xaIsWellFormed,
  xaKernelBug,
  xaLoad,
  xaMkPointer,
  xaMkValue,
  xaNodeCounterErrors,
  xaNodeKey,
  xaRangeShape,
  xaSlots,
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
  xasReset,
  xasSet,
  xasStore,
  xaToNodeKey,
  xaToPointer,
  xaToSibling,
  xaToValue,
} from "../../src/kernel/xarray.js";

const SHIFTS = [2, 3, 6] as const;

/** xa_mk_index() */
const mkIndex = (i: number): XaEntry => xaMkValue(i);

/** xa_store_index() */
function storeIndex(xa: XArray, index: number): XArray {
  return xaStore(xa, index, mkIndex(index));
}

/**
 * Collects mismatches in hot loops and reports them with one expect() (an expect() costs
 * several microseconds, more than the model's operations).
 */
class Checks {
  readonly failures: string[] = [];

  is<T>(actual: T, expected: T, what: string): void {
    if (!Object.is(actual, expected)) {
      this.failures.push(`${what}: got ${String(actual)}, expected ${String(expected)}`);
    }
  }

  entry(actual: XaEntry, expected: XaEntry, what: string): void {
    if (actual !== expected) {
      this.failures.push(
        `${what}: got ${xaEntryToString(actual)}, expected ${xaEntryToString(expected)}`,
      );
    }
  }

  done(): void {
    expect(this.failures.slice(0, 20)).toEqual([]);
  }
}

/** xa_erase_index(): the erase returns the entry and leaves the index empty. */
function eraseIndex(xa: XArray, index: number, ck?: Checks): XArray {
  const r = xasStore(xa, xaState(index), XA_EMPTY);
  if (ck) {
    ck.entry(r.old, mkIndex(index), `erase ${index}`);
    ck.entry(xaLoad(r.xa, index), XA_EMPTY, `load ${index} after erase`);
  } else {
    expect(r.old).toBe(mkIndex(index));
    expect(xaLoad(r.xa, index)).toBe(XA_EMPTY);
  }
  return r.xa;
}

/** xa_to_node(xa_head(xa)) */
function headNode(xa: XArray): XaNode {
  const node = xa.nodes.get(xaToNodeKey(xa.head));
  if (node === undefined) throw new Error("head node missing");
  return node;
}

function node(xa: XArray, key: number): XaNode {
  const n = xa.nodes.get(key);
  if (n === undefined) throw new Error(`node ${key} missing\n${xaDescribe(xa)}`);
  return n;
}

/** Both consistency checks the swap-cache invariants use. */
function expectConsistent(xa: XArray): void {
  expect(xaNodeCounterErrors(xa)).toEqual([]);
  expect(xaStructureErrors(xa)).toEqual([]);
}

describe("entries", () => {
  test("constructors and predicates round-trip and never overlap", () => {
    const p = xaMkPointer(7);
    const v = xaMkValue(7);
    expect([xaIsPointer(p), xaIsValue(p), xaIsSibling(p), xaIsNode(p)]).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect([xaIsPointer(v), xaIsValue(v), xaIsSibling(v), xaIsNode(v)]).toEqual([
      false,
      true,
      false,
      false,
    ]);
    expect(xaToPointer(p)).toBe(7);
    expect(xaToValue(v)).toBe(7);
    expect(p).not.toBe(v);
    expect(xaIsPointer(XA_EMPTY) || xaIsValue(XA_EMPTY)).toBe(false);
    expect(xaMkValue(2 ** 49 - 1)).toBe((2 ** 49 - 1) * 8 + 2);
    expect(() => xaMkPointer(-1)).toThrow();
    expect(() => xaMkValue(1.5)).toThrow();
    expect(xaEntryToString(v)).toBe("value 7");
  });

  test("internal entries cannot be stored", () => {
    const xa = xaStoreOrder(xaInit(3), 8, 1, xaMkValue(1));
    const sib = node(xa, xaRangeShape(xa, 8).nodeKey).slots.get(1) ?? XA_EMPTY;
    expect(xaIsSibling(sib)).toBe(true);
    expect(xaToSibling(sib)).toBe(0);
    expect(() => xaStore(xa, 0, sib)).toThrow();
    expect(() => xaStore(xa, 0, xa.head)).toThrow();
  });
});

describe.each(SHIFTS)("check_multi_store (lib/test_xarray.c), S=%i", (S) => {
  /** check_multi_store_1() */
  function checkMultiStore1(xa: XArray, index: number, order: number): XArray {
    const min = index - (index % 2 ** order);
    const max = min + 2 ** order;
    xa = xaStoreOrder(xa, index, order, mkIndex(index));
    expect(xaLoad(xa, min)).toBe(mkIndex(index));
    expect(xaLoad(xa, max - 1)).toBe(mkIndex(index));
    expect(xaLoad(xa, max)).toBe(XA_EMPTY);
    expect(xaLoad(xa, min === 0 ? XA_MAX_INDEX : min - 1)).toBe(XA_EMPTY);

    // An order-0 cursor store through any index rewrites the whole entry.
    const r = xasStore(xa, xaState(index), mkIndex(min));
    expect(r.old).toBe(mkIndex(index));
    xa = r.xa;
    expect(xaLoad(xa, min)).toBe(mkIndex(min));
    expect(xaLoad(xa, max - 1)).toBe(mkIndex(min));
    expect(xaLoad(xa, max)).toBe(XA_EMPTY);
    expect(xaLoad(xa, min === 0 ? XA_MAX_INDEX : min - 1)).toBe(XA_EMPTY);
    expectConsistent(xa);

    xa = eraseIndex(xa, min);
    expect(xaEmpty(xa)).toBe(true);
    expect(xa.nodes.size).toBe(0);
    return xa;
  }

  /** check_multi_store_2() */
  function checkMultiStore2(xa: XArray, index: number, order: number): XArray {
    xa = xaStoreOrder(xa, index, order, xaMkValue(0));
    let xas = xaState(index);
    let r = xasStore(xa, xas, xaMkValue(1));
    expect(r.old).toBe(xaMkValue(0));
    expect(r.xas.index).toBe(index);
    xas = r.xas;
    r = xasStore(r.xa, xas, XA_EMPTY);
    expect(r.old).toBe(xaMkValue(1));
    expect(xaEmpty(r.xa)).toBe(true);
    expect(r.xa.nodes.size).toBe(0);
    return r.xa;
  }

  test("loading from any position returns the same value; node counters", () => {
    let xa = xaStoreOrder(xaInit(S), 0, 1, xaMkValue(0));
    expect(xaLoad(xa, 0)).toBe(xaMkValue(0));
    expect(xaLoad(xa, 1)).toBe(xaMkValue(0));
    expect(xaLoad(xa, 2)).toBe(XA_EMPTY);
    expect(headNode(xa).count).toBe(2);
    expect(headNode(xa).nrValues).toBe(2);

    // Storing adjacent to the value does not alter the value.
    xa = xaStore(xa, 3, xaMkPointer(0));
    expect(xaLoad(xa, 0)).toBe(xaMkValue(0));
    expect(xaLoad(xa, 1)).toBe(xaMkValue(0));
    expect(xaLoad(xa, 2)).toBe(XA_EMPTY);
    expect(headNode(xa).count).toBe(3);
    expect(headNode(xa).nrValues).toBe(2);

    // Overwriting multiple indexes works.
    xa = xaStoreOrder(xa, 0, 2, xaMkValue(1));
    for (let i = 0; i < 4; i++) expect(xaLoad(xa, i)).toBe(xaMkValue(1));
    expect(xaLoad(xa, 4)).toBe(XA_EMPTY);
    if (S >= 3) {
      // The kernel's numbers: order 2 is canonical + 3 siblings in the leaf.
      expect(headNode(xa).count).toBe(4);
      expect(headNode(xa).nrValues).toBe(4);
    } else {
      // S=2: order 2 is one slot of a shift-2 node; the old leaf (with index 3) was freed.
      expect(headNode(xa).shift).toBe(2);
      expect(headNode(xa).count).toBe(1);
      expect(headNode(xa).nrValues).toBe(1);
      expect(xa.nodes.size).toBe(1);
    }
    expectConsistent(xa);

    // We can erase multiple values with a single store (order BITS_PER_LONG - 1).
    xa = xaStoreOrder(xa, 0, XA_INDEX_BITS - 1, XA_EMPTY);
    expect(xaEmpty(xa)).toBe(true);
    expect(xa.nodes.size).toBe(0);

    // Even when the first slot is empty but the others aren't.
    xa = storeIndex(xa, 1);
    xa = storeIndex(xa, 2);
    xa = xaStoreOrder(xa, 0, 2, XA_EMPTY);
    expect(xaEmpty(xa)).toBe(true);
  });

  test("every pair of orders at index 0, loads at 2^k - 1", () => {
    // Kernel: max_order 60 of BITS_PER_LONG 64; the model's indices have 48 bits.
    const maxOrder = XA_INDEX_BITS - 4;
    const ck = new Checks();
    let xa = xaInit(S);
    for (let i = 0; i < maxOrder; i++) {
      for (let j = 0; j < maxOrder; j++) {
        xa = xaStoreOrder(xa, 0, i, mkIndex(i));
        xa = xaStoreOrder(xa, 0, j, mkIndex(j));
        for (let k = 0; k < maxOrder; k++) {
          const entry = xaLoad(xa, 2 ** k - 1);
          ck.entry(entry, i < k && j < k ? XA_EMPTY : mkIndex(j), `i=${i} j=${j} k=${k}`);
        }
        xa = xaErase(xa, 0);
        ck.is(xa.head, XA_EMPTY, `i=${i} j=${j} empty`);
        ck.is(xa.nodes.size, 0, `i=${i} j=${j} nodes`);
      }
    }
    ck.done();
  });

  test("check_multi_store_1 at 200, 0 and 2^i + 1 for orders < 20 (they span inner nodes)", () => {
    let xa = xaInit(S);
    for (let i = 0; i < 20; i++) {
      xa = checkMultiStore1(xa, 200, i);
      xa = checkMultiStore1(xa, 0, i);
      xa = checkMultiStore1(xa, 2 ** i + 1, i);
    }
  });

  test("check_multi_store_2(xa, 4095, 9)", () => {
    checkMultiStore2(xaInit(S), 4095, 9);
  });
});

describe.each(SHIFTS)("check_create_range (lib/test_xarray.c), S=%i", (S) => {
  /** xa_store_many_order(): xas_create_range, then per-index xas_store + xas_next. */
  function storeManyOrder(ck: Checks, xa: XArray, index: number, order: number): XArray {
    const r = xaStoreRangeTrace(xa, index, 2 ** order, xaMkPointer(1));
    ck.is(
      r.olds.every((e) => e === XA_EMPTY),
      true,
      `xa_store_many_order(${index}, ${order}) olds`,
    );
    // Per-index distinct entries, as the kernel test stores xa_mk_index(index + i).
    let { xa: out, xas } = xasCreateRange(xa, xaStateOrder(index, order, S));
    for (let i = 0; i < 2 ** order; i++) {
      const s = xasStore(out, xas, mkIndex(index + i));
      ck.entry(s.old, XA_EMPTY, `store ${index + i}`);
      out = s.xa;
      xas = xasNext(out, s.xas).xas;
    }
    ck.is(
      r.xa.nodes.keySeq().sort().join(),
      out.nodes.keySeq().sort().join(),
      `same nodes for ${index}/${order}`,
    );
    return out;
  }

  /** check_create_range_1() */
  function createRange1(ck: Checks, xa: XArray, index: number, order: number): XArray {
    xa = storeManyOrder(ck, xa, index, order);
    ck.is(xaNodeCounterErrors(xa).join(), "", `counters ${index}/${order}`);
    for (let i = index; i < index + 2 ** order; i++) xa = eraseIndex(xa, i, ck);
    ck.is(xaEmpty(xa), true, `empty after ${index}/${order}`);
    return xa;
  }

  /** check_create_range_2() */
  function createRange2(ck: Checks, xa: XArray, order: number): XArray {
    const nr = 2 ** order;
    for (let i = 0; i < nr * nr; i += nr) xa = storeManyOrder(ck, xa, i, order);
    for (let i = 0; i < nr * nr; i++) xa = eraseIndex(xa, i, ck);
    ck.is(xaEmpty(xa), true, `empty after range_2 ${order}`);
    return xa;
  }

  /** check_create_range_4(): one index already present; its old entry comes back. */
  function createRange4(ck: Checks, xa: XArray, index: number, order: number): XArray {
    const start = xaStateOrder(index, order, S);
    const base = start.index;
    xa = storeIndex(xa, index);
    let { xa: out, xas } = xasCreateRange(xa, start);
    for (let i = 0; i < 2 ** order; i++) {
      const s = xasStore(out, xas, mkIndex(base + i));
      ck.entry(s.old, s.xas.index === index ? mkIndex(base + i) : XA_EMPTY, `store ${base + i}`);
      out = s.xa;
      xas = xasNext(out, s.xas).xas;
    }
    ck.is(xaNodeCounterErrors(out).join(), "", `counters ${index}/${order}`);
    for (let i = base; i < base + 2 ** order; i++) out = eraseIndex(out, i, ck);
    ck.is(xaEmpty(out), true, `empty after range_4 ${index}/${order}`);
    return out;
  }

  // The kernel's max_order is 12; orders up to 9 keep this under a second per S and still
  // span inner nodes for S = 6.
  test("orders 0..9 at 0, 2^k, 2*2^k, 3*2^k, 2^24 (+/-1 for _4)", () => {
    const ck = new Checks();
    let xa = xaInit(S);
    for (let order = 0; order < 10; order++) {
      const o = 2 ** order;
      for (const index of [0, o, 2 * o, 3 * o, 2 ** 24]) xa = createRange1(ck, xa, index, order);
      // Kernel runs check_create_range_2 up to order 9; 2^(2*order) stores is too slow here.
      if (order < 6) xa = createRange2(ck, xa, order);
      for (const index of [0, o, 2 * o, 3 * o, 2 ** 24]) xa = createRange4(ck, xa, index, order);
      for (const index of [1, o + 1, 2 * o + 1, 2 * o - 1, 3 * o + 1, 3 * o - 1, 2 ** 24 + 1]) {
        xa = createRange4(ck, xa, index, order);
      }
    }
    ck.done();
  });

  test("xas_create_range leaves shift = sibs = 0 and the cursor on the first index", () => {
    const xas = xaStateOrder(40, 3, S);
    expect([xas.shift, xas.sibs]).toEqual([3 - (3 % S), 2 ** (3 % S) - 1]);
    const r = xasCreateRange(xaInit(S), xas);
    expect(r.xas.shift).toBe(0);
    expect(r.xas.sibs).toBe(0);
    expect(r.xas.index).toBe(40);
    const leaf = node(r.xa, r.xas.node);
    expect(leaf.shift).toBe(0);
    expect(r.xas.offset).toBe(40 % 2 ** S);
    expect(leaf.index + r.xas.offset).toBe(40);
    // Only nodes are created, no entries: every leaf covering 40..47 exists.
    for (let i = 40; i < 48; i++) expect(xaLoad(r.xa, i)).toBe(XA_EMPTY);
    const leaves = r.xa.nodes.filter((n) => n.shift === 0);
    expect(leaves.size).toBe(Math.ceil(8 / 2 ** S));
    expect(xaStructureErrors(r.xa).filter((e) => !e.includes("empty"))).toEqual([]);
  });

  test("add_to_swap_cache pattern stores a plain entry per index", () => {
    const r = xaStoreRangeTrace(xaInit(S), 64, 16, xaMkPointer(5));
    for (let i = 60; i < 84; i++) {
      expect(xaLoad(r.xa, i)).toBe(i >= 64 && i < 80 ? xaMkPointer(5) : XA_EMPTY);
    }
    for (let i = 64; i < 80; i++) expect(xaGetOrder(r.xa, i)).toBe(0);
    expect(r.loads).toEqual(Array(16).fill(XA_EMPTY));
    expect(r.xas.index).toBe(80);
    expectConsistent(r.xa);
    expect(is(xaStoreRange(xaInit(S), 64, 16, xaMkPointer(5)), r.xa)).toBe(true);
  });
});

describe.each(SHIFTS)("check_move (lib/test_xarray.c), S=%i", (S) => {
  test("check_move_tiny", () => {
    let xa = xaInit(S);
    let xas = xaState(0);
    let r = xasNext(xa, xas);
    expect(r.entry).toBe(XA_EMPTY);
    r = xasNext(xa, r.xas);
    expect(r.entry).toBe(XA_EMPTY);
    xa = storeIndex(xa, 0);
    xas = xasSet(r.xas, 0);
    r = xasNext(xa, xas);
    expect(r.entry).toBe(mkIndex(0));
    r = xasNext(xa, r.xas);
    expect(r.entry).toBe(XA_EMPTY);
    xas = xasSet(r.xas, 0);
    r = xasPrev(xa, xas);
    expect(r.entry).toBe(mkIndex(0));
    r = xasPrev(xa, r.xas);
    expect(r.entry).toBe(XA_EMPTY);
    xa = eraseIndex(xa, 0);
    expect(xaEmpty(xa)).toBe(true);
  });

  /** check_move_small() */
  function moveSmall(ck: Checks, idx: number): void {
    let xa = storeIndex(storeIndex(xaInit(S), 0), idx);
    let xas: XaState = xaState(0);
    let i = 0;
    for (; i < idx * 4; i++) {
      const r = xasNext(xa, xas);
      xas = r.xas;
      if (i <= idx) ck.is(xas.node === XAS_RESTART, false, `next ${i}/${idx} restart`);
      ck.is(xas.index, i, `next ${i}/${idx} index`);
      ck.entry(r.entry, i === 0 || i === idx ? mkIndex(i) : XA_EMPTY, `next ${i}/${idx}`);
    }
    xas = xasNext(xa, xas).xas;
    ck.is(xas.index, i, `index after ${idx * 4} nexts`);

    do {
      const r = xasPrev(xa, xas);
      xas = r.xas;
      i--;
      if (i <= idx) ck.is(xas.node === XAS_RESTART, false, `prev ${i}/${idx} restart`);
      ck.is(xas.index, i, `prev ${i}/${idx} index`);
      ck.entry(r.entry, i === 0 || i === idx ? mkIndex(i) : XA_EMPTY, `prev ${i}/${idx}`);
    } while (i > 0);

    let r = xasNext(xa, xasSet(xas, XA_MAX_INDEX));
    ck.entry(r.entry, XA_EMPTY, "next at ULONG_MAX");
    ck.is(r.xas.index, XA_MAX_INDEX, "index ULONG_MAX");
    r = xasNext(xa, r.xas);
    ck.entry(r.entry, xaMkValue(0), "next wraps to 0");
    ck.is(r.xas.index, 0, "index wrapped to 0");
    r = xasPrev(xa, r.xas);
    ck.entry(r.entry, XA_EMPTY, "prev wraps to ULONG_MAX");
    ck.is(r.xas.index, XA_MAX_INDEX, "index wrapped to ULONG_MAX");

    xa = eraseIndex(xa, 0, ck);
    xa = eraseIndex(xa, idx, ck);
    ck.is(xaEmpty(xa), true, `empty after move_small ${idx}`);
  }

  test("check_move_small for 2^i and 2^i - 1", () => {
    // The kernel goes to i < 16; 12 keeps the test fast and still climbs several levels.
    const ck = new Checks();
    for (let i = 0; i < 12; i++) moveSmall(ck, 2 ** i);
    for (let i = 2; i < 12; i++) moveSmall(ck, 2 ** i - 1);
    ck.done();
  });
});

describe.each(SHIFTS)("check_account / check_get_order (lib/test_xarray.c), S=%i", (S) => {
  test("check_account: pointer, value and sibling slots are accounted", () => {
    let xa = xaInit(S);
    for (let order = 1; order < 12; order++) {
      xa = xaStoreOrder(xa, 0, order, xaMkPointer(0));
      const xas = xasLoad(xa, xaState(2 ** order)).xas;
      let n = node(xa, xas.node);
      expect(n.count).not.toBe(0);
      expect(n.count).toBeLessThanOrEqual(2 ** order);
      expect(n.nrValues).toBe(0);

      xa = xaStoreOrder(xa, 2 ** order, order, mkIndex(2 ** order));
      n = node(xa, xas.node);
      expect(n.count).toBe(n.nrValues * 2);
      // Derived: each order-k entry is 2^(k mod S) slots of the same node.
      expect(n.nrValues).toBe(2 ** (order % S));

      xa = xaErase(xa, 2 ** order);
      expect(node(xa, xas.node).nrValues).toBe(0);
      expectConsistent(xa);

      xa = xaErase(xa, 0);
      expect(xaEmpty(xa)).toBe(true);
      expect(xa.nodes.size).toBe(0);
    }
  });

  test("check_get_order", () => {
    const ck = new Checks();
    let xa = xaInit(S);
    for (let i = 0; i < 3; i++) ck.is(xaGetOrder(xa, i), 0, `empty ${i}`);
    for (let order = 0; order < 20; order++) {
      for (let i = 0; i < 10; i++) {
        const first = i * 2 ** order;
        xa = xaStoreOrder(xa, first, order, mkIndex(first));
        // Every index below order 10; beyond, both ends plus 64 evenly spaced ones.
        const span = 2 ** order;
        const step = order < 10 ? 1 : span / 64;
        for (let j = 0; j < span; j += step)
          ck.is(xaGetOrder(xa, first + j), order, `${first}+${j}`);
        ck.is(xaGetOrder(xa, first + span - 1), order, `last of ${first}/${order}`);
        ck.is(xaGetOrder(xa, first + span), 0, `after ${first}/${order}`);
        ck.is(xaIsWellFormed(xa, first + span - 1, order), true, `shape ${first}/${order}`);
        xa = xaErase(xa, first);
        ck.is(xaEmpty(xa), true, `empty after ${first}/${order}`);
      }
    }
    ck.done();
  });
});

describe("multi-index behaviour the swap cache depends on", () => {
  test("S=6, order 9 at 0: xas_next returns the canonical entry 63 times, then a sibling", () => {
    const entry = xaMkPointer(3);
    const xa = xaStoreOrder(xaInit(6), 0, 9, entry);
    const top = headNode(xa);
    expect(top.shift).toBe(6);
    expect(top.count).toBe(8);
    let r = xasLoad(xa, xaState(0));
    expect(r.entry).toBe(entry);
    for (let i = 1; i <= 63; i++) {
      r = xasNext(xa, r.xas);
      expect(r.entry).toBe(entry);
      expect([r.xas.index, r.xas.offset]).toEqual([i, 0]);
    }
    r = xasNext(xa, r.xas);
    expect(xaIsSibling(r.entry)).toBe(true);
    expect(xaToSibling(r.entry)).toBe(0);
    expect([r.xas.index, r.xas.offset]).toEqual([64, 1]);
  });

  // check_multi_store_4(xa, 16, 4) as Matthew Wilcox ran it (linux-mm, March 2025):
  // XA_STATE(16); 16 times { xas_store(xa_mk_value(16)); xas_next }.
  // With S=6 the order-4 entry is slot 16 plus siblings 17..31 of a leaf. The first store
  // rewrites the canonical slot (first = value 0, so nr_values does not move). Each xas_next
  // then steps onto a sibling slot and xas_store() overwrites it: xas_create() returns the
  // sibling as `first`, and `values += !xa_is_value(first) - !value` adds 1 per sibling,
  // although the sibling was already counted as a value: 16 + 15 = 31 while count stays 16.
  test.each([
    { S: 6, count: 16, nrValues: 31, orderAfter: 0 },
    // S=3: order 4 is slots 2 and 3 of a shift-3 node. Index 16..23 stores hit the canonical
    // slot (the first rewrites it, the rest are no-ops); 24 lands on the sibling: +1.
    { S: 3, count: 2, nrValues: 3, orderAfter: 3 },
    // S=2: order 4 is one slot of a shift-4 node, no siblings: nothing breaks.
    { S: 2, count: 1, nrValues: 1, orderAfter: 4 },
  ])("check_multi_store_4(xa, 16, 4), S=$S", ({ S, count, nrValues, orderAfter }) => {
    let xa = xaStoreOrder(xaInit(S), 16, 4, xaMkValue(0));
    expect(xaIsWellFormed(xa, 16, 4)).toBe(true);
    const key = xaRangeShape(xa, 16).nodeKey;
    expect(node(xa, key).count).toBe(S === 6 ? 16 : S === 3 ? 2 : 1);
    expect(node(xa, key).nrValues).toBe(node(xa, key).count);

    let xas = xaState(16);
    for (let i = 0; i < 16; i++) {
      const r = xasStore(xa, xas, xaMkValue(16));
      xa = r.xa;
      xas = xasNext(xa, r.xas).xas;
    }
    for (let i = 16; i < 32; i++) expect(xaLoad(xa, i)).toBe(xaMkValue(16));
    expect(xaLoad(xa, 15)).toBe(XA_EMPTY);
    expect(xaLoad(xa, 32)).toBe(XA_EMPTY);
    expect(node(xa, key).count).toBe(count);
    expect(node(xa, key).nrValues).toBe(nrValues);
    expect(xaGetOrder(xa, 16)).toBe(orderAfter);
    expect(xaIsWellFormed(xa, 16, 4)).toBe(S === 2);
    expect(xaNodeCounterErrors(xa).length).toBe(S === 2 ? 0 : 1);
  });

  test("a store through a cursor that xas_next moved onto a sibling writes only that slot", () => {
    let xa = xaStoreOrder(xaInit(6), 16, 2, xaMkPointer(1));
    let r = xasLoad(xa, xaState(16));
    r = xasNext(xa, r.xas);
    expect(xaIsSibling(r.entry)).toBe(true);
    const w = xasStore(xa, r.xas, xaMkPointer(2));
    xa = w.xa;
    expect(xaIsSibling(w.old)).toBe(true);
    expect([16, 17, 18, 19].map((i) => xaLoad(xa, i))).toEqual([
      xaMkPointer(1),
      xaMkPointer(2),
      xaMkPointer(1),
      xaMkPointer(1),
    ]);
    expect(xaRangeShape(xa, 16).siblingOffsets).toEqual([18, 19]);
  });

  test("xas_load on a walked cursor is xas_reload: it resolves siblings without moving", () => {
    const xa = xaStoreOrder(xaInit(6), 16, 2, xaMkPointer(1));
    const fresh = xasLoad(xa, xaState(18));
    expect(fresh.entry).toBe(xaMkPointer(1));
    expect(fresh.xas.offset).toBe(16);
    const moved = xasNext(xa, xasLoad(xa, xaState(16)).xas);
    expect(moved.xas.offset).toBe(17);
    const reloaded = xasLoad(xa, moved.xas);
    expect(reloaded.entry).toBe(xaMkPointer(1));
    expect(reloaded.xas.offset).toBe(17);
  });

  test("storing the entry already in the slot is a no-op", () => {
    const xa = xaStoreOrder(xaInit(3), 8, 3, xaMkPointer(4));
    const r = xasStore(xa, xaState(12), xaMkPointer(4));
    expect(r.xa).toBe(xa);
    expect(r.old).toBe(xaMkPointer(4));
    expect(xaStore(xa, 100, XA_EMPTY)).toBe(xa);
  });

  test("storing NULL through any index of a multi-index entry clears it and frees nodes", () => {
    for (const S of SHIFTS) {
      let xa = storeIndex(xaInit(S), 1000);
      xa = xaStoreOrder(xa, 64, 5, xaMkValue(9));
      const before = xa.nodes.size;
      const r = xasStore(xa, xaState(77), XA_EMPTY);
      expect(r.old).toBe(xaMkValue(9));
      for (let i = 60; i < 100; i++) expect(xaLoad(r.xa, i)).toBe(XA_EMPTY);
      expect(xaLoad(r.xa, 1000)).toBe(mkIndex(1000));
      expect(r.xa.nodes.size).toBeLessThan(before);
      expectConsistent(r.xa);
      expect(is(r.xa, storeIndex(xaInit(S), 1000))).toBe(true);
    }
  });

  test("a higher-order store frees the subtree under it", () => {
    let xa = xaInit(2);
    for (let i = 0; i < 64; i += 3) xa = storeIndex(xa, i);
    expect(xa.nodes.filter((n) => n.shift === 0).size).toBe(16);
    xa = xaStoreOrder(xa, 0, 5, xaMkPointer(1));
    for (let i = 0; i < 32; i++) expect(xaLoad(xa, i)).toBe(xaMkPointer(1));
    for (let i = 33; i < 64; i += 3) expect(xaLoad(xa, i)).toBe(mkIndex(i));
    // Leaves under 0..31 are gone; the order-5 entry is two slots of the shift-4 node.
    expect(xa.nodes.filter((n) => n.shift === 0 && n.index < 32).size).toBe(0);
    expect(xaIsWellFormed(xa, 31, 5)).toBe(true);
    expectConsistent(xa);
  });

  test("xas_expand grows the tree, xas_delete_node and xas_shrink undo it", () => {
    for (const S of SHIFTS) {
      let xa = storeIndex(xaInit(S), 0);
      expect(xa.head).toBe(mkIndex(0));
      expect(xa.nodes.size).toBe(0);
      xa = storeIndex(xa, 2 ** 40);
      const height = Math.ceil(41 / S);
      expect(headNode(xa).shift).toBe((height - 1) * S);
      expect(xa.nodes.size).toBe(2 * height - 1);
      expect(xaLoad(xa, 2 ** 40)).toBe(mkIndex(2 ** 40));
      expect(xaLoad(xa, 2 ** 40 - 1)).toBe(XA_EMPTY);
      expectConsistent(xa);
      xa = eraseIndex(xa, 2 ** 40);
      expect(xa.head).toBe(mkIndex(0));
      expect(xa.nodes.size).toBe(0);
      // A multi-index entry is never moved into the head by xas_shrink.
      xa = xaStoreOrder(xa, 0, S, xaMkValue(1));
      xa = storeIndex(xa, 2 ** 20);
      xa = eraseIndex(xa, 2 ** 20);
      expect(xaIsNode(xa.head)).toBe(true);
      expect(headNode(xa).shift).toBe(S);
      expect(headNode(xa).count).toBe(1);
    }
  });

  test("xas_next climbs out of a leaf into the next one, and to XAS_BOUNDS past the top", () => {
    let xa = storeIndex(storeIndex(xaInit(2), 3), 4);
    let r = xasLoad(xa, xaState(3));
    const leaf = r.xas.node;
    r = xasNext(xa, r.xas);
    expect(r.entry).toBe(mkIndex(4));
    expect(r.xas.node).not.toBe(leaf);
    expect(r.xas.node).toBe(xaNodeKey(2, 0, 4));
    xa = storeIndex(xa, 15);
    r = xasNext(xa, xasLoad(xa, xaState(15)).xas);
    expect(r.entry).toBe(XA_EMPTY);
    expect(r.xas.node).toBe(XAS_BOUNDS);
    expect(r.xas.index).toBe(16);
    expect(xasReset(r.xas).node).toBe(XAS_RESTART);
    expect(xasLoad(xaInit(2), xaState(0)).xas.node).toBe(XAS_HEAD);
  });
});

describe("divergences from the documented multi-index meaning (v6.6 behaviour)", () => {
  test("add_to_swap_cache into the middle of a larger entry replaces only its own slots", () => {
    // Order-4 value at 16 with S=6: slot 16 + siblings 17..31. xas_create_range ends with the
    // cursor on offset 20, a sibling; per-index stores replace slots 20..23 with plain entries.
    let xa = xaStoreOrder(xaInit(6), 16, 4, xaMkValue(7));
    xa = xaStoreRange(xa, 20, 4, xaMkPointer(1));
    for (let i = 16; i < 32; i++) {
      expect(xaLoad(xa, i)).toBe(i >= 20 && i < 24 ? xaMkPointer(1) : xaMkValue(7));
    }
    // xa_get_order probes slots 17, 18, 20: slot 20 is no longer a sibling.
    expect(xaGetOrder(xa, 16)).toBe(2);
    // The siblings that were overwritten counted +1 -1 = 0: nr_values stays 16, recount 12.
    const key = xaRangeShape(xa, 16).nodeKey;
    expect([node(xa, key).count, node(xa, key).nrValues]).toEqual([16, 16]);
    expect(xaNodeCounterErrors(xa)).toEqual([
      `node ${key} (shift 0, index 0): count 16 nr_values 16, recount 16 / 12`,
    ]);
    // Starting at the canonical slot instead rewrites the whole entry.
    const whole = xaStoreRange(xaStoreOrder(xaInit(6), 16, 4, xaMkValue(7)), 16, 4, xaMkPointer(1));
    for (let i = 16; i < 32; i++) expect(xaLoad(whole, i)).toBe(xaMkPointer(1));
  });

  test("a lower-order store of another kind into a larger entry leaves nr_values stale", () => {
    // Case A: same node. Only the slots from the canonical one for the new order are rewritten.
    let xa = xaStoreOrder(xaInit(6), 16, 4, xaMkPointer(1));
    xa = xaStoreOrder(xa, 24, 2, xaMkValue(3));
    for (let i = 16; i < 32; i++) expect(xaLoad(xa, i)).toBe(xaMkValue(3));
    expect(xaIsWellFormed(xa, 16, 4)).toBe(true);
    const leaf = node(xa, xaRangeShape(xa, 16).nodeKey);
    expect([leaf.count, leaf.nrValues]).toEqual([16, 4]);
    // Case B: a higher node. sibs is cleared, only the canonical slot is rewritten.
    let hi = xaStoreOrder(xaInit(3), 0, 4, xaMkPointer(1));
    hi = xaStoreOrder(hi, 9, 0, xaMkValue(3));
    for (let i = 0; i < 16; i++) expect(xaLoad(hi, i)).toBe(xaMkValue(3));
    expect([headNode(hi).count, headNode(hi).nrValues]).toEqual([2, 1]);
    expect(xaNodeCounterErrors(hi).length).toBe(1);
  });
});

describe("xas_create_range over a multi-index entry in an upper node (v6.6 bug)", () => {
  // xas_create_range() walks down from the last index one chunk at a time and, after each
  // xas_create(), climbs from xa_node assuming it is a leaf. If xas_create() stopped at a
  // multi-index entry in a node with 0 < shift < the range's shift, the climb moves xa_offset
  // back a whole node but xa_index back one chunk (the 2022 fix only covers node->shift >=
  // shift). With S = 6 that needs a range of order >= 12, so add_to_swap_cache and khugepaged
  // (order 9) are safe; with the model's small chunk shifts it is easy to reach.
  test("S=1: add_to_swap_cache over an order-2 entry stores at the wrong indices", () => {
    let xa = xaStoreOrder(xaInit(1), 8, 2, xaMkValue(0));
    xa = xaStoreRange(xa, 8, 8, xaMkPointer(1));
    const loads = Array.from({ length: 16 }, (_, i) => xaLoad(xa, i));
    expect(loads).toEqual([
      ...Array(8).fill(xaMkPointer(1)),
      ...Array(4).fill(xaMkValue(0)),
      ...Array(4).fill(XA_EMPTY),
    ]);
    // The leaves it created for 12..15 stay allocated and empty.
    expect(xaStructureErrors(xa)).toEqual([
      `node ${xaNodeKey(1, 0, 12)} is empty but still allocated`,
      `node ${xaNodeKey(1, 0, 14)} is empty but still allocated`,
    ]);
    expect(xaNodeCounterErrors(xa)).toEqual([]);
  });

  test("S=2: the climb passes the top node and would go on with its stale node->offset", () => {
    const xa = xaStoreOrder(xaInit(2), 8, 2, xaMkValue(1));
    const after = xaStoreRange(xa, 0, 16, xaMkPointer(1));
    expect(xaKernelBug(after)).toBe(
      "xas_create_range: climbed past the top node (stale node->offset)",
    );
    // The tree is the one before the call; later operations do nothing.
    expect(xaEncode(after.set("bug", null))).toEqual(xaEncode(xa));
    expect(xaStore(after, 0, xaMkPointer(2))).toBe(after);
  });

  test("S=6: an order-13 range over an order-6 entry reads slot 255 (past the slots array)", () => {
    const xa = xaStoreOrder(xaInit(6), 4160, 6, xaMkValue(1));
    expect(xaKernelBug(xaStoreRange(xa, 0, 8192, xaMkPointer(1)))).toBe(
      "BUG in xa_entry_locked: offset >= XA_CHUNK_SIZE",
    );
    // At offset 0 of its node the index happens to stay consistent and all is well.
    const ok = xaStoreRange(
      xaStoreOrder(xaInit(6), 4096, 6, xaMkValue(1)),
      0,
      8192,
      xaMkPointer(1),
    );
    const ck = new Checks();
    for (let i = 0; i < 8192; i++) ck.entry(xaLoad(ok, i), xaMkPointer(1), `load ${i}`);
    ck.done();
    expectConsistent(ok);
  });
});

describe("values: immutability, equality and encoding", () => {
  test("operations never modify their input", () => {
    const xa0 = xaStoreOrder(xaInit(3), 0, 4, xaMkPointer(1));
    const enc = xaEncode(xa0);
    xaStoreOrder(xa0, 8, 2, xaMkValue(2));
    xaErase(xa0, 3);
    xaStoreRange(xa0, 32, 8, xaMkPointer(3));
    xasStore(xa0, xasNext(xa0, xasLoad(xa0, xaState(0)).xas).xas, xaMkPointer(9));
    expect(xaEncode(xa0)).toEqual(enc);
  });

  test("the same contents and shape are Immutable.is-equal and encode identically", () => {
    for (const S of SHIFTS) {
      const a = storeIndex(storeIndex(storeIndex(xaInit(S), 5), 300), 3);
      const b = storeIndex(storeIndex(storeIndex(xaInit(S), 300), 3), 5);
      let c = storeIndex(storeIndex(xaInit(S), 3), 5);
      c = xaErase(storeIndex(storeIndex(c, 4000), 300), 4000);
      expect(is(a, b)).toBe(true);
      expect(xaEncode(a)).toEqual(xaEncode(b));
      // 4000 grew the tree (S=2, 3); erasing it shrank it back to the same shape.
      expect(is(a, c)).toBe(true);
      expect(xaEncode(a)).toEqual(xaEncode(c));
      const d = storeIndex(a, 6);
      expect(is(a, d)).toBe(false);
      expect(xaEncode(a)).not.toEqual(xaEncode(d));
    }
  });

  test("same loads but different shape: unequal and differently encoded", () => {
    const multi = xaStoreOrder(xaInit(3), 0, 1, xaMkPointer(1));
    const plain = xaStore(xaStore(xaInit(3), 0, xaMkPointer(1)), 1, xaMkPointer(1));
    expect([xaLoad(multi, 1), xaLoad(plain, 1)]).toEqual([xaMkPointer(1), xaMkPointer(1)]);
    expect(is(multi, plain)).toBe(false);
    expect(xaEncode(multi)).not.toEqual(xaEncode(plain));
  });

  test("xaSlots lists raw slots with their index ranges; xaDescribe dumps them", () => {
    const xa = xaStoreOrder(storeIndex(xaInit(2), 1), 8, 3, xaMkPointer(2));
    const slots = [...xaSlots(xa)].filter((s) => s.entry !== XA_EMPTY);
    expect(
      slots.map((s) => [s.shift, s.firstIndex, s.lastIndex, xaEntryToString(s.entry)]),
    ).toEqual([
      // Keys sort in index order: the leaf (key 2) before the shift-2 node (key 8).
      [0, 1, 1, "value 1"],
      [2, 0, 3, `node ${xaNodeKey(2, 0, 0)}`],
      [2, 8, 11, "ptr 2"],
      [2, 12, 15, "sibling (slot 2)"],
    ]);
    expect(xaDescribe(xa)).toContain("8-11: ptr 2");
    expect([...xaSlots(storeIndex(xaInit(2), 0))]).toEqual([
      { nodeKey: XAS_HEAD, shift: 0, offset: 0, firstIndex: 0, lastIndex: 0, entry: mkIndex(0) },
    ]);
  });
});
