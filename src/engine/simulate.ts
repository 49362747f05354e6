/**
 * Random simulation, as TLC's `-simulate` and SPIN's random simulation:
 * instead of exploring every interleaving, take many random walks through
 * the model and check each state they visit. A walk may find a violation
 * the exhaustive search cannot reach within its bounds (a long run of a
 * large model), but finding nothing proves nothing, and a violation found
 * this way is not necessarily the shortest one.
 *
 * Each run starts from a random initial state and takes uniformly random
 * enabled steps, at most `depth` of them. Every visited state (the initial
 * one included) is checked against the model's "always" properties and for
 * deadlock (no enabled step while `unfinished` names a thread), in that
 * order, as `search` checks them. A run also ends, normally, in a state
 * without steps and without unfinished threads.
 *
 * Seeds. Everything random is drawn from a small seeded generator
 * (mulberry32) written here, so runs are reproducible on every platform.
 * Run 0 uses the master seed itself and run i > 0 uses
 * `deriveSeed(master, i)`, a 32-bit hash of both. A run depends only on its
 * own seed (and on `depth` and `swarm`), so the run with seed s of any
 * simulation is repeated alone by `simulate(model, { runs: 1, seed: s, depth,
 * swarm })` (on the command line: `--runs 1 --seed s`).
 *
 * Swarm mode (Groce et al., "Swarm Testing", ISSTA 2012): a uniformly
 * random walk spreads its steps evenly over the threads, which makes runs
 * in which one thread races far ahead of the others rare. In swarm mode
 * each run first picks a random non-empty subset of the threads to favour;
 * whenever one of their steps is enabled, the run takes one of those with
 * probability `SWARM_BIAS` (uniformly among them), otherwise any enabled step.
 * The other threads still run when nothing favoured can, so a run never
 * reports a deadlock that is an artefact of the bias.
 *
 * Stopping. Like the searches, a simulation is a generator that yields
 * every 4096 steps or runs (`simulateSlices`; `simulateAsync` drains it
 * giving the event loop a turn, so that SIGINT and the progress line are
 * heard). At each yield it reports progress, then stops with what it has
 * when `shouldStop` says so (`stopped: "interrupted"`) or after
 * `maxSeconds` (`"max-seconds"`); `shouldStop` is also polled between runs.
 * A walk cut in the middle is dropped: every run reported is whole, so its
 * seed still repeats it.
 */
import { drain, drainAsync, type Slices } from "./drain.js";
import { isSwitch } from "./fewest-switches.js";
import type { Model, Property, Step } from "./model.js";
import type { SearchResult, TraceStep, Verdict } from "./result.js";

export interface SimulateOptions {
  /** Number of random walks (a non-negative integer). */
  readonly runs: number;
  /** Most steps per walk (a non-negative integer; 0 checks only initial states). */
  readonly depth: number;
  /** The master seed, an integer in 0..2^32-1 (see `deriveSeed`). */
  readonly seed: number;
  /** Favour a random subset of the threads in each run (swarm testing). */
  readonly swarm?: boolean;
  /** Run all `runs` walks instead of stopping at the first violation. */
  readonly keepGoing?: boolean;
  /** Report a state with no enabled step and an unfinished thread (default true). */
  readonly checkDeadlock?: boolean;
  /** Polled between runs and every 4096 steps: returning true stops the simulation (`interrupted`). */
  readonly shouldStop?: () => boolean;
  /** Stop after this many seconds (`max-seconds`), checked every 4096 steps (or runs). */
  readonly maxSeconds?: number;
  /** Called every 4096 steps (or runs) with the running counts. */
  readonly onProgress?: (p: SimulationProgress) => void;
}

export interface SimulationProgress {
  /** Runs finished so far. */
  readonly runs: number;
  /** Steps taken so far. */
  readonly steps: number;
  readonly seconds: number;
}

export interface SimulationRun {
  /** The run's own seed: `simulate` with `runs: 1` and this seed repeats the run. */
  readonly seed: number;
  /** Steps taken. */
  readonly steps: number;
  readonly verdict: "violated" | "deadlock" | "ok";
  /** The violated property, "deadlock", or null. */
  readonly property: string | null;
  /** Swarm mode: the threads the run favoured. */
  readonly favoured?: readonly string[];
}

export interface SimulationResult<S> {
  /** The runs taken, in order (fewer than asked when stopped early). */
  readonly runs: SimulationRun[];
  /**
   * The first violation or deadlock, as `search` reports one: its trace is
   * the walk that found it (not necessarily shortest; `index` of each step
   * is its index among the steps enabled before it). Its stats count the
   * whole simulation up to that run: `distinctStates` is the number of
   * states visited (a simulation keeps no seen-set, so repeats count),
   * `transitions` the steps taken, `depth` the trace's length.
   */
  readonly firstViolation: SearchResult<S> | null;
  /** Why the simulation stopped before its last run: a signal or `maxSeconds`; null otherwise. */
  readonly stopped: "interrupted" | "max-seconds" | null;
  /** Seconds the simulation took. */
  readonly seconds: number;
}

