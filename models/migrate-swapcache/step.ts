/** What every thread module of the scenario returns, and small shared helpers. */
import { type ThreadStep as Step, type StepTable, stepsOf } from "../../src/declared/steps.js";
import { forNames } from "../../src/declared/tracker.js";
import type { Folio } from "../../src/kernel/folio.js";
import type { ScenarioState, Setup } from "./state.js";

/** One enabled step of a thread: the kernel function it stands for and its effect. */
export type ThreadStep = Step<ScenarioState>;

/** A thread module's step constructor: only the names of its step table. */
export function stepMaker<K extends string>(
  table: StepTable<Setup, K>,
): (name: K, label: string, apply: (s: ScenarioState) => ScenarioState) => ThreadStep {
  return stepsOf<ScenarioState, K>(table as StepTable<never, K>);
}

/** A (frame 0) or B (frame 1); a recycled frame gets a prime per reallocation. */
export function frameName(s: ScenarioState, frame: number): string {
  const f = forNames(() => s.folios.get(frame));
  return nameOf(frame, f ? f.generation : 0);
}

/** Names by frame, then generation (built on first use). */
const NAMES: string[][] = [];

function nameOf(frame: number, generation: number): string {
  const known = NAMES[frame]?.[generation];
  if (known !== undefined) return known;
  const letter = String.fromCharCode(65 + frame);
  const name = generation > 1 ? letter + "'".repeat(generation - 1) : letter;
  if (frame >= 0 && generation >= 0 && frame < 64 && generation < 64) {
    NAMES[frame] ??= [];
    NAMES[frame][generation] = name;
  }
  return name;
}

export function folioOf(s: ScenarioState, frame: number): Folio {
  return s.folios.get(frame)!;
}

export function updateFolio(
  s: ScenarioState,
  frame: number,
  fn: (f: Folio) => Folio,
): ScenarioState {
  const folios = s.folios;
  return s.set("folios", folios.set(frame, fn(folios.get(frame)!)));
}
