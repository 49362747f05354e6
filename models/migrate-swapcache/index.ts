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

import { kernelProperties, progressProperties } from "../../invariants/index.js";
import {
  type CompiledOptions,
  compiledModel,
  type Declared,
  declared,
  type ModelDecl,
  objectModel,
  type ThreadDecl,
} from "../../src/declared/model.js";
import { ACCESS_STEPS, accessSteps } from "./access.js";
import { boundedSpin } from "./bounded-spin.js";
import { threadFootprints } from "./footprint.js";
import { scenarioObjects, scenarioView } from "./kernel-view.js";
import { MIGRATE_STEPS, migrateSteps } from "./migrate.js";
import type { ScenarioParams } from "./params.js";
import { RECLAIM_STEPS, reclaimSteps } from "./reclaim.js";
import { RECLAIM_DST_STEPS, reclaimDstSteps } from "./reclaim-dst.js";
import { REUSE_STEPS, reuseSteps } from "./reuse.js";
import {
  initialStates,
  Migrate,
  makeSetup,
  Reclaim,
  SCENARIO_STATE,
  type ScenarioState,
  type Setup,
  Shrink,
  Swapin,
} from "./state.js";
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
  defs.push({
    name: "migrate",
    own: "migrate",
    table: MIGRATE_STEPS,
    steps: (s) => migrateSteps(s, setup),
    unfinished: (s) => s.migrate.pc !== Migrate.Done,
  });
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

/** The words of the footprints' object names (footprint.ts) in this configuration's layout. */
function objectWords(d: Declared<Fields, Setup>): (object: string) => readonly number[] {
  const { layout } = d;
  const names = SCENARIO_STATE.names as readonly string[];
  const word = (field: string, i = 0) => layout.at[names.indexOf(field)]! + i;
  const fixed: Record<string, string> = {
    reclaim: "reclaim",
    writeback: "writebackDone",
    migrate: "migrate",
    "reclaim-dst": "reclaimDst",
    reuse: "reuseDone",
    swapoff: "swapoff",
    zap: "zap",
    mincore: "mincore",
    xa_lock: "xaLock",
    bug: "bug",
    xa: "xa",
    swap: "swap",
  };
  const swapins = d.decl.config.swapinNames;
  return (object) => {
    if (object.startsWith("folio:")) return [word("folios", object.charCodeAt(6) - 65)];
    if (object.startsWith("pte:")) return [word("ptes")];
    const field = fixed[object];
    if (field !== undefined) return [word(field)];
    const t = swapins.indexOf(object.replace(/\.(pc|ref)$/, ""));
    if (t >= 0) return [word("swapins", t)];
    throw new Error(`migrate-swapcache: no word for footprint object ${object}`);
  };
}

/** The declaration of one configuration. */
export function scenarioDeclaration(params: ScenarioParams): Declared<Fields, Setup> {
  const setup = makeSetup(params);
  const footprints = threadFootprints(setup);
  const init = initialStates(setup);
  const view = (s: ScenarioState) => scenarioView(s, setup);
  const shape = view(init[0]!);
  const decl: ModelDecl<Fields, Setup> = {
    name: "migrate-swapcache",
    config: setup,
    state: SCENARIO_STATE,
    init,
    threads: threads(setup),
    properties: [
      ...kernelProperties(shape, view, scenarioObjects(setup)),
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
  const words = objectWords(d);
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
