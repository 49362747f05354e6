/**
 * The reference scenario as a model: migrating a large folio that sits in
 * the swap cache (or a page cache), racing with reclaim, writeback
 * completion, swap-in, and optionally reclaim of the destination and reuse
 * of freed frames. See ../../../shared/spec/reference-scenario.md.
 */

import { boundedSpin } from "../../invariants/bounded-spin.js";
import { asProperty, SCENARIO_INVARIANTS } from "../../invariants/index.js";
import { progressProperties } from "../../invariants/progress.js";
import type { Model, Step } from "../../src/engine/index.js";
import { threadFootprints } from "./footprint.js";
import { migrateSteps } from "./migrate.js";
import type { ScenarioParams } from "./params.js";
import { reclaimSteps } from "./reclaim.js";
import { reclaimDstSteps } from "./reclaim-dst.js";
import { reuseSteps } from "./reuse.js";
import {
  encodeState,
  initialStates,
  knowsParts,
  Migrate,
  makeSetup,
  packState,
  Reclaim,
  type ScenarioState,
  type Setup,
  Shrink,
  Swapin,
  unpackState,
} from "./state.js";
import type { ThreadStep } from "./step.js";
import { swapinSteps } from "./swapin.js";
import { scenarioVariables } from "./view.js";
import { writebackSteps } from "./writeback.js";

/** The step's effect, as the engine passes it back to `next`. */
export type ScenarioAction = ThreadStep["apply"];

interface ThreadDef {
  readonly name: string;
  readonly steps: (s: ScenarioState) => ThreadStep[];
  /** Whether the thread still has work it must finish (for deadlock detection). */
  readonly unfinished: (s: ScenarioState) => boolean;
}

function threadDefs(setup: Setup): ThreadDef[] {
  const { threads } = setup.params;
  const defs: ThreadDef[] = [];
  if (setup.swapCache) {
    defs.push(
      {
        name: "reclaim",
        steps: (s) => reclaimSteps(s, setup),
        unfinished: (s) => s.reclaim.pc !== Reclaim.Done,
      },
      // Idle unless a write is in flight: never the cause of a deadlock.
      { name: "writeback", steps: writebackSteps, unfinished: () => false },
    );
  }
  defs.push({
    name: "migrate",
    steps: (s) => migrateSteps(s, setup),
    unfinished: (s) => s.migrate.pc !== Migrate.Done,
  });
  setup.swapinNames.forEach((name, t) => {
    defs.push({
      name,
      steps: (s) => swapinSteps(s, setup, t),
      unfinished: (s) => s.swapins.get(t)!.pc !== Swapin.Done,
    });
  });
  if (threads.has("reclaim-dst")) {
    defs.push({
      name: "reclaim-dst",
      steps: (s) => reclaimDstSteps(s, setup),
      // Waiting for B to reach the LRU is idling, not being stuck.
      unfinished: (s) => s.reclaimDst.pc !== Shrink.Isolate && s.reclaimDst.pc !== Shrink.Done,
    });
  }
  if (threads.has("reuse"))
    defs.push({ name: "reuse", steps: reuseSteps, unfinished: () => false });
  return defs;
}

export function migrateSwapcacheModel(params: ScenarioParams): Model<
  ScenarioState,
  ScenarioAction
> & {
  readonly setup: Setup;
} {
  const setup = makeSetup(params);
  const defs = threadDefs(setup);
  const inits = initialStates(setup);
  const footprints = threadFootprints(setup);
  return {
    name: "migrate-swapcache",
    setup,
    threads: defs.map((d) => d.name),
    initStates: () => inits,
    actions(s) {
      const out: Step<ScenarioAction>[] = [];
      for (const d of defs) {
        for (const st of d.steps(s)) {
          out.push({ thread: d.name, name: st.name, label: st.label, action: st.apply });
        }
      }
      return out;
    },
    next: (s, apply) => apply(s),
    properties: [
      ...SCENARIO_INVARIANTS.map((inv) => asProperty(inv, setup)),
      ...(params.spinBound > 0 ? [asProperty(boundedSpin, setup)] : []),
      ...progressProperties(setup),
    ],
    // Without symmetry the exact encoding is canonical: one function for both.
    encode: params.symmetry ? (s) => encodeState(s, true) : packState,
    pack: packState,
    unpack: unpackState,
    unpackable: knowsParts,
    unfinished: (s) => defs.filter((d) => d.unfinished(s)).map((d) => d.name),
    variables: (s) => scenarioVariables(s, setup),
    nextFootprint: (s, thread) => footprints.get(thread)!.next(s),
    futureFootprint: (s, thread) => footprints.get(thread)!.future(s),
  };
}
