/** The race table out: plain, at most 80 columns when the names allow, and read back cell by cell. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { raceTable } from "../../src/cli/report/table.js";
import { parseSchedule } from "../../src/schedule/parse.js";

const THREADS = ["reclaim", "writeback", "migrate", "swapin0", "swapin1", "reclaim-dst"];
const NAMES = [
  "folio_trylock",
  "add_to_swap",
  "__delete_from_swap_cache",
  "folio_migrate_mapping",
  "do_swap_page:recheck",
  "xas_store",
  "filemap_get_entry",
  "folio_end_writeback",
];

const stepArb = fc.record({
  thread: fc.constantFrom(...THREADS),
  name: fc.constantFrom(...NAMES),
});

describe("raceTable", () => {
  it("reads back as the same steps, in order, each in its thread's column, within 80 columns", () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 1, maxLength: 40 }),
        fc.option(fc.nat(), { nil: undefined }),
        (steps, loopAt) => {
          const loopStart = loopAt === undefined ? undefined : loopAt % (steps.length + 1);
          const text = raceTable({
            model: "migrate-swapcache",
            raw: { variant: "head-only", order: "2", "chunk-shift": "2", threads: "reclaim-dst" },
            threads: THREADS,
            steps,
            ...(loopStart !== undefined ? { loopStart } : {}),
            notes: ["a note long enough to be wrapped at the table's width, ".repeat(3)],
          });
          for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
          const s = parseSchedule("out", text);
          expect(s.model.params.map((p) => `${p.key}=${p.value}`)).toEqual([
            "variant=head-only",
            "order=2",
            "chunk-shift=2",
            "threads=reclaim-dst",
          ]);
          const rows = s.rows.map((r) => r.cells.map((c) => ({ thread: c.thread, name: c.step })));
          const stem = loopStart === undefined ? steps : steps.slice(0, loopStart);
          expect(rows).toEqual(stem.map((x) => [x]));
          expect(s.rows.map((r) => r.label)).toEqual(stem.map((_, i) => String(i + 1)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("shows only the threads that take part, in the model's order", () => {
    const text = raceTable({
      model: "m",
      raw: {},
      threads: ["a", "b", "c"],
      steps: [
        { thread: "c", name: "x" },
        { thread: "a", name: "y" },
      ],
    });
    expect(text).toBe("model m\n\n    a  c\n    -  -\n1      x\n2   y\n");
  });
});
