/**
 * One participant of a parallel search (parallel.ts): it expands states of
 * the current BFS level, taking chunks of it from shared memory until none
 * is left (shared-level.ts), and writes the new states it stores into
 * chunks of its own for the next level. Run by each worker thread
 * (parallel-worker.ts) and by the main thread itself.
 *
 * A state another thread stored is unpacked here when the model can
 * (`Model.unpackable`), else rebuilt by re-executing its path from an
 * initial state (which, for the scenario's compiled model, also teaches
 * this thread the part values it had not met).
 *
 * `expand` yields every 4096 transitions (so that the main thread's event
 * loop can run between slices) and ends with a reply: the level is done,
 * a violation or deadlock was found (the search stops), or the table is
 * full. After "full" nothing of the step was stored; once the table has
 * grown, `expand` goes on from that very step.
 */
import { CoverageCounter, classifyState, type Found, packedOf } from "./breadth-first.js";
import type { Slices } from "./drain.js";
import type { Model, Property, Step } from "./model.js";
import { AmpleSets, type ReductionStats, StepPlan } from "./por.js";
import { SharedLevelReader, SharedLevelWriter } from "./shared-level.js";
import type { SharedFingerprintTable } from "./shared-store.js";
import { NondeterministicModelError, pathTo, replayPath } from "./trace.js";

export type LevelReply =
  | {
      readonly type: "level-done";
      /** States stored for the next level, and the chunks holding them. */
      readonly queued: number;
      readonly chunks: SharedArrayBuffer[];
      readonly stopped: boolean;
    }
  | { readonly type: "found"; readonly found: Found }
  /** The table is full: grow it, then `expand` again. */
  | { readonly type: "full" };

/** What a participant reports at the end of the search. */
export interface ExpanderTotals {
  readonly coverage: [string, number][];
  readonly covered: string[];
  readonly transitions: number;
  readonly partialOrder: ReductionStats | null;
  /** States of other threads rebuilt from their paths. */
  readonly rebuilt: number;
  /** Level chunks taken from other participants. */
  readonly stolen: number;
}

/** The level being expanded: where to go on from after "full". */
interface Expansion<S, A> {
  readonly level: SharedLevelReader;
  /** The state being expanded, its id and steps. */
  id: number;
  source: S;
  steps: readonly Step<A>[];
  /** A step whose successor could not be stored yet, or -1. */
  pending: number;
}

/** The shared control words: STOP, then one cursor per participant's segment from CURSORS on. */
export const STOP = 0;
export const CURSORS = 1;

/** The record of a state a model cannot pack: rebuilt from its path where it is expanded. */
const NO_STATE: readonly number[] = [];

export class LevelExpander<S, A> {
  private readonly next = new SharedLevelWriter();
  private rebuilt = 0;
  private stolen = 0;
  private readonly invariants: readonly Property<S>[];
  private uncovered: Property<S>[];
  private readonly covered: string[] = [];
  private readonly coverage = new CoverageCounter();
  private transitions = 0;
  private readonly ampleSets: AmpleSets<S, A> | null;
  private readonly plan: StepPlan<S, A>;
  /** The id the last `visit` reached, and the first id of the level being generated. */
  private lastId = -1;
  private levelStart = 0;
  private expansion: Expansion<S, A> | null = null;

  constructor(
    private readonly model: Model<S, A>,
    private readonly table: SharedFingerprintTable,
    /** [STOP] ≠ 0: every participant stops at its next slice; then the level's cursors. */
    private readonly control: Int32Array,
    /** This participant's index (its segment of each level). */
    private readonly self: number,
    private readonly options: { readonly checkDeadlock?: boolean },
    partialOrder: boolean,
  ) {
    this.invariants = model.properties.filter((p) => p.kind === "always");
    this.uncovered = model.properties.filter((p) => p.kind === "sometimes");
    this.ampleSets = partialOrder
      ? new AmpleSets(model, [...this.invariants, ...this.uncovered])
      : null;
    this.plan = new StepPlan(this.ampleSets);
  }

