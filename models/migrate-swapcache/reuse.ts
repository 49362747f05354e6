/**
 * Optional thread (on with --reason demotion): the page allocator hands a
 * freed frame out again for unrelated data (refcount 1, new data tokens),
 * as one of the kinds v6.6's allocations make of it: another process's
 * anonymous page (exclusive to it, PageAnonExclusive) or a page-cache page
 * of another file. A stale xarray slot then names a live folio that is not
 * in the swap cache: folio_try_get_rcu succeeds on it and the lookup
 * returns it; what the caller does with it depends on the kind (swapoff's
 * unuse_pte maps the page-cache page, and BUGs on the exclusive anonymous
 * one). A swap-cache folio of another entry is not offered: it would need
 * a second swap entry in the model.
 */
import { List } from "immutable";
import type { ThreadDecl } from "../../src/declared/model.js";
import { stepTable } from "../../src/declared/steps.js";
import { folioAlloc, MAPPING, PG } from "../../src/kernel/folio.js";
import { FRAME_B, recycledData, type ScenarioState, type Setup } from "./state.js";
import { frameName, stepMaker, type ThreadStep, updateFolio } from "./step.js";

export const REUSE_STEPS = stepTable<Setup, "alloc_pages">({ alloc_pages: "core" });
const step = stepMaker(REUSE_STEPS);

/** What the new owner makes of the frame: its mapping and flags. */
const KINDS = [
  {
    what: "another process's anonymous page",
    mapping: MAPPING.anon,
    flags: PG.uptodate | PG.anonExclusive | PG.swapbacked,
  },
  { what: "a page-cache page of another file", mapping: MAPPING.otherFile, flags: PG.uptodate },
] as const;

export function reuseSteps(s: ScenarioState): ThreadStep[] {
  if (s.reuseDone) return [];
  const steps: ThreadStep[] = [];
  s.folios.forEach((f, frame) => {
    // Only A's and B's frames, once in use and freed: recycled memory (a
    // swap-in's fresh page stands for any page the allocator gives it).
    if (frame > FRAME_B || f.allocated || f.generation === 0) return;
    for (const kind of KINDS) {
      steps.push(
        step(
          "alloc_pages",
          `alloc_pages → frame of ${frameName(s, frame)} reused as ${kind.what}`,
          (s) =>
            updateFolio(s, frame, (f) =>
              folioAlloc(f, f.order, List(f.data.map((_, p) => recycledData(p))))
                .set("mapping", kind.mapping)
                .set("flags", kind.flags),
            ).set("reuseDone", true),
        ),
      );
    }
  });
  return steps;
}

export const reuseThread: ThreadDecl<ScenarioState> = {
  name: "reuse",
  own: "reuseDone",
  table: REUSE_STEPS,
  steps: reuseSteps,
};
