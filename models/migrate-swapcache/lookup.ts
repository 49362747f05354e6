/**
 * The swap-cache lookup every path but do_swap_page shares here:
 * swap_cache_get_folio / filemap_get_folio / filemap_get_incore_folio all
 * start with filemap_get_entry (mm/filemap.c, v6.6), three steps under
 * rcu_read_lock:
 *
 *   repeat: folio = xas_load(); if (!folio || xa_is_value(folio)) goto out;
 *           if (!folio_try_get_rcu(folio)) goto repeat;
 *           if (folio != xas_reload()) { folio_put(folio); goto repeat; }
 *
 * A stale slot that keeps naming a freed folio makes it spin (the RCU
 * stall); one naming a recycled frame returns an unrelated folio.
 * (swapin.ts keeps its own copy of these three steps, written before this
 * module, with labels the recorded traces pin.)
 */
import { type StepTable, stepTable } from "../../src/declared/steps.js";
import { folioPut, folioTryGetRcu } from "../../src/kernel/folio.js";
import { xaIsPointer, xaLoad, xaToPointer } from "../../src/kernel/xarray.js";
import { describeEntry } from "./describe.js";
import { PteWalk, type ScenarioState, type Setup } from "./state.js";
import { folioOf, frameName, type ThreadStep, updateFolio } from "./step.js";

/** Where a thread is in the loop. */
export type LookupStage = "load" | "try-get" | "reload";

/** What a thread tells the loop about itself. */
export interface Lookup {
  readonly index: number;
  /** The folio xas_load returned (try-get, reload). */
  readonly folio: number;
  readonly spins: number;
}

/** Where the loop goes next; `hit` holds a reference on `folio`. */
export type LookupNext =
  | { readonly to: "try-get"; readonly folio: number }
  | { readonly to: "load"; readonly spins: number }
  | { readonly to: "reload" }
  | { readonly to: "hit" }
  | { readonly to: "miss" };

type LookupStepName = "filemap_get_entry" | "folio_try_get_rcu" | "xas_reload";

/** The loop's steps, for the tables of the threads that run it. */
export const LOOKUP_STEPS = stepTable<Setup, LookupStepName>({
  filemap_get_entry: "core",
  folio_try_get_rcu: "core",
  xas_reload: "core",
});
type StepOf = (
  name: LookupStepName,
  label: string,
  apply: (s: ScenarioState) => ScenarioState,
) => ThreadStep;

/** The loop's next step for a thread at `stage`; `go` moves the thread on. */
export function lookupStep(
  s: ScenarioState,
  setup: Setup,
  stage: LookupStage,
  me: Lookup,
  step: StepOf,
  go: (s: ScenarioState, next: LookupNext) => ScenarioState,
): ThreadStep {
  const x = me.folio;
  switch (stage) {
    case "load": {
      const entry = xaLoad(s.xa, me.index);
      if (!xaIsPointer(entry)) {
        return step(
          "filemap_get_entry",
          `rcu: xas_load(slot ${me.index}) → ${describeEntry(s, entry)}: miss`,
          (s) => go(s, { to: "miss" }),
        );
      }
      const frame = xaToPointer(entry);
      return step(
        "filemap_get_entry",
        `rcu: xas_load(slot ${me.index}) → ${frameName(s, frame)}`,
        (s) => go(s, { to: "try-get", folio: frame }),
      );
    }
    case "try-get": {
      const f = folioOf(s, x);
      const got = folioTryGetRcu(f);
      const name = frameName(s, x);
      if (!got) {
        const bound = setup.params.spinBound;
        const spins = bound > 0 ? Math.min(me.spins + 1, bound) : 0;
        return step(
          "folio_try_get_rcu",
          `folio_try_get_rcu(${name}) fails: refcount 0 → repeat`,
          (s) => go(s, { to: "load", spins }),
        );
      }
      return step(
        "folio_try_get_rcu",
        `folio_try_get_rcu(${name}): refcount ${f.refcount}→${got.refcount}`,
        (s) =>
          go(
            updateFolio(s, x, () => got),
            { to: "reload" },
          ),
      );
    }
    default: {
      const entry = xaLoad(s.xa, me.index);
      const name = frameName(s, x);
      if (xaIsPointer(entry) && xaToPointer(entry) === x) {
        return step("xas_reload", `xas_reload(slot ${me.index}) = ${name}; rcu_read_unlock`, (s) =>
          go(s, { to: "hit" }),
        );
      }
      return step(
        "xas_reload",
        `xas_reload(slot ${me.index}) ≠ ${name}: folio_put(${name}), repeat`,
        (s) => go(updateFolio(s, x, folioPut), { to: "load", spins: me.spins }),
      );
    }
  }
}

/**
 * A thread that walks the process's PTEs and looks swap entries up
 * (swapoff, zap, mincore): what the model's assembly (index.ts, the views,
 * the footprints) needs to know of it. Its record is a `PteWalk` in the
 * state field of the same name.
 */
export interface PteWalkThread {
  readonly name: "swapoff" | "zap" | "mincore";
  readonly table: StepTable<Setup>;
  readonly steps: (s: ScenarioState, setup: Setup) => ThreadStep[];
  /** Its Done program counter. */
  readonly done: number;
  /** Its program counters inside the lookup's rcu_read_lock section. */
  readonly inRcu: ReadonlySet<number>;
  /** Where it is, in kernel words, by program counter. */
  readonly at: Readonly<Record<number, string>>;
}

type WalkField = PteWalkThread["name"];
type WalkPatch = Partial<ReturnType<PteWalk["toObject"]>>;

/** A walk's program counters the loop needs: where the loop's stages are, and where it goes after. */
export interface WalkPcs {
  readonly scan: number;
  readonly load: number;
  readonly tryGet: number;
  readonly reload: number;
  readonly done: number;
}

/**
 * What every PTE walk shares: updating its record, moving on to the next
 * PTE, and the lookup loop's steps with their transitions (a hit goes to
 * `onHit`, a miss to `onMiss`).
 */
export function pteWalk(field: WalkField, pcs: WalkPcs) {
  const set = (s: ScenarioState, patch: WalkPatch) => s.set(field, PteWalk.patch(s[field], patch));
  const nextPte = (s: ScenarioState, setup: Setup) => {
    const page = s[field].page + 1;
    const done = page >= setup.nr;
    return set(s, {
      pc: done ? pcs.done : pcs.scan,
      page: done ? s[field].page : page,
      index: -1,
      folio: -1,
      hasRef: false,
      spins: 0,
    });
  };
  const stages = new Map<number, LookupStage>([
    [pcs.load, "load"],
    [pcs.tryGet, "try-get"],
    [pcs.reload, "reload"],
  ]);
  /** The loop's step when the walk is in it, else null. */
  const lookup = (
    s: ScenarioState,
    setup: Setup,
    step: StepOf,
    onHit: (s: ScenarioState) => ScenarioState,
    onMiss: (s: ScenarioState) => ScenarioState,
  ): ThreadStep | null => {
    const me = s[field];
    const stage = stages.get(me.pc);
    if (stage === undefined) return null;
    return lookupStep(s, setup, stage, me, step, (s, next) => {
      switch (next.to) {
        case "try-get":
          return set(s, { pc: pcs.tryGet, folio: next.folio });
        case "load":
          return set(s, { pc: pcs.load, folio: -1, hasRef: false, spins: next.spins });
        case "reload":
          return set(s, { pc: pcs.reload, hasRef: true });
        case "hit":
          return onHit(s);
        default:
          return onMiss(s);
      }
    });
  };
  return { set, nextPte, lookup };
}
