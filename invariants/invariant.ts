/**
 * An invariant of the reference scenario: a small pure predicate with a
 * name and the sentence saying what it protects. `check` returns null when
 * the state is fine, or one line naming the offending objects.
 */

import type { ScenarioState, Setup } from "../models/migrate-swapcache/state.js";
import type { Property } from "../src/engine/index.js";

export interface Invariant {
  readonly name: string;
  readonly description: string;
  readonly check: (s: ScenarioState, setup: Setup) => string | null;
  /**
   * The objects `check` reads, named as in the model's footprints
   * (models/migrate-swapcache/footprint.ts), for partial-order reduction.
   */
  readonly reads: (setup: Setup) => readonly string[];
}

/** The engine's view of an invariant, bound to one configuration. */
export function asProperty(inv: Invariant, setup: Setup): Property<ScenarioState> {
  return {
    name: inv.name,
    kind: "always",
    description: inv.description,
    holds: (s) => inv.check(s, setup) === null,
    explain: (s) => inv.check(s, setup) ?? "",
    reads: inv.reads(setup),
  };
}
