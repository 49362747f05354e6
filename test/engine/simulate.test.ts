/**
 * Random simulation (src/engine/simulate.ts) on toy models and random
 * transition systems: it finds what it should, never invents a violation
 * (each one is also found by the exhaustive search, no shorter), and each
 * run is repeated exactly from its own seed. The last block drives the
 * `simulate` command in-process (runSimulate; main.ts registers it).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  counterGridModel,
  lockOrderModel,
  naiveMutexModel,
  petersonModel,
  spinlockModel,
  tokenRingModel,
} from "../../models/toy/index.js";
import { runReplay } from "../../src/cli/commands/replay.js";
import { runSimulate, type SimulateArgs } from "../../src/cli/commands/simulate.js";
import { type Model, replayPath, search } from "../../src/engine/index.js";
import {
  deriveSeed,
  mulberry32,
  SWARM_BIAS,
  simulate,
  simulateAsync,
} from "../../src/engine/simulate.js";
import { ParameterError } from "../../src/params.js";
import { capturedIo } from "../cli/run-cli.js";
import { edgeSteps } from "../support/graph-steps.js";

const LONG = process.env.SWAPCHECK_LONG !== undefined;
const cases = (n: number) => (LONG ? 10 * n : n);

/** A model with its state and action types erased. */
type AnyModel = Model<unknown, unknown>;
const erase = <S, A>(m: Model<S, A>) => m as unknown as AnyModel;

const toys: readonly { readonly name: string; readonly build: () => AnyModel }[] = [
  { name: "naive-mutex", build: () => erase(naiveMutexModel()) },
  { name: "naive-mutex (3 threads)", build: () => erase(naiveMutexModel(3)) },
  { name: "peterson", build: () => erase(petersonModel()) },
  { name: "lock-order", build: () => erase(lockOrderModel()) },
  { name: "counter-grid", build: () => erase(counterGridModel(3, 4)) },
  { name: "spinlock", build: () => erase(spinlockModel()) },
  { name: "token-ring", build: () => erase(tokenRingModel()) },
];

/** The model with only one "always" property (none for "deadlock"). */
function only<S, A>(model: Model<S, A>, property: string): Model<S, A> {
  return {
    ...model,
    properties: model.properties.filter((p) => p.kind !== "always" || p.name === property),
  };
}

const key = (m: AnyModel, s: unknown) => Array.from(m.encode(s)).join(",");

