/**
 * A safety stand-in for the stall (--bounded-spin N): the lookup loop's
 * consecutive failed folio_try_get_rcu calls stay below N. Where no fair
 * lasso exists (B is eventually reclaimed), the spin is finite but
 * unbounded: this shows how long it can last.
 */
import type { PropertyDecl } from "../../src/declared/model.js";
import type { ScenarioState, Setup } from "./state.js";

export const BOUNDED_SPIN = {
  name: "bounded-spin",
  description: "No lookup fails folio_try_get_rcu N times in a row (N from --bounded-spin).",
} as const;

export function boundedSpin(setup: Setup): PropertyDecl<ScenarioState> {
  const n = setup.params.spinBound;
  return {
    ...BOUNDED_SPIN,
    kind: "always",
    reads: setup.swapinNames.map((t) => `${t}.ref`),
    clauses: [
      (s) => {
        const i = s.swapins.findIndex((t) => t.spins >= n);
        return n > 0 && i >= 0
          ? `${setup.swapinNames[i]} failed folio_try_get_rcu ${n} times in a row at slot ${s.swapins.get(i)!.index}`
          : null;
      },
    ],
  };
}
