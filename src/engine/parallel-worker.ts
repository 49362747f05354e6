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
import type { Model, Property } from "./model.js";
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

/** Stores and checks a new state; false when the search must stop. */
function visit(state: unknown, parent: number, step: number, next: Level<unknown>): boolean {
  const code = model.encode(state);
  const r = table.findOrInsert(code, parent, step);
  if (r === -1) {
    Atomics.store(control, 0, 1);
    post({ type: "full" });
    return false;
  }
  lastId = r < -1 ? -2 - r : r;
  if (r < 0) return true;
  if (uncovered.length > 0) {
    for (const p of uncovered) if (p.holds(state)) covered.push(p.name);
    uncovered = uncovered.filter((p) => !covered.includes(p.name));
  }
  const enabled = model.hasSteps ? model.hasSteps(state) : model.actions(state).length > 0;
  const bad = classifyState(model, invariants, data.options, state, enabled);
  if (bad) {
    Atomics.store(control, 0, 1);
    post({ type: "found", found: { ...bad, id: r } });
    return false;
  }
  if (enabled) next.push(r, state, packedOf(model, state, code));
  return true;
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

function expandLevel(): void {
  const next = newLevel(model);
  const before = transitions;
  const length = frontier.length;
  for (let k = 0; k < length; k++) {
    const id = frontier.id(k);
    const source = frontier.take(k);
    const steps = model.actions(source);
    plan.start(source, steps);
    for (let i = plan.next(); i >= 0; i = plan.next()) {
      const step = steps[i]!;
      coverage.count(step.thread, step.name);
      transitions++;
      if ((transitions & 0xfff) === 0 && Atomics.load(control, 0) !== 0) {
        post({
          type: "level-done",
          queued: next.length,
          stopped: true,
          transitions: transitions - before,
        });
        return;
      }
      if (!visit(model.next(source, step.action), id, i, next)) return;
      plan.reached(lastId >= levelStart);
    }
  }
  frontier = next;
  post({
    type: "level-done",
    queued: next.length,
    stopped: false,
    transitions: transitions - before,
  });
}

port.on("message", (m: WorkerRequest) => {
  if (m.type === "level") {
    table.adopt(m.table);
    levelStart = m.levelStart;
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
