import { FOLIO_OBJECTS, pteObjects } from "../models/migrate-swapcache/footprint.js";
import type { ScenarioState, Setup } from "../models/migrate-swapcache/state.js";
import { FRAME_A, FRAME_B, Migrate, Reclaim } from "../models/migrate-swapcache/state.js";
import { frameName } from "../models/migrate-swapcache/step.js";
import { folioTest } from "../src/kernel/folio.js";
import { pteFrame, pteKind } from "../src/kernel/page-table.js";
import { type Clause, fromClauses, type Invariant } from "./invariant.js";

/**
 * A reference, a lock or a mapping keeps a folio alive; a free frame with
 * one of them is a use after free, and a negative refcount is a put too
 * many. The references each thread holds follow from its program counter.
 */
/** Each kind of holder on its own, with what it reads (see `Clause`). */
function clauses(setup: Setup): Clause[] {
  const freed = (s: ScenarioState, frame: number) => !s.folios.get(frame)!.allocated;
  return [
    {
      reads: FOLIO_OBJECTS,
      check(s) {
        for (const [frame, f] of s.folios.entries()) {
          if (f.refcount < 0) return `${frameName(s, frame)}.refcount ${f.refcount} < 0`;
          if (!f.allocated && folioTest(f, "locked"))
            return `${frameName(s, frame)} is free but locked`;
        }
        return null;
      },
    },
    {
      reads: [...FOLIO_OBJECTS, ...pteObjects(setup)],
      check(s) {
        for (const [j, pte] of s.ptes.entries()) {
          const kind = pteKind(pte);
          if ((kind === "present" || kind === "migration") && freed(s, pteFrame(pte))) {
            return `pte ${j} maps ${frameName(s, pteFrame(pte))} (freed!)`;
          }
        }
        return null;
      },
    },
    ...setup.swapinNames.map(
      (name, i): Clause => ({
        reads: [...FOLIO_OBJECTS, `${name}.ref`],
        check(s) {
          const t = s.swapins.get(i)!;
          return t.hasRef && freed(s, t.folio)
            ? `swap-in holds a reference to ${frameName(s, t.folio)} (freed!)`
            : null;
        },
      }),
    ),
    {
      reads: [...FOLIO_OBJECTS, "migrate"],
      check(s) {
        const m = s.migrate.pc;
        if (m > Migrate.Isolate && m < Migrate.Done && freed(s, FRAME_A)) {
          return "migration holds A (isolated) but A is freed";
        }
        if (m > Migrate.Alloc && m < Migrate.PutSrc && m !== Migrate.Undo && freed(s, FRAME_B)) {
          return "migration holds B but B is freed";
        }
        return null;
      },
    },
    {
      reads: [...FOLIO_OBJECTS, "reclaim"],
      check(s) {
        const r = s.reclaim.pc;
        return r < Reclaim.Done && r !== Reclaim.Free && freed(s, FRAME_A)
          ? "reclaim holds A (isolated) but A is freed"
          : null;
      },
    },
  ];
}

export const noUseAfterFree: Invariant = {
  name: "no-use-after-free",
  description:
    "No thread holds a reference to, locks or maps a free frame, and no refcount is negative.",
  ...fromClauses(clauses),
};
