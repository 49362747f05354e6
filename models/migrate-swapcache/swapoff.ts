/**
 * Optional thread: swapoff of the device, try_to_unuse → unuse_mm →
 * unuse_pte_range (mm/swapfile.c, v6.6) over the process's PTEs in
 * address order:
 *
 *   entry = pte_to_swp_entry(ptep_get_lockless(pte));      // U1, no PTL
 *   folio = swap_cache_get_folio(entry, vma, addr);       // U2: filemap_get_entry
 *   if (!folio) folio = swapin_readahead(...);            // U3
 *   folio_lock(folio); folio_wait_writeback(folio);       // U5, U6
 *   unuse_pte(vma, pmd, addr, entry, folio);              // U7, under the PTL
 *   folio_free_swap(folio); folio_unlock; folio_put;      // U8, U9
 *
 * v6.6 checks nothing between the lookup and unuse_pte: not
 * folio_test_swapcache, not folio->swap (the check came in 2025 with
 * folio_matches_swap_entry). unuse_pte's only guard is "the PTE still
 * holds this entry". So a stale tail slot naming a recycled frame maps
 * that frame's page into the process (data corruption), one naming a
 * frame alloc_contig_range took (not uptodate) poisons the PTE (data
 * loss), and one naming an exclusive anonymous page of another process
 * hits BUG_ON(PageAnon && PageAnonExclusive) (CONFIG_KSM=n, so
 * ksm_might_need_to_copy returns the page itself).
 *
 * Its first step clears SWP_WRITEOK: from then on reclaim's add_to_swap
 * fails for this device (reclaim.ts).
 *
 * After the PTEs, try_to_unuse's second loop (U10) visits every slot
 * still in use (find_next_to_unuse: a count or the cache bit) and looks it
 * up with filemap_get_folio, the same filemap_get_entry loop, then
 * folio_lock, folio_wait_writeback, folio_free_swap, unlock and put. A
 * stale slot of B's range that only the cache bit keeps in use is met
 * there too, with no PTE left to lead to it.
 *
 * Not modelled, and why: U3's read from disk on a miss (it allocates a
 * fresh order-0 folio and maps correct data: the thread goes on to the
 * next PTE instead); try_to_unuse's `goto retry` while slots stay in use
 * (the walk and the second loop run once).
 */
import { stepTable } from "../../src/declared/steps.js";
import {
  folioNrPages,
  folioPut,
  folioRefAdd,
  folioTest,
  folioTrylock,
  folioUnlock,
  MAPPING,
} from "../../src/kernel/folio.js";
import {
  PTE_POISONED,
  pteDescribe,
  pteKind,
  ptePresent,
  pteSwap,
  pteSwapOffset,
} from "../../src/kernel/page-table.js";
import { swapFree, swapMapValue } from "../../src/kernel/swap-map.js";
import { LOOKUP_STEPS, type PteWalkThread, pteWalk } from "./lookup.js";
import { folioFreeSwap } from "./shrink.js";
import { type PteWalk, type ScenarioState, type Setup, Swapoff, VmBug, withSwap } from "./state.js";
import { folioOf, frameName, stepMaker, type ThreadStep, updateFolio } from "./step.js";

export const SWAPOFF_STEPS = stepTable<
  Setup,
  | "swapoff"
  | "unuse_pte_range"
  | keyof typeof LOOKUP_STEPS
  | "swapin_readahead"
  | "folio_lock"
  | "folio_wait_writeback"
  | "unuse_pte"
  | "folio_free_swap"
  | "folio_unlock"
  | "find_next_to_unuse"
>({
  swapoff: "core",
  unuse_pte_range: "core",
  ...LOOKUP_STEPS,
  swapin_readahead: "branch",
  folio_lock: "core",
  folio_wait_writeback: "core",
  unuse_pte: "core",
  folio_free_swap: "core",
  folio_unlock: "core",
  find_next_to_unuse: "core",
});
const step = stepMaker(SWAPOFF_STEPS);

// The walk over the PTEs; after the last one, the second loop.
const { set, nextPte, lookup } = pteWalk("swapoff", {
  scan: Swapoff.Scan,
  load: Swapoff.Load,
  tryGet: Swapoff.TryGet,
  reload: Swapoff.Reload,
  done: Swapoff.SlotScan,
});
// The second loop's lookup (filemap_get_folio on each slot in use).
const slots = pteWalk("swapoff", {
  scan: Swapoff.SlotScan,
  load: Swapoff.SlotLoad,
  tryGet: Swapoff.SlotTryGet,
  reload: Swapoff.SlotReload,
  done: Swapoff.Done,
});

/** In the second loop, the walk's page is past the last PTE. */
const inSecondLoop = (me: PteWalk, setup: Setup) => me.page >= setup.nr;

