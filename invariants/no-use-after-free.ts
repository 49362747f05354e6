import { folioTest } from "../src/kernel/folio.js";
import { pteFrame, pteKind } from "../src/kernel/page-table.js";
import type { Clause, KernelInvariant } from "./invariant.js";

/**
 * A reference, a lock or a mapping keeps a folio alive; a free frame with
 * one of them is a use after free, and a negative refcount is a put too
 * many. What each thread holds comes from the model's view (it follows from
 * the thread's program counter); each thread is its own clause.
 */
export const noUseAfterFree: KernelInvariant = {
  name: "no-use-after-free",
  description:
    "No thread holds a reference to, locks or maps a free frame, and no refcount is negative.",
  reads: ["frames", "ptes", "holds"],
  applies: () => true,
  clauses: (shape) => [
    (v) => {
      for (let frame = 0; frame < v.frames.size; frame++) {
        const f = v.frames.get(frame)!;
        if (f.refcount < 0) return `${v.frameName(frame)}.refcount ${f.refcount} < 0`;
        if (!f.allocated && folioTest(f, "locked"))
          return `${v.frameName(frame)} is free but locked`;
      }
      return null;
    },
    (v) => {
      const ptes = v.ptes;
      if (ptes === undefined) return null;
      for (let j = 0; j < ptes.size; j++) {
        const pte = ptes.get(j)!;
        const kind = pteKind(pte);
        if (
          (kind === "present" || kind === "migration") &&
          !v.frames.get(pteFrame(pte))!.allocated
        ) {
          return `pte ${j} maps ${v.frameName(pteFrame(pte))} (freed!)`;
        }
      }
      return null;
    },
    ...(shape.holds ?? []).map(
      (_, i): Clause =>
        (v) => {
          for (const h of v.holds![i]!()) {
            if (!v.frames.get(h.frame)!.allocated) {
              return `${h.thread} holds ${h.what} ${v.frameName(h.frame)} but ${v.frameName(h.frame)} is freed`;
            }
          }
          return null;
        },
    ),
  ],
};
