#!/usr/bin/env node
/**
 * Records what the migrate-swapcache model explores (verdict, property,
 * states, transitions, shortest trace labels) on the default proof matrix,
 * with and without --por and --symmetry: run once on the model as it was
 * before it moved onto the declared-state layer (commit fd3ab6f), kept as
 * test/models/snapshots/pre-layer.json, which test/models/layer-snapshot.test.ts
 * compares the model with. Usage: node test/support/record-layer-snapshot.mjs > FILE
 */
import { findModel } from "../../dist/models/registry.js";
import { search } from "../../dist/src/engine/index.js";

const entry = findModel("migrate-swapcache");
const cells = [];
for (const order of ["1", "2", "3"])
  for (const shift of ["2", "3"])
    for (const variant of [
      "per-page",
      "head-only",
      "sibling-check",
      "swapbacked-check",
      "swapcache-check",
    ])
      for (const mapping of ["anon-swap", "shmem", "file", "legacy-pagecache"])
        cells.push({ variant, mapping, order, "chunk-shift": shift });
for (const variant of ["head-only", "swapcache-check"]) {
  cells.push({ variant, order: "2", swapins: "2", symmetry: "on" });
  cells.push({ variant, order: "2", swapins: "3", "swapin-page": "distinct" });
}
const out = [];
for (const raw of cells) {
  for (const por of [false, true]) {
    const [run] = entry.configure(raw);
    const r = search(run.model, { partialOrder: por });
    out.push({
      raw,
      por,
      verdict: r.verdict,
      property: r.property,
      states: r.stats.distinctStates,
      transitions: r.stats.transitions,
      trace: r.trace ? r.trace.steps.map((s) => `${s.thread}: ${s.label}`) : null,
    });
  }
}
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
