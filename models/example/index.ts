/**
 * The example model of docs/adding-a-model.md, assembled: a swap-cache
 * lookup that takes its reference with folio_get races with reclaim
 * freezing, deleting and freeing the folio it found. The state is in
 * state.ts, the threads in lookup.ts and reclaim.ts, the parameters in
 * params.ts; here, the kernel objects as a KernelView for the generic
 * invariants, the declaration and the registration.
 */
import { type KernelObject, kernelProperties } from "../../invariants/index.js";
import { type Declared, declared, objectModel } from "../../src/declared/model.js";
import type { Fields } from "../../src/declared/state.js";
import type { KernelView } from "../../src/kernel/view.js";
import type { DeclaredRegistration } from "../registry.js";
import { lookupHolds, lookupThread } from "./lookup.js";
import { EXAMPLE_PARAMETERS, type ExampleParams } from "./params.js";
import { reclaimHolds, reclaimThread } from "./reclaim.js";
import { EXAMPLE_STATE, type ExampleState, initialState } from "./state.js";

/** The state as kernel objects (read on demand): what the generic invariants check. */
function exampleView(s: ExampleState): KernelView {
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
    holds: [() => lookupHolds(s), () => reclaimHolds(s)],
  };
}

/** The fields each kind of kernel object is made of (for --por: what an invariant sees). */
const OBJECTS: Partial<Record<KernelObject, readonly string[]>> = {
  frames: ["folios"],
  cache: ["cache"],
  holds: ["lookup", "reclaim"],
};

export function exampleDeclaration(
  p: ExampleParams,
): Declared<typeof EXAMPLE_STATE.fields, ExampleParams> {
  const init = initialState();
  return declared({
    name: "example",
    config: p,
    state: EXAMPLE_STATE,
    init: [init],
    threads: [lookupThread(p), reclaimThread],
    properties: kernelProperties(exampleView(init), exampleView, (kind) => OBJECTS[kind] ?? []),
  });
}

/** The model as written (states are records), e.g. for tests. */
export const exampleModel = (p: ExampleParams) => objectModel(exampleDeclaration(p));

/** The registration (models/registry.ts: `declaredEntry(example)`). */
export const example: DeclaredRegistration<ExampleParams> = {
  ...EXAMPLE_PARAMETERS,
  declare: (p) => exampleDeclaration(p) as unknown as Declared<Fields, unknown>,
};
