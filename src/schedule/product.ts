/**
 * `check --schedule`: the product of a model with a schedule's automaton.
 * A state is (model state, row, cells of the row done, constraint bits);
 * the product offers a step of the model only when the schedule allows it
 * (docs/schedules.md):
 *   - a step that is an undone cell of the next row (same thread, same
 *     step name) is taken as that cell; once every cell of the row is
 *     done, the next row is next;
 *   - otherwise a step is offered when its thread is free there: it has
 *     `...` on the next row or on a row since the previous one; after the
 *     last row every thread is free (with `scheduleOnly`: only those with
 *     `...` after the last row);
 *   - a constraint `a:x < b:y` withholds b's step y until a took x.
 * The engine explores the product as any model: BFS, shortest and
 * fewest-switch traces, liveness. Partial-order reduction is not offered
 * (the product declares no footprints: the schedule reads every step).
 *
 * Liveness: a lasso must follow the whole schedule, so its loop lies after
 * the last row: for □◇P the product's P also holds in every state before
 * the schedule is complete. A state where the model could step but the
 * schedule allows nothing (the run cannot follow the schedule) is not a
 * deadlock and satisfies every liveness property: such runs are dropped,
 * never counterexamples.
 *
 * The product also records how far the schedule got, for the verdict
 * "infeasible" (`feasibility`).
 */
import type { Model, Property, SearchResult, Step, Trace } from "../engine/index.js";
import type { CompiledRow, CompiledSchedule } from "./compile.js";

export interface Scheduled<S> {
  readonly state: S;
  /** Index of the next row (rows.length: the schedule's rows are done). */
  readonly row: number;
  /** Cells of the next row already taken (bit i: cell i). */
  readonly done: number;
  /** Constraint k: bit 2k set once its `before` happened, bit 2k+1 once its `after` did. */
  readonly seen: number;
}

interface ScheduledAction<A> {
  readonly action: A;
  readonly row: number;
  readonly done: number;
  readonly seen: number;
}

/** Why the schedule's next row did not happen, gathered over the states where it was next. */
interface Frontier {
  /** The furthest row index reached (never rows.length: then the schedule was complete). */
  row: number;
  /** States expanded with this row next (distinct: a state may be expanded more than once). */
  states: number;
  readonly keys: Set<string>;
  /** Per cell of the row: the names of the steps its thread could take there. */
  readonly could: Map<number, Set<string>>;
  /** Per cell: how often the thread had no step at all. */
  readonly stuck: Map<number, number>;
  /** Per cell: the constraint (index) that withheld the step, when one did. */
  readonly withheld: Map<number, number>;
}

export interface ScheduleProduct<S, A> {
  readonly model: Model<Scheduled<S>, ScheduledAction<A>>;
  /** Whether some explored state completed the schedule (every row and constraint). */
  completed(): boolean;
  /**
   * When no explored state completed the schedule: one line saying which
   * row (or constraint) never happens and what blocks it; else null.
   */
  infeasibility(): string | null;
}

const bit = (k: number) => 1 << k;

export interface ProductOptions {
  /** Without it every thread runs freely after the last row. */
  readonly scheduleOnly?: boolean;
}

