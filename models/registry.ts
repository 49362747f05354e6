/**
 * The models the CLI can check. Each entry turns the user's parameters into
 * one or more runs (e.g. one per variant), and lists what it offers for
 * `swapcheck list`.
 */

import { SCENARIO_INVARIANTS } from "../invariants/index.js";
import { adoptPartTable, partTableBuffer } from "../src/declared/parts.js";
import type { Model } from "../src/engine/index.js";
import { type ParameterSpec, type RawParams, rejectUnknown } from "../src/params.js";
import { compiledScenarioModel, migrateSwapcacheModel } from "./migrate-swapcache/index.js";
import {
  PARAMETERS,
  parseScenarioParams,
  SCENARIO_THREADS,
  scenarioRawParams,
} from "./migrate-swapcache/params.js";
import { counterGridModel, lockOrderModel, naiveMutexModel, petersonModel } from "./toy/index.js";

/** A model as the CLI sees it: state and action types erased (methods are bivariant). */
export type AnyModel = Model<unknown, unknown>;

export interface ModelRun {
  /** One line naming the run, e.g. `head-only / anon-swap, order 2, chunk shift 2`. */
  readonly title: string;
  /** The parameters, as the user would write them, that rebuild exactly this run (for traces). */
  readonly raw: RawParams;
  /** The parameters of this run, as reports show them (e.g. variant, mapping). */
  readonly params: Readonly<Record<string, string | number>>;
  readonly model: AnyModel;
  /** Every step the run's code contains (for coverage); `core` steps must all run in a proof. */
  readonly catalogue?: readonly {
    readonly thread: string;
    readonly name: string;
    readonly core: boolean;
  }[];
  /** The parameter that selects the fix under test (e.g. `variant`), for vacuity witnesses. */
  readonly fixParameter?: string;
}

export interface ModelProof {
  readonly matrix: Readonly<Record<string, string>>;
  readonly fixParameter: string;
  readonly baseline: string;
}

export interface ModelEntry {
  readonly name: string;
  /**
   * Bumped whenever steps, labels or variables change, so that a trace
   * recorded by another version is refused instead of misread.
   */
  readonly version: number;
  readonly summary: string;
  readonly parameters: readonly ParameterSpec[];
  /** The threads a run may have, each with one line, for `list`. */
  readonly threads: readonly { readonly name: string; readonly description: string }[];
  /** Named properties with their sentence, for `list`. */
  readonly properties: readonly { readonly name: string; readonly description: string }[];
  /** The runs for these parameters; throws ParameterError on bad ones. */
  configure(raw: RawParams): ModelRun[];
  /**
   * What `prove --model NAME` runs: the default matrix (a value per
   * parameter, as the user would write it: lists `a,b`, `all`, ranges
   * `1..3`), the parameter that selects the fix and the value that stands
   * for "no fix" (the vacuity witness). Absent: the model has no fix to
   * prove.
   */
  readonly proof?: ModelProof;
  /**
   * For parallel searches: what the workers must share with the main thread
   * for their encodings to agree (passed to `adoptShared` in each worker).
   */
  shareWithWorkers?(): unknown;
  adoptShared?(shared: unknown): void;
}

function toyEntry(name: string, summary: string, build: () => AnyModel): ModelEntry {
  const sample = build();
  return {
    name,
    version: 1,
    summary,
    parameters: [],
    threads: sample.threads.map((t) => ({ name: t, description: "" })),
    properties: sample.properties.map((p) => ({ name: p.name, description: p.description })),
    configure(raw) {
      rejectUnknown(name, raw, []);
      return [{ title: name, raw: {}, params: {}, model: build() }];
    },
  };
}

const migrateSwapcache: ModelEntry = {
  name: "migrate-swapcache",
  version: 1,
  summary:
    "the seed's race: folio_migrate_mapping on a large folio in the swap cache vs reclaim and swap-in",
  parameters: PARAMETERS,
  threads: SCENARIO_THREADS,
  properties: SCENARIO_INVARIANTS.map((i) => ({ name: i.name, description: i.description })),
  proof: {
    matrix: {
      variant: "all",
      mapping: "all",
      order: "1..3",
      "chunk-shift": "2,3",
      threads: "reclaim-dst,reuse",
    },
    fixParameter: "variant",
    baseline: "head-only",
  },
  // Part ids (state.ts) live in shared memory: workers adopt the main thread's.
  shareWithWorkers: () => partTableBuffer(),
  adoptShared: (buffer) => adoptPartTable(buffer as SharedArrayBuffer),
  configure(raw) {
    return parseScenarioParams("migrate-swapcache", raw).map((p) => {
      const object = migrateSwapcacheModel(p);
      return {
        title: `${p.variant} / ${p.mapping}, order ${p.order}, chunk shift ${p.chunkShift}`,
        raw: scenarioRawParams(p),
        params: {
          variant: p.variant,
          mapping: p.mapping,
          order: p.order,
          chunkShift: p.chunkShift,
          swapinPage: p.swapinPage ?? "all",
          swapins: p.swapins,
          threads: [...p.threads].join(",") || "none",
        },
        // The packed, memoising form of the model (same steps, labels, properties).
        model: compiledScenarioModel(object),
        catalogue: object.declared.catalogue,
        fixParameter: "variant",
      };
    });
  },
};

/**
 * The model of run `index` of `configure(raw)`, with only the properties
 * named: how a worker of a parallel search builds its copy (ModelSpec).
 * `shared` is what `ModelEntry.shareWithWorkers` gave the main thread.
 */
export function workerModel(
  name: string,
  raw: RawParams,
  index: number,
  properties: readonly string[],
  shared: unknown,
): AnyModel {
  const entry = findModel(name)!;
  entry.adoptShared?.(shared);
  const model = entry.configure(raw)[index]!.model;
  return { ...model, properties: model.properties.filter((p) => properties.includes(p.name)) };
}

const registry: ModelEntry[] = [
  migrateSwapcache,
  toyEntry("peterson", "toy: Peterson's mutual exclusion (holds)", petersonModel),
  toyEntry("naive-mutex", "toy: test-then-set lock (violated in 4 steps)", () => naiveMutexModel()),
  toyEntry("lock-order", "toy: AB-BA locking (deadlock in 2 steps)", lockOrderModel),
  toyEntry("counter-grid", "toy: 3 counters 0..4 (125 states, holds)", () =>
    counterGridModel(3, 4),
  ),
];

export const DEFAULT_MODEL = "migrate-swapcache";

export function models(): readonly ModelEntry[] {
  return registry;
}

export function findModel(name: string): ModelEntry | undefined {
  return registry.find((m) => m.name === name);
}
