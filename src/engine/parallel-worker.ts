/**
 * One worker thread of a parallel search (parallel.ts): it builds its own
 * copy of the model and runs a `LevelExpander`. Its messages: "ready", then
 * per level "level-done", "found" (an invariant violation or deadlock) or
 * "full" (it waits for "resume"), and "finished" (coverage and counts).
 */
import { parentPort, workerData } from "node:worker_threads";
import { drain } from "./drain.js";
import { LevelExpander } from "./level-expander.js";
import type { Model } from "./model.js";
import type { WorkerData, WorkerReply, WorkerRequest } from "./parallel.js";
import { SharedFingerprintTable } from "./shared-store.js";

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
  data.index,
  data.options,
  data.partialOrder,
);

port.on("message", (m: WorkerRequest) => {
  if (m.type === "fill") {
    table.fillIndex(m.index, m.from, m.to);
    post({ type: "filled" });
  } else if (m.type === "level" || m.type === "resume") {
    table.adopt(m.table);
    if (m.type === "level") expander.startLevel(m.levelStart, m.segments);
    post(drain(expander.expand()));
  } else {
    post({ type: "finished", ...expander.totals() });
    port.close();
  }
});

post({ type: "ready" });
