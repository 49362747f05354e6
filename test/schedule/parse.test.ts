/** The schedule file's grammar (docs/schedules.md): columns by position, rows, gaps, constraints, errors. */
import { describe, expect, it } from "vitest";
import { compileSchedule, nearestNames } from "../../src/schedule/compile.js";
import { parseSchedule, ScheduleError } from "../../src/schedule/parse.js";

const parse = (text: string) => parseSchedule("t.schedule", text);

/** The error a bad schedule gives (and that it is one line, a ScheduleError). */
function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ScheduleError);
    const message = (err as Error).message;
    expect(message.split("\n")).toHaveLength(1);
    return message;
  }
  throw new Error("no error");
}

describe("parseSchedule", () => {
  it("reads the header, the columns by position, rows, labels, gaps and comments", () => {
    const s = parse(
      [
        "# a comment line",
        "model migrate-swapcache variant=head-only",
        "params order=2   # a comment after params",
        "",
        "    reclaim        migrate          swapin0",
        "    -------        -------          -------",
        "1)  folio_trylock();",
        "                   folio_isolate_lru",
        "2a) add_to_swap    ...",
        "                                    do_swap_page    # spills on? no: it starts in swapin0",
        "    folio_putback_lru_and_a_very_long_name",
      ].join("\n"),
    );
    expect(s.model.name).toBe("migrate-swapcache");
    expect(s.model.params.map((p) => `${p.key}=${p.value}@${p.line}:${p.column}`)).toEqual([
      "variant=head-only@2:25",
      "order=2@3:8",
    ]);
    expect(s.columns.map((c) => `${c.thread}@${c.column}`)).toEqual([
      "reclaim@5",
      "migrate@20",
      "swapin0@37",
    ]);
    expect(s.rows.map((r) => r.cells.map((c) => `${c.thread}:${c.step ?? "..."}`))).toEqual([
      ["reclaim:folio_trylock"],
      ["migrate:folio_isolate_lru"],
      ["reclaim:add_to_swap", "migrate:..."],
      ["swapin0:do_swap_page"],
      ["reclaim:folio_putback_lru_and_a_very_long_name"],
    ]);
    expect(s.rows.map((r) => r.label)).toEqual(["1)", null, "2a)", null, null]);
    expect(s.rows[2]!.cells[1]).toMatchObject({ line: 9, column: 20 });
  });

  it("treats | and │ as spaces and expands tabs to stops of 8", () => {
    const s = parse(
      ["model m", "\treclaim\t| migrate", "\tfolio_trylock", "\t\t  folio_lock", "\t\t│ …"].join(
        "\n",
      ),
    );
    expect(s.columns.map((c) => c.column)).toEqual([9, 19]);
    expect(s.rows.map((r) => r.cells.map((c) => `${c.thread}:${c.step ?? "..."}`))).toEqual([
      ["reclaim:folio_trylock"],
      ["migrate:folio_lock"],
      ["migrate:..."],
    ]);
  });

  it("reads ordering constraints, chains included, and keeps step names with colons", () => {
    const s = parse(
      "model m\nswapin0:do_swap_page < migrate:folio_lock < swapin1:do_swap_page:recheck\n",
    );
    expect(
      s.constraints.map(
        (c) => `${c.before.thread}:${c.before.step} < ${c.after.thread}:${c.after.step}@${c.line}`,
      ),
    ).toEqual([
      "swapin0:do_swap_page < migrate:folio_lock@2",
      "migrate:folio_lock < swapin1:do_swap_page:recheck@2",
    ]);
    expect(s.constraints[1]!.after.column).toBe(45);
  });

  it("gives the line and column of every error", () => {
    expect(errorOf(() => parse("reclaim migrate\n"))).toMatch(
      /^t\.schedule:1:1: a schedule starts with 'model NAME/,
    );
    expect(errorOf(() => parse("# nothing\n"))).toMatch(/^t\.schedule:1:1: empty schedule/);
    expect(errorOf(() => parse("model m order\n"))).toMatch(
      /^t\.schedule:1:9: 'order' is not param=value/,
    );
    expect(errorOf(() => parse("model m\nmodel n\n"))).toMatch(
      /^t\.schedule:2:1: a second 'model'/,
    );
    expect(errorOf(() => parse("model m\nswapin0 < migrate:folio_lock\n"))).toMatch(
      /^t\.schedule:2:1: 'swapin0' is not THREAD:STEP/,
    );
    expect(errorOf(() => parse("model m\na:x <  \n"))).toMatch(/^t\.schedule:2:1: '<' needs/);
    expect(errorOf(() => parse("model m\na:x < b:y c:z\n"))).toMatch(
      /^t\.schedule:2:7: 'b:y c:z': one THREAD:STEP on each side/,
    );
    expect(errorOf(() => parse("model m\n  reclaim reclaim\n"))).toMatch(
      /^t\.schedule:2:11: thread 'reclaim' has two columns/,
    );
    expect(errorOf(() => parse("model m\n    reclaim   migrate\nx\n"))).toMatch(
      /^t\.schedule:3:1: 'x' is left of the first column \(reclaim, column 5\)/,
    );
    expect(errorOf(() => parse("model m\n    reclaim\n    folio_trylock add_to_swap\n"))).toMatch(
      /^t\.schedule:3:19: two cells in column reclaim on one row/,
    );
    expect(errorOf(() => parse("model m\n    reclaim\n    folio$lock\n"))).toMatch(
      /^t\.schedule:3:5: 'folio\$lock' is not a step name/,
    );
  });
});