describe("simulate on toy models", () => {
  it("finds the naive mutex's violation, and its trace replays step by step", () => {
    const model = naiveMutexModel();
    const r = simulate(model, { runs: 200, depth: 20, seed: 1 });
    const v = r.firstViolation!;
    expect(v.verdict).toBe("violated");
    expect(v.property).toBe("mutual-exclusion");
    expect(v.explanation).toBe("in critical section: T0, T1");
    expect(v.incompleteReason).toBeNull();
    expect(r.runs.at(-1)).toMatchObject({ verdict: "violated", property: "mutual-exclusion" });
    expect(r.runs.slice(0, -1).every((run) => run.verdict === "ok")).toBe(true);
    const trace = v.trace!;
    expect(trace.steps.length).toBe(r.runs.at(-1)!.steps);
    const again = replayPath(model, [trace.initIndex, ...trace.steps.map((s) => s.index)]);
    expect(again.steps.map((s) => s.state)).toEqual(trace.steps.map((s) => s.state));
    expect(again.steps.map((s) => s.label)).toEqual(trace.steps.map((s) => s.label));
    expect(model.properties[0]!.holds(trace.steps.at(-1)!.state)).toBe(false);
    expect(trace.steps.slice(0, -1).every((s) => model.properties[0]!.holds(s.state))).toBe(true);
  });

  it("finds no violation in Peterson's algorithm (and says nothing is proved by it)", () => {
    const r = simulate(petersonModel(), { runs: cases(300), depth: 60, seed: 2, keepGoing: true });
    expect(r.firstViolation).toBeNull();
    expect(r.runs).toHaveLength(cases(300));
    // Peterson loops forever: every run goes to the full depth.
    expect(r.runs.every((run) => run.verdict === "ok" && run.steps === 60)).toBe(true);
  });

  it("finds the AB-BA deadlock", () => {
    const r = simulate(lockOrderModel(), { runs: 100, depth: 10, seed: 3 });
    expect(r.firstViolation).toMatchObject({ verdict: "deadlock", property: "deadlock" });
    expect(r.firstViolation!.explanation).toBe("no step enabled; unfinished: T0, T1");
    const none = simulate(lockOrderModel(), {
      runs: 100,
      depth: 10,
      seed: 3,
      checkDeadlock: false,
    });
    expect(none.firstViolation).toBeNull();
  });

  it("ends runs normally in a state without steps and without unfinished threads", () => {
    const r = simulate(counterGridModel(3, 4), { runs: 50, depth: 100, seed: 4 });
    expect(r.firstViolation).toBeNull();
    expect(r.runs.every((run) => run.steps === 12 && run.verdict === "ok")).toBe(true);
  });

  it("depth 0 checks the initial states only; runs 0 does nothing", () => {
    const r = simulate(naiveMutexModel(), { runs: 10, depth: 0, seed: 5 });
    expect(r.runs.every((run) => run.steps === 0 && run.verdict === "ok")).toBe(true);
    expect(simulate(naiveMutexModel(), { runs: 0, depth: 10, seed: 5 }).runs).toEqual([]);
  });

  it("stops at the first violation unless keepGoing", () => {
    const opts = { runs: 300, depth: 20, seed: 6 };
    const first = simulate(naiveMutexModel(), opts);
    const all = simulate(naiveMutexModel(), { ...opts, keepGoing: true });
    expect(first.runs.length).toBeLessThan(300);
    expect(all.runs).toHaveLength(300);
    expect(all.runs.slice(0, first.runs.length)).toEqual(first.runs);
    expect(all.runs.filter((r) => r.verdict === "violated").length).toBeGreaterThan(1);
    // The first violation is the same one.
    expect(all.firstViolation!.trace!.steps).toEqual(first.firstViolation!.trace!.steps);
  });

  it("counts what it did: states visited, steps taken, coverage", () => {
    const r = simulate(naiveMutexModel(), { runs: 300, depth: 20, seed: 7 });
    const stats = r.firstViolation!.stats;
    const steps = r.runs.reduce((n, run) => n + run.steps, 0);
    expect(stats.transitions).toBe(steps);
    expect(stats.distinctStates).toBe(steps + r.runs.length);
    expect(stats.depth).toBe(r.runs.at(-1)!.steps);
    expect(stats.collisionProbability).toBe(0);
    const counted = [...r.firstViolation!.coverage.values()].reduce((a, b) => a + b, 0);
    expect(counted).toBe(steps);
    const p = simulate(petersonModel(), { runs: 20, depth: 30, seed: 7 });
    expect(p.firstViolation).toBeNull();
  });

  it("polls shouldStop between runs", () => {
    let polls = 0;
    const r = simulate(petersonModel(), {
      runs: 100,
      depth: 10,
      seed: 8,
      shouldStop: () => ++polls > 5,
    });
    expect(r.runs).toHaveLength(5);
  });

  it("says why it stopped: a signal (shouldStop) or the time bound; null when it ran out", () => {
    const stopped = simulate(petersonModel(), {
      runs: 100,
      depth: 10,
      seed: 8,
      shouldStop: () => true,
    });
    expect([stopped.runs.length, stopped.stopped]).toEqual([0, "interrupted"]);
    const timed = simulate(petersonModel(), { runs: 1e9, depth: 50, seed: 8, maxSeconds: 0.2 });
    expect(timed.stopped).toBe("max-seconds");
    expect(timed.runs.length).toBeGreaterThan(0);
    expect(timed.seconds).toBeLessThan(2);
    const all = simulate(petersonModel(), { runs: 3, depth: 10, seed: 8 });
    expect([all.runs.length, all.stopped]).toEqual([3, null]);
  });

  it("simulateAsync gives the event loop a turn and reports progress", async () => {
    const seen: number[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const r = await simulateAsync(petersonModel(), {
      runs: 3000,
      depth: 50,
      seed: 1,
      onProgress: (p) => seen.push(p.steps),
    });
    clearInterval(timer);
    expect(r.runs).toHaveLength(3000);
    expect(seen.length).toBeGreaterThan(5);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(ticks).toBeGreaterThan(0);
    // The same runs as the synchronous simulation.
    expect(simulate(petersonModel(), { runs: 3000, depth: 50, seed: 1 }).runs).toEqual(r.runs);
  });

  it("rejects bad options", () => {
    const m = petersonModel();
    expect(() => simulate(m, { runs: -1, depth: 1, seed: 0 })).toThrow(RangeError);
    expect(() => simulate(m, { runs: 1.5, depth: 1, seed: 0 })).toThrow(/runs/);
    expect(() => simulate(m, { runs: 1, depth: Number.NaN, seed: 0 })).toThrow(/depth/);
    expect(() => simulate(m, { runs: 1, depth: 1, seed: 2 ** 32 })).toThrow(/seed/);
    expect(() => simulate(m, { runs: 1, depth: 1, seed: -1 })).toThrow(/seed/);
    expect(() => simulate(m, { runs: 1, depth: 1, seed: 0, maxSeconds: -1 })).toThrow(/maxSeconds/);
  });
});

describe("seeds", () => {
  it("run 0 uses the master seed; the others get distinct derived seeds", () => {
    expect(deriveSeed(42, 0)).toBe(42);
    const seeds = new Set(Array.from({ length: 10_000 }, (_, i) => deriveSeed(42, i)));
    expect(seeds.size).toBe(10_000);
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
    const r = simulate(petersonModel(), { runs: 3, depth: 5, seed: 42 });
    expect(r.runs.map((run) => run.seed)).toEqual([0, 1, 2].map((i) => deriveSeed(42, i)));
  });

  it("mulberry32 is deterministic and spreads over [0, 1)", () => {
    const a = mulberry32(9);
    const b = mulberry32(9);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 10_000 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const buckets = Array(10).fill(0);
    for (const x of xs) buckets[Math.floor(x * 10)]++;
    for (const n of buckets) expect(n).toBeGreaterThan(850);
  });

  it("a simulation is repeated exactly, and each run alone from its own seed", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...toys),
        fc.nat({ max: 2 ** 32 - 1 }),
        fc.integer({ min: 1, max: 15 }),
        fc.integer({ min: 0, max: 40 }),
        fc.boolean(),
        (toy, seed, runs, depth, swarm) => {
          const opts = { runs, depth, seed, swarm, keepGoing: true };
          const a = simulate(toy.build(), opts);
          const b = simulate(toy.build(), opts);
          expect(b.runs).toEqual(a.runs);
          expect(b.firstViolation?.trace).toEqual(a.firstViolation?.trace);
          a.runs.forEach((run, i) => {
            const alone = simulate(toy.build(), { runs: 1, depth, seed: run.seed, swarm });
            expect(alone.runs, `run ${i}`).toEqual([run]);
          });
          const failed = a.runs.find((run) => run.verdict !== "ok");
          if (failed) {
            const alone = simulate(toy.build(), { runs: 1, depth, seed: failed.seed, swarm });
            expect(alone.firstViolation!.trace).toEqual(a.firstViolation!.trace);
          }
        },
      ),
      { numRuns: cases(200) },
    );
  });
});

