/**
 * declaredView (src/kernel/declared-view.ts): the KernelView and the
 * fields of each kernel object derived from a declared state's part kinds,
 * each member read only when an invariant asks for it.
 */
import { List } from "immutable";
import { describe, expect, it } from "vitest";
import { recordPart } from "../../src/declared/record-part.js";
import { declareState, optionalPart, part, parts } from "../../src/declared/state.js";
import { Reads, tracked } from "../../src/declared/tracker.js";
import { declaredView } from "../../src/kernel/declared-view.js";
import { Folio, fastRecord } from "../../src/kernel/folio.js";
import { pteSwap } from "../../src/kernel/page-table.js";
import { FOLIO_PART, PTES_PART, SWAP_MAP_PART, XARRAY_PART } from "../../src/kernel/parts.js";
import { type SwapMap, swapMapFrom } from "../../src/kernel/swap-map.js";
import type { KernelView } from "../../src/kernel/view.js";
import { type XArray, xaInit } from "../../src/kernel/xarray.js";

const Pc = fastRecord({ pc: 0 });
const PC_PART = recordPart("declared-view-test-pc", Pc);

const STATE = declareState("DeclaredViewTest", {
  xa: part(XARRAY_PART, null as unknown as XArray),
  folios: parts(FOLIO_PART),
  ptes: part(PTES_PART, List<number>()),
  swap: optionalPart(SWAP_MAP_PART),
  worker: part(PC_PART, Pc()),
});
type S = ReturnType<typeof STATE.State>;

const init = (swap: SwapMap | null) =>
  STATE.State({
    xa: xaInit(),
    folios: List([Folio({ allocated: true, refcount: 1 })]),
    ptes: List([pteSwap(0)]),
    swap,
  });

const source = (s: S) => ({
  name: "test",
  state: STATE,
  init: [s],
  threads: [{ name: "worker", own: "worker", table: {}, steps: () => [] }],
});

const spec = {
  frameName: () => "A",
  cache: { swapCache: true, multiIndex: false, maxIndex: 0 },
  holds: [(s: S) => (s.worker.pc === 1 ? [{ thread: "worker", frame: 0, what: "a ref" }] : [])],
  pending: (s: S) => (s.worker.pc === 2 ? [0] : []),
};

/** The fields `fn` reads of `s` through the view. */
function fieldsRead(s: S, fn: (v: KernelView) => unknown): string[] {
  const layout = STATE.layoutOf(s);
  const reads = new Reads();
  const names = STATE.names as readonly string[];
  fn(declaredView(source(s), spec).view(tracked(s, names, new Set(["folios"]), layout, reads)));
  return reads.sorted().map((w) => STATE.wordName(layout, w));
}

describe("declaredView", () => {
  const s = init(swapMapFrom([1]));

  it("derives each member from the field of its kind", () => {
    const { view } = declaredView(source(s), spec);
    const v = view(s);
    expect(v.frames).toBe(s.folios);
    expect(v.cache!.xa).toBe(s.xa);
    expect(v.cache!.swapCache).toBe(true);
    expect(v.cache!.locked).toBe(false);
    expect(v.ptes).toBe(s.ptes);
    expect(v.swap!.map).toBe(s.swap);
    expect(v.frameName(0)).toBe("A");
    const busy = s.set("worker", Pc({ pc: 2 }));
    expect([...view(busy).swap!.pending]).toEqual([0]);
    expect(view(s.set("worker", Pc({ pc: 1 }))).holds![0]!()).toHaveLength(1);
  });

  it("reads a field only when an invariant asks for its object", () => {
    expect(fieldsRead(s, () => null)).toEqual([]);
    expect(fieldsRead(s, (v) => v.cache!.swapCache)).toEqual([]);
    expect(fieldsRead(s, (v) => v.frames.get(0))).toEqual(["folios[0]"]);
    expect(fieldsRead(s, (v) => v.swap!.map)).toEqual(["swap"]);
    expect(fieldsRead(s, (v) => v.swap!.pending)).toEqual(["worker"]);
  });

  it("the fields of each kind of object: derived, the threads' records, and the model's reads", () => {
    const { objects } = declaredView(source(s), { ...spec, reads: { ptes: ["worker"] } });
    expect(objects("frames")).toEqual(["folios"]);
    expect(objects("cache")).toEqual(["xa"]);
    expect(objects("ptes")).toEqual(["ptes", "worker"]);
    expect(objects("holds")).toEqual(["worker"]);
    expect(objects("swap")).toEqual(["swap", "worker"]);
    expect(objects("bug")).toEqual([]);
  });

  it("an optional part null at the start is not one of the model's objects", () => {
    const { shape, objects } = declaredView(source(init(null)), spec);
    expect(shape.swap).toBeUndefined();
    expect("swap" in shape).toBe(false);
    expect(objects("swap")).toEqual([]);
  });

  it("refuses what it cannot derive", () => {
    const { cache: _, ...noCache } = spec;
    expect(() => declaredView(source(s), noCache)).toThrow(/say how folios sit in the cache/);
    const two = declareState("DeclaredViewTwo", {
      a: part(XARRAY_PART, null as unknown as XArray),
      b: part(XARRAY_PART, null as unknown as XArray),
      folios: parts(FOLIO_PART),
    });
    const t = two.State({ a: xaInit(), b: xaInit(), folios: List([Folio()]) });
    const src = { name: "two", state: two, init: [t], threads: [] };
    expect(() => declaredView(src, { frameName: () => "A", cache: spec.cache })).toThrow(
      /a, b could each be the cache/,
    );
    const named = declaredView(src, {
      frameName: () => "A",
      cache: spec.cache,
      fields: { cache: "b" },
    });
    expect(named.view(t).cache!.xa).toBe(t.b);
  });
});
