/**
 * The slicing of a proof matrix (src/prove/shard.ts): deterministic, every
 * cell in exactly one slice, round robin; a cell's evidence does not depend
 * on which slice proves it; shard headers compare by content, not key order.
 */
import { describe, expect, it } from "vitest";
import type { ModelEntry, ModelRun } from "../../models/registry.js";
import { naiveMutexModel, petersonModel } from "../../models/toy/index.js";
import { ParameterError } from "../../src/params.js";
import { type Cell, proveMatrix, proveRuns } from "../../src/prove/matrix.js";
import {
  canonicalJson,
  cellFromRecord,
  cellRecord,
  matrixDigest,
  parseShard,
  readCellRecord,
  shardCells,
  shardIndices,
  shardOf,
  witnessGroups,
} from "../../src/prove/shard.js";

describe("parseShard", () => {
  it("reads i/N with 1 ≤ i ≤ N", () => {
    expect(parseShard("1/4")).toEqual({ index: 1, count: 4 });
    expect(parseShard(" 4 / 4 ")).toEqual({ index: 4, count: 4 });
    expect(parseShard("1/1")).toEqual({ index: 1, count: 1 });
  });

  it.each(["0/2", "3/2", "1/0", "x", "", "1/", "/2", "-1/2", "1.5/2", "1/2/3", "1/10001"])(
    "refuses %j with a ParameterError",
    (text) => {
      expect(() => parseShard(text)).toThrow(ParameterError);
    },
  );
});

