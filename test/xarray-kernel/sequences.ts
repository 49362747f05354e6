/** fast-check generators of driver sequences (see driver.c for the operations). */
import fc from "fast-check";
import type { EntrySpec, MigrateVariant, Op } from "./driver.js";

/** Highest order generated; indices stay below 256, the final dump loads 0..511. */
const MAX_ORDER = 7;
const MAX_INDEX = 255;

const entry: fc.Arbitrary<EntrySpec> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 3 }).map((n) => `p${n}`) },
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 3 }).map((n) => `v${n}`) },
  { weight: 1, arbitrary: fc.constant("0") },
);

const order = fc.oneof(
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: MAX_ORDER }) },
);

/** Indices below this are picked 3 times in 4, so that entries overlap often. */
const NEAR = 127;

/** An index for an order: aligned (3 in 4) or anywhere (XA_STATE_ORDER aligns it). */
function indexFor(o: number): fc.Arbitrary<number> {
  const n = 2 ** o;
  const near = fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0, max: NEAR }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: MAX_INDEX }) },
  );
  return fc.oneof(
    { weight: 3, arbitrary: near.map((i) => i - (i % n)) },
    { weight: 1, arbitrary: near },
  );
}

const alignedFor = (o: number) =>
  fc.integer({ min: 0, max: Math.floor(MAX_INDEX / 2 ** o) }).map((i) => i * 2 ** o);

const store: fc.Arbitrary<Op> = order.chain((o) =>
  fc.tuple(indexFor(o), entry).map(([index, e]): Op => ({ op: "st", index, order: o, entry: e })),
);

const setCursor: fc.Arbitrary<Op> = order.chain((o) =>
  indexFor(o).map((index): Op => ({ op: "set", index, order: o })),
);

const migrate: fc.Arbitrary<Op> = fc
  .integer({ min: 0, max: MAX_ORDER })
  .chain((o) =>
    fc
      .tuple(fc.constantFrom<MigrateVariant>("pp", "ho", "sc", "sb"), alignedFor(o))
      .map(([variant, index]): Op => ({ op: "mg", variant, index, order: o })),
  );

const addRange: fc.Arbitrary<Op> = fc.integer({ min: 0, max: 5 }).chain((o) =>
  fc
    .tuple(
      alignedFor(o),
      entry.filter((e) => e !== "0"),
    )
    .map(([index, e]): Op => ({ op: "ar", index, order: o, entry: e })),
);

const cursorOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: setCursor },
  { weight: 2, arbitrary: fc.constant<Op>({ op: "ld" }) },
  { weight: 4, arbitrary: fc.constant<Op>({ op: "nx" }) },
  { weight: 2, arbitrary: fc.constant<Op>({ op: "pv" }) },
  { weight: 4, arbitrary: entry.map((e): Op => ({ op: "cs", entry: e })) },
  { weight: 1, arbitrary: fc.constant<Op>({ op: "cr" }) },
);

export const operation: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: store },
  { weight: 10, arbitrary: cursorOp },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 0, max: MAX_INDEX }).map((index): Op => ({ op: "gl", index })),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 0, max: MAX_INDEX }).map((index): Op => ({ op: "go", index })),
  },
  { weight: 1, arbitrary: addRange },
  { weight: 2, arbitrary: migrate },
);

/** A sequence: a few stores to build a tree, then anything. */
export const sequence: fc.Arbitrary<Op[]> = fc
  .tuple(
    fc.array(store, { minLength: 0, maxLength: 4 }),
    fc.array(operation, { minLength: 1, maxLength: 14 }),
  )
  .map(([a, b]) => [...a, ...b]);
