/**
 * The breadth-first exploration shared by `search` (bfs.ts) and the
 * liveness graph (graph.ts): strictly level by level; every new state is
 * stored, checked against the invariants and for deadlock when it is
 * generated, so the first failure found is at the lowest depth; bounds and
 * interrupts are checked every 4096 transitions, where the generator also
 * yields (see drain.ts). Subclasses add what they keep (edges, per-state
 * predicates) through the hooks, and build their own result.
 *
 * A level waiting for expansion keeps only ids and states: a state's steps
 * are listed when it is generated (for the deadlock check) and listed again
 * when it is expanded. Keeping them instead (with their closures and
 * labels) costs about 1 KB per queued state and more time in the garbage
 * collector than listing them twice (see docs/performance.md).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Progress, SearchOptions } from "./bfs.js";
import type { Slices } from "./drain.js";
import { collisionProbability } from "./fingerprint.js";
import type { Model, Property, Step } from "./model.js";
import { AmpleSets, StepPlan } from "./por.js";
import type { IncompleteReason, SearchStats, Verdict } from "./result.js";
import { ExactStore, FingerprintStore } from "./state-store.js";

export interface Found {
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

/** V8's full collection, reached without starting node with --expose-gc. */
let fullGc: (() => void) | null = null;

/**
 * Whether the memory in use reaches `bound` once garbage is collected.
 * Checked again after a full collection: what an earlier search of the same
 * process left behind is garbage that V8 may not have collected yet, and
 * would otherwise cut the next search at once.
 */
export function memoryReaches(bound: number): boolean {
  if (memoryInUse() < bound) return false;
  if (fullGc === null) {
    setFlagsFromString("--expose-gc");
    fullGc = runInNewContext("gc") as () => void;
  }
  fullGc();
  return memoryInUse() >= bound;
}

/**
 * How often each step was taken, keyed `thread:name`, counted without
 * building the key string for every transition (in the order the steps
 * were first taken, as a Map of those keys would be).
 */
export class CoverageCounter {
  private readonly byThread = new Map<string, Map<string, { n: number }>>();
  private readonly counters: [string, { n: number }][] = [];
  /** Counters by `Step.kind`, for models that number their kinds of steps. */
  private readonly byKind: ({ n: number } | undefined)[] = [];

  /** Counts a transition by `step`. */
  countStep(step: Step<unknown>): void {
    const kind = step.kind;
    if (kind === undefined) {
      this.counter(step.thread, step.name).n++;
      return;
    }
    let counter = this.byKind[kind];
    if (counter === undefined) {
      counter = this.counter(step.thread, step.name);
      while (this.byKind.length < kind) this.byKind.push(undefined);
      this.byKind[kind] = counter;
    }
    counter.n++;
  }

  private counter(thread: string, name: string): { n: number } {
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
    return counter;
  }

  toMap(): Map<string, number> {
    return new Map(this.counters.map(([key, c]) => [key, c.n]));
  }
}

/**
 * One BFS level waiting for expansion, in id order. States are taken back
 * in the order they were pushed (`take(k)` for k = 0, 1, ...).
 */
export interface Level<S> {
  readonly length: number;
  push(id: number, state: S, packed: ArrayLike<number> | null): void;
  id(k: number): number;
  take(k: number): S;
}

/** What a level keeps of a state whose encoding is `code`: its packed form, if the model packs. */
export function packedOf<S, A>(
  model: Model<S, A>,
  state: S,
  code: ArrayLike<number>,
): ArrayLike<number> | null {
  if (model.pack === undefined) return null;
  return model.pack === model.encode ? code : model.pack(state);
}

/** A level of state objects (for models without `pack`). */
class ObjectLevel<S> implements Level<S> {
  private readonly ids: number[] = [];
  private readonly states: S[] = [];

  get length(): number {
    return this.ids.length;
  }

  push(id: number, state: S): void {
    this.ids.push(id);
    this.states.push(state);
  }

  id(k: number): number {
    return this.ids[k]!;
  }

  take(k: number): S {
    const s = this.states[k]!;
    // Let the state go once expanded: a level can hold millions.
    this.states[k] = undefined as S;
    return s;
  }
}

const CHUNK = 1 << 16;

/**
 * A level of packed states: each state as its length and words in chunks
 * of 32-bit integers (a few dozen bytes a state instead of an object
 * graph), unpacked when it is expanded.
 */
class PackedLevel<S> implements Level<S> {
  private readonly ids: number[] = [];
  private readonly chunks: Int32Array[] = [new Int32Array(CHUNK)];
  private writeAt = 0;
  private readChunk = 0;
  private readAt = 0;
  private readonly scratch: number[] = [];

  constructor(private readonly unpack: (packed: ArrayLike<number>) => S) {}

