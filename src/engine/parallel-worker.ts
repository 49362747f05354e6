/**
 * One worker of a parallel search (parallel.ts). It builds its own copy of
 * the model, owns the states it inserted first into the shared seen-set,
 * and expands them one BFS level at a time when the main thread says so.
 * Its messages: "ready" (initial states stored), "level-done", "found"
 * (an invariant violation or deadlock), "full" (the shared table is full),
 * "finished" (coverage and counts, at the end).
 */
import { parentPort, workerData } from "node:worker_threads";
import { CoverageCounter, classifyState, type Level, newLevel, packedOf } from "./breadth-first.js";
import type { Model, Property, Step } from "./model.js";
import type { WorkerData, WorkerReply, WorkerRequest } from "./parallel.js";
import { AmpleSets, StepPlan } from "./por.js";
import { SharedFingerprintTable } from "./shared-store.js";
import { NondeterministicModelError, pathTo, replayPath } from "./trace.js";

const data = workerData as WorkerData;
const port = parentPort!;
const post = (m: WorkerReply) => port.postMessage(m);

const mod = (await import(data.spec.module)) as Record<string, (...a: unknown[]) => unknown>;
const model = (await mod[data.spec.export]!(...data.spec.args)) as Model<unknown, unknown>;
const table = new SharedFingerprintTable(data.table);
const control = new Int32Array(data.control);
const invariants = model.properties.filter((p) => p.kind === "always");
let uncovered: Property<unknown>[] = model.properties.filter((p) => p.kind === "sometimes");
const covered: string[] = [];
const coverage = new CoverageCounter();
let transitions = 0;
let frontier: Level<unknown> = newLevel(model);
const ampleSets = data.partialOrder ? new AmpleSets(model, [...invariants, ...uncovered]) : null;
const plan = new StepPlan(ampleSets);
/** The id the last `visit` reached, and the first id of the level being generated. */
let lastId = -1;
let levelStart = 0;

/**
 * Stores and checks a new state: "ok", "stop" (a violation: the search
 * stops) or "full" (nothing stored: the table must grow first).
 */
function visit(
  state: unknown,
  parent: number,
  step: number,
  next: Level<unknown>,
): "ok" | "stop" | "full" {
  const code = model.encode(state);
  const r = table.findOrInsert(code, parent, step);
  if (r === -1) return "full";
  lastId = r < -1 ? -2 - r : r;
  if (r < 0) return "ok";
  if (uncovered.length > 0) {
    for (const p of uncovered) if (p.holds(state)) covered.push(p.name);
    uncovered = uncovered.filter((p) => !covered.includes(p.name));
  }
  const enabled = model.hasSteps ? model.hasSteps(state) : model.actions(state).length > 0;
  const bad = classifyState(model, invariants, data.options, state, enabled);
  if (bad) {
    Atomics.store(control, 0, 1);
    post({ type: "found", found: { ...bad, id: r } });
    return "stop";
  }
  if (enabled) next.push(r, state, packedOf(model, state, code));
  return "ok";
}

/**
 * This worker's share of the frontier the main thread explored to: each
 * state rebuilt by re-executing its path from the seen-set's parent links.
 */
function seed(): void {
  for (const id of data.seeds) {
    const trace = replayPath(model, pathTo(table, id));
    const state = trace.steps.at(-1)?.state ?? trace.init;
    const code = model.encode(state);
    if (!table.matches(id, code)) {
      throw new NondeterministicModelError(`worker ${data.index}: state ${id} rebuilt differently`);
    }
    frontier.push(id, state, packedOf(model, state, code));
  }
}

/**
 * The level being expanded, kept between calls: a worker that finds the
 * table full pauses there ("full") and goes on from the same step once the
 * main thread has grown the table ("resume").
 */
interface Expansion {
  readonly next: Level<unknown>;
  /** The state being expanded (k < frontier.length), its id and steps. */
  k: number;
  id: number;
  source: unknown;
  steps: readonly Step<unknown>[];
  /** A step whose successor could not be stored yet, or -1. */
  pending: number;
}

let expansion: Expansion | null = null;

function levelDone(e: Expansion, stopped: boolean): void {
  expansion = null;
  if (!stopped) frontier = e.next;
  post({ type: "level-done", queued: e.next.length, stopped });
}

/** Takes step i of the state being expanded; false when the worker must stop or pause. */
function take(e: Expansion, i: number): boolean {
  const r = visit(model.next(e.source, e.steps[i]!.action), e.id, i, e.next);
  if (r === "full") {
    e.pending = i;
    post({ type: "full" });
    return false;
  }
  if (r === "stop") return false;
  plan.reached(lastId >= levelStart);
  return true;
}

function expandLevel(): void {
  const e = expansion!;
  if (e.pending >= 0) {
    const i = e.pending;
    e.pending = -1;
    if (!take(e, i)) return;
  }
  for (;;) {
    for (let i = plan.next(); i >= 0; i = plan.next()) {
      const step = e.steps[i]!;
      coverage.count(step.thread, step.name);
      transitions++;
      if ((transitions & 0xfff) === 0 && Atomics.load(control, 0) !== 0) {
        levelDone(e, true);
        return;
      }
      if (!take(e, i)) return;
    }
    if (++e.k >= frontier.length) break;
    e.id = frontier.id(e.k);
    e.source = frontier.take(e.k);
    e.steps = model.actions(e.source);
    plan.start(e.source, e.steps);
  }
  levelDone(e, false);
}

/** Starts expanding the frontier (its first state's steps planned). */
function startLevel(): void {
  const e: Expansion = {
    next: newLevel(model),
    k: 0,
    id: -1,
    source: null,
    steps: [],
    pending: -1,
  };
  expansion = e;
  if (frontier.length > 0) {
    e.id = frontier.id(0);
    e.source = frontier.take(0);
    e.steps = model.actions(e.source);
    plan.start(e.source, e.steps);
  } else {
    plan.start(null, []);
  }
}

port.on("message", (m: WorkerRequest) => {
  if (m.type === "level") {
    table.adopt(m.table);
    levelStart = m.levelStart;
    startLevel();
    expandLevel();
  } else if (m.type === "resume") {
    table.adopt(m.table);
    expandLevel();
  } else {
    post({
      type: "finished",
      coverage: [...coverage.toMap()],
      covered,
      transitions,
      partialOrder: ampleSets?.stats() ?? null,
    });
    port.close();
  }
});

seed();
post({ type: "ready", queued: frontier.length });
