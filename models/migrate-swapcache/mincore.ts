/**
 * Optional thread: mincore(2) on the process's swapped-out range,
 * mincore_pte_range (mm/mincore.c, v6.6) with the PTL held over the PMD:
 * for a swap PTE, mincore_page(swap_address_space(entry), offset) →
 * filemap_get_incore_folio → filemap_get_entry (the lookup), then
 * folio_test_uptodate and folio_put. Unprivileged: any process can make
 * its own lookup spin on a stale slot naming a freed folio (with the PTL
 * held, which this model does not represent: see zap.ts). A recycled
 * frame only gives a wrong answer, which nothing checks.
 */
import { stepTable } from "../../src/declared/steps.js";
import { folioPut, folioTest } from "../../src/kernel/folio.js";
import { pteDescribe, pteKind, pteSwapOffset } from "../../src/kernel/page-table.js";
import { LOOKUP_STEPS, type PteWalkThread, pteWalk } from "./lookup.js";
import { Mincore, type ScenarioState, type Setup } from "./state.js";
import { folioOf, frameName, stepMaker, type ThreadStep, updateFolio } from "./step.js";

export const MINCORE_STEPS = stepTable<
  Setup,
  "mincore_pte_range" | keyof typeof LOOKUP_STEPS | "folio_put"
>({
  mincore_pte_range: "core",
  ...LOOKUP_STEPS,
  folio_put: "core",
});
const step = stepMaker(MINCORE_STEPS);

const { set, nextPte, lookup } = pteWalk("mincore", {
  scan: Mincore.Scan,
  load: Mincore.Load,
  tryGet: Mincore.TryGet,
  reload: Mincore.Reload,
  done: Mincore.Done,
});

export function mincoreSteps(s: ScenarioState, setup: Setup): ThreadStep[] {
  const me = s.mincore;
  const pc = me.pc as Mincore;
  const inLoop = lookup(
    s,
    setup,
    step,
    (s) => set(s, { pc: Mincore.Put }),
    (s) => nextPte(s, setup),
  );
  if (inLoop !== null) return [inLoop];
  switch (pc) {
    case Mincore.Scan: {
      const j = me.page;
      const pte = s.ptes.get(j)!;
      if (pteKind(pte) !== "swap") {
        const shown = pteDescribe(pte, (f) => frameName(s, f));
        return [
          step(
            "mincore_pte_range",
            `mincore_pte_range: pte ${j} = ${shown}: not a swap entry`,
            (s) => nextPte(s, setup),
          ),
        ];
      }
      const offset = pteSwapOffset(pte);
      return [
        step(
          "mincore_pte_range",
          `mincore_pte_range: pte ${j} = swp(${offset}): mincore_page`,
          (s) => set(s, { pc: Mincore.Load, index: offset }),
        ),
      ];
    }
    case Mincore.Put: {
      const x = me.folio;
      const name = frameName(s, x);
      const present = folioTest(folioOf(s, x), "uptodate") ? 1 : 0;
      return [
        step(
          "folio_put",
          `vec[${me.page}] = ${present} (uptodate(${name})); folio_put(${name})`,
          (s) => nextPte(updateFolio(s, x, folioPut), setup),
        ),
      ];
    }
    default:
      return [];
  }
}

/** Where the thread is, in kernel words (reports). */
export const MINCORE_AT: Record<Mincore, string> = {
  [Mincore.Scan]: "next mincore_pte_range",
  [Mincore.Load]: "in filemap_get_entry (rcu, PTL held)",
  [Mincore.TryGet]: "next folio_try_get_rcu (rcu, PTL held)",
  [Mincore.Reload]: "next xas_reload (rcu, PTL held)",
  [Mincore.Put]: "next folio_put",
  [Mincore.Done]: "done",
};

export const MINCORE: PteWalkThread = {
  name: "mincore",
  table: MINCORE_STEPS,
  steps: mincoreSteps,
  done: Mincore.Done,
  inRcu: new Set([Mincore.Load, Mincore.TryGet, Mincore.Reload]),
  at: MINCORE_AT,
};
