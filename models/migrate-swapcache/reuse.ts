/**
 * Optional thread: the page allocator hands a freed frame out again for
 * unrelated data (refcount 1, new data tokens). A stale xarray slot then
 * points at a live folio that is not in the cache: folio_try_get_rcu
 * succeeds on it and the lookup returns it.
 */
import { List } from "immutable";
import { stepTable } from "../../src/declared/steps.js";
import { folioAlloc } from "../../src/kernel/folio.js";
import { recycledData, type ScenarioState, type Setup } from "./state.js";
import { frameName, stepMaker, type ThreadStep, updateFolio } from "./step.js";

export const REUSE_STEPS = stepTable<Setup, "alloc_pages">({ alloc_pages: "core" });
const step = stepMaker(REUSE_STEPS);

export function reuseSteps(s: ScenarioState): ThreadStep[] {
  if (s.reuseDone) return [];
  const steps: ThreadStep[] = [];
  s.folios.forEach((f, frame) => {
    // Only frames that were in use and were freed: recycled memory.
    if (f.allocated || f.generation === 0) return;
    steps.push(
      step("alloc_pages", `alloc_pages → frame of ${frameName(s, frame)} reused`, (s) =>
        updateFolio(s, frame, (f) =>
          folioAlloc(f, f.order, List(f.data.map((_, p) => recycledData(p)))),
        ).set("reuseDone", true),
      ),
    );
  });
  return steps;
}
