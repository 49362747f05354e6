/**
 * Breadth-first search with several threads, level by level as the
 * sequential search: the main thread starts a level in every worker thread,
 * expands its own share, and waits until all have finished it before
 * starting the next, so every state of depth d is generated and checked
 * before any of depth d + 1, and the first violation found is at the lowest
 * depth (TLC with several workers loses this: tlaplus#535). The
 * counterexample is then rebuilt and minimised in context switches by the
 * main thread, as in the sequential search.
 *
 * `--workers N` is the main thread and N - 1 worker threads (each thread is
 * a V8 isolate of its own, some 50 MB: the main thread would otherwise only
 * wait). Each participant runs a `LevelExpander` (level-expander.ts).
 *
 * The seen-set is a lock-free table of fingerprints in shared memory
 * (shared-store.ts), and so are the levels (shared-level.ts): each
 * participant writes the new states it stored into chunks of its own, and
 * expands the next level's chunks, its own first, then the others' until
 * none is left, so that nobody waits while states remain. Each worker
 * builds its own model from a module and an exported function
 * (`ModelSpec`): models are code, not data. Their encodings must therefore
 * agree between threads: a model whose encoding depends on per-process
 * tables (such as interned part ids) must make them shared. A state packed
 * by another thread that a model cannot unpack here (`Model.unpackable`)
 * is rebuilt by re-executing its path.
 *
 * Not supported here (the CLI refuses them with --workers): exact states,
 * preemption bounds, liveness. Partial-order reduction is: each
 * participant reduces the states it expands (the first levels, which the
 * main thread explores alone before sharing the frontier out, are not
 * reduced).
 */
import { Worker } from "node:worker_threads";
import { counterexample, type SearchOptions, withShortest } from "./bfs.js";
import { CoverageCounter, classifyState, type Found } from "./breadth-first.js";
import { drainAsync } from "./drain.js";
import { collisionProbability } from "./fingerprint.js";
import {
  CURSORS,
  type ExpanderTotals,
  LevelExpander,
  type LevelReply,
  STOP,
} from "./level-expander.js";
import type { Model } from "./model.js";
import type { IncompleteReason, SearchResult, Verdict } from "./result.js";
import { SharedLevelWriter } from "./shared-level.js";
import { SharedFingerprintTable, type SharedTableBuffers } from "./shared-store.js";

/** How a worker builds the model: `(await import(module))[export](...args)`. */
export interface ModelSpec {
  readonly module: string;
  readonly export: string;
  readonly args: readonly unknown[];
}

export interface ParallelOptions extends SearchOptions {
  readonly workers: number;
  /** The worker script (default: parallel-worker.js beside this module). */
  readonly workerUrl?: URL;
  /** Room for this many states in the seen-set at first (default 2^16; it grows as needed). */
  readonly tableStates?: number;
}

export interface WorkerData {
  readonly spec: ModelSpec;
  readonly index: number;
  readonly workers: number;
  readonly table: SharedTableBuffers;
  readonly control: SharedArrayBuffer;
  readonly options: { readonly checkDeadlock?: boolean };
  readonly partialOrder: boolean;
}

export type WorkerRequest =
  | {
      readonly type: "level";
      readonly table: SharedTableBuffers;
      /** The first id of the level being generated (the cycle proviso's test). */
      readonly levelStart: number;
      /** The level's states, per participant that stored them (shared-level.ts). */
      readonly segments: readonly (readonly SharedArrayBuffer[])[];
    }
  /** Go on with the level after the table grew (the worker had said "full"). */
  | { readonly type: "resume"; readonly table: SharedTableBuffers }
  /** While the table grows: insert ids [from, to) into its new index. */
  | {
      readonly type: "fill";
      readonly index: SharedArrayBuffer;
      readonly from: number;
      readonly to: number;
    }
  | { readonly type: "finish" };

export type WorkerReply =
  | { readonly type: "ready" }
  | { readonly type: "filled" }
  /** "full": the worker waits for "resume". */
  | LevelReply
  | ({ readonly type: "finished" } & ExpanderTotals);

