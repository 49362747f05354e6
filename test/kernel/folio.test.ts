import { List } from "immutable";
import { describe, expect, it } from "vitest";
import {
  Folio,
  folioAlloc,
  folioIsolateLru,
  folioPut,
  folioPutbackLru,
  folioRefFreeze,
  folioRefUnfreeze,
  folioSet,
  folioTest,
  folioTryGetRcu,
  folioTrylock,
  folioUnlock,
} from "../../src/kernel/folio.js";
import {
  pteDescribe,
  pteFrame,
  pteKind,
  pteMigration,
  pteMkold,
  pteMkyoung,
  ptePage,
  ptePresent,
  pteSwap,
  pteSwapOffset,
  pteYoung,
} from "../../src/kernel/page-table.js";

const fresh = () => folioAlloc(Folio(), 2, List([1, 2, 3, 4]));

describe("folio refcounts (include/linux/page_ref.h semantics)", () => {
  it("folio_try_get_rcu fails exactly at refcount 0", () => {
    const f = fresh();
    expect(folioTryGetRcu(f)!.refcount).toBe(2);
    expect(folioTryGetRcu(f.set("refcount", 0))).toBeNull();
  });

  it("folio_ref_freeze succeeds only at the expected count; unfreeze restores", () => {
    const f = fresh().set("refcount", 5);
    expect(folioRefFreeze(f, 4)).toBeNull();
    const frozen = folioRefFreeze(f, 5)!;
    expect(frozen.refcount).toBe(0);
    expect(folioTryGetRcu(frozen)).toBeNull();
    expect(folioRefUnfreeze(frozen, 1).refcount).toBe(1);
  });

  it("the last folio_put frees the frame, keeping its memory's data", () => {
    const freed = folioPut(fresh());
    expect(freed.allocated).toBe(false);
    expect(freed.refcount).toBe(0);
    expect(freed.data.toArray()).toEqual([1, 2, 3, 4]);
    // A reallocation is a new generation of the frame.
    expect(folioAlloc(freed, 2, List([9, 9, 9, 9])).generation).toBe(2);
  });

  it("a put too many leaves a negative count for the invariants to see", () => {
    expect(folioPut(folioPut(fresh())).refcount).toBe(-1);
  });

  it("trylock fails on a locked folio; isolation takes a reference off the LRU", () => {
    const locked = folioTrylock(fresh())!;
    expect(folioTrylock(locked)).toBeNull();
    expect(folioTest(folioUnlock(locked), "locked")).toBe(false);
    expect(folioIsolateLru(fresh())).toBeNull();
    const onLru = folioSet(fresh(), "lru");
    const isolated = folioIsolateLru(onLru)!;
    expect([isolated.refcount, folioTest(isolated, "lru")]).toEqual([2, false]);
    const back = folioPutbackLru(isolated);
    expect([back.refcount, folioTest(back, "lru")]).toEqual([1, true]);
  });
});

describe("page-table entries", () => {
  it("round-trip every kind", () => {
    expect(pteKind(0)).toBe("none");
    const p = ptePresent(1, 7);
    expect([pteKind(p), pteFrame(p), ptePage(p)]).toEqual(["present", 1, 7]);
    const m = pteMigration(0, 3);
    expect([pteKind(m), pteFrame(m), ptePage(m)]).toEqual(["migration", 0, 3]);
    const s = pteSwap(12);
    expect([pteKind(s), pteSwapOffset(s)]).toEqual(["swap", 12]);
  });

  it("carry the accessed bit apart from what they map", () => {
    const young = ptePresent(1, 7);
    const old = pteMkold(young);
    expect([pteYoung(young), pteYoung(old)]).toEqual([true, false]);
    expect(old).not.toBe(young);
    expect([pteKind(old), pteFrame(old), ptePage(old)]).toEqual(["present", 1, 7]);
    expect(pteMkyoung(old)).toBe(young);
    expect(ptePresent(1, 7, false)).toBe(old);
    // Migration entries keep it (make_migration_entry_young).
    const m = pteMigration(2, 5, false);
    expect([pteKind(m), pteFrame(m), ptePage(m), pteYoung(m)]).toEqual(["migration", 2, 5, false]);
    expect(pteDescribe(old, (f) => "AB"[f]!)).toBe("B[7] old");
    expect(pteDescribe(young, (f) => "AB"[f]!)).toBe("B[7]");
  });
});
