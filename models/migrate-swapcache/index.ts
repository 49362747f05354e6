/**
 * The reference scenario as a model: migrating a large folio that sits in
 * the swap cache (or a page cache), racing with reclaim, writeback
 * completion, swap-in, and optionally reclaim of the destination and reuse
 * of freed frames (docs/kernel.md tells the race in kernel terms).
 *
 * This file only assembles the declaration (src/declared/): the state is
 * declared in state.ts, each thread's path and step table in its own
 * module, the properties come from invariants/. The layer derives the
 * packed, memoised form the checker runs.
 */

import { type KernelObject, kernelProperties, progressProperties } from "../../invariants/index.js";
import {
  type CompiledOptions,
  compiledModel,
  type Declared,
  declared,
  footprintWords,
  type ModelDecl,
  objectModel,
  type ThreadDecl,
} from "../../src/declared/model.js";
import { declaredView, type ViewSource } from "../../src/kernel/declared-view.js";
import type { Hold, LookupView } from "../../src/kernel/view.js";
import { ACCESS_STEPS, accessSteps } from "./access.js";
import { boundedSpin } from "./bounded-spin.js";
import { folioObjects, pteObjects, threadFootprints } from "./footprint.js";
import { migrateHolds, migrateThread } from "./migrate.js";
import type { ScenarioParams } from "./params.js";
import { RECLAIM_STEPS, reclaimSteps } from "./reclaim.js";
import { RECLAIM_DST_STEPS, reclaimDstSteps } from "./reclaim-dst.js";
import { REUSE_STEPS, reuseSteps } from "./reuse.js";
import {
  FRAME_A,
  initialStates,
  makeSetup,
  originalData,
  Reclaim,
  SCENARIO_STATE,
  type ScenarioState,
  type Setup,
  Shrink,
  Swapin,
} from "./state.js";
import { frameName } from "./step.js";
import { SWAPIN_STEPS, swapinSteps } from "./swapin.js";
import { scenarioVariables } from "./view.js";
import { pteWalks } from "./walks.js";
import { WRITEBACK_STEPS, writebackSteps } from "./writeback.js";

type Fields = typeof SCENARIO_STATE.fields;

function threads(setup: Setup): ThreadDecl<ScenarioState>[] {
  const { threads } = setup.params;
  const defs: ThreadDecl<ScenarioState>[] = [];
  if (setup.swapCache) {
    defs.push(
      {
        name: "reclaim",
        own: "reclaim",
        table: RECLAIM_STEPS,
        steps: (s) => reclaimSteps(s, setup),
        unfinished: (s) => s.reclaim.pc !== Reclaim.Done,
      },
      // Idle unless a write is in flight: never the cause of a deadlock.
      { name: "writeback", own: "writebackDone", table: WRITEBACK_STEPS, steps: writebackSteps },
    );
  }
  defs.push(migrateThread(setup));
  setup.swapinNames.forEach((name, t) => {
    defs.push({
      name,
      own: ["swapins", t],
      table: SWAPIN_STEPS,
      steps: (s) => swapinSteps(s, setup, t),
      unfinished: (s) => s.swapins.get(t)!.pc !== Swapin.Done,
    });
  });
  if (threads.has("reclaim-dst")) {
    defs.push({
      name: "reclaim-dst",
      own: "reclaimDst",
      table: RECLAIM_DST_STEPS,
      steps: (s) => reclaimDstSteps(s, setup),
      // Waiting for B to reach the LRU is idling, not being stuck.
      unfinished: (s) => s.reclaimDst.pc !== Shrink.Isolate && s.reclaimDst.pc !== Shrink.Done,
    });
  }
  for (const walk of pteWalks(setup)) {
    defs.push({
      name: walk.name,
      own: walk.name,
      table: walk.table,
      steps: (s) => walk.steps(s, setup),
      unfinished: (s) => s[walk.name].pc !== walk.done,
    });
  }
  if (threads.has("reuse")) {
    defs.push({ name: "reuse", own: "reuseDone", table: REUSE_STEPS, steps: reuseSteps });
  }
  if (setup.swapCache && setup.params.access === "hot") {
    // Stateless: its steps read the PTEs only.
    defs.push({ name: "access", own: "ptes", table: ACCESS_STEPS, steps: accessSteps });
  }
  return defs;
}

const IN_RCU: ReadonlySet<Swapin> = new Set([Swapin.Load, Swapin.TryGet, Swapin.Reload]);

/**
 * The kernel objects (declaredView) beyond what the state's kinds say: the
 * holds and lookups of each thread, the lock, the data each PTE should
 * map, the VM_BUG_ON record, and the objects as the footprints name them.
 */