describe("swarm mode", () => {
  it("each run favours a non-empty subset of the threads, and runs differ from plain ones", () => {
    const model = counterGridModel(3, 4);
    const swarm = simulate(model, { runs: 200, depth: 12, seed: 10, swarm: true });
    for (const run of swarm.runs) {
      expect(run.favoured!.length).toBeGreaterThan(0);
      expect(run.favoured!.every((t) => model.threads.includes(t))).toBe(true);
    }
    // Every non-empty subset of 3 threads turns up.
    expect(new Set(swarm.runs.map((r) => r.favoured!.join(","))).size).toBe(7);
    const plain = simulate(model, { runs: 200, depth: 12, seed: 10 });
    expect(plain.runs.every((r) => r.favoured === undefined)).toBe(true);
  });

  it("takes the favoured threads' steps far more often", () => {
    // counter-grid: 3 threads, each enabled until its counter reaches 4.
    const model = counterGridModel(3, 4);
    let favouredSteps = 0;
    let total = 0;
    for (let seed = 0; seed < 300; seed++) {
      const { favoured, threads } = walkThreads(model, seed);
      if (favoured.length !== 1) continue;
      favouredSteps += threads.filter((t) => t === favoured[0]).length;
      total += threads.length;
    }
    expect(total).toBeGreaterThan(200);
    // Uniform choice would give 1/3; the bias gives about 0.9 + 0.1/3.
    expect(favouredSteps / total).toBeGreaterThan(SWARM_BIAS - 0.1);
  });

  it("still finds the naive mutex's violation and the AB-BA deadlock", () => {
    const v = simulate(naiveMutexModel(3), { runs: 500, depth: 30, seed: 11, swarm: true });
    expect(v.firstViolation?.property).toBe("mutual-exclusion");
    const d = simulate(lockOrderModel(), { runs: 500, depth: 30, seed: 11, swarm: true });
    expect(d.firstViolation?.verdict).toBe("deadlock");
  });
});