describe("shardIndices", () => {
  it("is round robin: shard i takes i-1, i-1+N, …", () => {
    expect(shardIndices(10, { index: 1, count: 3 })).toEqual([0, 3, 6, 9]);
    expect(shardIndices(10, { index: 2, count: 3 })).toEqual([1, 4, 7]);
    expect(shardIndices(10, { index: 3, count: 3 })).toEqual([2, 5, 8]);
    expect(shardIndices(2, { index: 5, count: 8 })).toEqual([]);
  });

  it("puts every item in exactly one slice, the one shardOf names, sizes within one", () => {
    for (const total of [0, 1, 5, 6, 7, 144]) {
      for (const count of [1, 2, 3, 4, 7, 200]) {
        const seen = new Array<number>(total).fill(0);
        const sizes: number[] = [];
        for (let index = 1; index <= count; index++) {
          const slice = shardIndices(total, { index, count });
          sizes.push(slice.length);
          for (const k of slice) {
            seen[k]!++;
            expect(shardOf(k, count)).toBe(index);
          }
          // Deterministic: the same slice every time.
          expect(shardIndices(total, { index, count })).toEqual(slice);
        }
        expect(seen.every((n) => n === 1)).toBe(true);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe("shardCells", () => {
  /** `groups` groups of `size` cells each, group-major (as a matrix of configurations × variants). */
  const matrix = (groups: number, size: number) =>
    Array.from({ length: groups * size }, (_, k) => `g${Math.floor(k / size)}`);

  it("keeps a witness group in one shard, groups dealt with a rotation", () => {
    const groups = matrix(8, 3);
    const slices = [1, 2, 3, 4].map((index) => shardCells(groups, { index, count: 4 }));
    // Round 0 (groups 0..3) goes to shards 1..4, round 1 (groups 4..7) to shards 2, 3, 4, 1.
    expect(slices.map((s) => [...new Set(s.map((k) => groups[k]))])).toEqual([
      ["g0", "g7"],
      ["g1", "g4"],
      ["g2", "g5"],
      ["g3", "g6"],
    ]);
    expect(slices[0]).toEqual([0, 1, 2, 21, 22, 23]);
  });

  it("deals cells one by one when there are fewer groups than shards", () => {
    const groups = matrix(2, 6);
    expect(shardCells(groups, { index: 2, count: 3 })).toEqual(
      shardIndices(12, { index: 2, count: 3 }),
    );
    expect(shardCells(groups, { index: 2, count: 2 })).toEqual([6, 7, 8, 9, 10, 11]);
  });

  it("is a deterministic partition, group counts within one of each other", () => {
    for (const [g, size] of [
      [1, 6],
      [4, 6],
      [24, 6],
      [5, 1],
      [7, 3],
    ] as const) {
      const groups = matrix(g, size);
      for (const count of [1, 2, 3, 4, 5, 9, 50]) {
        const seen = new Array<number>(groups.length).fill(0);
        const groupCounts: number[] = [];
        for (let index = 1; index <= count; index++) {
          const slice = shardCells(groups, { index, count });
          expect(shardCells(groups, { index, count })).toEqual(slice);
          expect([...slice].sort((a, b) => a - b)).toEqual(slice);
          for (const k of slice) seen[k]!++;
          groupCounts.push(new Set(slice.map((k) => groups[k])).size);
        }
        expect(seen.every((n) => n === 1)).toBe(true);
        if (g >= count) {
          expect(Math.max(...groupCounts) - Math.min(...groupCounts)).toBeLessThanOrEqual(1);
          expect(groupCounts.reduce((a, b) => a + b, 0)).toBe(g);
        }
      }
    }
  });

  it("a witness group is the configuration with the baseline for the fix", () => {
    const runs = [
      { raw: { variant: "fix", order: "1" }, fixParameter: "variant" },
      { raw: { variant: "bug", order: "1" }, fixParameter: "variant" },
      { raw: { variant: "fix", order: "2" }, fixParameter: "variant" },
      { raw: { order: "2" } },
    ];
    const groups = witnessGroups(runs, undefined, "bug");
    expect(groups[0]).toBe(groups[1]);
    expect(groups[2]).not.toBe(groups[0]);
    expect(groups[3]).toBe("cell 3");
    expect(witnessGroups(runs, "variant", "bug")[3]).toBe(groups[2]);
  });
});

describe("shard headers", () => {
  it("canonical JSON ignores key order, not values", () => {
    expect(canonicalJson({ a: 1, b: { c: [1, { e: 2, d: 3 }] } })).toBe(
      canonicalJson({ b: { c: [1, { d: 3, e: 2 }] }, a: 1 }),
    );
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: 2 }));
  });

  it("the matrix digest depends on the runs and their order", () => {
    const runs = [
      { title: "a", raw: { variant: "a" } },
      { title: "b", raw: { variant: "b" } },
    ];
    const digest = matrixDigest(runs);
    expect(digest.items).toBe(2);
    expect(matrixDigest(runs)).toEqual(digest);
    expect(matrixDigest([...runs].reverse()).sha256).not.toBe(digest.sha256);
    expect(matrixDigest(runs.slice(0, 1)).sha256).not.toBe(digest.sha256);
    // A model changed under the same version: another property, another step.
    const withProperty = runs.map((r) => ({ ...r, model: { properties: [{ name: "p" }] } }));
    expect(matrixDigest(withProperty).sha256).not.toBe(digest.sha256);
    const withStep = runs.map((r) => ({
      ...r,
      catalogue: [{ thread: "t", name: "step", core: true }],
    }));
    expect(matrixDigest(withStep).sha256).not.toBe(digest.sha256);
  });
});

/** A toy matrix with a fix: `variant` picks Peterson (fix) or the naive mutex (bug); `rounds` is a second column. */
function toyEntry(): ModelEntry {
  const catalogue = ["flag[i] = 1", "turn = j", "await !flag[j] || turn == i", "leave"].flatMap(
    (name) => ["P0", "P1"].map((thread) => ({ thread, name, core: true })),
  );
  return {
    name: "toy-fix",
    version: 1,
    summary: "",
    parameters: [],
    threads: [],
    properties: [],
    configure: (raw) =>
      (raw.variant !== undefined ? [raw.variant] : ["fix", "bug"]).map(
        (variant): ModelRun => ({
          title: `toy ${variant}, ${raw.rounds}`,
          raw: { ...raw, variant },
          params: { variant, rounds: raw.rounds ?? "1" },
          model: variant === "fix" ? petersonModel() : naiveMutexModel(),
          catalogue,
          fixParameter: "variant",
        }),
      ),
  };
}

describe("a slice's cells are the matrix's", () => {
  it("proving a slice gives the same cells as proving the whole matrix", async () => {
    const entry = toyEntry();
    const configs = [{ rounds: "1" }, { rounds: "2" }];
    const options = { baseline: "bug", liveness: false };
    const whole = await proveMatrix(entry, configs, options);
    expect(whole.map((c) => c.status)).toEqual(["proved", "violated", "proved", "violated"]);
    const runs = configs.flatMap((r) => entry.configure(r));
    for (const count of [1, 2, 3, 5]) {
      for (let index = 1; index <= count; index++) {
        const slice = shardCells(witnessGroups(runs, "variant", "bug"), { index, count });
        const cells = await proveRuns(
          entry,
          slice.map((k) => runs[k]!),
          options,
        );
        cells.forEach((c, i) => {
          const k = slice[i]!;
          const record = cellRecord(k, c);
          // What a shard writes, read back, is what the whole run has (timings aside).
          const again = cellFromRecord(
            JSON.parse(JSON.stringify(record)),
            whole[k]!.run,
            whole[k]!.checked,
          );
          const strip = (x: unknown) =>
            JSON.parse(JSON.stringify(x, (key, v: unknown) => (key === "seconds" ? 0 : v)));
          expect(strip({ ...again, run: again.run.title })).toEqual(
            strip({
              ...cellFromRecord(cellRecord(k, whole[k]!), whole[k]!.run, whole[k]!.checked),
              run: whole[k]!.run.title,
            }),
          );
          expect(record.title).toBe(whole[k]!.run.title);
        });
      }
    }
  });
});

describe("a cell record", () => {
  it("keeps a lasso's loop, an incomplete reason and a witness through JSON", () => {
    const run = { title: "t", raw: {}, params: { variant: "v" } } as unknown as ModelRun;
    const checked = {
      invariants: ["i"],
      deadlock: true,
      liveness: ["l"],
      fairness: "weak" as const,
    };
    const witness = {
      baseline: "bug",
      verdict: "violated" as const,
      property: "i",
      length: 4,
      violated: [{ property: "i", length: 4 }],
    };
    const cell = (over: Partial<Cell["result"]>): Cell =>
      ({
        run,
        result: {
          verdict: "violated",
          property: "l",
          explanation: null,
          trace: { steps: [1, 2, 3], loopStart: 1 },
          incompleteReason: null,
          stats: {
            distinctStates: 5,
            transitions: 7,
            seconds: 0.25,
            exact: false,
            collisionProbability: 1.5e-12,
          },
          ...over,
        },
        status: "violated",
        unreachedCore: [],
        unreachedBranches: ["t:branch"],
        catalogued: 3,
        witness,
        checked,
      }) as unknown as Cell;
    const lasso = cellRecord(3, cell({}));
    const back = readCellRecord("f.json", JSON.parse(JSON.stringify(lasso)), 0);
    expect(back).toEqual(lasso);
    expect(cellFromRecord(back, run, checked).result.trace).toEqual({
      steps: { length: 3 },
      loopStart: 1,
    });
    expect(cellFromRecord(back, run, checked).witness).toEqual(witness);
    const cut = cellRecord(
      0,
      cell({ verdict: "incomplete", trace: null, incompleteReason: "max-states" }),
    );
    const again = cellFromRecord(
      readCellRecord("f.json", JSON.parse(JSON.stringify(cut)), 0),
      run,
      checked,
    );
    expect(again.result).toMatchObject({
      verdict: "incomplete",
      trace: null,
      incompleteReason: "max-states",
    });
    expect(() =>
      readCellRecord(
        "f.json",
        { ...JSON.parse(JSON.stringify(cut)), incompleteReason: "tired" },
        0,
      ),
    ).toThrow(/f\.json: malformed shard \(cells\[0\]: incompleteReason is not a reason\)/);
  });
});
