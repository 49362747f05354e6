/**
 * The model's state as the kernel objects the generic invariants read
 * (src/kernel/view.ts), each on demand; what threads hold comes from their
 * modules.
 */
import type { KernelObject } from "../../invariants/index.js";
import type { KernelView } from "../../src/kernel/view.js";
import { faultGuards, faultHolds, faultLookup } from "./fault.js";
import { reclaimHolds, reclaimPending } from "./reclaim.js";
import { D0, D1, FAULT_NAMES, frameName, type Setup, type SkipState } from "./state.js";
import { swapoffHolds, swapoffPending } from "./swapoff.js";

export function skipView(s: SkipState, setup: Setup): KernelView {
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
    holds: [
      ...FAULT_NAMES.map((_, t) => () => faultHolds(s, t)),
      () => reclaimHolds(s),
      () => swapoffHolds(s),
    ],
    get swap() {
      return {
        map: s.swap,
        pending: new Set([...faultGuards(s), ...reclaimPending(s), ...swapoffPending(s)]),
      };
    },
    get bug() {
      return s.bug?.what ?? null;
    },
    lookups: FAULT_NAMES.map((_, t) => faultLookup(s, t)),
  };
}

/** The state's fields each kind of kernel object is made of (properties' reads). */
const OBJECTS: Partial<Record<KernelObject, readonly string[]>> = {
  frames: ["folios"],
  cache: ["xa"],
  ptes: ["ptes", "written"],
  holds: ["faults", "reclaim", "swapoff"],
  swap: ["swap", "faults", "reclaim", "swapoff"],
  bug: ["bug"],
};

export const skipObjects = (kind: KernelObject): readonly string[] => OBJECTS[kind] ?? [];
