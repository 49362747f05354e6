/**
 * The example model of docs/adding-a-model.md, assembled: a swap-cache
 * lookup that takes its reference with folio_get races with reclaim
 * freezing, deleting and freeing the folio it found. The state is in
 * state.ts, the threads in lookup.ts and reclaim.ts, the parameters in
 * params.ts; here, the declaration with the generic invariants over the
 * state's kernel objects, and the registration.
 */
import { kernelProperties } from "../../invariants/index.js";
import { declared, objectModel, registration } from "../../src/declared/model.js";
import { declaredView } from "../../src/kernel/declared-view.js";
import { lookupHolds, lookupThread } from "./lookup.js";
import { EXAMPLE_PARAMETERS, type ExampleParams } from "./params.js";
import { reclaimHolds, reclaimThread } from "./reclaim.js";
import { EXAMPLE_STATE, initialState } from "./state.js";

export function exampleDeclaration(p: ExampleParams) {
  const model = {
    name: "example",
    config: p,
    state: EXAMPLE_STATE,
    init: [initialState()],
    threads: [lookupThread(p), reclaimThread],
  };
  // The frames and the swap cache are the state's FOLIO_PART and XARRAY_PART fields.
  const { shape, view, objects } = declaredView(model, {
    frameName: () => "A",
    cache: { swapCache: true, multiIndex: false, maxIndex: 0 },
    holds: [lookupHolds, reclaimHolds],
  });
  return declared({ ...model, properties: kernelProperties(shape, view, objects) });
}

/** The model as written (states are records), e.g. for tests. */
export const exampleModel = (p: ExampleParams) => objectModel(exampleDeclaration(p));

/** The registration (models/registry.ts: `declaredEntry(example)`). */
export const example = registration(EXAMPLE_PARAMETERS, exampleDeclaration);