/** In swarm mode, the probability of taking a favoured thread's step when one is enabled. */
export const SWARM_BIAS = 0.9;

const MAX_SEED = 0xffff_ffff;

/** The 32-bit finaliser of MurmurHash3: a bijection that mixes every bit. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85eb_ca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2_ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * The seed of run `run` of a simulation with master seed `master`: the
 * master seed itself for run 0, a hash of both for the others.
 */
export function deriveSeed(master: number, run: number): number {
  if (run === 0) return master >>> 0;
  return mix32((mix32(master >>> 0) + Math.imul(run, 0x9e37_79b9)) >>> 0);
}

/** mulberry32: a small, fast 32-bit generator; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b_79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function checkCount(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`simulate: ${name} must be an integer in 0..${max}, got ${value}`);
  }
}

interface Walk<S> {
  readonly run: SimulationRun;
  readonly initIndex: number;
  readonly init: S;
  readonly steps: readonly TraceStep<S>[];
  readonly switches: number;
  readonly explanation: string | null;
}

/**
 * Runs random walks on `model`; see the file's comment. Throws a RangeError
 * for a bad `runs`, `depth` or `seed`.
 *
 * @example
 * ```ts
 * const r = simulate(model, { runs: 1000, depth: 100, seed: 42, swarm: true });
 * if (r.firstViolation) {
 *   const failed = r.runs.at(-1)!; // without keepGoing, the last run is the failing one
 *   // Repeat it alone:
 *   simulate(model, { runs: 1, depth: 100, seed: failed.seed, swarm: true });
 * }
 * ```
 */
export function simulate<S, A>(model: Model<S, A>, options: SimulateOptions): SimulationResult<S> {
  return drain(simulateSlices(model, options));
}

/** `simulate`, yielding every 4096 steps (or runs) to the event loop: signals and progress get a turn. */
export function simulateAsync<S, A>(
  model: Model<S, A>,
  options: SimulateOptions,
): Promise<SimulationResult<S>> {
  return drainAsync(simulateSlices(model, options));
}

/** The simulation as slices (see drain.ts); throws the RangeErrors of `simulate` at once. */
export function simulateSlices<S, A>(
  model: Model<S, A>,
  options: SimulateOptions,
): Slices<SimulationResult<S>> {
  checkCount("runs", options.runs, Number.MAX_SAFE_INTEGER);
  checkCount("depth", options.depth, Number.MAX_SAFE_INTEGER);
  checkCount("seed", options.seed, MAX_SEED);
  if (options.maxSeconds !== undefined && !(options.maxSeconds >= 0)) {
    throw new RangeError(`simulate: maxSeconds must be a number ≥ 0, got ${options.maxSeconds}`);
  }
  return new Simulation(model, options).slices();
}

class Simulation<S, A> {
  private readonly invariants: readonly Property<S>[];
  private readonly covers: readonly Property<S>[];
  private readonly covered = new Map<string, boolean>();
  private readonly coverage = new Map<string, number>();
  private readonly started = Date.now();
  private readonly inits: readonly S[];
  private visited = 0;
  private transitions = 0;
  /** Steps plus runs: a yield every 4096 of them. */
  private work = 0;
  private finishedRuns = 0;
  private stopped: SimulationResult<S>["stopped"] = null;

  constructor(
    private readonly model: Model<S, A>,
    private readonly options: SimulateOptions,
  ) {
    this.invariants = model.properties.filter((p) => p.kind === "always");
    this.covers = model.properties.filter((p) => p.kind === "sometimes");
    for (const p of this.covers) this.covered.set(p.name, false);
    this.inits = model.initStates();
  }

  *slices(): Slices<SimulationResult<S>> {
    const runs: SimulationRun[] = [];
    let firstViolation: SearchResult<S> | null = null;
    const done = () => ({
      runs,
      firstViolation,
      stopped: this.stopped,
      seconds: (Date.now() - this.started) / 1000,
    });
    if (this.inits.length === 0) return done();
    for (let i = 0; i < this.options.runs; i++) {
      if (++this.work % 4096 === 0) {
        yield;
        if (this.stop()) break;
      } else if (this.options.shouldStop?.()) {
        this.stopped = "interrupted";
        break;
      }
      const walk = yield* this.walk(deriveSeed(this.options.seed, i));
      if (walk === null) break;
      runs.push(walk.run);
      this.finishedRuns++;
      if (walk.run.verdict !== "ok") {
        firstViolation ??= this.result(walk);
        if (!this.options.keepGoing) break;
      }
    }
    return done();
  }

  /** At a yield: report progress, then whether a signal or the time bound stops the simulation. */
  private stop(): boolean {
    const seconds = (Date.now() - this.started) / 1000;
    this.options.onProgress?.({ runs: this.finishedRuns, steps: this.transitions, seconds });
    if (this.options.shouldStop?.()) this.stopped = "interrupted";
    else if (seconds >= (this.options.maxSeconds ?? Number.POSITIVE_INFINITY)) {
      this.stopped = "max-seconds";
    }
    return this.stopped !== null;
  }