/** The threads a one-run swarm simulation favours, and those of the 4 steps it takes. */
function walkThreads<S, A>(model: Model<S, A>, seed: number) {
  const threads: string[] = [];
  const recording: Model<S, A> = {
    ...model,
    next: (s, a) => {
      threads.push(model.actions(s).find((st) => st.action === a)!.thread);
      return model.next(s, a);
    },
  };
  const r = simulate(recording, { runs: 1, depth: 4, seed, swarm: true });
  return { favoured: r.runs[0]!.favoured!, threads };
}

interface Graph {
  readonly inits: readonly number[];
  readonly edges: readonly (readonly [number, number])[][];
  readonly badA: ReadonlySet<number>;
  readonly badB: ReadonlySet<number>;
  readonly stuck: ReadonlySet<number>;
}

const graphArb: fc.Arbitrary<Graph> = fc.integer({ min: 1, max: 40 }).chain((n) =>
  fc
    .record({
      inits: fc.uniqueArray(fc.nat(n - 1), { minLength: 1, maxLength: 3 }),
      edgeList: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.nat(2)), {
        minLength: n,
        maxLength: 3 * n,
      }),
      badA: fc.uniqueArray(fc.nat(n - 1), { maxLength: 2 }),
      badB: fc.uniqueArray(fc.nat(n - 1), { maxLength: 2 }),
      stuck: fc.uniqueArray(fc.nat(n - 1), { maxLength: 3 }),
    })
    .map(({ inits, edgeList, badA, badB, stuck }) => {
      const edges: [number, number][][] = Array.from({ length: n }, () => []);
      for (const [from, to, thread] of edgeList) edges[from]!.push([to, thread]);
      return { inits, edges, badA: new Set(badA), badB: new Set(badB), stuck: new Set(stuck) };
    }),
);

function graphModel(g: Graph): Model<number, number> {
  return {
    name: "graph",
    threads: ["t0", "t1", "t2"],
    initStates: () => g.inits,
    actions: (s) => edgeSteps(g.edges, s),
    next: (_s, to) => to,
    properties: [
      { name: "not-a", kind: "always", description: "No node A.", holds: (s) => !g.badA.has(s) },
      { name: "not-b", kind: "always", description: "No node B.", holds: (s) => !g.badB.has(s) },
    ],
    encode: (s) => [s],
    unfinished: (s) => (g.stuck.has(s) ? ["t0"] : []),
  };
}

