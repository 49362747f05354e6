/**
 * The models the CLI can check. Each entry turns the user's parameters into
 * one or more runs (e.g. one per variant), and lists what it offers for
 * `swapcheck list`.
 */

import { compiledModel, type Declared, registration } from "../src/declared/model.js";
import { adoptPartTable, partTableBuffer } from "../src/declared/parts.js";
import type { Fields } from "../src/declared/state.js";
import type { Model } from "../src/engine/index.js";
import type { ParameterSpec, RawParams } from "../src/params.js";
import { example } from "./example/index.js";
import { BOUNDED_SPIN } from "./migrate-swapcache/bounded-spin.js";
import { scenarioDeclaration } from "./migrate-swapcache/index.js";
import {
  KERNEL_MIGRATE_RETRIES,
  PARAMETERS,
  parseScenarioParams,
  SCENARIO_THREADS,
  type ScenarioParams,
  scenarioRawParams,
} from "./migrate-swapcache/params.js";
import { skipSwapcache } from "./skip-swapcache/index.js";
import {
  counterGridDeclaration,
  lockOrderDeclaration,
  naiveMutexDeclaration,
  petersonDeclaration,
} from "./toy/index.js";
import { toyRegistration } from "./toy/parts.js";

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
  /** A model of the declared-state layer: its declaration (for the layer's checks). */
  readonly declared?: Declared<Fields, unknown>;
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

/**
 * One registration of a model built on the declared-state layer: its
 * parameters and how they select configurations, and its declaration per
 * configuration. The layer gives the rest: the compiled model the checker
 * runs, the step catalogue (from the threads' step tables), the threads
 * and properties `list` shows (from the default configuration's
 * declaration), and the part ids the workers of a parallel search share.
 */
export interface DeclaredRegistration<P> {
  readonly name: string;
  readonly version: number;
  readonly summary: string;
  readonly parameters: readonly ParameterSpec[];
  /** Every thread a configuration may have, with one line (a default configuration may not show all). */
  readonly threads: readonly { readonly name: string; readonly description: string }[];
  /** The configurations these parameters select; throws ParameterError on bad ones. */
  parse(raw: RawParams): P[];
  /** The parameters, as the user would write them, of one configuration. */
  raw(p: P): RawParams;
  /** One line naming a configuration. */
  title(p: P): string;
  /** The configuration's parameters as reports show them. */
  shown(p: P): Readonly<Record<string, string | number>>;
  declare(p: P): Declared<Fields, unknown>;
  /** Properties a configuration has only on request (e.g. a bound), for `list`. */
  readonly optionalProperties?: readonly { readonly name: string; readonly description: string }[];
  readonly proof?: ModelProof & { readonly fixParameter: string };
}

export function declaredEntry<P>(r: DeclaredRegistration<P>): ModelEntry {
  const sample = r.declare(r.parse({})[0]!).decl;
  return {
    name: r.name,
    version: r.version,
    summary: r.summary,
    parameters: r.parameters,
    threads: r.threads,
    properties: [
      ...sample.properties.map((p) => ({ name: p.name, description: p.description })),
      ...(r.optionalProperties ?? []),
    ],
    ...(r.proof ? { proof: r.proof } : {}),
    // Part ids live in shared memory: workers adopt the main thread's.
    shareWithWorkers: () => partTableBuffer(),
    adoptShared: (buffer) => adoptPartTable(buffer as SharedArrayBuffer),
    configure(raw) {
      return r.parse(raw).map((p) => {
        const d = r.declare(p);
        return {
          title: r.title(p),
          raw: r.raw(p),
          params: r.shown(p),
          model: compiledModel(d) as AnyModel,
          catalogue: d.catalogue,
          declared: d,
          ...(r.proof ? { fixParameter: r.proof.fixParameter } : {}),
        };
      });
    },
  };
}

const migrateSwapcache = registration(
  {
    name: "migrate-swapcache",
    version: 1,
    summary:
      "the seed's race: folio_migrate_mapping on a large folio in the swap cache vs reclaim and swap-in",
    parameters: PARAMETERS,
    threads: SCENARIO_THREADS,
    optionalProperties: [BOUNDED_SPIN],
    proof: {
      matrix: {
        variant: "all",
        mapping: "all",
        order: "1..3",
        "chunk-shift": "2,3",
        threads: "reclaim-dst",
        reason: "offline",
      },
      fixParameter: "variant",
      baseline: "head-only",
    },
    parse: (raw) => parseScenarioParams("migrate-swapcache", raw),
    raw: scenarioRawParams,
    title: (p) => `${p.variant} / ${p.mapping}, order ${p.order}, chunk shift ${p.chunkShift}`,
    shown: (p) => ({
      variant: p.variant,
      mapping: p.mapping,
      order: p.order,
      chunkShift: p.chunkShift,
      swapinPage: p.swapinPage ?? "all",
      swapins: p.swapins,
      threads: [...p.threads].join(",") || "none",
      reason: p.reason,
      ...(p.access !== "hot" ? { access: p.access } : {}),
      // Named only when smaller than v6.6's count.
      ...(p.migrateRetries !== KERNEL_MIGRATE_RETRIES ? { migrateRetries: p.migrateRetries } : {}),
    }),
  } satisfies Omit<DeclaredRegistration<ScenarioParams>, "declare">,
  scenarioDeclaration,
);

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
  declaredEntry(migrateSwapcache),
  declaredEntry(skipSwapcache),
  declaredEntry(example),
  declaredEntry(
    toyRegistration("peterson", "toy: Peterson's mutual exclusion (holds)", petersonDeclaration),
  ),
  declaredEntry(
    toyRegistration("naive-mutex", "toy: test-then-set lock (violated in 4 steps)", () =>
      naiveMutexDeclaration(),
    ),
  ),
  declaredEntry(
    toyRegistration("lock-order", "toy: AB-BA locking (deadlock in 2 steps)", lockOrderDeclaration),
  ),
  declaredEntry(
    toyRegistration("counter-grid", "toy: 3 counters 0..4 (125 states, holds)", () =>
      counterGridDeclaration(3, 4),
    ),
  ),
];

export const DEFAULT_MODEL = "migrate-swapcache";

export function models(): readonly ModelEntry[] {
  return registry;
}

export function findModel(name: string): ModelEntry | undefined {
  return registry.find((m) => m.name === name);
}
