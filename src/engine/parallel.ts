/**
 * Breadth-first search with several workers (worker_threads), level by
 * level as the sequential search: the main thread starts a level in every
 * worker and waits until all have finished it before starting the next,
 * so every state of depth d is generated and checked before any of depth
 * d + 1, and the first violation found is at the lowest depth (TLC with
 * several workers loses this: tlaplus#535). The counterexample is then
 * rebuilt and minimised in context switches by the main thread, as in the
 * sequential search.
 *
 * The seen-set is a lock-free table of fingerprints in shared memory
 * (shared-store.ts); a state belongs to the worker that inserted it first,
 * which keeps it in its own frontier, so states never move between
 * workers. Each worker builds its own model from a module and an exported
 * function (`ModelSpec`): models are code, not data. Their encodings must
 * therefore agree between workers: a model whose encoding depends on
 * per-process tables (such as interned part ids) must make them shared.
 *
 * Not supported here (the CLI refuses them with --workers): exact states,
 * partial-order reduction, preemption bounds, liveness.
 */
import { Worker } from "node:worker_threads";
import { counterexample, type SearchOptions } from "./bfs.js";
import { classifyState, type Found } from "./breadth-first.js";
import { collisionProbability } from "./fingerprint.js";
import type { Model } from "./model.js";
import type { IncompleteReason, SearchResult, Verdict } from "./result.js";
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
}

export interface WorkerData {
  readonly spec: ModelSpec;
  readonly index: number;
  readonly workers: number;
  readonly table: SharedTableBuffers;
  readonly control: SharedArrayBuffer;
  readonly options: { readonly checkDeadlock?: boolean };
}

export type WorkerRequest =
  | { readonly type: "level"; readonly table: SharedTableBuffers }
  | { readonly type: "finish" };

export type WorkerReply =
  | { readonly type: "ready"; readonly queued: number }
  | {
      readonly type: "level-done";
      readonly queued: number;
      readonly stopped: boolean;
      /** Transitions taken in this level. */
      readonly transitions: number;
    }
  | { readonly type: "found"; readonly found: Found }
  | { readonly type: "full" }
  | {
      readonly type: "finished";
      readonly coverage: [string, number][];
      readonly covered: string[];
      readonly transitions: number;
    };

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

/** One worker, with its replies as a queue. */
class Channel {
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

  next(): Promise<WorkerReply> {
    if (this.error) return Promise.reject(this.error);
    const m = this.inbox.shift();
    if (m) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      this.waiting = (r) => (this.error ? reject(this.error) : resolve(r));
    });
  }
}

export async function searchParallel<S, A>(
  model: Model<S, A>,
  spec: ModelSpec,
  options: ParallelOptions,
): Promise<SearchResult<S>> {
  const started = Date.now();
  const table = SharedFingerprintTable.create(2 ** 16);
  const control = new SharedArrayBuffer(4);
  const stop = new Int32Array(control);
  const workerUrl =
    options.workerUrl ??
    workerLoadable(new URL("./parallel-worker.js", import.meta.url), import.meta.url);
  const channels = Array.from({ length: options.workers }, (_, index) => {
    const workerData: WorkerData = {
      spec,
      index,
      workers: options.workers,
      table: table.buffers,
      control,
      options: { checkDeadlock: options.checkDeadlock },
    };
    return new Channel(new Worker(workerUrl, { workerData }));
  });
  let found: Found | null = null;
  let reason: IncompleteReason | null = null;
  let depth = 0;
  const seconds = () => (Date.now() - started) / 1000;
  // Bounds and interrupts, checked while the workers run a level.
  const watch = setInterval(() => {
    options.onProgress?.({
      distinctStates: table.size,
      transitions: 0,
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
      Atomics.store(stop, 0, 1);
    }
  }, 50);
  /** Waits for every worker to end its part of a step; true when states are queued. */
  let queued = 0;
  let expanded = 0;
  let taken = 0;
  /** Waits for every worker to end its part of a step; counts what they queued. */
  const gather = async (): Promise<void> => {
    expanded += queued;
    queued = 0;
    for (const c of channels) {
      const m = await c.next();
      if (m.type === "found") found ??= m.found;
      // The level filled the table despite `reserve`: stop, incomplete.
      else if (m.type === "full") reason ??= "max-memory";
      else if (m.type === "ready") queued += m.queued;
      else if (m.type === "level-done") {
        queued += m.queued;
        taken += m.transitions;
      }
    }
  };
  try {
    await gather();
    const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
    while (queued > 0 && !found && !reason) {
      if (depth >= maxDepth) {
        reason = "max-depth";
        break;
      }
      // Room for the next level: its states are at most its transitions,
      // estimated from the branching seen so far (with a margin).
      const branching = Math.max(4, expanded > 0 ? taken / expanded : 0);
      table.reserve(Math.ceil(2 * branching * queued) + 4096);
      const level: WorkerRequest = { type: "level", table: table.buffers };
      for (const c of channels) c.worker.postMessage(level);
      await gather();
      if (!found && !reason) depth++;
    }
    if (!found && !reason && table.size > (options.maxStates ?? Number.POSITIVE_INFINITY)) {
      reason = "max-states";
    }
    let transitions = 0;
    const coverage = new Map<string, number>();
    const coveredNames = new Set<string>();
    for (const c of channels) c.worker.postMessage({ type: "finish" } satisfies WorkerRequest);
    for (const c of channels) {
      let m = await c.next();
      while (m.type !== "finished") m = await c.next();
      transitions += m.transitions;
      for (const [k, n] of m.coverage) coverage.set(k, (coverage.get(k) ?? 0) + n);
      for (const name of m.covered) coveredNames.add(name);
    }
    const invariants = model.properties.filter((p) => p.kind === "always");
    const cex = found
      ? counterexample(model, table, found, options, (s, steps) =>
          classifyState(model, invariants, options, s, steps),
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
        workers: options.workers,
      },
      coverage,
      covered: new Map(
        model.properties
          .filter((p) => p.kind === "sometimes")
          .map((p) => [p.name, coveredNames.has(p.name)]),
      ),
    };
  } finally {
    clearInterval(watch);
    await Promise.all(channels.map((c) => c.worker.terminate()));
  }
}
