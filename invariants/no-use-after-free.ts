import { FOLIO_OBJECTS, pteObjects } from "../models/migrate-swapcache/footprint.js";
import { FRAME_A, FRAME_B, Migrate, Reclaim } from "../models/migrate-swapcache/state.js";
import { frameName } from "../models/migrate-swapcache/step.js";
import { folioTest } from "../src/kernel/folio.js";
import { pteFrame, pteKind } from "../src/kernel/page-table.js";
import type { Invariant } from "./invariant.js";

/**
 * A reference, a lock or a mapping keeps a folio alive; a free frame with
 * one of them is a use after free, and a negative refcount is a put too
 * many. The references each thread holds follow from its program counter.
 */
export const noUseAfterFree: Invariant = {
  name: "no-use-after-free",
  description:
    "No thread holds a reference to, locks or maps a free frame, and no refcount is negative.",
  reads: (setup) => [
    ...FOLIO_OBJECTS,
    ...pteObjects(setup),
    ...setup.swapinNames.map((t) => `${t}.ref`),
    "migrate",
    "reclaim",
  ],
  check(s) {
    const freed = (frame: number) => !s.folios.get(frame)!.allocated;
    for (const [frame, f] of s.folios.entries()) {
      if (f.refcount < 0) return `${frameName(s, frame)}.refcount ${f.refcount} < 0`;
      if (!f.allocated && folioTest(f, "locked"))
        return `${frameName(s, frame)} is free but locked`;
    }
    for (const [j, pte] of s.ptes.entries()) {
      const kind = pteKind(pte);
      if ((kind === "present" || kind === "migration") && freed(pteFrame(pte))) {
        return `pte ${j} maps ${frameName(s, pteFrame(pte))} (freed!)`;
      }
    }
    for (const t of s.swapins) {
      if (t.hasRef && freed(t.folio))
        return `swap-in holds a reference to ${frameName(s, t.folio)} (freed!)`;
    }
    const m = s.migrate.pc;
    if (m > Migrate.Isolate && m < Migrate.Done && freed(FRAME_A)) {
      return "migration holds A (isolated) but A is freed";
    }
    if (m > Migrate.Alloc && m < Migrate.PutSrc && m !== Migrate.Undo && freed(FRAME_B)) {
      return "migration holds B but B is freed";
    }
    const r = s.reclaim.pc;
    if (r < Reclaim.Done && r !== Reclaim.Free && freed(FRAME_A)) {
      return "reclaim holds A (isolated) but A is freed";
    }
    return null;
  },
};
