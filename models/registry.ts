/**
 * The models the CLI can check. Each entry turns the user's parameters into
 * one or more runs (e.g. one per variant), and lists what it offers for
 * `swapcheck list`.
 */
import type { Model } from "../src/engine/index.js";
import { type ParameterSpec, type RawParams, rejectUnknown } from "../src/params.js";
import { counterGridModel, lockOrderModel, naiveMutexModel, petersonModel } from "./toy/index.js";

/** A model as the CLI sees it: state and action types erased (methods are bivariant). */
export type AnyModel = Model<unknown, unknown>;

export interface ModelRun {
  /** The parameters of this run, as reports show them (e.g. variant, mapping). */
  readonly params: Readonly<Record<string, string | number>>;
  readonly model: AnyModel;
}

export interface ModelEntry {
  readonly name: string;
  readonly summary: string;
  readonly parameters: readonly ParameterSpec[];
  /** Named properties with their sentence, for `list`. */
  readonly properties: readonly { readonly name: string; readonly description: string }[];
  /** The runs for these parameters; throws ParameterError on bad ones. */
  configure(raw: RawParams): ModelRun[];
}

function toyEntry(name: string, summary: string, build: () => AnyModel): ModelEntry {
  const sample = build();
  return {
    name,
    summary,
    parameters: [],
    properties: sample.properties.map((p) => ({ name: p.name, description: p.description })),
    configure(raw) {
      rejectUnknown(name, raw, []);
      return [{ params: {}, model: build() }];
    },
  };
}

const registry: ModelEntry[] = [
  toyEntry("peterson", "toy: Peterson's mutual exclusion (holds)", petersonModel),
  toyEntry("naive-mutex", "toy: test-then-set lock (violated in 4 steps)", () => naiveMutexModel()),
  toyEntry("lock-order", "toy: AB-BA locking (deadlock in 2 steps)", lockOrderModel),
  toyEntry("counter-grid", "toy: 3 counters 0..4 (125 states, holds)", () =>
    counterGridModel(3, 4),
  ),
];

export const DEFAULT_MODEL = "peterson";

export function models(): readonly ModelEntry[] {
  return registry;
}

export function findModel(name: string): ModelEntry | undefined {
  return registry.find((m) => m.name === name);
}