describe("compileSchedule", () => {
  const target = {
    model: "migrate-swapcache",
    raw: { variant: "head-only", order: "2" },
    threads: ["reclaim", "migrate", "swapin0", "swapin1"],
    catalogue: [
      { thread: "reclaim", name: "folio_trylock" },
      { thread: "reclaim", name: "add_to_swap" },
      { thread: "migrate", name: "folio_lock" },
      { thread: "migrate", name: "folio_isolate_lru" },
      { thread: "swapin0", name: "do_swap_page" },
    ],
  };
  const compile = (text: string) => compileSchedule(parse(text), target);

  it("folds gap rows into the free threads of the next row that names a step", () => {
    const c = compile(
      [
        "model migrate-swapcache variant=head-only",
        "    reclaim         migrate       swapin0",
        "    folio_trylock   ...",
        "                                  ...",
        "    add_to_swap",
        "                    folio_lock",
        "                    ...",
      ].join("\n"),
    );
    expect(c.rows.map((r) => [r.index, r.cells.map((x) => x.step), [...r.free]])).toEqual([
      [1, ["folio_trylock"], ["migrate"]],
      [2, ["add_to_swap"], ["swapin0"]],
      [3, ["folio_lock"], []],
    ]);
    expect([...c.endFree]).toEqual(["migrate"]);
  });

  it("refuses another model or other parameters, naming the line", () => {
    expect(errorOf(() => compile("model peterson\n"))).toBe(
      "t.schedule:1:1: the schedule is for model peterson, this run is of migrate-swapcache (add --model peterson)",
    );
    expect(errorOf(() => compile("model migrate-swapcache variant=sibling-check\n"))).toBe(
      "t.schedule:1:25: the schedule is for variant=sibling-check, this run has variant=head-only (select it with --variant sibling-check)",
    );
  });

  it("names the nearest known threads and steps of an unknown name", () => {
    expect(errorOf(() => compile("model migrate-swapcache\n    swapin2\n"))).toBe(
      "t.schedule:2:5: unknown thread 'swapin2'; nearest: swapin0, swapin1, migrate",
    );
    expect(errorOf(() => compile("model migrate-swapcache\n    reclaim\n    folio_trylok\n"))).toBe(
      "t.schedule:3:5: unknown step 'folio_trylok' of reclaim; nearest: folio_trylock, add_to_swap",
    );
    expect(
      errorOf(() => compile("model migrate-swapcache\nswapin0:do_swap_pag < migrate:folio_lock\n")),
    ).toMatch(/^t\.schedule:2:1: unknown step 'do_swap_pag' of swapin0; nearest: do_swap_page$/);
  });

  it("orders nearest names by edit distance", () => {
    expect(nearestNames("folio_lok", ["xas_store", "folio_lock", "folio_unlock", "a"])).toEqual([
      "folio_lock",
      "folio_unlock",
      "a",
    ]);
  });
});
