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
import type { Hold } from "../../src/kernel/view.js";
import { accessThread } from "./access.js";
import { boundedSpin } from "./bounded-spin.js";
import { folioObjects, pteObjects, threadFootprints } from "./footprint.js";
import { migrateHolds, migrateThread } from "./migrate.js";
import type { ScenarioParams } from "./params.js";
import { reclaimHolds, reclaimThread } from "./reclaim.js";
import { reclaimDstHolds, reclaimDstThread } from "./reclaim-dst.js";
import { reuseThread } from "./reuse.js";
import {
  initialStates,
  makeSetup,
  originalData,
  SCENARIO_STATE,
  type ScenarioState,
  type Setup,
} from "./state.js";
import { frameName } from "./step.js";
import { swapinHolds, swapinLookups, swapinPending, swapinThreads } from "./swapin.js";
import { scenarioVariables } from "./view.js";
import { pteWalks } from "./walks.js";
import { writebackThread } from "./writeback.js";

type Fields = typeof SCENARIO_STATE.fields;

/** The threads of the configuration, each declared in its module, in the reports' order. */
function threads(setup: Setup): ThreadDecl<ScenarioState>[] {
  const { threads, access } = setup.params;
  return [
    ...(setup.swapCache ? [reclaimThread(setup), writebackThread] : []),
    migrateThread(setup),
    ...swapinThreads(setup),
    ...(threads.has("reclaim-dst") ? [reclaimDstThread(setup)] : []),
    ...pteWalks(setup).map(
      (walk): ThreadDecl<ScenarioState> => ({
        name: walk.name,
        own: walk.name,
        table: walk.table,
        steps: (s) => walk.steps(s, setup),
        unfinished: (s) => s[walk.name].pc !== walk.done,
      }),
    ),
    ...(threads.has("reuse") ? [reuseThread] : []),
    ...(setup.swapCache && access === "hot" ? [accessThread] : []),
  ];
}

/**
 * The kernel objects (declaredView) beyond what the state's kinds say: the
 * holds and lookups of each thread, the lock, the data each PTE should
 * map, the VM_BUG_ON record, and the objects as the footprints name them.
 */
function scenarioView(model: ViewSource<Fields>, setup: Setup) {
  const walks = pteWalks(setup);
  const ref = (thread: string, t: { hasRef: boolean; folio: number }): Hold[] =>
    t.hasRef ? [{ thread, frame: t.folio, what: "a reference to" }] : [];
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
      ...swapinHolds(setup),
      migrateHolds,
      reclaimHolds,
      ...(setup.params.threads.has("reclaim-dst") ? [reclaimDstHolds] : []),
      ...walks.map((w) => (s: ScenarioState) => ref(w.name, s[w.name])),
    ],
    // Reclaim's allocation and add_to_swap_cache, and __delete_from_swap_cache
    // and put_swap_folio, are each one step here; a swap-in between
    // swapcache_prepare and add_to_swap_cache owns its entry's cache bit.
    pending: swapinPending,
    // A VmBug with a slot is __delete_from_swap_cache's; any other is a BUG_ON.
    bug: (s) => (s.bug === null || s.bug.index >= 0 ? null : s.bug.what),
    deleteAssertion: (s) =>
      s.bug === null || s.bug.index < 0
        ? null
        : `${s.bug.what}: slot ${s.bug.index} did not hold the folio (VM_BUG_ON_PAGE)`,
    lookups: (s) => [
      ...swapinLookups(s, setup),
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
    ...["migrate", "reclaim", "reclaim-dst", "swapoff", "zap", "mincore"],
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
