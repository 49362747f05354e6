/**
 * One participant of a parallel search (parallel.ts): it owns the states it
 * inserted first into the shared seen-set and expands them one BFS level
 * at a time. Run by each worker thread (parallel-worker.ts) and by the
 * main thread itself, which takes a share of every level.
 *
 * `expand` yields every 4096 transitions (so that the main thread's event
 * loop can run between slices) and ends with a reply: the level is done,
 * a violation or deadlock was found (the search stops), or the table is
 * full. After "full" nothing of the step was stored; once the table has
 * grown, `expand` goes on from that very step.
 */
import {
  CoverageCounter,
  classifyState,
  type Found,
  type Level,
  newLevel,
  packedOf,
} from "./breadth-first.js";
import type { Slices } from "./drain.js";
import type { Model, Property, Step } from "./model.js";
import { AmpleSets, type ReductionStats, StepPlan } from "./por.js";
import type { SharedFingerprintTable } from "./shared-store.js";

export type LevelReply =
  | { readonly type: "level-done"; readonly queued: number; readonly stopped: boolean }
  | { readonly type: "found"; readonly found: Found }
  /** The table is full: grow it, then `expand` again. */
  | { readonly type: "full" };

/** What a participant reports at the end of the search. */
export interface ExpanderTotals {
  readonly coverage: [string, number][];
  readonly covered: string[];
  readonly transitions: number;
  readonly partialOrder: ReductionStats | null;
}

/** The level being expanded: where to go on from after "full". */
interface Expansion<S, A> {
  readonly next: Level<S>;
  /** The state being expanded (its index in the frontier), its id and steps. */
  k: number;
  id: number;
  source: S;
  steps: readonly Step<A>[];
  /** A step whose successor could not be stored yet, or -1. */
  pending: number;
}

export class LevelExpander<S, A> {
  private frontier: Level<S>;
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
    /** [0] ≠ 0: every participant stops at its next slice. */
    private readonly control: Int32Array,
    private readonly options: { readonly checkDeadlock?: boolean },
    partialOrder: boolean,
  ) {
    this.frontier = newLevel(model as Model<S, unknown>);
    this.invariants = model.properties.filter((p) => p.kind === "always");
    this.uncovered = model.properties.filter((p) => p.kind === "sometimes");
    this.ampleSets = partialOrder
      ? new AmpleSets(model, [...this.invariants, ...this.uncovered])
      : null;
    this.plan = new StepPlan(this.ampleSets);
  }

  /** States waiting in this participant's frontier. */
  get queued(): number {
    return this.frontier.length;
  }

  /** Adds a state of the first shared frontier (already stored and checked). */
  seed(id: number, state: S): void {
    this.frontier.push(id, state, packedOf(this.model, state, this.model.encode(state)));
  }

  /** Starts a level; ids from `levelStart` on belong to the level being generated. */
  startLevel(levelStart: number): void {
    this.levelStart = levelStart;
    const e: Expansion<S, A> = {
      next: newLevel(this.model as Model<S, unknown>),
      k: 0,
      id: -1,
      source: undefined as S,
      steps: [],
      pending: -1,
    };
    this.expansion = e;
    if (this.frontier.length > 0) this.load(e, 0);
    else this.plan.start(undefined as S, []);
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
        coverage.count(step.thread, step.name);
        this.transitions++;
        if ((this.transitions & 0xfff) === 0) {
          yield;
          if (Atomics.load(this.control, 0) !== 0) return this.done(e, true);
        }
        const r = this.take(e, i);
        if (r) return r;
      }
      if (e.k + 1 >= this.frontier.length) break;
      this.load(e, e.k + 1);
    }
    return this.done(e, false);
  }

  totals(): ExpanderTotals {
    return {
      coverage: [...this.coverage.toMap()],
      covered: this.covered,
      transitions: this.transitions,
      partialOrder: this.ampleSets?.stats() ?? null,
    };
  }

  private load(e: Expansion<S, A>, k: number): void {
    e.k = k;
    e.id = this.frontier.id(k);
    e.source = this.frontier.take(k);
    e.steps = this.model.actions(e.source);
    this.plan.start(e.source, e.steps);
  }

  private done(e: Expansion<S, A>, stopped: boolean): LevelReply {
    this.expansion = null;
    if (!stopped) this.frontier = e.next;
    return { type: "level-done", queued: e.next.length, stopped };
  }

  /** Takes step i of the state being expanded: null to go on, else the reply that ends the slice. */
  private take(e: Expansion<S, A>, i: number): LevelReply | null {
    const r = this.visit(this.model.next(e.source, e.steps[i]!.action), e.id, i, e.next);
    if (r === "full") {
      e.pending = i;
      return { type: "full" };
    }
    if (r !== null) return r;
    this.plan.reached(this.lastId >= this.levelStart);
    return null;
  }

  /** Stores and checks a successor: null, "full" (nothing stored), or a violation found. */
  private visit(
    state: S,
    parent: number,
    step: number,
    next: Level<S>,
  ): LevelReply | "full" | null {
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
      Atomics.store(this.control, 0, 1);
      return { type: "found", found: { ...bad, id: r } };
    }
    if (enabled) next.push(r, state, packedOf(model, state, code));
    return null;
  }
}
