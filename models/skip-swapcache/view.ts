/**
 * The model's state as kernel objects, for the generic invariants
 * (invariants/): the frames, the swap cache, the PTE and the data last
 * written at its address, the swap map with the slots whose cache bit a
 * thread holds, what each thread holds, the faults as lookup threads.
 */
import type { KernelObject } from "../../invariants/index.js";
import { pteSwapOffset } from "../../src/kernel/page-table.js";
import type { Hold, KernelView } from "../../src/kernel/view.js";
import { faulting } from "./fault.js";
import {
  D0,
  D1,
  FAULT_NAMES,
  Fault,
  frameName,
  Reclaim,
  type Setup,
  type SkipState,
} from "./state.js";

/** The slots whose cache bit a thread holds with no folio in the swap cache. */
function pending(s: SkipState): Set<number> {
  const out = new Set<number>();
  for (const f of s.faults) if (f.guard) out.add(pteSwapOffset(f.orig));
  if (s.reclaim.pc === Reclaim.AddToCache) out.add(s.reclaim.slot);
  return out;
}

export function skipView(s: SkipState, setup: Setup): KernelView {
  const faultHolds = FAULT_NAMES.map((thread, t) => (): Hold[] => {
    const pc = s.faults.get(t)!.pc;
    return pc >= Fault.Read && pc <= Fault.Map ? [{ thread, frame: t, what: "the new folio" }] : [];
  });
  const reclaimHolds = (): Hold[] => {
    const r = s.reclaim;
    return r.pc > Reclaim.Isolate && r.pc < Reclaim.Done
      ? [{ thread: "reclaim", frame: r.frame, what: "the isolation reference to" }]
      : [];
  };
  return {
    get frames() {
      return s.folios;
    },
    frameName: (frame) => frameName(s, frame),
    cache: {
      get xa() {
        return s.xa;
      },
      swapCache: true,
      multiIndex: false,
      maxIndex: setup.params.slots - 1,
      locked: false,
    },
    get ptes() {
      return s.ptes;
    },
    expectedData: () => (s.written ? D1 : D0),
    holds: [...faultHolds, reclaimHolds],
    get swap() {
      return { map: s.swap, pending: pending(s) };
    },
    get bug() {
      return s.bug?.what ?? null;
    },
    lookups: FAULT_NAMES.map((thread, t) => ({
      thread,
      inRcu: () => false,
      faulting: () => faulting(s.faults.get(t)!),
      where: () => `pte 0 (${Fault[s.faults.get(t)!.pc]})`,
    })),
  };
}

/** The fields each kind of kernel object is made of (for partial-order reduction's reads). */
export function skipObjects(kind: KernelObject): readonly string[] {
  switch (kind) {
    case "frames":
      return ["folios"];
    case "cache":
      return ["xa"];
    case "ptes":
      return ["ptes", "written"];
    case "holds":
      return ["faults", "reclaim"];
    case "swap":
      return ["swap", "faults", "reclaim"];
    case "bug":
      return ["bug"];
    default:
      return [];
  }
}