export function scheduleProduct<S, A>(
  inner: Model<S, A>,
  schedule: CompiledSchedule,
  options: ProductOptions = {},
): ScheduleProduct<S, A> {
  const rows = schedule.rows;
  const constraints = schedule.constraints;
  const allSeen = constraints.reduce((m, _, k) => m | bit(2 * k + 1), 0);
  const isComplete = (p: Scheduled<S>) => p.row === rows.length && (p.seen & allSeen) === allSeen;
  let completed = false;
  /** Constraint bits seen in states whose rows were all done (which constraint never closed). */
  let rowsDoneSeen: number | null = null;
  const frontier: Frontier = {
    row: -1,
    states: 0,
    keys: new Set(),
    could: new Map(),
    stuck: new Map(),
    withheld: new Map(),
  };
  const note = (p: Scheduled<S>, steps: readonly Step<A>[], withheld: Map<number, number>) => {
    if (p.row === rows.length) rowsDoneSeen = (rowsDoneSeen ?? 0) | p.seen;
    if (p.row < frontier.row || p.row >= rows.length) return;
    if (p.row > frontier.row) {
      frontier.row = p.row;
      frontier.states = 0;
      frontier.keys.clear();
      frontier.could.clear();
      frontier.stuck.clear();
      frontier.withheld.clear();
    }
    const key = `${Array.from(inner.encode(p.state)).join(",")}/${p.done}/${p.seen}`;
    if (frontier.keys.has(key)) return;
    frontier.keys.add(key);
    frontier.states++;
    const row = rows[p.row]!;
    row.cells.forEach((cell, i) => {
      if (p.done & bit(i)) return;
      const mine = steps.filter((s) => s.thread === cell.thread);
      if (mine.length === 0) frontier.stuck.set(i, (frontier.stuck.get(i) ?? 0) + 1);
      const could = frontier.could.get(i) ?? new Set<string>();
      for (const s of mine) could.add(s.name);
      frontier.could.set(i, could);
      const k = withheld.get(i);
      if (k !== undefined) frontier.withheld.set(i, k);
    });
  };

  /** The product's step for `step` from `p`, or null when the schedule withholds it. */
  const admit = (
    p: Scheduled<S>,
    step: Step<A>,
    withheld: Map<number, number>,
  ): ScheduledAction<A> | null => {
    let seen = p.seen;
    for (let k = 0; k < constraints.length; k++) {
      const c = constraints[k]!;
      if (c.after.thread === step.thread && c.after.step === step.name) {
        if (!(seen & bit(2 * k))) {
          // Withheld: note it against the row's cell it would have matched.
          const row = rows[p.row];
          const i = row?.cells.findIndex((x) => x.thread === step.thread && x.step === step.name);
          if (i !== undefined && i >= 0) withheld.set(i, k);
          return null;
        }
        seen |= bit(2 * k + 1);
      }
      if (c.before.thread === step.thread && c.before.step === step.name) seen |= bit(2 * k);
    }
    if (p.row >= rows.length) {
      const free = !options.scheduleOnly || schedule.endFree.has(step.thread);
      return free ? { action: step.action, row: p.row, done: p.done, seen } : null;
    }
    const row: CompiledRow = rows[p.row]!;
    const i = row.cells.findIndex(
      (c, j) => !(p.done & bit(j)) && c.thread === step.thread && c.step === step.name,
    );
    if (i >= 0) {
      const done = p.done | bit(i);
      return done === bit(row.cells.length) - 1
        ? { action: step.action, row: p.row + 1, done: 0, seen }
        : { action: step.action, row: p.row, done, seen };
    }
    return row.free.has(step.thread)
      ? { action: step.action, row: p.row, done: p.done, seen }
      : null;
  };

  const actions = (p: Scheduled<S>): Step<ScheduledAction<A>>[] => {
    const steps = inner.actions(p.state);
    const withheld = new Map<number, number>();
    const out: Step<ScheduledAction<A>>[] = [];
    for (const step of steps) {
      const a = admit(p, step, withheld);
      if (a) out.push({ ...step, action: a });
    }
    note(p, steps, withheld);
    return out;
  };

  /** The model could step, the schedule lets nothing happen: the run cannot follow it. */
  const deadEnd = (p: Scheduled<S>) => {
    const steps = inner.actions(p.state);
    if (steps.length === 0) return false;
    const withheld = new Map<number, number>();
    return !steps.some((s) => admit(p, s, withheld) !== null);
  };

  const wrap = (prop: Property<S>): Property<Scheduled<S>> => {
    const base = {
      ...prop,
      explain: prop.explain && ((p: Scheduled<S>) => prop.explain!(p.state)),
    };
    switch (prop.kind) {
      case "always-eventually":
        return {
          ...base,
          holds: (p) => !isComplete(p) || prop.holds(p.state) || deadEnd(p),
        };
      case "eventually":
        return { ...base, holds: (p) => prop.holds(p.state) || deadEnd(p) };
      default:
        return { ...base, holds: (p) => prop.holds(p.state) };
    }
  };

  const tail = (p: Scheduled<S>) => [p.row, p.done, p.seen];
  const split = (packed: ArrayLike<number>) => {
    const n = packed.length - 3;
    const head = new Int32Array(n);
    for (let i = 0; i < n; i++) head[i] = packed[i]!;
    return { head, row: packed[n]!, done: packed[n + 1]!, seen: packed[n + 2]! };
  };
  const innerPack = inner.pack;
  const innerUnpack = inner.unpack;
  const packing =
    innerPack && innerUnpack
      ? {
          pack: (p: Scheduled<S>) => [...Array.from(innerPack.call(inner, p.state)), ...tail(p)],
          unpack: (packed: ArrayLike<number>): Scheduled<S> => {
            const { head, row, done, seen } = split(packed);
            return { state: innerUnpack.call(inner, head), row, done, seen };
          },
          ...(inner.unpackable
            ? { unpackable: (packed: ArrayLike<number>) => inner.unpackable!(split(packed).head) }
            : {}),
        }
      : {};

  const model: Model<Scheduled<S>, ScheduledAction<A>> = {
    name: `${inner.name} (schedule ${schedule.source})`,
    threads: inner.threads,
    initStates: () =>
      inner.initStates().map((state) => {
        const p = { state, row: 0, done: 0, seen: 0 };
        if (isComplete(p)) completed = true;
        return p;
      }),
    actions,
    next(p, a) {
      const q = { state: inner.next(p.state, a.action), row: a.row, done: a.done, seen: a.seen };
      if (!completed && isComplete(q)) completed = true;
      return q;
    },
    properties: inner.properties.map(wrap),
    encode: (p) => [...Array.from(inner.encode(p.state)), ...tail(p)],
    ...packing,
    // A state the schedule does not let go on is no deadlock: only one the model cannot leave.
    unfinished: (p) =>
      inner.actions(p.state).length === 0 ? (inner.unfinished?.(p.state) ?? []) : [],
    ...(inner.variables ? { variables: (p: Scheduled<S>) => inner.variables!(p.state) } : {}),
  };

  const cellText = (row: CompiledRow, i: number) => {
    const c = row.cells[i]!;
    return `${c.thread}:${c.step}`;
  };
  const infeasibility = (): string | null => {
    if (completed) return null;
    const src = schedule.source;
    if (rowsDoneSeen !== null || frontier.row < 0) {
      // Every row happened; a constraint's `after` never did.
      const seen = rowsDoneSeen ?? 0;
      const open = constraints.find((_, k) => !(seen & bit(2 * k + 1)));
      if (!open) return `${src}: no run follows the schedule`;
      const a = `${open.before.thread}:${open.before.step}`;
      const b = `${open.after.thread}:${open.after.step}`;
      return `the constraint ${a} < ${b} (${src}:${open.line}) is never met: after the last row, ${b} never happens after ${a}`;
    }
    const row = rows[frontier.row]!;
    const reasons: string[] = [];
    row.cells.forEach((cell, i) => {
      const could = frontier.could.get(i);
      if (could === undefined) return; // done in every state where the row was next
      const k = frontier.withheld.get(i);
      if (k !== undefined) {
        const c = constraints[k]!;
        reasons.push(
          `${cellText(row, i)} waits for ${c.before.thread}:${c.before.step} (the constraint on line ${c.line})`,
        );
        return;
      }
      const stuck = frontier.stuck.get(i) ?? 0;
      const names = [...could].sort();
      const parts: string[] = [];
      if (names.length > 0) parts.push(`${cell.thread} could only take ${names.join(", ")}`);
      if (stuck > 0) {
        parts.push(
          `${stuck === frontier.states ? "" : `in ${stuck} of them `}${cell.thread} had no step enabled (blocked or finished)`,
        );
      }
      reasons.push(`${cellText(row, i)} is never enabled: ${parts.join("; ")}`);
    });
    const where = `${frontier.states} reached state${frontier.states === 1 ? "" : "s"} where row ${row.index} is next`;
    return `row ${row.index} (${src}:${row.line}) never happens: in the ${where}, ${reasons.join("; ")}`;
  };

  return { model, completed: () => completed, infeasibility };
}

/** The model's own view of a result found on the product. */
export function unwrapScheduled<S>(result: SearchResult<Scheduled<S>>): SearchResult<S> {
  const t = result.trace;
  const trace: Trace<S> | null = t && {
    ...t,
    init: t.init.state,
    steps: t.steps.map((s) => ({ ...s, state: s.state.state })),
  };
  return { ...result, trace };
}
