/**
 * The parallel search's levels in shared memory: every record written is
 * read exactly once, whatever the mix of readers; a reader takes its own
 * segment first and then steals; chunks read to the end are recycled.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  LEVEL_CHUNK_WORDS,
  SharedLevelReader,
  SharedLevelWriter,
} from "../../src/engine/shared-level.js";

function write(writer: SharedLevelWriter, records: [number, number[]][]): SharedArrayBuffer[] {
  for (const [id, words] of records) writer.push(id, words);
  return writer.take();
}

const record = fc.tuple(
  fc.nat(1_000_000),
  fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 40 }),
);

describe("SharedLevelWriter / SharedLevelReader", () => {
  it("every record is read once, in order within a chunk, by interleaved readers", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(record, { maxLength: 3000 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(2), { minLength: 1, maxLength: 400 }),
        (perWriter, schedule) => {
          const segments = perWriter.map((records) => write(new SharedLevelWriter(), records));
          const cursors = new Int32Array(new SharedArrayBuffer(4 * (1 + segments.length)));
          const readers = segments.map(
            (_, p) => new SharedLevelReader(segments, cursors, 1, p, () => {}),
          );
          const seen: string[] = [];
          const read = (r: SharedLevelReader) => {
            const words = r.next();
            if (words !== null) seen.push(`${r.id}:${words.join(",")}`);
            return words !== null;
          };
          // Readers take turns as the schedule says, then each reads to the end.
          for (const k of schedule) read(readers[k % readers.length]!);
          for (const r of readers) while (read(r));
          const written = perWriter.flat().map(([id, words]) => `${id}:${words.join(",")}`);
          expect(seen.sort()).toEqual(written.sort());
        },
      ),
      { numRuns: 60 },
    );
  });

  it("takes its own segment first, then steals, and recycles chunks it has read", () => {
    const N = 3000; // 8 words a record: two chunks
    const big = (base: number) =>
      Array.from({ length: N }, (_, i): [number, number[]] => [base + i, [i, i, i, i, i, i]]);
    const mine = write(new SharedLevelWriter(), big(0));
    const theirs = write(new SharedLevelWriter(), big(10_000));
    expect(mine.length).toBeGreaterThan(1);
    const cursors = new Int32Array(new SharedArrayBuffer(12));
    const recycled: SharedArrayBuffer[] = [];
    const reader = new SharedLevelReader([theirs, mine], cursors, 1, 1, (b) => recycled.push(b));
    const ids: number[] = [];
    while (reader.next() !== null) ids.push(reader.id);
    expect(ids.slice(0, N)).toEqual(big(0).map(([id]) => id));
    expect(ids.slice(N)).toEqual(big(10_000).map(([id]) => id));
    expect(reader.stolen).toBe(theirs.length);
    expect(recycled).toEqual([...mine, ...theirs]);
    // A recycled chunk is written again rather than a new one allocated.
    const writer = new SharedLevelWriter();
    writer.recycle(recycled[0]!);
    writer.push(7, [1, 2, 3]);
    expect(writer.take()).toEqual([recycled[0]]);
  });

  it("refuses a state larger than a chunk", () => {
    expect(() => new SharedLevelWriter().push(0, new Array(LEVEL_CHUNK_WORDS).fill(1))).toThrow(
      /does not fit a level chunk/,
    );
  });
});