  get length(): number {
    return this.ids.length;
  }

  push(id: number, _state: S, packed: ArrayLike<number> | null): void {
    const words = packed!;
    const n = words.length;
    this.ids.push(id);
    const chunk = this.chunks[this.chunks.length - 1]!;
    if (this.writeAt + 1 + n <= CHUNK) {
      // The common case: the state fits the current chunk.
      let at = this.writeAt;
      chunk[at++] = n;
      for (let i = 0; i < n; i++) chunk[at++] = words[i]!;
      this.writeAt = at;
      return;
    }
    this.write(n);
    for (let i = 0; i < n; i++) this.write(words[i]!);
  }

  id(k: number): number {
    return this.ids[k]!;
  }

  take(_k: number): S {
    const n = this.read();
    const scratch = this.scratch;
    scratch.length = n;
    if (this.readAt + n <= CHUNK) {
      const chunk = this.chunks[this.readChunk]!;
      let at = this.readAt;
      for (let i = 0; i < n; i++) scratch[i] = chunk[at++]!;
      this.readAt = at;
    } else {
      for (let i = 0; i < n; i++) scratch[i] = this.read();
    }
    return this.unpack(scratch);
  }

  private write(w: number): void {
    if (this.writeAt === CHUNK) {
      this.chunks.push(new Int32Array(CHUNK));
      this.writeAt = 0;
    }
    this.chunks[this.chunks.length - 1]![this.writeAt++] = w;
  }

  private read(): number {
    if (this.readAt === CHUNK) {
      // Expanded chunks are dropped as the level is read.
      this.chunks[this.readChunk] = EMPTY_CHUNK;
      this.readChunk++;
      this.readAt = 0;
    }
    return this.chunks[this.readChunk]![this.readAt++]!;
  }
}

const EMPTY_CHUNK = new Int32Array(0);

