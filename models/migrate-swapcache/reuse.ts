/**
 * Optional thread: the page allocator hands a freed frame out again for
 * unrelated data (refcount 1, new data tokens). A stale xarray slot then
 * points at a live folio that is not in the cache: folio_try_get_rcu
 * succeeds on it and the lookup returns it.
 */
import { List } from "immutable";
import { folioAlloc } from "../../src/kernel/folio.js";
import { recycledData, type ScenarioState } from "./state.js";
import { frameName, step, type ThreadStep, updateFolio } from "./step.js";

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