describe("every violation the simulation reports is real", () => {
  function checkAgainstSearch(model: AnyModel, runs: number, depth: number, seed: number) {
    const sim = simulate(model, { runs, depth, seed, keepGoing: true });
    const v = sim.firstViolation;
    if (!v) return false;
    const trace = v.trace!;
    // The walk replays on the model, state by state.
    const again = replayPath(model, [trace.initIndex, ...trace.steps.map((s) => s.index)]);
    expect(again.steps.map((s) => key(model, s.state))).toEqual(
      trace.steps.map((s) => key(model, s.state)),
    );
    // Search, for the same property alone, finds it no later.
    const bfs = search(only(model, v.property!), {
      checkDeadlock: v.property === "deadlock",
    });
    expect(bfs.verdict).toBe(v.verdict);
    expect(bfs.property).toBe(v.property);
    expect(bfs.trace!.steps.length).toBeLessThanOrEqual(trace.steps.length);
    // Every failing run's length bounds the shortest counterexample of its property.
    for (const run of sim.runs.filter((r) => r.verdict !== "ok")) {
      const r = search(only(model, run.property!), { checkDeadlock: run.property === "deadlock" });
      expect(r.trace!.steps.length).toBeLessThanOrEqual(run.steps);
    }
    return true;
  }

  it.each(toys)("$name", ({ build }) => {
    checkAgainstSearch(build(), 200, 40, 12);
  });

  it("on random transition systems", () => {
    let found = 0;
    fc.assert(
      fc.property(graphArb, fc.nat({ max: 2 ** 32 - 1 }), (g, seed) => {
        if (checkAgainstSearch(graphModel(g), 20, 30, seed)) found++;
      }),
      { numRuns: cases(500) },
    );
    expect(found).toBeGreaterThan(cases(50));
  });

  it("on random systems, search's verdict bounds the simulation's (nothing found where none is)", () => {
    fc.assert(
      fc.property(graphArb, fc.nat({ max: 2 ** 32 - 1 }), (g, seed) => {
        const model = graphModel(g);
        if (search(model).verdict === "holds") {
          expect(
            simulate(model, { runs: 20, depth: 30, seed, keepGoing: true }).firstViolation,
          ).toBeNull();
        }
      }),
      { numRuns: cases(300) },
    );
  });
});

const capture = capturedIo;

function args(over: Partial<SimulateArgs>): SimulateArgs {
  return {
    model: "migrate-swapcache",
    runs: "100",
    depth: "100",
    swarm: false,
    "keep-going": false,
    deadlock: true,
    json: false,
    force: false,
    "full-states": false,
    ...over,
  };
}

