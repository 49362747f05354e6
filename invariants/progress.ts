/**
 * Progress properties of the lookup threads (liveness: checked with
 * `check --liveness`, under weak fairness unless `--fairness none`), for
 * every model whose view has lookups.
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
import type { PropertyDecl } from "../src/declared/model.js";
import type { KernelView } from "../src/kernel/view.js";

/** One property of each kind per lookup thread (named after it when there are several). */
export function progressProperties<S>(
  shape: KernelView,
  view: (s: S) => KernelView,
  reads: (thread: string) => readonly string[] = () => [],
): PropertyDecl<S>[] {
  const lookups = shape.lookups ?? [];
  return lookups.flatMap((l, t) => {
    const thread = l.thread;
    const suffix = lookups.length > 1 ? `(${thread})` : "";
    const at = (s: S) => view(s).lookups![t]!;
    const completes: PropertyDecl<S>[] =
      l.faulting === undefined
        ? []
        : [
            {
              name: `fault-completes${suffix}`,
              kind: "always-eventually" as const,
              description: `${thread}'s fault eventually completes (no endless fault retry).`,
              reads: reads(thread),
              holds: (s: S) => !at(s).faulting!(),
              explain: (s: S) => `${thread}'s fault on ${at(s).where()} never completes`,
            },
          ];
    return [
      {
        name: `lookup-progress${suffix}`,
        kind: "always-eventually" as const,
        description: `${thread} does not spin for ever in the RCU lookup loop of filemap_get_entry (the RCU stall).`,
        reads: reads(thread),
        holds: (s: S) => !at(s).inRcu(),
        explain: (s: S) => `${thread} stays in the rcu_read_lock section at ${at(s).where()}`,
      },
      ...completes,
    ];
  });
}