function scenarioView(model: ViewSource<Fields>, setup: Setup) {
  const walks = pteWalks(setup);
  const ref = (thread: string, t: { hasRef: boolean; folio: number }): Hold[] =>
    t.hasRef ? [{ thread, frame: t.folio, what: "a reference to" }] : [];
  const reclaimHolds = (s: ScenarioState): Hold[] =>
    s.reclaim.pc < Reclaim.Done && s.reclaim.pc !== Reclaim.Free
      ? [{ thread: "reclaim", frame: FRAME_A, what: "the isolation reference to" }]
      : [];
  const swapinLookup = (s: ScenarioState, thread: string, i: number): LookupView => ({
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
  });
  return declaredView(model, {
    frameName,
    cache: {
      swapCache: setup.swapCache,
      multiIndex: setup.multiIndex,
      maxIndex: setup.maxIndex,
      locked: (s) => s.xaLock !== "",
    },
    expectedData: (_, j) => originalData(j),
    holds: [
      ...setup.swapinNames.map((t, i) => (s: ScenarioState) => ref(t, s.swapins.get(i)!)),
      migrateHolds,
      reclaimHolds,
      ...walks.map((w) => (s: ScenarioState) => ref(w.name, s[w.name])),
    ],
    // Reclaim's allocation and add_to_swap_cache, and __delete_from_swap_cache
    // and put_swap_folio, are each one step here; a swap-in between
    // swapcache_prepare and add_to_swap_cache owns its entry's cache bit.
    pending: (s) => s.swapins.filter((t) => t.pc === Swapin.AddToCache).map((t) => t.index),
    // A VmBug with a slot is __delete_from_swap_cache's; any other is a BUG_ON.
    bug: (s) => (s.bug === null || s.bug.index >= 0 ? null : s.bug.what),
    deleteAssertion: (s) =>
      s.bug === null || s.bug.index < 0
        ? null
        : `${s.bug.what}: slot ${s.bug.index} did not hold the folio (VM_BUG_ON_PAGE)`,
    lookups: (s) => [
      ...setup.swapinNames.map((t, i) => swapinLookup(s, t, i)),
      ...walks.map((w) => ({
        thread: w.name,
        inRcu: () => w.inRcu.has(s[w.name].pc),
        where: () => `slot ${s[w.name].index}`,
      })),
    ],
    objects: (kind) => FOOTPRINT_OBJECTS[kind]?.(setup) ?? [],
  });
}

/** The footprint objects (footprint.ts) of each kind of kernel object, for --por. */
const FOOTPRINT_OBJECTS: Partial<Record<KernelObject, (setup: Setup) => readonly string[]>> = {
  frames: folioObjects,
  cache: () => ["xa"],
  "cache-lock": () => ["xa_lock"],
  ptes: (setup) => pteObjects(setup),
  holds: (setup) => [
    ...setup.swapinNames.map((t) => `${t}.ref`),
    ...["migrate", "reclaim", "swapoff", "zap", "mincore"],
  ],
  bug: () => ["bug"],
  swap: () => ["swap"],
};

/** Where the footprints' own names (footprint.ts) are: a frame's folio, the PTEs, the lock. */
function footprintPlace(object: string): readonly [string, number] | undefined {
  if (object.startsWith("folio:")) return ["folios", object.charCodeAt(6) - 65];
  if (object.startsWith("pte:")) return ["ptes", 0];
  return object === "xa_lock" ? ["xaLock", 0] : undefined;
}

/** The declaration of one configuration. */
export function scenarioDeclaration(params: ScenarioParams): Declared<Fields, Setup> {
  const setup = makeSetup(params);
  const footprints = threadFootprints(setup);
  const model = {
    name: "migrate-swapcache",
    config: setup,
    state: SCENARIO_STATE,
    init: initialStates(setup),
    threads: threads(setup),
  };
  const { shape, view, objects } = scenarioView(model, setup);
  const decl: ModelDecl<Fields, Setup> = {
    ...model,
    properties: [
      ...kernelProperties(shape, view, objects),
      ...(params.spinBound > 0 ? [boundedSpin(setup)] : []),
      ...progressProperties(shape, view, (thread) => [`${thread}.pc`]),
    ],
    symmetry: params.symmetry,
    variables: (s) => scenarioVariables(s, setup),
    footprints: {
      next: (s, thread) => footprints.get(thread)!.next(s),
      future: (s, thread) => footprints.get(thread)!.future(s),
      words: (object) => words(object),
    },
  };
  const d = declared(decl);
  const words = footprintWords(d, footprintPlace);
  return d;
}

/** The model as written (states are records): the reference the tests compare with. */
export function migrateSwapcacheModel(params: ScenarioParams) {
  const d = scenarioDeclaration(params);
  return Object.assign(objectModel(d), { setup: d.decl.config, declared: d });
}

/** What the checker runs: the same declaration, packed and memoised. */
export function compiledScenarioModel(
  object: { readonly declared: Declared<Fields, Setup> },
  options: CompiledOptions = {},
) {
  return Object.assign(compiledModel(object.declared, options), {
    setup: object.declared.decl.config,
    declared: object.declared,
  });
}