  /**
   * Starts a level: `segments[p]` holds the states participant p stored;
   * ids from `levelStart` on belong to the level being generated.
   */
  startLevel(levelStart: number, segments: readonly (readonly SharedArrayBuffer[])[]): void {
    this.levelStart = levelStart;
    this.expansion = {
      level: new SharedLevelReader(segments, this.control, CURSORS, this.self, (b) =>
        this.next.recycle(b),
      ),
      id: -1,
      source: undefined as S,
      steps: [],
      pending: -1,
    };
    this.plan.start(undefined as S, []);
  }

  /** Expands the level started (or goes on after "full"), yielding every 4096 transitions. */
  *expand(): Slices<LevelReply> {
    const e = this.expansion!;
    const { coverage, plan } = this;
    if (e.pending >= 0) {
      const i = e.pending;
      e.pending = -1;
      const r = this.take(e, i);
      if (r) return r;
    }
    for (;;) {
      for (let i = plan.next(); i >= 0; i = plan.next()) {
        const step = e.steps[i]!;
        coverage.countStep(step);
        this.transitions++;
        if ((this.transitions & 0xfff) === 0) {
          yield;
          if (Atomics.load(this.control, STOP) !== 0) return this.done(true);
        }
        const r = this.take(e, i);
        if (r) return r;
      }
      if (!this.load(e)) break;
    }
    return this.done(false);
  }

  totals(): ExpanderTotals {
    return {
      coverage: [...this.coverage.toMap()],
      covered: this.covered,
      transitions: this.transitions,
      partialOrder: this.ampleSets?.stats() ?? null,
      rebuilt: this.rebuilt,
      stolen: this.stolen,
    };
  }

  /** The next state of the level, its steps planned; false when the level is done. */
  private load(e: Expansion<S, A>): boolean {
    const packed = e.level.next();
    if (packed === null) return false;
    e.id = e.level.id;
    e.source = this.unpack(e.id, packed);
    e.steps = this.model.actions(e.source);
    this.plan.start(e.source, e.steps);
    return true;
  }

  /** The state stored under `id`, packed as `packed` (by this thread or another). */
  private unpack(id: number, packed: readonly number[]): S {
    const model = this.model;
    if (model.unpack && packed.length > 0 && (model.unpackable?.(packed) ?? true)) {
      return model.unpack(packed);
    }
    this.rebuilt++;
    const trace = replayPath(model, pathTo(this.table, id));
    const state = trace.steps.at(-1)?.state ?? trace.init;
    if (!this.table.matches(id, model.encode(state))) {
      throw new NondeterministicModelError(`parallel search: state ${id} rebuilt differently`);
    }
    return state;
  }

  private done(stopped: boolean): LevelReply {
    this.stolen += this.expansion!.level.stolen;
    this.expansion = null;
    const queued = this.next.length;
    return { type: "level-done", queued, chunks: this.next.take(), stopped };
  }

  /** Takes step i of the state being expanded: null to go on, else the reply that ends the slice. */
  private take(e: Expansion<S, A>, i: number): LevelReply | null {
    const r = this.visit(this.model.next(e.source, e.steps[i]!.action), e.id, i);
    if (r === "full") {
      e.pending = i;
      return { type: "full" };
    }
    if (r !== null) return r;
    this.plan.reached(this.lastId >= this.levelStart);
    return null;
  }

  /** Stores and checks a successor: null, "full" (nothing stored), or a violation found. */
  private visit(state: S, parent: number, step: number): LevelReply | "full" | null {
    const model = this.model;
    const code = model.encode(state);
    const r = this.table.findOrInsert(code, parent, step);
    if (r === -1) return "full";
    this.lastId = r < -1 ? -2 - r : r;
    if (r < 0) return null;
    if (this.uncovered.length > 0) {
      for (const p of this.uncovered) if (p.holds(state)) this.covered.push(p.name);
      this.uncovered = this.uncovered.filter((p) => !this.covered.includes(p.name));
    }
    const enabled = model.hasSteps ? model.hasSteps(state) : model.actions(state).length > 0;
    const bad = classifyState(model, this.invariants, this.options, state, enabled);
    if (bad) {
      Atomics.store(this.control, STOP, 1);
      return { type: "found", found: { ...bad, id: r } };
    }
    if (enabled) this.next.push(r, packedOf(model, state, code) ?? NO_STATE);
    return null;
  }
}
