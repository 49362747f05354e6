#!/usr/bin/env node
/**
 * Records what the migrate-swapcache model explores (verdict, property,
 * states, transitions, shortest trace labels) on the default proof matrix,
 * with and without --por and --symmetry, in the configuration of the
 * scenario tests (CLASSIC_RAW: one swap-in on any page, demotion with
 * reuse), as test/models/snapshots/explored.json, which
 * test/models/explored-snapshot.test.ts compares the model with.
 * Usage: npm run build && node test/support/record-explored-snapshot.mjs > FILE
 *
 * Re-record only when a change to the model's semantics is meant (and say
 * so in the commit); history is in that test's comment.
 */
import { findModel } from "../../dist/models/registry.js";
import { search } from "../../dist/src/engine/index.js";

const entry = findModel("migrate-swapcache");
// A copy of test/models/scenario-helpers.ts's CLASSIC_RAW: were they to differ, the counts would, and the test would fail.
const CLASSIC_RAW = {
  swapins: "1",
  "swapin-page": "all",
  reason: "demotion",
  "migrate-retries": "1",
};
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
    const [run] = entry.configure({ ...CLASSIC_RAW, ...raw });
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