/** The first of `invariants` that `state` violates, or a deadlock; null when it is fine. */
export function classifyState<S, A>(
  model: Model<S, A>,
  invariants: readonly Property<S>[],
  options: { readonly checkDeadlock?: boolean },
  state: S,
  /** Whether `state` has an enabled step. */
  enabled: boolean,
): Omit<Found, "id"> | null {
  for (const p of invariants) {
    if (!p.holds(state)) {
      return { verdict: "violated", property: p.name, explanation: p.explain?.(state) ?? null };
    }
  }
  if (!enabled && options.checkDeadlock !== false) {
    const stuck = model.unfinished?.(state) ?? [];
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

/** A new level for `model`: packed states when the model can pack them. */
export function newLevel<S>(model: Model<S, unknown>): Level<S> {
  const { pack, unpack } = model;
  return pack && unpack ? new PackedLevel<S>(unpack.bind(model)) : new ObjectLevel<S>();
}

export abstract class BreadthFirst<S, A, R> {
  protected readonly store: ExactStore | FingerprintStore;
  protected readonly invariants: readonly Property<S>[];
  /** Cover properties no state has satisfied yet. */
  private uncovered: Property<S>[];
  protected readonly covered = new Map<string, boolean>();
  protected readonly coverage = new CoverageCounter();
  private readonly maxStates: number;
  private readonly started = Date.now();
  protected transitions = 0;
  protected depth = 0;
  private queue = 0;
  /** Partial-order reduction, when asked for (por.ts). */
  protected readonly ampleSets: AmpleSets<S, A> | null;
  private readonly plan: StepPlan<S, A>;
  /** The id the last `visit` reached (new or seen before). */
  private lastId = -1;

  constructor(
    protected readonly model: Model<S, A>,
    protected readonly options: SearchOptions,
  ) {
    this.store = options.exact ? new ExactStore() : new FingerprintStore();
    this.invariants = model.properties.filter((p) => p.kind === "always");
    this.uncovered = model.properties.filter((p) => p.kind === "sometimes");
    for (const p of this.uncovered) this.covered.set(p.name, false);
    this.maxStates = options.maxStates ?? Number.POSITIVE_INFINITY;
    this.ampleSets = options.partialOrder
      ? new AmpleSets(model, [...this.invariants, ...this.uncovered])
      : null;
    this.plan = new StepPlan(this.ampleSets);
  }

  /** The result, once the exploration ends (found a failure, hit a bound, or completed). */
  protected abstract finish(found: Found | null, reason: IncompleteReason | null): R;

  /** Hook: a step from `parent` by `thread` reached the stored state `id` (new or not). */
  protected reached(_id: number, _isNew: boolean, _parent: number, _thread: string | null): void {}

  /** Hook: a new state was stored under `id`, before it is checked. */
  protected stored(_id: number, _state: S): void {}

  /** Hook: state `id` is about to be expanded (ids are expanded in increasing order). */
  protected expanding(_id: number): void {}

  /** Bytes of what the exploration keeps (the seen-set, and whatever a subclass adds). */
  protected bytes(): number {
    return this.store.bytes();
  }

  /** The exploration, yielding every 4096 transitions (see drain.ts). */
  private level(): Level<S> {
    return newLevel(this.model as Model<S, unknown>);
  }

  *slices(): Slices<R> {
    let frontier = this.level();
    const inits = this.model.initStates();
    for (let i = 0; i < inits.length; i++) {
      const found = this.visit(inits[i]!, -1, i, null, frontier);
      if (found === "full") return this.finish(null, "max-states");
      if (found) return this.finish(found, null);
    }
    const maxDepth = this.options.maxDepth ?? Number.POSITIVE_INFINITY;
    const model = this.model;
    const coverage = this.coverage;
    while (frontier.length > 0) {
      if (this.depth >= maxDepth) return this.finish(null, "max-depth");
      const next = this.level();
      const length = frontier.length;
      this.queue = length;
      // Ids from here on belong to the next level (the cycle proviso's test).
      const nextLevel = this.store.size;
      for (let k = 0; k < length; k++) {
        this.queue--;
        const id = frontier.id(k);
        const source = frontier.take(k);
        this.expanding(id);
        const steps = model.actions(source);
        const plan = this.plan;
        plan.start(source, steps);
        for (let i = plan.next(); i >= 0; i = plan.next()) {
          const step = steps[i]!;
          coverage.countStep(step);
          const state = model.next(source, step.action);
          this.transitions++;
          if ((this.transitions & 0xfff) === 0) {
            yield;
            const reason = this.boundHit(next.length);
            if (reason) return this.finish(null, reason);
          }
          const found = this.visit(state, id, i, step.thread, next);
          if (found === "full") return this.finish(null, "max-states");
          if (found) return this.finish(found, null);
          plan.reached(this.lastId >= nextLevel);
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
    thread: string | null,
    next: Level<S>,
  ): Found | "full" | null {
    const model = this.model;
    const code = model.encode(state);
    const r = this.store.findOrInsert(code, parent, stepIndex);
    if (r < 0) {
      this.lastId = -2 - r;
      this.reached(this.lastId, false, parent, thread);
      return null;
    }
    this.lastId = r;
    this.reached(r, true, parent, thread);
    this.stored(r, state);
    // The bound cuts the search only when a state beyond it turns up.
    if (this.store.size > this.maxStates) return "full";
    if (this.uncovered.length > 0) this.cover(state);
    // The steps themselves are listed again when the state is expanded.
    const enabled = model.hasSteps ? model.hasSteps(state) : model.actions(state).length > 0;
    const bad = classifyState(model, this.invariants, this.options, state, enabled);
    if (bad) return { ...bad, id: r };
    if (enabled) next.push(r, state, packedOf(model, state, code));
    return null;
  }

  /** The first invariant `state` violates, or a deadlock; null when it is fine. */
  protected classify(state: S, steps: readonly Step<A>[]): Omit<Found, "id"> | null {
    return classifyState(this.model, this.invariants, this.options, state, steps.length > 0);
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

  protected seconds(): number {
    return (Date.now() - this.started) / 1000;
  }

  private boundHit(queued: number): IncompleteReason | null {
    const seconds = this.seconds();
    const progress: Progress = {
      distinctStates: this.store.size,
      transitions: this.transitions,
      depth: this.depth,
      queue: this.queue + queued,
      seconds,
      storeBytes: this.bytes(),
    };
    this.options.onProgress?.(progress);
    if (this.options.shouldStop?.()) return "interrupted";
    if (seconds >= (this.options.maxSeconds ?? Number.POSITIVE_INFINITY)) return "max-seconds";
    // process.memoryUsage() is slow: every 8th time (32768 transitions, a few MB).
    if (
      (this.transitions & 0x7fff) === 0 &&
      memoryReaches(this.options.maxMemoryBytes ?? Number.POSITIVE_INFINITY)
    ) {
      return "max-memory";
    }
    return null;
  }

  /** The statistics of the exploration so far. */
  protected stats(): SearchStats {
    const seconds = this.seconds();
    const distinct = this.store.size;
    const inits = this.model.initStates().length;
    return {
      distinctStates: distinct,
      transitions: this.transitions,
      depth: this.depth,
      seconds,
      statesPerSecond: seconds > 0 ? distinct / seconds : distinct,
      collisionProbability: this.store.exact
        ? 0
        : collisionProbability(distinct, this.transitions + inits),
      initialStates: inits,
      storeBytes: this.bytes(),
      exact: this.store.exact,
    };
  }
}
