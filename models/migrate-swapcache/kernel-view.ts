/**
 * The scenario's state as kernel objects, for the generic invariants
 * (invariants/): the frames, the mapping's xarray and its lock, the PTEs
 * and the data each address should hold, what each thread holds (from its
 * program counter), the VM_BUG_ON record and the lookup threads.
 */
import type { KernelObject } from "../../invariants/index.js";
import type { Hold, KernelView, LookupView } from "../../src/kernel/view.js";
import { folioObjects, pteObjects } from "./footprint.js";
import {
  FRAME_A,
  FRAME_B,
  Migrate,
  originalData,
  Reclaim,
  type ScenarioState,
  type Setup,
  Swapin,
} from "./state.js";
import { frameName } from "./step.js";
import { pteWalks } from "./walks.js";

const IN_RCU: ReadonlySet<Swapin> = new Set([Swapin.Load, Swapin.TryGet, Swapin.Reload]);

export function scenarioView(s: ScenarioState, setup: Setup): KernelView {
  const swapinHolds = setup.swapinNames.map((thread, i) => (): Hold[] => {
    const t = s.swapins.get(i)!;
    return t.hasRef ? [{ thread, frame: t.folio, what: "a reference to" }] : [];
  });
  const migrateHolds = (): Hold[] => {
    const m = s.migrate.pc;
    const out: Hold[] = [];
    if (m > Migrate.Isolate && m < Migrate.Done) {
      out.push({ thread: "migrate", frame: FRAME_A, what: "the isolation reference to" });
    }
    if (m > Migrate.Alloc && m < Migrate.PutSrc && m !== Migrate.Undo) {
      out.push({ thread: "migrate", frame: FRAME_B, what: "the new folio" });
    }
    return out;
  };
  const reclaimHolds = (): Hold[] => {
    const r = s.reclaim.pc;
    return r < Reclaim.Done && r !== Reclaim.Free
      ? [{ thread: "reclaim", frame: FRAME_A, what: "the isolation reference to" }]
      : [];
  };
  const walks = pteWalks(setup);
  const walkHolds = walks.map((w) => (): Hold[] => {
    const t = s[w.name];
    return t.hasRef ? [{ thread: w.name, frame: t.folio, what: "a reference to" }] : [];
  });
  return {
    get frames() {
      return s.folios;
    },
    frameName: (frame) => frameName(s, frame),
    cache: {
      get xa() {
        return s.xa;
      },
      swapCache: setup.swapCache,
      multiIndex: setup.multiIndex,
      maxIndex: setup.maxIndex,
      get locked() {
        return s.xaLock !== "";
      },
    },
    get ptes() {
      return s.ptes;
    },
    expectedData: originalData,
    holds: [...swapinHolds, migrateHolds, reclaimHolds, ...walkHolds],
    // A VmBug with a slot is __delete_from_swap_cache's; any other is a BUG_ON.
    get bug() {
      const bug = s.bug;
      return bug === null || bug.index >= 0 ? null : bug.what;
    },
    get deleteAssertion() {
      const bug = s.bug;
      if (bug === null || bug.index < 0) return null;
      return `${bug.what}: slot ${bug.index} did not hold the folio (VM_BUG_ON_PAGE)`;
    },
    ...(setup.swapCache
      ? {
          swap: {
            get map() {
              return s.swap!;
            },
            // Reclaim's allocation and add_to_swap_cache, and
            // __delete_from_swap_cache and put_swap_folio, are each one step
            // here; a swap-in between swapcache_prepare and
            // add_to_swap_cache owns its entry's cache bit.
            get pending() {
              const slots = new Set<number>();
              s.swapins.forEach((t) => {
                if (t.pc === Swapin.AddToCache) slots.add(t.index);
              });
              return slots;
            },
          },
        }
      : {}),
    lookups: [
      ...swapinLookups(s, setup),
      ...walks.map((w) => ({
        thread: w.name,
        inRcu: () => w.inRcu.has(s[w.name].pc),
        where: () => `slot ${s[w.name].index}`,
      })),
    ],
  };
}

function swapinLookups(s: ScenarioState, setup: Setup): LookupView[] {
  return setup.swapinNames.map((thread, i) => ({
    thread,
    inRcu: () => IN_RCU.has(s.swapins.get(i)!.pc),
    faulting: () => {
      const me = s.swapins.get(i)!;
      return !(me.pc === Swapin.Done || (me.pc === Swapin.Fault && me.page < 0));
    },
    where: () => {
      const me = s.swapins.get(i)!;
      return IN_RCU.has(me.pc) ? `slot ${me.index}` : `pte ${me.page}`;
    },
  }));
}

/** The footprint objects (footprint.ts) of each kind of kernel object, for POR. */
export function scenarioObjects(setup: Setup): (kind: KernelObject) => readonly string[] {
  return (kind) => {
    switch (kind) {
      case "frames":
        return folioObjects(setup);
      case "cache":
        return ["xa"];
      case "cache-lock":
        return ["xa_lock"];
      case "ptes":
        return pteObjects(setup);
      case "holds":
        return [
          ...setup.swapinNames.map((t) => `${t}.ref`),
          "migrate",
          "reclaim",
          "swapoff",
          "zap",
          "mincore",
        ];
      case "bug":
        return ["bug"];
      case "swap":
        return ["swap"];
      default:
        return [];
    }
  };
}
