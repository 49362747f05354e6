/**
 * Progress properties of the lookup threads (liveness: checked with
 * `check --liveness`, under weak fairness unless `--fairness none`).
 *
 * - lookup-progress (□◇ "not inside the RCU lookup loop"): the seed's RCU
 *   stall is a run on which filemap_get_entry never leaves its
 *   rcu_read_lock section, because folio_try_get_rcu keeps failing on a
 *   folio that a stale slot still names.
 * - fault-completes (□◇ "no fault in progress"): a fault that retries for
 *   ever (the lookup returns a recycled folio, do_swap_page's recheck
 *   refuses it, the fault starts again) leaves RCU each time, so
 *   lookup-progress holds while this fails.
 */

import { type ScenarioState, type Setup, Swapin } from "../models/migrate-swapcache/state.js";
import type { Property } from "../src/engine/index.js";

const IN_RCU: ReadonlySet<Swapin> = new Set([Swapin.Load, Swapin.TryGet, Swapin.Reload]);

/** One property of each kind per lookup thread (named after it when there are several). */
export function progressProperties(setup: Setup): Property<ScenarioState>[] {
  return setup.swapinNames.flatMap((thread, t) => {
    const suffix = setup.swapinNames.length > 1 ? `(${thread})` : "";
    return [
      {
        name: `lookup-progress${suffix}`,
        kind: "always-eventually" as const,
        description: `${thread} does not spin for ever in the RCU lookup loop of filemap_get_entry (the RCU stall).`,
        reads: [`${thread}.pc`],
        holds: (s: ScenarioState) => !IN_RCU.has(s.swapins.get(t)!.pc),
        explain: (s: ScenarioState) =>
          `${thread} stays in the rcu_read_lock section at slot ${s.swapins.get(t)!.index}`,
      },
      {
        name: `fault-completes${suffix}`,
        kind: "always-eventually" as const,
        description: `${thread}'s fault eventually completes (no endless fault retry).`,
        reads: [`${thread}.pc`],
        holds: (s: ScenarioState) => {
          const me = s.swapins.get(t)!;
          return me.pc === Swapin.Done || (me.pc === Swapin.Fault && me.page < 0);
        },
        explain: (s: ScenarioState) =>
          `${thread}'s fault on pte ${s.swapins.get(t)!.page} never completes`,
      },
    ];
  });
}
