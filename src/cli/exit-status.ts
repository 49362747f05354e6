/** Exit statuses, as SPIN/TLC users script against them. */
import type { Verdict } from "../engine/index.js";

export const EXIT_OK = 0;
export const EXIT_VIOLATION = 1;
export const EXIT_USAGE = 2;
export const EXIT_INCOMPLETE = 3;
/** `check --schedule`: a complete search found no run that follows the schedule. */
export const EXIT_INFEASIBLE = 4;

/** 1 if any run found a violation or deadlock, else 3 if any was cut short, else 0. */
export function exitStatusFor(verdicts: readonly Verdict[]): number {
  if (verdicts.some((v) => v === "violated" || v === "deadlock")) return EXIT_VIOLATION;
  if (verdicts.some((v) => v === "incomplete")) return EXIT_INCOMPLETE;
  return EXIT_OK;
}
