/** What every thread module of the scenario returns, and small shared helpers. */
import type { Folio } from "../../src/kernel/folio.js";
import type { ScenarioState } from "./state.js";

/** One enabled step of a thread: the kernel function it stands for and its effect. */
export interface ThreadStep {
  /** The kernel function (stable; coverage is counted per name). */
  readonly name: string;
  /** The function with its essential arguments, as a report shows it. */
  readonly label: string;
  readonly apply: (s: ScenarioState) => ScenarioState;
}

export function step(
  name: string,
  label: string,
  apply: (s: ScenarioState) => ScenarioState,
): ThreadStep {
  return { name, label, apply };
}

/** A (frame 0) or B (frame 1); a recycled frame gets a prime per reallocation. */
export function frameName(s: ScenarioState, frame: number): string {
  const letter = String.fromCharCode(65 + frame);
  const f = s.folios.get(frame);
  return f && f.generation > 1 ? letter + "'".repeat(f.generation - 1) : letter;
}

export function folioOf(s: ScenarioState, frame: number): Folio {
  return s.folios.get(frame)!;
}

export function updateFolio(
  s: ScenarioState,
  frame: number,
  fn: (f: Folio) => Folio,
): ScenarioState {
  return s.set(
    "folios",
    s.folios.update(frame, (f) => fn(f!)),
  );
}
