/** Shared helpers for the scenario tests: building runs and an independent reference BFS. */
import { Set as ImmSet } from "immutable";
import { expect } from "vitest";
import {
  compiledScenarioModel,
  migrateSwapcacheModel,
} from "../../models/migrate-swapcache/index.js";
import {
  DEFAULTS,
  MAPPINGS,
  type ScenarioParams,
  VARIANTS,
} from "../../models/migrate-swapcache/params.js";
import type { ScenarioState } from "../../models/migrate-swapcache/state.js";
import type { Model } from "../../src/engine/index.js";

/** Every cell of the spec's verdict table: k 1..3, S 2..3, every variant and mapping. */
export function verdictTableCells(): Partial<ScenarioParams>[] {
  return [1, 2, 3].flatMap((order) =>
    [2, 3].flatMap((chunkShift) =>
      VARIANTS.flatMap((v) =>
        MAPPINGS.map((m) => ({ variant: v.value, mapping: m.value, order, chunkShift })),
      ),
    ),
  );
}

/**
 * The configuration these tests were written for: one swap-in on any page,
 * reclaim of B and reuse of freed frames (--reason demotion). The CLI's
 * default is the seed's scenario (two swap-ins, offline migration, no
 * reuse), which test/models/seed-default.test.ts checks.
 */
export const CLASSIC: ScenarioParams = {
  ...DEFAULTS,
  swapinPage: null,
  swapins: 1,
  threads: new Set(["reclaim-dst", "reuse"]),
  reason: "demotion",
  migrateRetries: 1,
};

/** The same as command-line parameters (for tests that go through the registry). */
export const CLASSIC_RAW = {
  swapins: "1",
  "swapin-page": "all",
  reason: "demotion",
  "migrate-retries": "1",
} as const;

export function scenario(params: Partial<ScenarioParams>) {
  return migrateSwapcacheModel({ ...CLASSIC, ...params });
}

/**
 * The compiled model of the default scenario (the seed's) with `params`
 * over it, checking only `property` (which must exist).
 */
export function seedModelChecking(params: Partial<ScenarioParams>, property: string) {
  const m = compiledScenarioModel(migrateSwapcacheModel({ ...DEFAULTS, ...params }));
  const properties = m.properties.filter((p) => p.name === property);
  expect(properties.map((p) => p.name)).toEqual([property]);
  return { ...m, properties } as Model<unknown, unknown>;
}

/** `--threads` as parameters. */
export const threads = (...names: string[]) => ({
  threads: new Set(names) as ScenarioParams["threads"],
});

/**
 * Shortest distance from an initial state to a state that violates some
 * invariant, by a plain BFS written here: states are compared with
 * immutable.js value equality (no fingerprints, no encodings, no parent
 * links). -1 when no violation is reachable.
 */
export function referenceViolationDepth<A>(model: Model<ScenarioState, A>): number {
  const bad = (s: ScenarioState) =>
    model.properties.some((p) => p.kind === "always" && !p.holds(s));
  let seen = ImmSet<ScenarioState>().asMutable();
  let layer = [...model.initStates()];
  for (const s of layer) seen = seen.add(s);
  for (let depth = 0; layer.length > 0; depth++) {
    if (layer.some(bad)) return depth;
    const next: ScenarioState[] = [];
    for (const s of layer) {
      for (const step of model.actions(s)) {
        const t = model.next(s, step.action);
        if (!seen.has(t)) {
          seen = seen.add(t);
          next.push(t);
        }
      }
    }
    layer = next;
  }
  return -1;
}