/**
 * `target` (a module beside or above `self`, a module's import.meta.url)
 * as JavaScript a worker can load: when `self` is TypeScript source (run
 * by the test runner), the built copy under dist/ (npm run build).
 */
export function workerLoadable(target: URL, self: string): URL {
  if (!self.endsWith(".ts")) return target;
  const root = self.slice(0, self.lastIndexOf("/src/"));
  return new URL(`${root}/dist/${target.href.slice(root.length + 1)}`);
}

/** A participant in the search: a worker thread, or the main thread's own share. */
interface Participant {
  send(m: WorkerRequest): void;
  next(): Promise<WorkerReply>;
}

/** One worker, with its replies as a queue. */
class Channel implements Participant {
  private readonly inbox: WorkerReply[] = [];
  private waiting: ((m: WorkerReply) => void) | null = null;
  private error: Error | null = null;

  constructor(readonly worker: Worker) {
    worker.on("message", (m: WorkerReply) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w(m);
      } else this.inbox.push(m);
    });
    worker.on("error", (e) => {
      this.error = e;
      this.waiting?.({ type: "full" });
    });
  }

  send(m: WorkerRequest): void {
    this.worker.postMessage(m);
  }

  next(): Promise<WorkerReply> {
    if (this.error) return Promise.reject(this.error);
    const m = this.inbox.shift();
    if (m) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      this.waiting = (r) => (this.error ? reject(this.error) : resolve(r));
    });
  }
}

/**
 * The main thread's share of the states, expanded in slices between which
 * its event loop runs (progress, bounds, signals, the workers' messages).
 * It uses the main thread's model and the very table object that grows.
 */
class Local<S, A> implements Participant {
  private reply: Promise<WorkerReply>;

  constructor(
    private readonly expander: LevelExpander<S, A>,
    private readonly table: SharedFingerprintTable,
  ) {
    this.reply = Promise.resolve({ type: "ready" });
  }

  send(m: WorkerRequest): void {
    if (m.type === "fill") {
      this.table.fillIndex(m.index, m.from, m.to);
      this.reply = Promise.resolve({ type: "filled" });
      return;
    }
    if (m.type === "finish") {
      this.reply = Promise.resolve({ type: "finished", ...this.expander.totals() });
      return;
    }
    if (m.type === "level") this.expander.startLevel(m.levelStart, m.segments);
    this.reply = drainAsync(this.expander.expand());
  }

  next(): Promise<WorkerReply> {
    return this.reply;
  }
}

/**
 * A worker's young generation: half V8's default here, which keeps 25-30 MB
 * of resident memory per worker with no difference in time measured on the
 * reference configuration (docs/performance.md).
 */
const WORKER_YOUNG_GENERATION_MB = 24;

/** Levels explored by the main thread alone, until this many states per worker are queued. */
const SEEDS_PER_WORKER = 64;

export async function searchParallel<S, A>(
  model: Model<S, A>,
  spec: ModelSpec,
  options: ParallelOptions,
): Promise<SearchResult<S>> {
  const reduced = await searchLevels(model, spec, options);
  if (!reduced.stats.partialOrder || !reduced.trace) return reduced;
  // As the sequential search: the shortest counterexample from an
  // unreduced search bounded at the depth found (bfs.ts).
  const shortest = await searchLevels(model, spec, {
    ...options,
    partialOrder: false,
    maxDepth: reduced.trace.steps.length,
  });
  return withShortest(reduced, shortest);
}

