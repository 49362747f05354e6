/**
 * The example model of docs/adding-a-model.md: a swap-cache lookup that
 * takes its reference with folio_get races with reclaim freezing,
 * deleting and freeing the folio it found. This file assembles the
 * declaration: the kernel objects as a KernelView for the generic
 * invariants, the threads, and the registration.
 */
import { type KernelObject, kernelProperties } from "../../invariants/index.js";
import { type Declared, declared, objectModel } from "../../src/declared/model.js";
import type { Fields } from "../../src/declared/state.js";
import type { Hold, KernelView } from "../../src/kernel/view.js";
import type { DeclaredRegistration } from "../registry.js";
import { LOOKUP_STEPS, lookupSteps } from "./lookup.js";
import {
  type ExampleParams,
  exampleRawParams,
  PARAMETERS,
  parseExampleParams,
  THREADS,
} from "./params.js";
import { RECLAIM_STEPS, reclaimSteps } from "./reclaim.js";
import { A, EXAMPLE_STATE, type ExampleState, initialState, Lookup, Reclaim } from "./state.js";

type ExampleFields = typeof EXAMPLE_STATE.fields;

/** The state as kernel objects: what the generic invariants check. */
function exampleView(s: ExampleState): KernelView {
  const lookupHolds = (): Hold[] =>
    s.lookup.pc === Lookup.Use ? [{ thread: "lookup", frame: A, what: "a reference to" }] : [];
  const reclaimHolds = (): Hold[] =>
    s.reclaim.pc === Reclaim.Freeze || s.reclaim.pc === Reclaim.Putback
      ? [{ thread: "reclaim", frame: A, what: "the isolation reference to" }]
      : [];
  return {
    get frames() {
      return s.folios;
    },
    frameName: () => "A",
    cache: {
      get xa() {
        return s.cache;
      },
      swapCache: true,
      multiIndex: false,
      maxIndex: 0,
      locked: false,
    },
    holds: [lookupHolds, reclaimHolds],
  };
}

/** The fields each kind of kernel object is made of (for --por's visibility). */
const exampleObjects = (kind: KernelObject): readonly string[] =>
  ({ frames: ["folios"], cache: ["cache"], holds: ["lookup", "reclaim"] })[kind as string] ?? [];

export function exampleDeclaration(p: ExampleParams): Declared<ExampleFields, ExampleParams> {
  const init = initialState();
  return declared<ExampleFields, ExampleParams>({
    name: "example",
    config: p,
    state: EXAMPLE_STATE,
    init: [init],
    threads: [
      {
        name: "lookup",
        own: "lookup",
        table: LOOKUP_STEPS,
        steps: (s) => lookupSteps(s, p),
        unfinished: (s) => s.lookup.pc !== Lookup.Done,
      },
      {
        name: "reclaim",
        own: "reclaim",
        table: RECLAIM_STEPS,
        steps: reclaimSteps,
        unfinished: (s) => s.reclaim.pc !== Reclaim.Done,
      },
    ],
    properties: kernelProperties(exampleView(init), exampleView, exampleObjects),
  });
}

/** The model as written (states are records), e.g. for tests. */
export const exampleModel = (p: ExampleParams) => objectModel(exampleDeclaration(p));

export const example: DeclaredRegistration<ExampleParams> = {
  name: "example",
  version: 1,
  summary: "the guide's example: a swap-cache lookup's folio_get vs reclaim freeing the folio",
  parameters: PARAMETERS,
  threads: THREADS,
  proof: { matrix: { variant: "folio-try-get" }, fixParameter: "variant", baseline: "folio-get" },
  parse: (raw) => parseExampleParams("example", raw),
  raw: exampleRawParams,
  title: (p) => p.variant,
  shown: (p) => ({ variant: p.variant }),
  declare: (p) => exampleDeclaration(p) as unknown as Declared<Fields, unknown>,
};
