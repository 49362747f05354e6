/**
 * `simulate --shard i/N` and `simulate --merge`: for the same master seed,
 * the merged shards give the unsharded simulation's report (text, JSON,
 * trace file, exit status), swarm or not, with --keep-going or stopping at
 * the first violation; mismatched slices and bad input are one line, exit 2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CliRun, expectBadInput, runCli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "swapcheck-swarm-shard-"));
let fileNo = 0;
const fresh = (name: string) => join(dir, `${fileNo++}-${name}`);

/** Every variant of a small configuration: some hold, head-only and null-tails break. */
const SWARM = [
  ...["--variant", "all", "--order", "1", "--chunk-shift", "2", "--mapping", "anon-swap"],
  ...["--swarm", "--seed", "7", "--runs", "30", "--depth", "60"],
];

/** Timings masked (the one thing a merge cannot repeat). */
function maskJson(text: string): unknown {
  return JSON.parse(text, (k, v: unknown) =>
    k === "seconds" || k === "statesPerSecond" ? 0 : v,
  ) as unknown;
}

async function shards(params: readonly string[], n: number): Promise<string[]> {
  const files: string[] = [];
  for (let i = 1; i <= n; i++) {
    const file = fresh(`swarm-${i}-of-${n}.json`);
    const r = await runCli("simulate", ...params, "--shard", `${i}/${n}`, "--out", file);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe("");
    files.push(file);
  }
  return files;
}

interface Both {
  readonly text: CliRun;
  readonly json: CliRun;
}

async function both(...argv: string[]): Promise<Both> {
  return { text: await runCli(...argv), json: await runCli(...argv, "--json") };
}

function expectSame(got: Both, want: Both): void {
  expect(got.text.status).toBe(want.text.status);
  expect(got.json.status).toBe(want.json.status);
  expect(got.text.stdout).toBe(want.text.stdout);
  expect(maskJson(got.json.stdout)).toEqual(maskJson(want.json.stdout));
}

describe("simulate --merge gives the unsharded simulation (same seeds)", () => {
  let whole: Promise<Both> | null = null;
  it.each([1, 2, 3, 40])("swarm, N = %i (40 > the 30 runs: empty slices)", async (n) => {
    whole ??= both("simulate", ...SWARM);
    const want = await whole;
    expect(want.text.status).toBe(1);
    expect(want.text.stdout).toMatch(/violated +cache-integrity/);
    const files = await shards(SWARM, n);
    expectSame(await both("simulate", "--merge", ...files), want);
  });

  it("--keep-going: every run of every shard, the first violation's trace and stats", async () => {
    const params = [...SWARM, "--keep-going"];
    const want = await both("simulate", ...params);
    const got = await both("simulate", "--merge", ...(await shards(params, 3)));
    expectSame(got, want);
    const violation = JSON.parse(got.json.stdout).results.find(
      (r: { violation: unknown }) => r.violation !== null,
    ).violation;
    expect(violation.stats.distinctStates).toBeGreaterThan(violation.trace.length);
  });

  it("without --swarm, and the trace file the merge writes is the unsharded one", async () => {
    const params = SWARM.filter((a) => a !== "--swarm");
    const wantTrace = fresh("whole-trace.json");
    const gotTrace = fresh("merged-trace.json");
    const want = await runCli("simulate", ...params, "--trace-out", wantTrace);
    expect(want.status).toBe(1);
    const files = await shards(params, 2);
    const got = await runCli("simulate", "--merge", ...files, "--trace-out", gotTrace);
    expect(got.status).toBe(want.status);
    expect(got.stdout).toBe(want.stdout);
    expect(got.stderr).toBe(want.stderr.replace(wantTrace, gotTrace));
    expect(readFileSync(gotTrace, "utf8")).toBe(readFileSync(wantTrace, "utf8"));
  });

  it("a simulation that finds nothing merges to exit 3", async () => {
    const fixed = SWARM.map((x) => (x === "all" ? "sibling-check" : x));
    const want = await both("simulate", ...fixed);
    expect(want.text.status).toBe(3);
    expectSame(await both("simulate", "--merge", ...(await shards(fixed, 2))), want);
  });
});

describe("simulate shards: refusals and bad input (one line, exit 2)", () => {
  it("--shard needs --seed; --trace-out and --out go with --merge and --shard", async () => {
    const noSeed = SWARM.filter((a, i) => a !== "--seed" && SWARM[i - 1] !== "--seed");
    expectBadInput(
      await runCli("simulate", ...noSeed, "--shard", "1/2"),
      /--shard needs --seed: every shard must draw its runs from the same master seed/,
    );
    expectBadInput(
      await runCli("simulate", ...SWARM, "--shard", "1/2", "--trace-out", fresh("t.json")),
      /--trace-out goes with --merge/,
    );
    expectBadInput(
      await runCli("simulate", ...SWARM, "--out", fresh("o.json")),
      /--out goes with --shard/,
    );
    expectBadInput(
      await runCli("simulate", ...SWARM, "--shard", "2/1"),
      /--shard 2\/1: i must be in 1\.\.1/,
    );
    expectBadInput(await runCli("simulate", "--merge"), /--merge needs the shard files/);
  });

  it("a missing or mismatched slice, a prove shard, settings given to the merge", async () => {
    const [a, b] = await shards(SWARM, 2);
    expectBadInput(await runCli("simulate", "--merge", a!), /shard 2\/2 missing/);
    expectBadInput(await runCli("simulate", "--merge", a!, a!, b!), /shard 1\/2 given twice/);
    const reseeded = await shards(
      SWARM.map((x) => (x === "7" ? "8" : x)),
      2,
    );
    expectBadInput(
      await runCli("simulate", "--merge", a!, reseeded[1]!),
      /does not match .*: seed 8 vs 7/,
    );
    // A slice taken in part without a reason (a run dropped) would pass for a whole one.
    const doc = JSON.parse(readFileSync(b!, "utf8"));
    expect(doc.results[0].runs).toHaveLength(15);
    doc.results[0].runs.pop();
    const truncated = fresh("truncated.json");
    writeFileSync(truncated, JSON.stringify(doc));
    expectBadInput(
      await runCli("simulate", "--merge", a!, truncated),
      /malformed shard \(results\[0\]: 14 of the slice's 15 runs, and it did not stop\)/,
    );
    const proveShard = fresh("prove-shard.json");
    await runCli(
      ...["prove", "--order", "1", "--chunk-shift", "2", "--mapping", "anon-swap"],
      ...["--variant", "per-page", "--no-liveness", "--shard", "1/1", "--out", proveShard],
    );
    expectBadInput(
      await runCli("simulate", "--merge", proveShard),
      /not a swapcheck simulate shard/,
    );
    expectBadInput(
      await runCli("simulate", "--merge", a!, b!, "--runs", "10"),
      /--merge takes the model and its settings from the shards: drop --runs/,
    );
  });
});
