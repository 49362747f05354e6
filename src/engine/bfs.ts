/**
 * Breadth-first search over all interleavings, strictly level by level.
 *
 * Every new state is checked against the "always" properties (and for
 * deadlock) when it is generated. All states of depth d are generated
 * before any of depth d + 1, so the first violation found is at the lowest
 * depth: its counterexample has minimal length.
 *
 * A level waiting for expansion keeps only ids and states: a state's steps
 * are listed when it is generated (for the deadlock check) and listed again
 * when it is expanded. Keeping them instead (with their closures and
 * labels) costs about 1 KB per queued state and more time in the garbage
 * collector than listing them twice (see docs/performance.md).
 */
import { drain, drainAsync, type Slices } from "./drain.js";
import { countSwitches, fewestSwitchesPath } from "./fewest-switches.js";
import { collisionProbability } from "./fingerprint.js";
import type { Model, Property, Step } from "./model.js";
import type { IncompleteReason, SearchResult, Trace, Verdict } from "./result.js";
import { ExactStore, FingerprintStore, type StateStore } from "./state-store.js";
import { rebuildTrace, replayPath } from "./trace.js";

export interface SearchOptions {
  /** Store canonical states instead of fingerprints. */
  readonly exact?: boolean;
  /** Report a state with no enabled step and an unfinished thread (default true). */
  readonly checkDeadlock?: boolean;
  readonly maxStates?: number;
  readonly maxDepth?: number;
  readonly maxSeconds?: number;
  /**
   * Stop (as `incomplete`) before the heap and typed arrays in use reach
   * this many bytes: the seen-set, the frontier's states and everything else
   * the search holds.
   */
  readonly maxMemoryBytes?: number;
  /** Polled during the search; returning true stops it as `interrupted`. */
  readonly shouldStop?: () => boolean;
  /**
   * Among the shortest counterexamples, report one with the fewest context
   * switches (a bounded second pass; default true).
   */
  readonly fewestSwitches?: boolean;
  /** Called about every 4096 transitions with the running counts. */
  readonly onProgress?: (p: Progress) => void;
}

export interface Progress {
  readonly distinctStates: number;
  readonly transitions: number;
  readonly depth: number;
  readonly queue: number;
  readonly seconds: number;
  readonly storeBytes: number;
}

interface Found {
  readonly verdict: Verdict;
  readonly id: number;
  readonly property: string;
  readonly explanation: string | null;
}

