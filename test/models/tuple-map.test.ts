/**
 * TupleMap (the compiled model's memo tables) against a Map keyed by the
 * tuples' strings: random inserts and lookups, with tuples drawn from a
 * small range so that many collide in their hashes' low bits and the table
 * grows several times.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TupleMap } from "../../src/declared/tuple-map.js";

describe("TupleMap", () => {
  it("agrees with a Map on random tuples", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((width) =>
          fc.tuple(
            fc.constant(width),
            fc.array(
              fc.array(fc.integer({ min: -3, max: 40 }), { minLength: width, maxLength: width }),
              {
                maxLength: 600,
              },
            ),
          ),
        ),
        ([width, tuples]) => {
          const map = new TupleMap<number>(width);
          const reference = new Map<string, number>();
          tuples.forEach((t, i) => {
            map.key.set(t);
            const want = reference.get(t.join(","));
            expect(map.get()).toBe(want);
            if (want === undefined) {
              map.set(i);
              reference.set(t.join(","), i);
            }
          });
          expect(map.size).toBe(reference.size);
          for (const [k, v] of reference) {
            map.key.set(k.split(",").map(Number));
            expect(map.get()).toBe(v);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
