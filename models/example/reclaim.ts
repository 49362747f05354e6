/**
 * Reclaim of A, which it isolated (one reference): __remove_mapping()
 * (mm/vmscan.c) after pageout:
 *
 *   if (!folio_ref_freeze(folio, 1 + nr))   // the cache's + ours
 *     goto keep;                           // someone holds a reference
 *   __delete_from_swap_cache(folio, ...);
 *   free_unref_folios(...);                 // the frame goes back
 * keep:
 *   folio_putback_lru(folio);
 */
import type { ThreadDecl } from "../../src/declared/model.js";
import { stepsOf, stepTable, type ThreadStep } from "../../src/declared/steps.js";
import {
  type Folio,
  folioClear,
  folioFreeFrozen,
  folioPut,
  folioRefFreeze,
} from "../../src/kernel/folio.js";
import type { Hold } from "../../src/kernel/view.js";
import { xaErase } from "../../src/kernel/xarray.js";
import type { ExampleParams } from "./params.js";
import { A, type ExampleState, OFFSET, Reclaim, ReclaimThread } from "./state.js";

export const RECLAIM_STEPS = stepTable<
  ExampleParams,
  "folio_ref_freeze" | "__delete_from_swap_cache" | "free_unref_folios" | "folio_putback_lru"
>({
  folio_ref_freeze: "core",
  __delete_from_swap_cache: "core",
  free_unref_folios: "core",
  folio_putback_lru: "branch",
});
const step = stepsOf<ExampleState, keyof typeof RECLAIM_STEPS>(RECLAIM_STEPS);

const goto = (s: ExampleState, pc: Reclaim) => s.set("reclaim", ReclaimThread({ pc }));
const updateA = (s: ExampleState, folio: Folio) => s.set("folios", s.folios.set(A, folio));

export function reclaimSteps(s: ExampleState): ThreadStep<ExampleState>[] {
  const a = s.folios.get(A)!;
  switch (s.reclaim.pc) {
    case Reclaim.Freeze: {
      const frozen = folioRefFreeze(a, 2);
      return [
        frozen === null
          ? step("folio_ref_freeze", `folio_ref_freeze(A, 2) fails: ${a.refcount}`, (s) =>
              goto(s, Reclaim.Putback),
            )
          : step("folio_ref_freeze", "folio_ref_freeze(A, 2)", (s) =>
              goto(updateA(s, frozen), Reclaim.Delete),
            ),
      ];
    }
    case Reclaim.Delete:
      return [
        step("__delete_from_swap_cache", `__delete_from_swap_cache(A) (slot ${OFFSET})`, (s) =>
          goto(
            updateA(s.set("cache", xaErase(s.cache, OFFSET)), folioClear(a, "swapcache")),
            Reclaim.Free,
          ),
        ),
      ];
    case Reclaim.Free:
      return [
        step("free_unref_folios", "free_unref_folios(A)", (s) =>
          goto(updateA(s, folioFreeFrozen(a)), Reclaim.Done),
        ),
      ];
    case Reclaim.Putback:
      return [
        step("folio_putback_lru", "folio_putback_lru(A)", (s) =>
          goto(updateA(s, folioPut(a)), Reclaim.Done),
        ),
      ];
    default:
      return [];
  }
}

/** Reclaim holds its isolation reference until it freezes the count (or puts it back). */
export function reclaimHolds(s: ExampleState): Hold[] {
  const pc = s.reclaim.pc;
  return pc === Reclaim.Freeze || pc === Reclaim.Putback
    ? [{ thread: "reclaim", frame: A, what: "the isolation reference to" }]
    : [];
}

export const reclaimThread: ThreadDecl<ExampleState> = {
  name: "reclaim",
  own: "reclaim",
  table: RECLAIM_STEPS,
  steps: reclaimSteps,
  unfinished: (s) => s.reclaim.pc !== Reclaim.Done,
};