export function swapoffSteps(s: ScenarioState, setup: Setup): ThreadStep[] {
  const me = s.swapoff;
  const inLoop =
    lookup(
      s,
      setup,
      step,
      (s) => set(s, { pc: Swapoff.Lock }),
      (s) => set(s, { pc: Swapoff.Readahead, folio: -1 }),
    ) ??
    slots.lookup(
      s,
      setup,
      step,
      (s) => set(s, { pc: Swapoff.Lock }),
      (s) => set(s, { pc: Swapoff.SlotScan, folio: -1 }),
    );
  if (inLoop !== null) return [inLoop];
  const x = me.folio;
  switch (me.pc as Swapoff) {
    case Swapoff.Start:
      // swapoff(): del_from_avail_list, SWP_WRITEOK cleared (folio_alloc_swap
      // no longer gives slots of this device), the slot cache off.
      return [
        step("swapoff", "swapoff: SWP_WRITEOK cleared; try_to_unuse", (s) =>
          set(s, { pc: Swapoff.Scan }),
        ),
      ];

    case Swapoff.Scan: {
      const pte = s.ptes.get(me.page)!;
      if (pteKind(pte) !== "swap") {
        return [
          step(
            "unuse_pte_range",
            `unuse_pte_range: pte ${me.page} = ${pteDescribe(pte, (f) => frameName(s, f))}, not a swap entry: next`,
            (s) => nextPte(s, setup),
          ),
        ];
      }
      const offset = pteSwapOffset(pte);
      return [
        step(
          "unuse_pte_range",
          `unuse_pte_range: pte ${me.page} = swp(${offset}): swap_cache_get_folio`,
          (s) => set(s, { pc: Swapoff.Load, index: offset }),
        ),
      ];
    }

    case Swapoff.Lock: {
      if (folioTest(folioOf(s, x), "locked")) return [];
      return [
        step("folio_lock", `folio_lock(${frameName(s, x)})`, (s) =>
          set(
            updateFolio(s, x, (f) => folioTrylock(f)!),
            { pc: Swapoff.Writeback },
          ),
        ),
      ];
    }

    case Swapoff.Writeback: {
      if (folioTest(folioOf(s, x), "writeback")) return [];
      return [
        inSecondLoop(me, setup)
          ? step("folio_wait_writeback", `folio_wait_writeback(${frameName(s, x)})`, (s) =>
              set(s, { pc: Swapoff.FreeSwap }),
            )
          : step(
              "folio_wait_writeback",
              `folio_wait_writeback(${frameName(s, x)}); no check that it still holds swp(${me.index})`,
              (s) => set(s, { pc: Swapoff.Unuse }),
            ),
      ];
    }

    case Swapoff.Readahead:
      return [readaheadStep(s, setup)];

    case Swapoff.Unuse:
      return [unusePteStep(s, me)];

    case Swapoff.FreeSwap:
      return freeSwapSteps(s, x);

    case Swapoff.Unlock: {
      const name = frameName(s, x);
      const unlocked = (s: ScenarioState) => updateFolio(s, x, (f) => folioPut(folioUnlock(f)));
      return [
        step("folio_unlock", `folio_unlock(${name}); folio_put(${name})`, (s) =>
          inSecondLoop(me, setup)
            ? set(unlocked(s), { pc: Swapoff.SlotScan, folio: -1, hasRef: false })
            : nextPte(unlocked(s), setup),
        ),
      ];
    }

    case Swapoff.SlotScan:
      return [findNextToUnuse(s, setup)];

    default:
      return [];
  }
}

/**
 * find_next_to_unuse(si, prev): the next slot after the cursor whose
 * swap_map byte is not 0 (a count or SWAP_HAS_CACHE); none left ends
 * try_to_unuse (its retry while slots stay in use is not modelled).
 */
function findNextToUnuse(s: ScenarioState, setup: Setup): ThreadStep {
  const map = s.swap!;
  let i = s.swapoff.index + 1;
  while (i < map.slots.length && swapMapValue(map, i) === 0) i++;
  if (i >= map.slots.length) {
    return step(
      "find_next_to_unuse",
      "find_next_to_unuse: no slot in use: try_to_unuse done",
      (s) => set(s, { pc: Swapoff.Done }),
    );
  }
  return step(
    "find_next_to_unuse",
    `find_next_to_unuse → slot ${i} in use: filemap_get_folio(swp(${i}))`,
    (s) => set(s, { pc: Swapoff.SlotLoad, index: i, page: setup.nr }),
  );
}

/**
 * U3/U4 on a miss: swapin_readahead would read the entry from disk into a
 * new folio and map it (correct data; not modelled: the walk goes on), or
 * find the slot freed (swap_map 0) and continue.
 */
