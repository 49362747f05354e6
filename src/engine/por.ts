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

/** A footprint as bit sets over interned object names (cached per footprint object). */
interface Bits {
  readonly reads: Uint32Array;
  readonly writes: Uint32Array;
}

function intersects(a: Uint32Array, b: Uint32Array): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if ((a[i]! & b[i]!) !== 0) return true;
  return false;
}

export class AmpleSets<S, A> {
  /** Objects the checked properties read, as bits; null: some property may read anything. */
  private readonly visible: Uint32Array | null;
  private readonly objects = new Map<string, number>();
  private readonly bits = new WeakMap<Footprint, Bits>();
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
    const reads: string[] = [];
    let all = false;
    for (const p of properties) {
      if (p.reads === undefined) all = true;
      else reads.push(...p.reads);
    }
    this.visible = all ? null : this.bitSet(reads);
  }

  /**
   * The indices (into `steps`) of an ample set at `state`, or null to
   * expand every step. Threads are tried in the order of their first step.
   */
  ample(state: S, steps: readonly Step<A>[]): number[] | null {
    if (steps.length < 2) return null;
    const model = this.model;
    let futures: Bits[] | null = null;
    const threads = model.threads;
    let previous: string | null = null;
    for (const step of steps) {
      // A thread's steps are listed together: try each thread once.
      const p = step.thread;
      if (p === previous) continue;
      previous = p;
      const own = this.toBits(model.nextFootprint!(state, p));
      if (!this.invisible(own)) continue;
      futures ??= threads.map((q) => this.toBits(model.futureFootprint!(state, q)));
      let independent = true;
      for (let q = 0; q < threads.length; q++) {
        if (threads[q] !== p && this.conflict(own, futures[q]!)) {
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

  private conflict(a: Bits, b: Bits): boolean {
    return (
      intersects(a.writes, b.reads) ||
      intersects(a.writes, b.writes) ||
      intersects(a.reads, b.writes)
    );
  }

  private invisible(f: Bits): boolean {
    if (!f.writes.some((w) => w !== 0)) return true;
    return this.visible !== null && !intersects(f.writes, this.visible);
  }

  private toBits(f: Footprint): Bits {
    let b = this.bits.get(f);
    if (b === undefined) {
      b = { reads: this.bitSet(f.reads), writes: this.bitSet(f.writes) };
      this.bits.set(f, b);
    }
    return b;
  }

  /** The bit set of `names` (objects get bits in the order they are first seen). */
  private bitSet(names: readonly string[]): Uint32Array {
    const ids = names.map((n) => {
      let id = this.objects.get(n);
      if (id === undefined) {
        id = this.objects.size;
        this.objects.set(n, id);
      }
      return id;
    });
    const out = new Uint32Array((Math.max(-1, ...ids) >> 5) + 1);
    for (const id of ids) out[id >> 5]! |= 1 << (id & 31);
    return out;
  }

  stats(): ReductionStats {
    return {
      reducedStates: this.reducedStates,
      provisoExpansions: this.provisoExpansions,
      stepsSkipped: this.stepsSkipped,
    };
  }
}

/**
 * The order in which a search takes the steps of one state: all of them,
 * or the ample set first and then, if the cycle proviso failed for it
 * (a successor was not on the next level), the steps it left out. Reused
 * from state to state: `start`, then `next` until it returns -1, telling
 * `reached` after each step whether its successor lies on the next level.
 */
export class StepPlan<S, A> {
  private order: readonly number[] | null = null;
  private n = 0;
  private j = 0;
  private settled = true;
  private deeper = true;
  private total = 0;

  constructor(private readonly sets: AmpleSets<S, A> | null) {}

  start(state: S, steps: readonly Step<A>[]): void {
    this.order = this.sets?.ample(state, steps) ?? null;
    this.total = steps.length;
    this.n = this.order ? this.order.length : steps.length;
    this.j = 0;
    this.settled = this.order === null;
    this.deeper = true;
  }

  /** The index of the next step to take, or -1 when the state is done. */
  next(): number {
    if (this.j === this.n && !this.settled) this.settle();
    if (this.j === this.n) return -1;
    const j = this.j++;
    return this.order ? this.order[j]! : j;
  }

  /** Whether the last step's successor lies on the next BFS level. */
  reached(onNextLevel: boolean): void {
    if (!onNextLevel) this.deeper = false;
  }

  /** The ample set is taken: keep it if the proviso holds, else go on with the rest. */
  private settle(): void {
    this.settled = true;
    const sets = this.sets!;
    if (this.deeper) {
      sets.reducedStates++;
      sets.stepsSkipped += this.total - this.n;
      return;
    }
    sets.provisoExpansions++;
    const taken = this.order!;
    const rest: number[] = [];
    for (let x = 0; x < this.total; x++) if (!taken.includes(x)) rest.push(x);
    this.order = rest;
    this.n = rest.length;
    this.j = 0;
  }
}
