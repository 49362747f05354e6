/**
 * What a run checks, so that every result can say it: the invariants, the
 * deadlock check, the liveness properties and the fairness they assume. A
 * run that checks nothing is refused (it could only ever say `holds`).
 */
import type { Model, Property } from "../engine/index.js";
import { ParameterError } from "../params.js";

export interface Checked {
  /** Invariant names (per-thread properties by their family name, once). */
  readonly invariants: readonly string[];
  readonly deadlock: boolean;
  /** Liveness properties checked (empty without --liveness / --property). */
  readonly liveness: readonly string[];
  /** The fairness the liveness check assumes; null without liveness. */
  readonly fairness: "weak" | "none" | null;
}

/** `lookup-progress(swapin1)` → `lookup-progress`. */
export function family(name: string): string {
  const i = name.indexOf("(");
  return i > 0 ? name.slice(0, i) : name;
}

export const isLiveness = (p: Property<unknown>) =>
  p.kind === "always-eventually" || p.kind === "eventually";

export function checkedBy(
  model: Model<unknown, unknown>,
  opts: { liveness: boolean; deadlock: boolean; fairness: "weak" | "none" },
): Checked {
  const names = (keep: (p: Property<unknown>) => boolean) => [
    ...new Set(model.properties.filter(keep).map((p) => family(p.name))),
  ];
  const liveness = opts.liveness ? names(isLiveness) : [];
  return {
    invariants: names((p) => p.kind === "always"),
    deadlock: opts.deadlock,
    liveness,
    fairness: liveness.length > 0 ? opts.fairness : null,
  };
}

export function checksNothing(c: Checked): boolean {
  return c.invariants.length === 0 && !c.deadlock && c.liveness.length === 0;
}

/** Refuses a selection under which some run checks nothing. */
export function requireSomethingChecked(all: readonly Checked[]): void {
  if (all.some(checksNothing)) {
    throw new ParameterError(
      "nothing to check: no invariant, no deadlock check and no liveness property; " +
        "drop --invariants none or --no-deadlock, or name a --property",
    );
  }
}

/** One line: `invariants a, b; deadlock; liveness c under weak fairness`. */
export function checkedText(c: Checked): string {
  const parts = [
    c.invariants.length > 0 ? `invariants ${c.invariants.join(", ")}` : "no invariants",
    c.deadlock ? "deadlock" : "no deadlock check",
    c.liveness.length > 0
      ? `liveness ${c.liveness.join(", ")} (${c.fairness === "none" ? "no fairness" : `${c.fairness} fairness`})`
      : "no liveness",
  ];
  return parts.join("; ");
}

/** As the JSON documents record it. */
export function checkedJson(c: Checked) {
  return {
    invariants: c.invariants,
    deadlock: c.deadlock,
    liveness: c.liveness,
    fairness: c.fairness,
  };
}
