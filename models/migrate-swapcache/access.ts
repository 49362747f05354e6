/**
 * Optional thread (on by default): the process keeps using the pages it
 * has mapped. Its loads make the MMU set the accessed bit of the PTE
 * (pte_mkyoung, done by the hardware page walk), which is what
 * folio_check_references reads and clears when reclaim of B looks at B
 * (reclaim-dst.ts). A page it keeps touching stays hot, so reclaim keeps
 * it; the seed's stall lasts as long as that.
 *
 * Only an old present PTE gives a step: touching a young page changes
 * nothing. Loads only: a store would also dirty the page.
 */

import type { ThreadDecl } from "../../src/declared/model.js";
import { stepTable } from "../../src/declared/steps.js";
import { pteKind, pteMkyoung, pteYoung } from "../../src/kernel/page-table.js";
import type { ScenarioState, Setup } from "./state.js";
import { stepMaker, type ThreadStep } from "./step.js";

// A branch: only reclaim of B (or swapoff's old mapping) ever leaves a PTE old.
export const ACCESS_STEPS = stepTable<Setup, "pte_mkyoung">({ pte_mkyoung: "branch" });
const step = stepMaker(ACCESS_STEPS);

export function accessSteps(s: ScenarioState): ThreadStep[] {
  const steps: ThreadStep[] = [];
  s.ptes.forEach((pte, j) => {
    if (pteKind(pte) !== "present" || pteYoung(pte)) return;
    steps.push(
      step("pte_mkyoung", `pte_mkyoung(pte ${j})`, (s) =>
        s.set("ptes", s.ptes.set(j, pteMkyoung(pte))),
      ),
    );
  });
  return steps;
}

/** Stateless: its steps read the PTEs only, so the PTEs are its own part. */
export const accessThread: ThreadDecl<ScenarioState> = {
  name: "access",
  own: "ptes",
  table: ACCESS_STEPS,
  steps: accessSteps,
};
