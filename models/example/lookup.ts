/**
 * The lookup: swap_cache_get_folio() → filemap_get_folio() (mm/swap_state.c,
 * mm/filemap.c), reduced to one slot:
 *
 *   folio = xa_load(&swap_cache, offset);
 *   if (!folio) return NULL;
 *   folio_get(folio);              // the bug: the count may be 0 (frozen)
 *   ... use the folio ...
 *   folio_put(folio);
 *
 * The fix takes the reference with folio_try_get(), which fails on a
 * frozen count; the lookup then starts again (filemap_get_entry's
 * `goto repeat`).
 */
import type { ThreadDecl } from "../../src/declared/model.js";
import { stepsOf, stepTable, type ThreadStep } from "../../src/declared/steps.js";
import { type Folio, folioPut, folioRefAdd, folioTryGetRcu } from "../../src/kernel/folio.js";
import type { Hold } from "../../src/kernel/view.js";
import { xaIsPointer, xaLoad } from "../../src/kernel/xarray.js";
import type { ExampleParams } from "./params.js";
import { A, type ExampleState, Lookup, LookupThread, OFFSET } from "./state.js";

const fixed = (p: ExampleParams) => (p.variant === "folio-try-get" ? "core" : "absent");
const buggy = (p: ExampleParams) => (p.variant === "folio-get" ? "core" : "absent");

export const LOOKUP_STEPS = stepTable<
  ExampleParams,
  "xa_load" | "folio_get" | "folio_try_get" | "folio_put"
>({
  xa_load: "core",
  folio_get: buggy,
  folio_try_get: fixed,
  folio_put: "core",
});
const step = stepsOf<ExampleState, keyof typeof LOOKUP_STEPS>(LOOKUP_STEPS);

const goto = (s: ExampleState, pc: Lookup) => s.set("lookup", LookupThread({ pc }));
const updateA = (s: ExampleState, folio: Folio) => s.set("folios", s.folios.set(A, folio));

export function lookupSteps(s: ExampleState, p: ExampleParams): ThreadStep<ExampleState>[] {
  const a = s.folios.get(A)!;
  switch (s.lookup.pc) {
    case Lookup.Load: {
      const hit = xaIsPointer(xaLoad(s.cache, OFFSET));
      return [
        step("xa_load", `xa_load(${OFFSET}) → ${hit ? "A" : "NULL"}`, (s) =>
          goto(s, hit ? Lookup.Get : Lookup.Done),
        ),
      ];
    }
    case Lookup.Get: {
      if (p.variant === "folio-get") {
        return [
          step("folio_get", "folio_get(A)", (s) => goto(updateA(s, folioRefAdd(a, 1)), Lookup.Use)),
        ];
      }
      const got = folioTryGetRcu(a);
      return [
        got === null
          ? step("folio_try_get", "folio_try_get(A) fails: frozen", (s) => goto(s, Lookup.Load))
          : step("folio_try_get", "folio_try_get(A)", (s) => goto(updateA(s, got), Lookup.Use)),
      ];
    }
    case Lookup.Use:
      return [step("folio_put", "folio_put(A)", (s) => goto(updateA(s, folioPut(a)), Lookup.Done))];
    default:
      return [];
  }
}

/** The lookup holds a reference to A from folio_get (or folio_try_get) to folio_put. */
export function lookupHolds(s: ExampleState): Hold[] {
  return s.lookup.pc === Lookup.Use ? [{ thread: "lookup", frame: A, what: "a reference to" }] : [];
}

export const lookupThread = (p: ExampleParams): ThreadDecl<ExampleState> => ({
  name: "lookup",
  own: "lookup",
  table: LOOKUP_STEPS,
  steps: (s) => lookupSteps(s, p),
  unfinished: (s) => s.lookup.pc !== Lookup.Done,
});
