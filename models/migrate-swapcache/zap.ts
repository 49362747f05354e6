/**
 * Optional thread: the process exits or unmaps the range, zap_pte_range
 * (mm/memory.c, v6.6) over its PTEs in address order, with the PTL held
 * for the batch. A present PTE drops its page's mapping reference; a swap
 * PTE goes through free_swap_and_cache (mm/swapfile.c):
 *
 *   count = __swap_entry_free(p, entry);                   // Z3
 *   if (count == SWAP_HAS_CACHE && !swap_page_trans_huge_swapped(p, entry))
 *       __try_to_reclaim_swap(p, offset, TTRS_UNMAPPED | TTRS_FULL);
 *         folio = filemap_get_folio(swap_address_space(entry), offset); // Z5: the lookup
 *         if (folio_trylock(folio)) {
 *             if (!folio_mapped(folio)) folio_free_swap(folio);      // Z7
 *             folio_unlock(folio);
 *         }
 *         folio_put(folio);
 *
 * For B's huge cluster the reclaim runs only for the entry whose zap
 * drops the cluster's last count: the last swap PTE, a tail slot, looked
 * up with the PTL held. v6.6 does not check that the folio found covers
 * the offset; folio_free_swap acts on the folio's own entry, so a stale
 * slot naming A or a recycled frame frees nothing, and a freed A spins.
 *
 * Modelling choices: the PTE is cleared in the same step as
 * __swap_entry_free (the kernel clears it after, under the PTL, where no
 * other thread can see the difference; the swap-map invariant counts PTEs
 * against counts). The PTL itself is not modelled: other threads may
 * touch PTEs while zap spins, which the kernel would hold off (they would
 * spin on the PTL too); migration entries are cleared without a put.
 */
import { stepTable } from "../../src/declared/steps.js";
import { folioPut, folioTest, folioTrylock, folioUnlock } from "../../src/kernel/folio.js";
import {
  PTE_NONE,
  pteDescribe,
  pteFrame,
  pteKind,
  pteSwapOffset,
} from "../../src/kernel/page-table.js";
import { freeSwapAndCacheCount } from "../../src/kernel/swap-map.js";
import { LOOKUP_STEPS, type PteWalkThread, pteWalk } from "./lookup.js";
import { folioFreeSwap } from "./shrink.js";
import { type ScenarioState, type Setup, withSwap, Zap } from "./state.js";
import { folioOf, frameName, stepMaker, type ThreadStep, updateFolio } from "./step.js";

export const ZAP_STEPS = stepTable<
  Setup,
  | "zap_pte_range"
  | "free_swap_and_cache"
  | keyof typeof LOOKUP_STEPS
  | "folio_trylock"
  | "folio_free_swap"
  | "folio_put"
>({
  zap_pte_range: "core",
  free_swap_and_cache: "core",
  ...LOOKUP_STEPS,
  folio_trylock: "core",
  folio_free_swap: "core",
  folio_put: "core",
});
const step = stepMaker(ZAP_STEPS);

const { set, nextPte, lookup } = pteWalk("zap", {
  scan: Zap.Scan,
  load: Zap.Load,
  tryGet: Zap.TryGet,
  reload: Zap.Reload,
  done: Zap.Done,
});