  /** One random walk; null when it was stopped (signal or time bound) before its end. */
  private *walk(seed: number): Generator<void, Walk<S> | null, void> {
    const random = mulberry32(seed);
    const pick = (n: number) => Math.floor(random() * n);
    const favoured = this.options.swarm ? this.pickFavoured(random) : null;
    const initIndex = pick(this.inits.length);
    const init = this.inits[initIndex] as S;
    const steps: TraceStep<S>[] = [];
    let state: S = init;
    let enabled = this.model.actions(state);
    let last: string | null = null;
    let switches = 0;
    for (;;) {
      this.visited++;
      this.cover(state);
      const bad = this.classify(state, enabled);
      if (bad) {
        const run = { seed, steps: steps.length, ...bad.run, ...(favoured ? { favoured } : {}) };
        return { run, initIndex, init, steps, switches, explanation: bad.explanation };
      }
      if (enabled.length === 0 || steps.length >= this.options.depth) break;
      const index = this.choose(enabled, favoured, random);
      const step = enabled[index]!;
      if (isSwitch(last, step.thread, enabled)) switches++;
      last = step.thread;
      this.countStep(step);
      state = this.model.next(state, step.action);
      this.transitions++;
      if (++this.work % 4096 === 0) {
        yield;
        if (this.stop()) return null;
      }
      steps.push({ thread: step.thread, name: step.name, label: step.label, index, state });
      enabled = this.model.actions(state);
    }
    const run: SimulationRun = {
      seed,
      steps: steps.length,
      verdict: "ok",
      property: null,
      ...(favoured ? { favoured } : {}),
    };
    return { run, initIndex, init, steps, switches, explanation: null };
  }

  /** A uniformly random non-empty subset of the model's threads, in the model's order. */
  private pickFavoured(random: () => number): readonly string[] {
    const threads = this.model.threads;
    if (threads.length === 0) return [];
    for (;;) {
      const subset = threads.filter(() => random() < 0.5);
      if (subset.length > 0) return subset;
    }
  }

  /** The index of the step to take among the enabled ones. */
  private choose(
    enabled: readonly Step<A>[],
    favoured: readonly string[] | null,
    random: () => number,
  ): number {
    if (favoured !== null && favoured.length > 0) {
      const preferred: number[] = [];
      enabled.forEach((s, i) => {
        if (favoured.includes(s.thread)) preferred.push(i);
      });
      // Always draw the bias, so a run's random sequence does not depend on
      // whether a favoured step happens to be enabled.
      const biased = random() < SWARM_BIAS;
      if (biased && preferred.length > 0) {
        return preferred[Math.floor(random() * preferred.length)]!;
      }
    }
    return Math.floor(random() * enabled.length);
  }

  /** The first invariant `state` violates, or a deadlock; null when it is fine. */
  private classify(
    state: S,
    enabled: readonly Step<A>[],
  ): { run: Pick<SimulationRun, "verdict" | "property">; explanation: string | null } | null {
    for (const p of this.invariants) {
      if (!p.holds(state)) {
        return {
          run: { verdict: "violated", property: p.name },
          explanation: p.explain?.(state) ?? null,
        };
      }
    }
    if (enabled.length === 0 && this.options.checkDeadlock !== false) {
      const stuck = this.model.unfinished?.(state) ?? [];
      if (stuck.length > 0) {
        return {
          run: { verdict: "deadlock", property: "deadlock" },
          explanation: `no step enabled; unfinished: ${stuck.join(", ")}`,
        };
      }
    }
    return null;
  }

  private cover(state: S): void {
    for (const p of this.covers) {
      if (!this.covered.get(p.name) && p.holds(state)) this.covered.set(p.name, true);
    }
  }

  private countStep(step: Step<A>): void {
    const key = `${step.thread}:${step.name}`;
    this.coverage.set(key, (this.coverage.get(key) ?? 0) + 1);
  }

  /** The walk's violation as `search` reports one (stats so far, see SimulationResult). */
  private result(walk: Walk<S>): SearchResult<S> {
    const seconds = (Date.now() - this.started) / 1000;
    const verdict: Verdict = walk.run.verdict === "deadlock" ? "deadlock" : "violated";
    return {
      verdict,
      property: walk.run.property,
      explanation: walk.explanation,
      trace: {
        initIndex: walk.initIndex,
        init: walk.init,
        steps: walk.steps,
        switches: walk.switches,
      },
      incompleteReason: null,
      stats: {
        distinctStates: this.visited,
        transitions: this.transitions,
        depth: walk.steps.length,
        seconds,
        statesPerSecond: seconds > 0 ? this.visited / seconds : this.visited,
        collisionProbability: 0,
        storeBytes: 0,
        exact: false,
      },
      coverage: new Map(this.coverage),
      covered: new Map(this.covered),
    };
  }
}
