/**
 * An invariant of the reference scenario: a small pure predicate with a
 * name and the sentence saying what it protects. `check` returns null when
 * the state is fine, or one line naming the offending objects.
 */

import type { ScenarioState, Setup } from "../models/migrate-swapcache/state.js";
import type { PropertyDecl } from "../src/declared/model.js";

export interface Invariant {
  readonly name: string;
  readonly description: string;
  readonly check: (s: ScenarioState, setup: Setup) => string | null;
  /**
   * The objects `check` reads, named as in the model's footprints
   * (models/migrate-swapcache/footprint.ts), for partial-order reduction.
   */
  readonly reads: (setup: Setup) => readonly string[];
  /**
   * The check as a conjunction of clauses (optional): `check` fails with
   * the first failing clause. The compiled model evaluates each clause
   * once per combination of what it reads, which pays when the whole
   * reads much more than each part.
   */
  readonly clauses?: (setup: Setup) => readonly Clause[];
}

/** One conjunct of an invariant, with the objects it reads. */
export interface Clause {
  readonly reads: readonly string[];
  readonly check: (s: ScenarioState) => string | null;
}

/** `check`, `reads` and `clauses` of an invariant made of clauses (built once per setup). */
export function fromClauses(
  build: (setup: Setup) => readonly Clause[],
): Pick<Invariant, "check" | "reads" | "clauses"> {
  const memo = new WeakMap<Setup, readonly Clause[]>();
  const clauses = (setup: Setup) => {
    let known = memo.get(setup);
    if (known === undefined) {
      known = build(setup);
      memo.set(setup, known);
    }
    return known;
  };
  return {
    clauses,
    reads: (setup) => [...new Set(clauses(setup).flatMap((c) => c.reads))],
    check(s, setup) {
      for (const c of clauses(setup)) {
        const why = c.check(s);
        if (why !== null) return why;
      }
      return null;
    },
  };
}

/** An invariant as a property of a declared model, bound to one configuration. */
export function invariantProperty(inv: Invariant, setup: Setup): PropertyDecl<ScenarioState> {
  return {
    name: inv.name,
    kind: "always",
    description: inv.description,
    clauses: inv.clauses
      ? inv.clauses(setup).map((c) => c.check)
      : [(s: ScenarioState) => inv.check(s, setup)],
    reads: inv.reads(setup),
  };
}