describe("swapcheck simulate (runSimulate)", () => {
  const dir = mkdtempSync(join(tmpdir(), "swapcheck-simulate-"));

  it("finds the head-only race, prints the seeds, and the failing seed repeats it alone", async () => {
    const io = capture();
    expect(await runSimulate(args({ variant: "head-only", seed: "1" }), io)).toBe(1);
    const out = io.stdout();
    expect(out).toMatch(/master seed 1, 100 run\(s\) of at most 100 steps/);
    expect(out).toMatch(/^0 +1 +\d+ +ok/m);
    expect(out).toMatch(/violated +cache-integrity/);
    expect(out).toMatch(/random-walk \(not necessarily shortest\) counterexample: \d+ steps/);
    expect(out).not.toMatch(/shortest counterexample:/);
    expect(out).toMatch(/slot \d: A, which is not in the swap cache/);
    const seed = /reproduce: swapcheck simulate .*--runs 1 --depth 100 --seed (\d+)$/m.exec(
      out,
    )![1]!;
    const again = capture();
    expect(await runSimulate(args({ variant: "head-only", seed, runs: "1" }), again)).toBe(1);
    // The same swimlane, step for step.
    const lane = (text: string) =>
      text.slice(text.indexOf("== head-only / anon-swap, order 2, chunk shift 2: "));
    expect(lane(again.stdout())).toBe(lane(out));
  });

  it("exits 3 when nothing is found: a simulation proves nothing", async () => {
    const io = capture();
    expect(await runSimulate(args({ variant: "swapcache-check", seed: "5", runs: "30" }), io)).toBe(
      3,
    );
    expect(io.stdout()).toMatch(/30 run\(s\), \d+ steps: 0 violated, 0 deadlocked, 30 ok/);
    expect(io.stdout()).toMatch(/a simulation proves nothing/);
    // More than 20 runs: no line per run, only the summary.
    expect(io.stdout()).not.toMatch(/^run +seed/m);
  });

  it("lists every run up to 20, only failing ones above", async () => {
    const few = capture();
    await runSimulate(args({ model: "peterson", seed: "3", runs: "20", depth: "10" }), few);
    expect(few.stdout().match(/^\d+ +\d+ +10 +ok +-$/gm)).toHaveLength(20);
    const many = capture();
    const status = await runSimulate(
      args({ model: "naive-mutex", seed: "3", runs: "500", depth: "10", "keep-going": true }),
      many,
    );
    expect(status).toBe(1);
    const lines = many.stdout().match(/^\d+ +\d+ +\d+ +(ok|violated).*$/gm)!;
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.includes("violated"))).toBe(true);
    expect(many.stdout()).toMatch(/500 run\(s\), \d+ steps: \d+ violated, 0 deadlocked, \d+ ok/);
  });

  it("prints swarm runs' favoured threads and repeats them with --swarm", async () => {
    const io = capture();
    await runSimulate(
      args({ model: "naive-mutex", seed: "9", runs: "5", depth: "8", swarm: true }),
      io,
    );
    expect(io.stdout()).toMatch(/favours T[01]/);
    expect(io.stdout()).toMatch(/, swarm/);
  });

  it("--trace-out writes a trace that replays to the violation (exit 1)", async () => {
    const file = join(dir, "sim.json");
    const io = capture();
    expect(
      await runSimulate(args({ variant: "head-only", seed: "2", "trace-out": file }), io),
    ).toBe(1);
    expect(io.stderr()).toMatch(/trace of head-only .* written to/);
    const doc = JSON.parse(readFileSync(file, "utf8"));
    expect(doc["#meta"]).toMatchObject({ verdict: "violated", property: "cache-integrity" });
    const replay = capture();
    expect(runReplay({ file, json: false, "full-states": false, color: false }, replay)).toBe(1);
    expect(replay.stderr()).toBe("");
    // Never overwritten without --force.
    await expect(
      runSimulate(args({ variant: "head-only", seed: "2", "trace-out": file }), capture()),
    ).rejects.toThrow(/file exists/);
  });

  it("--json prints one document with every run", async () => {
    const io = capture();
    expect(
      await runSimulate(args({ model: "naive-mutex", seed: "4", runs: "50", json: true }), io),
    ).toBe(1);
    const doc = JSON.parse(io.stdout());
    expect(doc).toMatchObject({ seed: 4, runs: 50, depth: 100, swarm: false });
    const result = doc.results[0];
    expect(result.runs.at(-1)).toMatchObject({ verdict: "violated", property: "mutual-exclusion" });
    expect(result.violation).toMatchObject({ verdict: "violated", property: "mutual-exclusion" });
  });

  it("a random master seed is chosen and printed when none is given", async () => {
    const io = capture();
    await runSimulate(args({ model: "peterson", runs: "1", depth: "3" }), io);
    expect(io.stdout()).toMatch(/master seed \d+,/);
  });

  it.each([
    [{ runs: "-1" }, /--runs must be/],
    [{ runs: "1.5" }, /--runs must be an integer/],
    [{ depth: "ten" }, /--depth must be an integer/],
    [{ seed: "abc" }, /--seed must be an integer/],
    [{ seed: "4294967296" }, /--seed must be in 0\.\.4294967295/],
    [{ seed: "-3" }, /--seed must be in/],
    [{ model: "nope" }, /unknown model 'nope'/],
    [{ order: "9" }, /--order/],
  ] as const)("bad input %o is a ParameterError", async (over, message) => {
    const run = () => runSimulate(args({ seed: "1", ...over }), capture());
    await expect(run()).rejects.toThrow(ParameterError);
    await expect(run()).rejects.toThrow(message);
  });
});