/** Bytes of JavaScript heap and array buffers in use (what running out of memory is about). */
export function memoryInUse(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

export function search<S, A>(model: Model<S, A>, options: SearchOptions = {}): SearchResult<S> {
  return drain(new Search(model, options).slices());
}

/** `search` that lets the event loop run between slices (signals, progress). */
export function searchAsync<S, A>(
  model: Model<S, A>,
  options: SearchOptions = {},
): Promise<SearchResult<S>> {
  return drainAsync(new Search(model, options).slices());
}

/**
 * How often each step was taken, keyed `thread:name`, counted without
 * building the key string for every transition (in the order the steps
 * were first taken, as a Map of those keys would be).
 */
export class CoverageCounter {
  private readonly byThread = new Map<string, Map<string, { n: number }>>();
  private readonly counters: [string, { n: number }][] = [];

  count(thread: string, name: string): void {
    let byName = this.byThread.get(thread);
    if (byName === undefined) {
      byName = new Map();
      this.byThread.set(thread, byName);
    }
    let counter = byName.get(name);
    if (counter === undefined) {
      // Two pairs may give the same key (a thread name with ':'): one counter.
      const key = `${thread}:${name}`;
      counter = this.counters.find(([k]) => k === key)?.[1];
      if (counter === undefined) {
        counter = { n: 0 };
        this.counters.push([key, counter]);
      }
      byName.set(name, counter);
    }
    counter.n++;
  }

  toMap(): Map<string, number> {
    return new Map(this.counters.map(([key, c]) => [key, c.n]));
  }
}

/** One BFS level waiting for expansion: the states and their ids, in id order. */
class Level<S> {
  readonly ids: number[] = [];
  readonly states: S[] = [];

  get length(): number {
    return this.ids.length;
  }

  push(id: number, state: S): void {
    this.ids.push(id);
    this.states.push(state);
  }
}

class Search<S, A> {
  private readonly store: StateStore;
  private readonly invariants: readonly Property<S>[];
  /** Cover properties no state has satisfied yet. */
  private uncovered: Property<S>[];
  private readonly covered = new Map<string, boolean>();
  private readonly coverage = new CoverageCounter();
  private readonly maxStates: number;
  private readonly started = Date.now();
  private transitions = 0;
  private depth = 0;
  private queue = 0;

  constructor(
    private readonly model: Model<S, A>,
    private readonly options: SearchOptions,
  ) {
    this.store = options.exact ? new ExactStore() : new FingerprintStore();
    this.invariants = model.properties.filter((p) => p.kind === "always");
    this.uncovered = model.properties.filter((p) => p.kind === "sometimes");
    for (const p of this.uncovered) this.covered.set(p.name, false);
    this.maxStates = options.maxStates ?? Number.POSITIVE_INFINITY;
  }

  /** The exploration, yielding every 4096 transitions (see drain.ts). */
  *slices(): Slices<SearchResult<S>> {
    let frontier = new Level<S>();
    const inits = this.model.initStates();
    for (let i = 0; i < inits.length; i++) {
      const found = this.visit(inits[i]!, -1, i, frontier);
      if (found === "full") return this.finish(null, "max-states");
      if (found) return this.finish(found, null);
    }
    const maxDepth = this.options.maxDepth ?? Number.POSITIVE_INFINITY;
    const model = this.model;
    const coverage = this.coverage;
    while (frontier.length > 0) {
      if (this.depth >= maxDepth) return this.finish(null, "max-depth");
      const next = new Level<S>();
      const { ids, states } = frontier;
      this.queue = frontier.length;
      for (let k = 0; k < ids.length; k++) {
        this.queue--;
        const id = ids[k]!;
        const source = states[k]!;
        const steps = model.actions(source);
        for (let i = 0; i < steps.length; i++) {
          const step = steps[i]!;
          coverage.count(step.thread, step.name);
          const state = model.next(source, step.action);
          this.transitions++;
          if ((this.transitions & 0xfff) === 0) {
            yield;
            const reason = this.boundHit(next.length);
            if (reason) return this.finish(null, reason);
          }
          const found = this.visit(state, id, i, next);
          if (found === "full") return this.finish(null, "max-states");
          if (found) return this.finish(found, null);
        }
      }
      frontier = next;
      this.depth++;
    }
    return this.finish(null, null);
  }

  /** Stores and checks a newly generated state; queues it for expansion. */
  private visit(
    state: S,
    parent: number,
    stepIndex: number,
    next: Level<S>,
  ): Found | "full" | null {
    const id = this.store.insert(this.model.encode(state), parent, stepIndex);
    if (id === -1) return null;
    // The bound cuts the search only when a state beyond it turns up.
    if (this.store.size > this.maxStates) return "full";
    if (this.uncovered.length > 0) this.cover(state);
    const steps = this.model.actions(state);
    const bad = this.classify(state, steps);
    if (bad) return { ...bad, id };
    if (steps.length > 0) next.push(id, state);
    return null;
  }

  /** The first invariant `state` violates, or a deadlock; null when it is fine. */
  private classify(state: S, steps: readonly Step<A>[]): Omit<Found, "id"> | null {
    for (const p of this.invariants) {
      if (!p.holds(state)) {
        return { verdict: "violated", property: p.name, explanation: p.explain?.(state) ?? null };
      }
    }
    if (steps.length === 0 && this.options.checkDeadlock !== false) {
      const stuck = this.model.unfinished?.(state) ?? [];
      if (stuck.length > 0) {
        return {
          verdict: "deadlock",
          property: "deadlock",
          explanation: `no step enabled; unfinished: ${stuck.join(", ")}`,
        };
      }
    }
    return null;
  }

  /**
   * The counterexample to report: the BFS one, or, by default, one of the
   * same length with the fewest context switches (whose end may violate
   * another invariant first: it is reported as found).
   */
  private counterexample(found: Found): { found: Omit<Found, "id">; trace: Trace<S> } {
    const bfsTrace = rebuildTrace(this.model, this.store, found.id);
    const depth = bfsTrace.steps.length;
    const best =
      this.options.fewestSwitches === false
        ? null
        : fewestSwitchesPath(this.model, depth, (s, steps) => this.classify(s, steps) !== null);
    if (!best) {
      const switches = countSwitches(this.model, bfsTrace.init, bfsTrace.steps);
      return { found, trace: { ...bfsTrace, switches } };
    }
    const trace = replayPath(this.model, best.path);
    const last = trace.steps.at(-1)?.state ?? trace.init;
    const end = this.classify(last, this.model.actions(last))!;
    return { found: end, trace: { ...trace, switches: best.switches } };
  }

  private cover(state: S): void {
    let done = false;
    for (const p of this.uncovered) {
      if (!this.covered.get(p.name) && p.holds(state)) {
        this.covered.set(p.name, true);
        done = true;
      }
    }
    if (done) this.uncovered = this.uncovered.filter((p) => !this.covered.get(p.name));
  }

  private seconds(): number {
    return (Date.now() - this.started) / 1000;
  }

  private boundHit(queued: number): IncompleteReason | null {
    const seconds = this.seconds();
    this.options.onProgress?.({
      distinctStates: this.store.size,
      transitions: this.transitions,
      depth: this.depth,
      queue: this.queue + queued,
      seconds,
      storeBytes: this.store.bytes(),
    });
    if (this.options.shouldStop?.()) return "interrupted";
    if (seconds >= (this.options.maxSeconds ?? Number.POSITIVE_INFINITY)) return "max-seconds";
    if (memoryInUse() >= (this.options.maxMemoryBytes ?? Number.POSITIVE_INFINITY)) {
      return "max-memory";
    }
    return null;
  }

  private finish(found: Found | null, reason: IncompleteReason | null): SearchResult<S> {
    const seconds = this.seconds();
    const distinct = this.store.size;
    const cex = found ? this.counterexample(found) : null;
    const verdict: Verdict = cex ? cex.found.verdict : reason ? "incomplete" : "holds";
    return {
      verdict,
      property: cex?.found.property ?? null,
      explanation: cex?.found.explanation ?? null,
      trace: cex?.trace ?? null,
      incompleteReason: reason,
      stats: {
        distinctStates: distinct,
        transitions: this.transitions,
        depth: this.depth,
        seconds,
        statesPerSecond: seconds > 0 ? distinct / seconds : distinct,
        collisionProbability: this.store.exact
          ? 0
          : collisionProbability(distinct, this.transitions + this.model.initStates().length),
        initialStates: this.model.initStates().length,
        storeBytes: this.store.bytes(),
        exact: this.store.exact,
      },
      coverage: this.coverage.toMap(),
      covered: this.covered,
    };
  }
}
