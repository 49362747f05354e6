/**
 * Proving a fix: run a matrix of configurations and, for every cell where
 * nothing is violated, gather the three pieces of evidence that turn "no
 * violation found" into a proof:
 *   1. completeness: the search was exhaustive (no bound hit), with the
 *      fingerprint collision bound;
 *   2. coverage: every core step of every thread ran at least once (the
 *      model's step catalogue; unreached branches are listed too);
 *   3. a vacuity witness: the same configuration with the fix replaced by
 *      a baseline (e.g. `head-only`) is violated, so the search can tell
 *      the fix from the bug.
 */
import type { ModelEntry, ModelRun } from "../../models/registry.js";
import { type Checked, checkedBy, isLiveness } from "../cli/checked.js";
import {
  checkLivenessAsync,
  type SearchOptions,
  type SearchResult,
  type SearchStats,
  searchAsync,
} from "../engine/index.js";
import { ParameterError, type RawParams } from "../params.js";

export type CellStatus =
  /** Holds with complete search, full core coverage and a violated baseline. */
  | "proved"
  /** Holds, but some core step never ran. */
  | "vacuous"
  /** Holds, but the baseline holds too (or this is the baseline): nothing shows the fix matters. */
  | "no-witness"
  | "violated"
  | "incomplete";

export interface Witness {
  readonly baseline: string;
  readonly verdict: SearchResult<unknown>["verdict"];
  readonly property: string | null;
  readonly length: number | null;
  /**
   * Every property the baseline violates in this configuration, each with
   * its shortest counterexample's length (the first is `property`): shows
   * what the fix was shown to prevent, e.g. the RCU stall and not only the
   * broken cache.
   */
  readonly violated: readonly { readonly property: string; readonly length: number | null }[];
}

/** The baseline's violations, one property at a time (each search without those found before). */
async function baselineViolations(
  run: ModelRun,
  options: ProveOptions,
): Promise<{ first: SearchResult<unknown>; violated: Witness["violated"] }> {
  const first = await check(run, options);
  const violated: { property: string; length: number | null }[] = [];
  let result = first;
  let current = run;
  while (result.verdict === "violated" && result.property !== null) {
    violated.push({ property: result.property, length: result.trace?.steps.length ?? null });
    const left = current.model.properties.filter((p) => p.name !== result.property);
    if (!left.some((p) => p.kind !== "sometimes")) break;
    current = { ...current, model: { ...current.model, properties: left } };
    result = await check(current, options);
  }
  return { first, violated };
}

/**
 * What the reports read of a cell's search: enough to rebuild a cell from a
 * shard file (src/prove/shard.ts) without its states or trace.
 */
export interface CellOutcome {
  readonly verdict: SearchResult<unknown>["verdict"];
  readonly property: string | null;
  /** The counterexample's length (and loop, for a lasso); null when nothing was violated. */
  readonly trace: {
    readonly steps: { readonly length: number };
    readonly loopStart?: number;
  } | null;
  readonly incompleteReason: SearchResult<unknown>["incompleteReason"];
  readonly stats: Pick<
    SearchStats,
    "distinctStates" | "transitions" | "seconds" | "exact" | "collisionProbability"
  >;
}

/** A cell as the reports (text, Markdown, JSON) see it: a `Cell`, or one read back from a shard. */
export interface CellReport {
  readonly run: ModelRun;
  readonly result: CellOutcome;
  readonly status: CellStatus;
  /** Core steps of the catalogue never taken, as `thread:name`. */
  readonly unreachedCore: readonly string[];
  /** Other catalogued steps (branches) never taken. */
  readonly unreachedBranches: readonly string[];
  /** Number of catalogued steps. */
  readonly catalogued: number;
  /** The baseline run, when the cell holds and is not itself the baseline. */
  readonly witness: Witness | null;
  /** What the cell's search checked (invariants, deadlock, liveness and fairness). */
  readonly checked: Checked;
}

/** A cell as `proveRuns` gives it: with the whole search result (trace, coverage). */
export interface Cell extends CellReport {
  readonly result: SearchResult<unknown>;
}

export interface ProveOptions extends SearchOptions {
  /** The value of the run's fix parameter that stands for "no fix". */
  readonly baseline: string;
  /** Check liveness properties too (the default for proofs). */
  readonly liveness: boolean;
  readonly fairness?: "weak" | "none";
  /** Called after each cell (progress). */
  readonly onCell?: (cell: Cell, done: number, total: number) => void;
}

