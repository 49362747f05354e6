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
  type ThreadDecl,
} from "../../src/declared/model.js";
import type { Fields } from "../../src/declared/state.js";
import type { DeclaredRegistration } from "../registry.js";
import { FAULT_STEPS, faulting, faultSteps } from "./fault.js";
import { PARAMETERS, parseSkipParams, type SkipParams, skipRawParams, THREADS } from "./params.js";
import { RECLAIM_STEPS, reclaimSteps, WRITE_STEPS, writeSteps } from "./reclaim.js";
import {
  FAULT_NAMES,
  initialState,
  makeSetup,
  Reclaim,
  type Setup,
  SKIP_STATE,
  type SkipState,
} from "./state.js";
import { swapMapInvariant } from "./swap-map-invariant.js";
import { skipObjects, skipVariables, skipView } from "./view.js";

type SkipFields = typeof SKIP_STATE.fields;

function threads(setup: Setup): ThreadDecl<SkipState>[] {
  return [
    ...FAULT_NAMES.map(
      (name, t): ThreadDecl<SkipState> => ({
        name,
        own: ["faults", t],
        table: FAULT_STEPS,
        steps: (s) => faultSteps(s, setup, t),
        unfinished: (s) => faulting(s.faults.get(t)!),
      }),
    ),
    {
      name: "reclaim",
      own: "reclaim",
      table: RECLAIM_STEPS,
      steps: reclaimSteps,
      // Waiting for a mapped page is idling, not being stuck.
      unfinished: (s) => s.reclaim.pc !== Reclaim.Isolate && s.reclaim.pc !== Reclaim.Done,
    },
    ...(setup.params.threads.has("write")
      ? [{ name: "write", own: "written", table: WRITE_STEPS, steps: writeSteps }]
      : []),
  ];
}

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
    threads: threads(setup),
    properties: [
      ...kernelProperties(shape, view, skipObjects),
      invariantProperty(swapMapInvariant, shape, view, skipObjects),
      ...progressProperties(shape, view, (t) => [t]).filter((p) =>
        p.name.startsWith("fault-completes"),
      ),
    ],
    variables: (s) => skipVariables(s, setup),
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
  name: "skip-swapcache",
  version: 1,
  summary:
    "do_swap_page skipping the swap cache (zram): two faults on one PTE vs a swap-out to the same slot (13ddaf26be32)",
  parameters: PARAMETERS,
  threads: THREADS,
  proof: {
    matrix: { variant: "swapcache-prepare", slots: "1..3", threads: "write" },
    fixParameter: "variant",
    baseline: "no-guard",
  },
  parse: (raw) => parseSkipParams("skip-swapcache", raw),
  raw: skipRawParams,
  title: (p) => `${p.variant}, ${p.slots} slot${p.slots === 1 ? "" : "s"}`,
  shown: (p) => ({
    variant: p.variant,
    slots: p.slots,
    threads: [...p.threads].join(",") || "none",
  }),
  declare: (p) => skipDeclaration(p) as unknown as Declared<Fields, unknown>,
};
