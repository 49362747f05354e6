/**
 * Writeback completion: the swap write that pageout() submitted ends
 * (end_swap_bio_write → folio_end_writeback). It can end at any time after
 * submission, which is what lets migration's folio_wait_writeback pass.
 */
import { folioClear, folioTest } from "../../src/kernel/folio.js";
import { FRAME_A, type ScenarioState } from "./state.js";
import { folioOf, step, type ThreadStep, updateFolio } from "./step.js";

export function writebackSteps(s: ScenarioState): ThreadStep[] {
  if (s.writebackDone || !folioTest(folioOf(s, FRAME_A), "writeback")) return [];
  return [
    step("folio_end_writeback", "folio_end_writeback(A)", (s) =>
      updateFolio(s, FRAME_A, (f) => folioClear(f, "writeback")).set("writebackDone", true),
    ),
  ];
}