function readaheadStep(s: ScenarioState, setup: Setup): ThreadStep {
  return step(
    "swapin_readahead",
    `swapin_readahead(swp(${s.swapoff.index})): read from disk (not modelled), next pte`,
    (s) => nextPte(s, setup),
  );
}

/**
 * unuse_pte (U7) under the PTL, on page `offset & (nr - 1)` of the folio
 * found: the PTE must still hold the entry; a page that is not uptodate
 * leaves the poisoned marker; otherwise the page is mapped (an unrelated
 * folio becomes anonymous: __page_set_anon_rmap overwrites its mapping)
 * and swap_free drops the PTE's count.
 */
function unusePteStep(s: ScenarioState, me: PteWalk): ThreadStep {
  const x = me.folio;
  const f = folioOf(s, x);
  const name = frameName(s, x);
  const page = me.index & (folioNrPages(f) - 1);
  const j = me.page;
  const then = (s: ScenarioState) => set(s, { pc: Swapoff.FreeSwap });
  if (s.ptes.get(j) !== pteSwap(me.index)) {
    return step("unuse_pte", `unuse_pte: pte ${j} no longer swp(${me.index}): nothing to do`, then);
  }
  const freed = (s: ScenarioState) => withSwap(s, swapFree(s.swap!, me.index));
  if (!folioTest(f, "uptodate")) {
    return step(
      "unuse_pte",
      `unuse_pte: ${name}[${page}] not uptodate → pte ${j} poisoned; swap_free(${me.index})`,
      (s) => then(freed(s.set("ptes", s.ptes.set(j, PTE_POISONED)))),
    );
  }
  if (f.mapping === MAPPING.anon && folioTest(f, "anonExclusive")) {
    return step(
      "unuse_pte",
      `unuse_pte: BUG_ON(PageAnon && PageAnonExclusive) on ${name}[${page}]`,
      (s) =>
        set(
          s.bug === null
            ? s.set(
                "bug",
                VmBug({ what: `unuse_pte: BUG_ON(PageAnonExclusive(${name}))`, index: -1 }),
              )
            : s,
          { pc: Swapoff.Done },
        ),
    );
  }
  return step(
    "unuse_pte",
    `unuse_pte: get_page; set_pte_at(pte ${j} → ${name}[${page}]); swap_free(${me.index})`,
    (s) =>
      then(
        freed(
          updateFolio(s, x, (f) => folioRefAdd(f, 1).set("mapping", MAPPING.anon)).set(
            "ptes",
            // unuse_pte maps the page old: pte_mkold(mk_pte(page, ...)).
            s.ptes.set(j, ptePresent(x, page, false)),
          ),
        ),
      ),
  );
}

/** folio_free_swap (U8) on the folio's own swap state (shrink.ts). */
function freeSwapSteps(s: ScenarioState, x: number): ThreadStep[] {
  const free = folioFreeSwap(s, x);
  if (free === null) return [];
  return [step("folio_free_swap", free.label, (s) => set(free.apply(s), { pc: Swapoff.Unlock }))];
}

/** Where the thread is, in kernel words (reports). */
export const SWAPOFF_AT: Record<Swapoff, string> = {
  [Swapoff.Start]: "next swapoff",
  [Swapoff.Scan]: "next unuse_pte_range",
  [Swapoff.Load]: "in filemap_get_entry (rcu)",
  [Swapoff.TryGet]: "next folio_try_get_rcu (rcu)",
  [Swapoff.Reload]: "next xas_reload (rcu)",
  [Swapoff.Readahead]: "next swapin_readahead",
  [Swapoff.Lock]: "next folio_lock",
  [Swapoff.Writeback]: "next folio_wait_writeback",
  [Swapoff.Unuse]: "next unuse_pte",
  [Swapoff.FreeSwap]: "next folio_free_swap",
  [Swapoff.Unlock]: "next folio_unlock",
  [Swapoff.SlotScan]: "next find_next_to_unuse",
  [Swapoff.SlotLoad]: "in filemap_get_entry (rcu)",
  [Swapoff.SlotTryGet]: "next folio_try_get_rcu (rcu)",
  [Swapoff.SlotReload]: "next xas_reload (rcu)",
  [Swapoff.Done]: "done",
};

export const SWAPOFF: PteWalkThread = {
  name: "swapoff",
  table: SWAPOFF_STEPS,
  steps: swapoffSteps,
  done: Swapoff.Done,
  inRcu: new Set([
    Swapoff.Load,
    Swapoff.TryGet,
    Swapoff.Reload,
    Swapoff.SlotLoad,
    Swapoff.SlotTryGet,
    Swapoff.SlotReload,
  ]),
  at: SWAPOFF_AT,
};
