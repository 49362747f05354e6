/**
 * Partial-order reduction by ample sets (Peled; Clarke, Grumberg & Peled,
 * "Model Checking", ch. 10), with the cycle proviso in the form a
 * breadth-first search can check.
 *
 * At a state s the search may expand, instead of every enabled step, only
 * the enabled steps of one thread p (the ample set), when:
 *
 *   C0  p has an enabled step (so a state with steps keeps one: deadlocks
 *       are preserved);
 *   C1  every step p can take from its local state (enabled or not:
 *       `nextFootprint`) is independent of everything every other thread
 *       may still do (`futureFootprint`): no write of one meets a read or
 *       write of the other. So on any run from s, the other threads' steps
 *       before p's next step commute with it and cannot enable or disable
 *       it;
 *   C2  p's next step writes no object a checked property reads (it is
 *       invisible: the properties' values do not change along it);
 *   C3  (cycle proviso) every successor by the ample set lies on the next
 *       BFS level (it is new, or was first reached from this level). Then
 *       every edge of the reduced graph out of a reduced state goes one
 *       level deeper, so every cycle of the reduced graph passes through a
 *       fully expanded state, and no step is postponed forever. The search
 *       checks this after taking the ample steps, and takes the other
 *       steps too when it fails.
 *
 * With C0–C3 the reduced graph reaches a state violating an invariant
 * ("always", a stutter-invariant safety property over the declared reads)
 * exactly when the full one does, and a deadlock exactly when the full one
 * does. It does not preserve shortest paths (the postponed steps come
 * later), so the search re-runs an unreduced search, bounded at the depth
 * found, to report a shortest counterexample (bfs.ts). Liveness under
 * fairness needs stronger conditions: the liveness checker never reduces.
 */
import type { Footprint, Model, Property, Step } from "./model.js";

export interface ReductionStats {
  /** States expanded by an ample set only. */
  readonly reducedStates: number;
  /** States where an ample set was found but the cycle proviso made the search expand all steps. */
  readonly provisoExpansions: number;
  /** Enabled steps left unexplored at reduced states. */
  readonly stepsSkipped: number;
}

/** Does `a` write an object `b` reads or writes, or `b` write one `a` reads? */
export function conflicts(a: Footprint, b: Footprint): boolean {
  if (b.writes.length === 0 && a.writes.length === 0) return false;
  for (const w of a.writes) if (b.reads.includes(w) || b.writes.includes(w)) return true;
  for (const w of b.writes) if (a.reads.includes(w)) return true;
  return false;
}

export class AmpleSets<S, A> {
  /** Objects the checked properties read; null: some property may read anything. */
  private readonly visible: ReadonlySet<string> | null;
  reducedStates = 0;
  provisoExpansions = 0;
  stepsSkipped = 0;

  constructor(
    private readonly model: Model<S, A>,
    properties: readonly Property<S>[],
  ) {
    if (!model.nextFootprint || !model.futureFootprint) {
      throw new Error(
        `model ${model.name} declares no footprints: partial-order reduction needs them`,
      );
    }
    const reads = new Set<string>();
    let all = false;
    for (const p of properties) {
      if (p.reads === undefined) all = true;
      else for (const r of p.reads) reads.add(r);
    }
    this.visible = all ? null : reads;
  }

  /**
   * The indices (into `steps`) of an ample set at `state`, or null to
   * expand every step. Threads are tried in the order of their first step.
   */
  ample(state: S, steps: readonly Step<A>[]): number[] | null {
    if (steps.length < 2) return null;
    const model = this.model;
    let futures: Map<string, Footprint> | null = null;
    const tried = new Set<string>();
    for (const step of steps) {
      const p = step.thread;
      if (tried.has(p)) continue;
      tried.add(p);
      const own = model.nextFootprint!(state, p);
      if (!this.invisible(own)) continue;
      futures ??= new Map(model.threads.map((q) => [q, model.futureFootprint!(state, q)]));
      let independent = true;
      for (const [q, future] of futures) {
        if (q !== p && conflicts(own, future)) {
          independent = false;
          break;
        }
      }
      if (!independent) continue;
      const indices: number[] = [];
      for (let i = 0; i < steps.length; i++) if (steps[i]!.thread === p) indices.push(i);
      if (indices.length === steps.length) return null;
      return indices;
    }
    return null;
  }

  private invisible(f: Footprint): boolean {
    if (f.writes.length === 0) return true;
    const visible = this.visible;
    if (visible === null) return false;
    for (const w of f.writes) if (visible.has(w)) return false;
    return true;
  }

  stats(): ReductionStats {
    return {
      reducedStates: this.reducedStates,
      provisoExpansions: this.provisoExpansions,
      stepsSkipped: this.stepsSkipped,
    };
  }
}
