/**
 * Which properties a run checks: `--invariants a,b|all|none` narrows the
 * invariants; `--property a,b` checks exactly the named properties
 * (invariants or liveness); naming a liveness property, or `--liveness`,
 * turns the liveness check on.
 */
import type { ModelRun } from "../../models/registry.js";
import type { Property } from "../engine/index.js";
import { ParameterError } from "../params.js";

export interface PropertySelection {
  readonly runs: ModelRun[];
  /** Whether to run the liveness check (checkLiveness) instead of the plain search. */
  readonly liveness: boolean;
}

const isLiveness = (p: Property<unknown>) =>
  p.kind === "always-eventually" || p.kind === "eventually";

function names(text: string): string[] {
  return text
    .split(",")
    .map((n) => n.trim())
    .filter((n) => n !== "");
}

/** `name` or, for per-thread properties like `lookup-progress(swapin1)`, its family name. */
function matches(wanted: readonly string[], name: string): boolean {
  return wanted.some((w) => name === w || name.startsWith(`${w}(`));
}

function requireKnown(
  what: string,
  wanted: readonly string[],
  known: readonly string[],
  extra: string[],
  needs: (name: string) => string | null,
) {
  for (const w of wanted) {
    if (!known.some((k) => matches([w], k))) {
      const parameter = needs(w);
      if (parameter) {
        throw new ParameterError(`${what} '${w}' is only checked with ${parameter}`);
      }
      throw new ParameterError(`unknown ${what} '${w}'; valid: ${[...known, ...extra].join(", ")}`);
    }
  }
}

export function selectProperties(
  runs: ModelRun[],
  opts: {
    invariants?: string;
    property?: string;
    liveness: boolean;
    /** For a property the runs lack: the parameter that adds it (e.g. `--bounded-spin N`). */
    needs?: (name: string) => string | null;
  },
): PropertySelection {
  const needs = opts.needs ?? (() => null);
  if (opts.invariants !== undefined && opts.property !== undefined) {
    throw new ParameterError("--invariants and --property contradict each other: give one of them");
  }
  let liveness = opts.liveness;
  const selected = runs.map((run) => {
    const all = run.model.properties;
    let keep: (p: Property<unknown>) => boolean = () => true;
    if (opts.property !== undefined) {
      const wanted = names(opts.property);
      requireKnown(
        "property",
        wanted,
        all.filter((p) => p.kind !== "sometimes").map((p) => p.name),
        [],
        needs,
      );
      if (all.some((p) => matches(wanted, p.name) && isLiveness(p))) liveness = true;
      keep = (p) => p.kind === "sometimes" || matches(wanted, p.name);
    } else if (opts.invariants !== undefined && opts.invariants !== "all") {
      const wanted = opts.invariants === "none" ? [] : names(opts.invariants);
      const known = all.filter((p) => p.kind === "always").map((p) => p.name);
      requireKnown("invariant", wanted, known, ["all", "none"], needs);
      keep = (p) => p.kind !== "always" || matches(wanted, p.name);
    }
    return { ...run, model: { ...run.model, properties: all.filter(keep) } };
  });
  if (liveness && !selected.some((r) => r.model.properties.some(isLiveness))) {
    throw new ParameterError("--liveness: this model has no liveness property");
  }
  return { runs: selected, liveness };
}
