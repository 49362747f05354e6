/**
 * Writeback completion: the swap write that pageout() submitted ends
 * (end_swap_bio_write → folio_end_writeback). It can end at any time after
 * submission, which is what lets migration's folio_wait_writeback pass.
 */

import type { ThreadDecl } from "../../src/declared/model.js";
import { stepTable } from "../../src/declared/steps.js";
import { folioClear, folioTest } from "../../src/kernel/folio.js";
import { FRAME_A, type ScenarioState, type Setup } from "./state.js";
import { folioOf, stepMaker, type ThreadStep, updateFolio } from "./step.js";

export const WRITEBACK_STEPS = stepTable<Setup, "folio_end_writeback">({
  folio_end_writeback: "core",
});
const step = stepMaker(WRITEBACK_STEPS);

export function writebackSteps(s: ScenarioState): ThreadStep[] {
  if (s.writebackDone || !folioTest(folioOf(s, FRAME_A), "writeback")) return [];
  return [
    step("folio_end_writeback", "folio_end_writeback(A)", (s) =>
      updateFolio(s, FRAME_A, (f) => folioClear(f, "writeback")).set("writebackDone", true),
    ),
  ];
}

/** The thread: idle unless a write is in flight, so never the cause of a deadlock. */
export const writebackThread: ThreadDecl<ScenarioState> = {
  name: "writeback",
  own: "writebackDone",
  table: WRITEBACK_STEPS,
  steps: writebackSteps,
};
