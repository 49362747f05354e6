/**
 * The skip-swapcache swap-in race (fixed by 13ddaf26be32) as a model of the
 * declared-state layer: two faults of one process on the same PTE take
 * do_swap_page's path that skips the swap cache (SWP_SYNCHRONOUS_IO, count
 * 1), while the process writes to the page and reclaim swaps it out again
 * to a slot the allocator may hand out twice. docs/skip-swapcache.md tells
 * the race in kernel terms.
 *
 * This file only assembles the declaration: the state is declared in
 * state.ts, each thread's path and step table in its own module, the
 * properties are the generic invariants (invariants/) over the model's
 * KernelView (view.ts) and the faults' progress.
 */
import { invariantProperty, kernelProperties, progressProperties } from "../../invariants/index.js";
import {
  type CompiledOptions,
  compiledModel,
  type Declared,
  declared,
  type ModelDecl,
  objectModel,
} from "../../src/declared/model.js";
import type { Fields } from "../../src/declared/state.js";
import type { DeclaredRegistration } from "../registry.js";
import { faultThreads } from "./fault.js";
import { SKIP_PARAMETERS, type SkipParams } from "./params.js";
import { reclaimThreads } from "./reclaim.js";
import { initialState, makeSetup, type Setup, SKIP_STATE, type SkipState } from "./state.js";
import { swapMapInvariant } from "./swap-map-invariant.js";
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
    threads: [...faultThreads(setup), ...reclaimThreads(setup)],
    properties: [
      ...kernelProperties(shape, view, skipObjects),
      invariantProperty(swapMapInvariant, shape, view, skipObjects),
      ...progressProperties(shape, view, (t) => [t]).filter((p) =>
        p.name.startsWith("fault-completes"),
      ),
    ],
  };
  return declared(decl);
}

/** The model as written (states are records): the reference the tests compare with. */
export function skipSwapcacheModel(params: SkipParams) {
  const d = skipDeclaration(params);
  return Object.assign(objectModel(d), { setup: d.decl.config, declared: d });
}

/** What the checker runs: the same declaration, packed and memoised. */
export function compiledSkipModel(params: SkipParams, options: CompiledOptions = {}) {
  return compiledModel(skipDeclaration(params), options);
}

/** The registration (models/registry.ts: `declaredEntry(skipSwapcache)`). */
export const skipSwapcache: DeclaredRegistration<SkipParams> = {
  ...SKIP_PARAMETERS,
  declare: (p) => skipDeclaration(p) as unknown as Declared<Fields, unknown>,
};
