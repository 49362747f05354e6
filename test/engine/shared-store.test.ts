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

  it("says full (-1) instead of overwriting when it was not grown", () => {
    const table = SharedFingerprintTable.create(128);
    let r = 0;
    let n = 0;
    while (r !== -1 && n < 1000) r = table.findOrInsert([n++], -1, 0);
    expect(r).toBe(-1);
    expect(table.size).toBeLessThan(128);
    expect(table.findOrInsert([0], -1, 0)).toBe(-2);
  });
});