/** Whether the cell's search includes liveness: asked for, and the model has such a property. */
function withLiveness(run: ModelRun, options: ProveOptions): boolean {
  return options.liveness && run.model.properties.some(isLiveness);
}

async function check(run: ModelRun, options: ProveOptions): Promise<SearchResult<unknown>> {
  return withLiveness(run, options)
    ? checkLivenessAsync(run.model, options)
    : searchAsync(run.model, options);
}

function configureOne(entry: ModelEntry, raw: RawParams): ModelRun {
  const runs = entry.configure(raw);
  if (runs.length !== 1) {
    throw new ParameterError(
      `a proof cell must select one run, these parameters select ${runs.length}`,
    );
  }
  return runs[0]!;
}

/** Which catalogued steps never ran, split into core steps and branches. */
function unreached(run: ModelRun, result: SearchResult<unknown>) {
  const catalogue = run.catalogue ?? [];
  const missing = catalogue.filter(
    (c) => (result.coverage.get(`${c.thread}:${c.name}`) ?? 0) === 0,
  );
  return {
    core: missing.filter((c) => c.core).map((c) => `${c.thread}:${c.name}`),
    branches: missing.filter((c) => !c.core).map((c) => `${c.thread}:${c.name}`),
    catalogued: catalogue.length,
  };
}

/**
 * The cells of the matrix: every run of every configuration (a
 * configuration may select several, e.g. `variant: all`), all configured
 * (validated) before any search runs.
 */
export function matrixRuns(entry: ModelEntry, configs: readonly RawParams[]): ModelRun[] {
  return configs.flatMap((raw) => entry.configure(raw));
}

export async function proveMatrix(
  entry: ModelEntry,
  configs: readonly RawParams[],
  options: ProveOptions,
): Promise<Cell[]> {
  return proveRuns(entry, matrixRuns(entry, configs), options);
}

/**
 * The cells of `runs` (the matrix's, or a shard's slice of them), in order.
 * Each cell's evidence depends on its run only: a cell comes out the same
 * whichever other runs are proved with it.
 */
export async function proveRuns(
  entry: ModelEntry,
  runs: readonly ModelRun[],
  options: ProveOptions,
): Promise<Cell[]> {
  const witnesses = new Map<string, Witness>();
  const cells: Cell[] = [];
  for (const run of runs) {
    const raw = run.raw;
    const result = await check(run, options);
    const fix = run.fixParameter ?? entry.proof?.fixParameter;
    let status: CellStatus;
    let witness: Witness | null = null;
    const gaps = unreached(run, result);
    if (result.verdict === "incomplete") status = "incomplete";
    else if (result.verdict !== "holds") status = "violated";
    else {
      if (fix !== undefined && raw[fix] !== options.baseline) {
        const baseRaw = { ...raw, [fix]: options.baseline };
        const key = JSON.stringify(baseRaw);
        let w = witnesses.get(key);
        if (!w) {
          const { first: base, violated } = await baselineViolations(
            configureOne(entry, baseRaw),
            options,
          );
          w = {
            baseline: options.baseline,
            verdict: base.verdict,
            property: base.property,
            length: base.trace?.steps.length ?? null,
            violated,
          };
          witnesses.set(key, w);
        }
        witness = w;
      }
      const witnessed =
        witness !== null && (witness.verdict === "violated" || witness.verdict === "deadlock");
      status = gaps.core.length > 0 ? "vacuous" : witnessed ? "proved" : "no-witness";
    }
    const cell: Cell = {
      run,
      result,
      status,
      unreachedCore: gaps.core,
      unreachedBranches: gaps.branches,
      catalogued: gaps.catalogued,
      witness,
      checked: checkedBy(run.model, {
        liveness: withLiveness(run, options),
        deadlock: options.checkDeadlock !== false,
        fairness: options.fairness ?? "weak",
      }),
    };
    cells.push(cell);
    options.onCell?.(cell, cells.length, runs.length);
    if (options.shouldStop?.()) break;
  }
  return cells;
}

/** 0 when every cell is proved; 1 when any is violated; else 3 (incomplete, vacuous, no witness). */
export function proveExitStatus(cells: readonly Pick<CellReport, "status">[]): number {
  if (cells.some((c) => c.status === "violated")) return 1;
  if (cells.some((c) => c.status !== "proved")) return 3;
  return 0;
}