async function searchLevels<S, A>(
  model: Model<S, A>,
  spec: ModelSpec,
  options: ParallelOptions,
): Promise<SearchResult<S>> {
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  const table = SharedFingerprintTable.create(options.tableStates ?? 2 ** 16);
  const invariants = model.properties.filter((p) => p.kind === "always");
  const covers = model.properties.filter((p) => p.kind === "sometimes");
  const coverage = new CoverageCounter();
  const coveredNames = new Set<string>();
  let transitions = 0;
  let found: Found | null = null;
  let reason: IncompleteReason | null = null;
  let depth = 0;
  const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;

  // The first levels, in this thread: the frontier then gets shared out.
  type Queued = { readonly id: number; readonly state: S };
  const visit = (state: S, parent: number, step: number, next: Queued[]): boolean => {
    const code = model.encode(state);
    let r = table.findOrInsert(code, parent, step);
    if (r === -1) {
      // This thread alone inserts here: grow and insert again.
      table.grow();
      r = table.findOrInsert(code, parent, step);
    }
    if (r < 0) return true;
    for (const p of covers) if (p.holds(state)) coveredNames.add(p.name);
    const steps = model.actions(state);
    const bad = classifyState(model, invariants, options, state, steps.length > 0);
    if (bad) found = { ...bad, id: r };
    else if (steps.length > 0) next.push({ id: r, state });
    return bad === null;
  };
  let frontier: Queued[] = [];
  model.initStates().every((s, i) => visit(s, -1, i, frontier));
  const workers = options.workers;
  while (!found && !reason && frontier.length > 0 && frontier.length < SEEDS_PER_WORKER * workers) {
    if (depth >= maxDepth) reason = "max-depth";
    else {
      const next: Queued[] = [];
      const ok = frontier.every(({ id, state }) =>
        model.actions(state).every((step, i) => {
          coverage.countStep(step);
          transitions++;
          return visit(model.next(state, step.action), id, i, next);
        }),
      );
      frontier = next;
      if (ok) depth++;
    }
  }

  // Then level by level in this thread and workers - 1 worker threads, all
  // taking states from the level in shared memory.
  const control = new SharedArrayBuffer(4 * (CURSORS + workers));
  const stop = new Int32Array(control);
  const workerUrl =
    options.workerUrl ??
    workerLoadable(new URL("./parallel-worker.js", import.meta.url), import.meta.url);
  // Participants 0 .. workers - 2 are the worker threads; this thread is the last.
  const self = workers - 1;
  const local = new LevelExpander(model, table, stop, self, options, options.partialOrder === true);
  const channels: Participant[] =
    found || reason || frontier.length === 0
      ? []
      : Array.from({ length: workers - 1 }, (_, index) => {
          const workerData: WorkerData = {
            spec,
            index,
            workers,
            table: table.buffers,
            control,
            options: { checkDeadlock: options.checkDeadlock },
            partialOrder: options.partialOrder === true,
          };
          return new Channel(
            new Worker(workerUrl, {
              workerData,
              resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
            }),
          );
        });
  const threads = [...channels] as Channel[];
  // This thread comes last: the workers start each level first.
  if (!found && !reason && frontier.length > 0) channels.push(new Local(local, table));
  const first = new SharedLevelWriter();
  for (const q of frontier) first.push(q.id, model.pack?.(q.state) ?? []);
  let queued = frontier.length;
  let segments: SharedArrayBuffer[][] = Array.from({ length: workers }, () => []);
  segments[self] = first.take();
  frontier = [];
  // Bounds and interrupts, checked while the workers run a level.
  const watch = setInterval(() => {
    options.onProgress?.({
      distinctStates: table.size,
      transitions,
      depth,
      queue: 0,
      seconds: seconds(),
      storeBytes: table.bytes(),
    });
    const r: IncompleteReason | null = options.shouldStop?.()
      ? "interrupted"
      : seconds() >= (options.maxSeconds ?? Number.POSITIVE_INFINITY)
        ? "max-seconds"
        : process.memoryUsage().rss >= (options.maxMemoryBytes ?? Number.POSITIVE_INFINITY)
          ? "max-memory"
          : table.size > (options.maxStates ?? Number.POSITIVE_INFINITY)
            ? "max-states"
            : null;
    if (r && !reason && !found) {
      reason = r;
      Atomics.store(stop, STOP, 1);
    }
  }, 50);
  /**
   * Waits for every worker to end its part of a step; counts what they
   * queued. Workers that found the table full wait until every worker has
   * stopped inserting; the table then grows and they go on.
   */
  const gather = async (): Promise<void> => {
    const next: SharedArrayBuffer[][] = Array.from({ length: workers }, () => []);
    let waiting = channels;
    while (waiting.length > 0) {
      const paused: Participant[] = [];
      for (const c of waiting) {
        // Channels are the workers 0 .. workers - 2, then this thread (self).
        const p = channels.indexOf(c);
        const m = await c.next();
        if (m.type === "found") found ??= m.found;
        else if (m.type === "full") paused.push(c);
        else if (m.type === "level-done") {
          queued += m.queued;
          next[p] = m.chunks;
        }
      }
      if (paused.length > 0) {
        // Nobody inserts now: every participant fills a share of the new index.
        const grown = table.grown(4096)!;
        if (grown.rebuild) {
          const size = table.size;
          const share = (k: number) => Math.floor((k * size) / channels.length);
          for (const [k, c] of channels.entries()) {
            c.send({ type: "fill", index: grown.buffers.index, from: share(k), to: share(k + 1) });
          }
          for (const c of channels) await c.next();
        }
        table.adopt(grown.buffers);
        const resume: WorkerRequest = { type: "resume", table: table.buffers };
        for (const c of paused) c.send(resume);
      }
      waiting = paused;
    }
    segments = next;
  };
  try {
    for (const c of channels) await c.next();
    while (queued > 0 && !found && !reason) {
      if (depth >= maxDepth) {
        reason = "max-depth";
        break;
      }
      const level: WorkerRequest = {
        type: "level",
        table: table.buffers,
        levelStart: table.size,
        segments,
      };
      for (let p = 0; p < workers; p++) Atomics.store(stop, CURSORS + p, 0);
      queued = 0;
      for (const c of channels) c.send(level);
      await gather();
      if (!found && !reason) depth++;
    }
    if (!found && !reason && table.size > (options.maxStates ?? Number.POSITIVE_INFINITY)) {
      reason = "max-states";
    }
    const merged = coverage.toMap();
    const reduction = { reducedStates: 0, provisoExpansions: 0, stepsSkipped: 0 };
    const balance = { stolenChunks: 0, rebuiltStates: 0 };
    for (const c of channels) c.send({ type: "finish" });
    for (const c of channels) {
      let m = await c.next();
      while (m.type !== "finished") m = await c.next();
      transitions += m.transitions;
      for (const [k, n] of m.coverage) merged.set(k, (merged.get(k) ?? 0) + n);
      for (const name of m.covered) coveredNames.add(name);
      balance.stolenChunks += m.stolen;
      balance.rebuiltStates += m.rebuilt;
      (await import("node:fs")).appendFileSync(
        "/tmp/dbg.txt",
        `rebuilt ${m.rebuilt} stolen ${m.stolen} transitions ${m.transitions}\n`,
      );
      const r = m.partialOrder;
      if (r) {
        reduction.reducedStates += r.reducedStates;
        reduction.provisoExpansions += r.provisoExpansions;
        reduction.stepsSkipped += r.stepsSkipped;
      }
    }
    const failure = found as Found | null;
    const cex = failure
      ? counterexample(model, table, failure, options, (s, steps) =>
          classifyState(model, invariants, options, s, steps.length > 0),
        )
      : null;
    const verdict: Verdict = cex ? cex.found.verdict : reason ? "incomplete" : "holds";
    const distinct = table.size;
    const inits = model.initStates().length;
    const secs = seconds();
    return {
      verdict,
      property: cex?.found.property ?? null,
      explanation: cex?.found.explanation ?? null,
      trace: cex?.trace ?? null,
      incompleteReason: cex ? null : reason,
      stats: {
        distinctStates: distinct,
        transitions,
        depth,
        seconds: secs,
        statesPerSecond: secs > 0 ? distinct / secs : distinct,
        collisionProbability: collisionProbability(distinct, transitions + inits),
        initialStates: inits,
        storeBytes: table.bytes(),
        exact: false,
        workers,
        balance,
        ...(options.partialOrder ? { partialOrder: { ...reduction, rerun: null } } : {}),
      },
      coverage: merged,
      covered: new Map(covers.map((p) => [p.name, coveredNames.has(p.name)])),
    };
  } finally {
    clearInterval(watch);
    await Promise.all(threads.map((c) => c.worker.terminate()));
  }
}
