/**
 * The skip-swapcache race of 13ddaf26be32 (docs/skip-swapcache.md), assembled:
 * the state (state.ts), the threads (fault.ts, reclaim.ts), and the generic
 * invariants and the faults' progress over its KernelView (view.ts).
 */
import { kernelProperties, progressProperties } from "../../invariants/index.js";
import { type Declared, declared, type ModelDecl } from "../../src/declared/model.js";
import type { Fields } from "../../src/declared/state.js";
import type { DeclaredRegistration } from "../registry.js";
import { faultThreads } from "./fault.js";
import { SKIP_PARAMETERS, type SkipParams } from "./params.js";
import { reclaimThreads } from "./reclaim.js";
import { initialState, makeSetup, type Setup, SKIP_STATE, type SkipState } from "./state.js";
import { swapoffThreads } from "./swapoff.js";
import { skipObjects, skipView } from "./view.js";

type SkipFields = typeof SKIP_STATE.fields;

export function skipDeclaration(params: SkipParams): Declared<SkipFields, Setup> {
  const setup = makeSetup(params);
  const init = initialState(setup);
  const view = (s: SkipState) => skipView(s, setup);
  const shape = view(init);
  const decl: ModelDecl<SkipFields, Setup> = {
    name: "skip-swapcache",
    config: setup,
    state: SKIP_STATE,
    init: [init],
    threads: [...faultThreads(setup), ...reclaimThreads(setup), ...swapoffThreads(setup)],
    properties: [
      ...kernelProperties(shape, view, skipObjects),
      ...progressProperties(shape, view, (t) => [t]).filter((p) =>
        p.name.startsWith("fault-completes"),
      ),
    ],
  };
  return declared(decl);
}

/** The registration (models/registry.ts: `declaredEntry(skipSwapcache)`). */
export const skipSwapcache: DeclaredRegistration<SkipParams> = {
  ...SKIP_PARAMETERS,
  declare: (p) => skipDeclaration(p) as unknown as Declared<Fields, unknown>,
};
