/**
 * The parallel search's shared seen-set, in one thread: it agrees with the
 * sequential FingerprintStore on which states are new and on their ids,
 * parents and steps, and growing it between insertions (`reserve`) keeps
 * all of that.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FingerprintStore } from "../../src/engine/index.js";
import { SharedFingerprintTable } from "../../src/engine/shared-store.js";

describe("SharedFingerprintTable", () => {
  it("agrees with FingerprintStore, across growth", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(3000), fc.nat(7)), { minLength: 1, maxLength: 4000 }),
        (inserts) => {
          const shared = SharedFingerprintTable.create(128);
          const store = new FingerprintStore();
          inserts.forEach(([value, step], i) => {
            // Room for the next few as the search makes it, between "levels".
            if (i % 50 === 0) shared.reserve(50);
            const encoding = [value, value >> 3, 7];
            const parent = i === 0 ? -1 : i % 5;
            const a = shared.findOrInsert(encoding, parent, step);
            const b = store.findOrInsert(encoding, parent, step);
            expect(a).toBe(b);
          });
          expect(shared.size).toBe(store.size);
          for (let id = 0; id < store.size; id++) {
            expect(shared.parentOf(id)).toBe(store.parentOf(id));
            expect(shared.stepOf(id)).toBe(store.stepOf(id));
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("says full (-1) instead of overwriting, and takes more after grow()", () => {
    const table = SharedFingerprintTable.create(128);
    let r = 0;
    let n = 0;
    while (r !== -1 && n < 1000) r = table.findOrInsert([n++], -1, 0);
    expect(r).toBe(-1);
    const size = table.size;
    expect(size).toBeLessThan(1000);
    expect(table.findOrInsert([n - 1], -1, 0)).toBe(-1);
    expect(table.size).toBe(size);
    expect(table.findOrInsert([0], -1, 0)).toBe(-2);
    table.grow();
    expect(table.findOrInsert([n - 1], -1, 7)).toBe(size);
    expect(table.stepOf(size)).toBe(7);
    for (let v = 0; v < n; v++) expect(table.findOrInsert([v], -1, 0)).toBe(-2 - v);
  });

  it("keeps ids, parents and steps across entry chunks (2^18 ids each)", () => {
    const table = SharedFingerprintTable.create(128);
    const n = 600_000;
    for (let v = 0; v < n; v++) {
      let r = table.findOrInsert([v, 1], v - 1, v % 11);
      if (r === -1) {
        table.grow();
        r = table.findOrInsert([v, 1], v - 1, v % 11);
      }
      expect(r).toBe(v);
    }
    for (const v of [0, 262_143, 262_144, 262_145, 524_288, n - 1]) {
      expect(table.findOrInsert([v, 1], -1, 0)).toBe(-2 - v);
      expect(table.parentOf(v)).toBe(v - 1);
      expect(table.stepOf(v)).toBe(v % 11);
      expect(table.matches(v, [v, 1])).toBe(true);
      expect(table.matches(v, [v, 2])).toBe(false);
    }
  });

  it("grows with its new index filled in ranges, in any order (as the participants do)", () => {
    const table = SharedFingerprintTable.create(128);
    let n = 0;
    while (table.findOrInsert([n, 5], n - 1, n % 3) !== -1) n++;
    const grown = table.grown(4096)!;
    expect(grown.rebuild).toBe(true);
    const cut = [0, Math.floor(n / 3), Math.floor((2 * n) / 3), n];
    for (const k of [2, 0, 1]) table.fillIndex(grown.buffers.index, cut[k]!, cut[k + 1]!);
    table.adopt(grown.buffers);
    for (let v = 0; v < n; v++) expect(table.findOrInsert([v, 5], -1, 0)).toBe(-2 - v);
    expect(table.findOrInsert([n, 5], n - 1, 0)).toBe(n);
    expect(table.parentOf(n)).toBe(n - 1);
  });
});
