/**
 * One worker thread of a parallel search (parallel.ts): it builds its own
 * copy of the model and runs a `LevelExpander` on its share of the states.
 * Its messages: "ready" (its share of the first frontier rebuilt), then per
 * level "level-done", "found" (an invariant violation or deadlock) or
 * "full" (it waits for "resume"), and "finished" (coverage and counts).
 */
import { parentPort, workerData } from "node:worker_threads";
import { drain } from "./drain.js";
import { LevelExpander } from "./level-expander.js";
import type { Model } from "./model.js";
import type { WorkerData, WorkerReply, WorkerRequest } from "./parallel.js";
import { SharedFingerprintTable } from "./shared-store.js";
import { NondeterministicModelError, pathTo, replayPath } from "./trace.js";

const data = workerData as WorkerData;
const port = parentPort!;
const post = (m: WorkerReply) => port.postMessage(m);

const mod = (await import(data.spec.module)) as Record<string, (...a: unknown[]) => unknown>;
const model = (await mod[data.spec.export]!(...data.spec.args)) as Model<unknown, unknown>;
const table = new SharedFingerprintTable(data.table);
const expander = new LevelExpander(
  model,
  table,
  new Int32Array(data.control),
  data.options,
  data.partialOrder,
);

/**
 * This worker's share of the frontier the main thread explored to: each
 * state rebuilt by re-executing its path from the seen-set's parent links.
 */
for (const id of data.seeds) {
  const trace = replayPath(model, pathTo(table, id));
  const state = trace.steps.at(-1)?.state ?? trace.init;
  if (!table.matches(id, model.encode(state))) {
    throw new NondeterministicModelError(`worker ${data.index}: state ${id} rebuilt differently`);
  }
  expander.seed(id, state);
}

port.on("message", (m: WorkerRequest) => {
  if (m.type === "level" || m.type === "resume") {
    table.adopt(m.table);
    if (m.type === "level") expander.startLevel(m.levelStart);
    post(drain(expander.expand()));
  } else {
    post({ type: "finished", ...expander.totals() });
    port.close();
  }
});

post({ type: "ready", queued: expander.queued });