export function zapSteps(s: ScenarioState, setup: Setup): ThreadStep[] {
  const me = s.zap;
  const pc = me.pc as Zap;
  const inLoop = lookup(
    s,
    setup,
    step,
    (s) => set(s, { pc: Zap.Trylock }),
    (s) => nextPte(s, setup),
  );
  if (inLoop !== null) return [inLoop];
  const x = me.folio;
  switch (pc) {
    case Zap.Scan:
      return [scanStep(s, setup)];

    case Zap.Trylock: {
      const name = frameName(s, x);
      if (folioTest(folioOf(s, x), "locked")) {
        return [
          step("folio_trylock", `folio_trylock(${name}) fails: no reclaim`, (s) =>
            set(s, { pc: Zap.Put }),
          ),
        ];
      }
      return [
        step("folio_trylock", `folio_trylock(${name})`, (s) =>
          set(
            updateFolio(s, x, (f) => folioTrylock(f)!),
            { pc: Zap.FreeSwap },
          ),
        ),
      ];
    }

    case Zap.FreeSwap: {
      // TTRS_UNMAPPED: only a folio no PTE maps (folio_mapped).
      const name = frameName(s, x);
      const mapped = s.ptes.some((pte) => pteKind(pte) === "present" && pteFrame(pte) === x);
      const unlock = (s: ScenarioState) => set(updateFolio(s, x, folioUnlock), { pc: Zap.Put });
      if (mapped) {
        return [step("folio_free_swap", `${name} is mapped: not freed; folio_unlock`, unlock)];
      }
      const free = folioFreeSwap(s, x);
      if (free === null) return [];
      return [step("folio_free_swap", `${free.label}; folio_unlock`, (s) => unlock(free.apply(s)))];
    }

    case Zap.Put: {
      const name = frameName(s, x);
      return [
        step("folio_put", `folio_put(${name})`, (s) => nextPte(updateFolio(s, x, folioPut), setup)),
      ];
    }

    default:
      return [];
  }
}

/** One PTE of the batch: a present page is unmapped, a swap entry freed. */
function scanStep(s: ScenarioState, setup: Setup): ThreadStep {
  const j = s.zap.page;
  const pte = s.ptes.get(j)!;
  const shown = pteDescribe(pte, (f) => frameName(s, f));
  const cleared = (s: ScenarioState) => s.set("ptes", s.ptes.set(j, PTE_NONE));
  switch (pteKind(pte)) {
    case "present": {
      const x = pteFrame(pte);
      return step("zap_pte_range", `zap_pte_range: pte ${j} = ${shown}: unmap, folio_put`, (s) =>
        nextPte(cleared(updateFolio(s, x, folioPut)), setup),
      );
    }
    case "swap": {
      const offset = pteSwapOffset(pte);
      const r = freeSwapAndCacheCount(s.swap!, offset);
      const reclaim = r.ret.reclaim;
      return step(
        "free_swap_and_cache",
        `free_swap_and_cache(swp(${offset})): pte ${j} cleared; ${reclaim ? "last count of a cached entry: __try_to_reclaim_swap" : "no reclaim"}`,
        (s) => {
          const s2 = withSwap(cleared(s), r);
          return reclaim ? set(s2, { pc: Zap.Load, index: offset }) : nextPte(s2, setup);
        },
      );
    }
    case "none":
      return step("zap_pte_range", `zap_pte_range: pte ${j} none`, (s) => nextPte(s, setup));
    default:
      return step("zap_pte_range", `zap_pte_range: pte ${j} = ${shown}: cleared`, (s) =>
        nextPte(cleared(s), setup),
      );
  }
}

/** Where the thread is, in kernel words (reports). */
export const ZAP_AT: Record<Zap, string> = {
  [Zap.Scan]: "next zap_pte_range",
  [Zap.Load]: "in filemap_get_entry (rcu, PTL held)",
  [Zap.TryGet]: "next folio_try_get_rcu (rcu, PTL held)",
  [Zap.Reload]: "next xas_reload (rcu, PTL held)",
  [Zap.Trylock]: "next folio_trylock",
  [Zap.FreeSwap]: "next folio_free_swap",
  [Zap.Put]: "next folio_put",
  [Zap.Done]: "done",
};

export const ZAP: PteWalkThread = {
  name: "zap",
  table: ZAP_STEPS,
  steps: zapSteps,
  done: Zap.Done,
  inRcu: new Set([Zap.Load, Zap.TryGet, Zap.Reload]),
  at: ZAP_AT,
};
