/**
 * The skip-swapcache race of 13ddaf26be32 (docs/skip-swapcache.md), assembled:
 * the state (state.ts), the threads (fault.ts, reclaim.ts, swapoff.ts), and
 * the generic invariants and the faults' progress over the state's kernel
 * objects: the swap map, the swap cache, the PTE and the frames are its
 * fields of those kinds; what threads hold comes from their modules.
 */
import { kernelProperties, progressProperties } from "../../invariants/index.js";
import { type Declared, declared, registration } from "../../src/declared/model.js";
import { declaredView } from "../../src/kernel/declared-view.js";
import { faultGuards, faultHolds, faultLookup, faultThreads } from "./fault.js";
import { SKIP_PARAMETERS, type SkipParams } from "./params.js";
import { reclaimHolds, reclaimPending, reclaimThreads } from "./reclaim.js";
import {
  D0,
  D1,
  FAULT_NAMES,
  frameName,
  initialState,
  makeSetup,
  type Setup,
  SKIP_STATE,
  type SkipState,
} from "./state.js";
import { swapoffHolds, swapoffPending, swapoffThreads } from "./swapoff.js";

export function skipDeclaration(params: SkipParams): Declared<typeof SKIP_STATE.fields, Setup> {
  const setup = makeSetup(params);
  const model = {
    name: "skip-swapcache",
    config: setup,
    state: SKIP_STATE,
    init: [initialState(setup)],
    threads: [...faultThreads(setup), ...reclaimThreads(setup), ...swapoffThreads(setup)],
  };
  const faults = FAULT_NAMES.map((_, t) => t);
  const { shape, view, objects } = declaredView(model, {
    frameName,
    cache: { swapCache: true, multiIndex: false, maxIndex: params.slots - 1 },
    expectedData: (s) => (s.written ? D1 : D0),
    holds: [...faults.map((t) => (s: SkipState) => faultHolds(s, t)), reclaimHolds, swapoffHolds],
    pending: (s) => [...faultGuards(s), ...reclaimPending(s), ...swapoffPending(s)],
    bug: (s) => s.bug?.what ?? null,
    lookups: (s) => faults.map((t) => faultLookup(s, t)),
    reads: { ptes: ["written"], bug: ["bug"] },
  });
  const faultsComplete = progressProperties(shape, view, (t) => [t]).filter((p) =>
    p.name.startsWith("fault-completes"),
  );
  return declared({
    ...model,
    properties: [...kernelProperties(shape, view, objects), ...faultsComplete],
  });
}

/** The registration (models/registry.ts: `declaredEntry(skipSwapcache)`). */
export const skipSwapcache = registration(SKIP_PARAMETERS, skipDeclaration);
