/**
 * A model from a declared state: its threads (each with its own record in
 * the state, its steps and its step table), its properties, and optionally
 * the footprints partial-order reduction needs. From that one declaration
 * the layer builds two engine models with the same steps, labels,
 * variables and properties:
 *
 * - `objectModel`: states are the declared records, steps run as written
 *   (the reference, and what tests compare against);
 * - `compiledModel`: states are packed part ids; each thread's steps and
 *   each invariant clause are computed once per combination of the parts
 *   they actually read (observed, tracker.ts; memo.ts), and replayed as
 *   part replacements. Sound by construction: nothing is declared by hand.
 */
import type { Footprint, Model, Property, PropertyKind, Step, Variable } from "../engine/index.js";
import { ObservedMemo } from "./memo.js";
import type { Fields, Layout, StateDecl, StateRecord } from "./state.js";
import type { CatalogueStep, StepTable, ThreadStep } from "./steps.js";
import { catalogueOf } from "./steps.js";
import { Reads, tracked, untracked } from "./tracker.js";

export interface ThreadDecl<S> {
  readonly name: string;
  /** The thread's own record: a field, or an element of a list field. */
  readonly own: string | readonly [string, number];
  readonly steps: (s: S) => readonly ThreadStep<S>[];
  /** Whether it still has work it must finish (for deadlock detection); default: never. */
  readonly unfinished?: (s: S) => boolean;
  /** Its steps, with their roles in this configuration (the step catalogue). */
  readonly table: StepTable<never>;
}

/** A property over the state; invariants as clauses (null: fine, else one line). */
export interface PropertyDecl<S> {
  readonly name: string;
  readonly kind: PropertyKind;
  readonly description: string;
  /** always: the clauses, checked in turn; the first failure explains. */
  readonly clauses?: readonly ((s: S) => string | null)[];
  /** The other kinds: the predicate. */
  readonly holds?: (s: S) => boolean;
  readonly explain?: (s: S) => string;
  /** For partial-order reduction: the objects (footprint names) it reads. */
  readonly reads?: readonly string[];
}

export interface FootprintDecl<S> {
  next(s: S, thread: string): Footprint;
  future(s: S, thread: string): Footprint;
  /** The packed words an object name of the footprints stands for. */
  words(object: string): readonly number[];
}

export interface ModelDecl<F extends Fields, C> {
  readonly name: string;
  readonly config: C;
  readonly state: StateDecl<F>;
  readonly init: readonly StateRecord<F>[];
  readonly threads: readonly ThreadDecl<StateRecord<F>>[];
  readonly properties: readonly PropertyDecl<StateRecord<F>>[];
  /**
   * Fold states that differ only by the order of the elements of the lists
   * declared `symmetric` (interchangeable threads): safety properties only.
   */
  readonly symmetry?: boolean;
  /** Variables after the fields' own (e.g. a thread's program counter in kernel words). */
  readonly variables?: (s: StateRecord<F>) => readonly Variable[];
  readonly footprints?: FootprintDecl<StateRecord<F>>;
}

export type Packed = readonly number[];
/** A compiled step's effect: pairs of (word, new part id). */
export type PackedAction = Int32Array;

/** What both forms share: layout, catalogue, checks of the declaration. */
export interface Declared<F extends Fields, C> {
  readonly decl: ModelDecl<F, C>;
  readonly layout: Layout;
  readonly catalogue: readonly CatalogueStep[];
  readonly ownWords: readonly number[];
}

export function declared<F extends Fields, C>(decl: ModelDecl<F, C>): Declared<F, C> {
  if (decl.symmetry && !decl.state.symmetric) {
    throw new Error(`${decl.name}: symmetry asked for, but no list of its state is symmetric`);
  }
  const first = decl.init[0];
  if (first === undefined) throw new Error(`${decl.name}: no initial state`);
  const layout = decl.state.layoutOf(first);
  const names = decl.state.names as readonly string[];
  const ownWords = decl.threads.map((t) => {
    const [field, i] = typeof t.own === "string" ? [t.own, 0] : t.own;
    const f = names.indexOf(field);
    if (f < 0) throw new Error(`${decl.name}: thread ${t.name} owns unknown field '${field}'`);
    return layout.at[f]! + i;
  });
  const catalogue = decl.threads.flatMap((t) =>
    catalogueOf(t.name, t.table as StepTable<C>, decl.config),
  );
  return { decl, layout, catalogue, ownWords };
}

function checkClauses<S>(p: PropertyDecl<S>, s: S): string | null {
  for (const c of p.clauses!) {
    const why = c(s);
    if (why !== null) return why;
  }
  return null;
}

/** The step's name must be in its thread's table (the catalogue). */
function checkInTable<S>(thread: ThreadDecl<S>, st: ThreadStep<S>): void {
  if (!(st.name in thread.table)) {
    throw new Error(`thread ${thread.name}: step '${st.name}' is not in its step table`);
  }
}

/** The declaration run as written: states are records. */
export function objectModel<F extends Fields, C>(
  d: Declared<F, C>,
): Model<StateRecord<F>, (s: StateRecord<F>) => StateRecord<F>> {
  const { decl, layout } = d;
  type S = StateRecord<F>;
  const pack = (s: S) => decl.state.pack(layout, s);
  const fp = decl.footprints;
  return {
    name: decl.name,
    threads: decl.threads.map((t) => t.name),
    initStates: () => decl.init,
    actions(s) {
      const out: Step<(s: S) => S>[] = [];
      for (const t of decl.threads) {
        for (const st of t.steps(s)) {
          checkInTable(t, st);
          out.push({ thread: t.name, name: st.name, label: st.label, action: st.apply });
        }
      }
      return out;
    },
    next: (s, apply) => apply(s),
    properties: decl.properties.map(
      (p): Property<S> => ({
        name: p.name,
        kind: p.kind,
        description: p.description,
        ...(p.reads ? { reads: p.reads } : {}),
        holds: p.clauses ? (s) => checkClauses(p, s) === null : p.holds!,
        explain: p.clauses ? (s) => checkClauses(p, s) ?? "" : (p.explain ?? (() => "")),
      }),
    ),
    encode: decl.symmetry ? (s) => decl.state.canonical(layout, pack(s)) : pack,
    pack,
    unpack: (words) => decl.state.unpack(layout, words),
    unpackable: (words) => decl.state.knows(layout, words),
    unfinished: (s) => decl.threads.filter((t) => t.unfinished?.(s) ?? false).map((t) => t.name),
    variables: (s) => [...decl.state.variables(s), ...(decl.variables?.(s) ?? [])],
    ...(fp
      ? {
          nextFootprint: (s: S, thread: string) => fp.next(s, thread),
          futureFootprint: (s: S, thread: string) => fp.future(s, thread),
        }
      : {}),
  };
}

export interface CompiledOptions {
  /** Recompute every cached step and clause and compare (slow: for tests). */
  readonly verify?: boolean;
}

/**
 * A thread's steps per id of its own word (part ids are dense: arrays).
 * Steps that read nothing but the thread's own record (a finished thread,
 * a step on its locals) are kept without a key.
 */
class ByOwnId<V> {
  private byId: (ObservedMemo<V> | undefined)[] = [];
  readonly alone: (V | undefined)[] = [];

  memo(id: number): ObservedMemo<V> {
    let m = this.byId[id];
    if (m === undefined) {
      m = new ObservedMemo<V>();
      this.byId[id] = m;
    }
    return m;
  }
}

/** The declaration run on packed states, with observed-read memoisation. */
export function compiledModel<F extends Fields, C>(
  d: Declared<F, C>,
  options: CompiledOptions = {},
): Model<Packed, PackedAction> {
  const { decl, layout, ownWords } = d;
  type S = StateRecord<F>;
  const state = decl.state;
  const names = state.names as readonly string[];
  const listFields = new Set(names.filter((n) => state.fields[n]!.tag === "parts"));
  const threads = decl.threads;
  const memos = threads.map(() => new ByOwnId<readonly Step<PackedAction>[]>());
  const kinds = new Map<string, number>();
  const kindOf = (thread: string, name: string): number => {
    const key = `${thread}\u0000${name}`;
    let k = kinds.get(key);
    if (k === undefined) {
      k = kinds.size;
      kinds.set(key, k);
    }
    return k;
  };
  const unpack = (words: Packed): S => state.unpack(layout, words);
  const watched = (words: Packed, reads: Reads): S =>
    tracked(unpack(words), names, listFields, layout, reads);

  /** Thread `ti`'s steps at `words`, computed on the record, with the words they read. */
  function compute(words: Packed, ti: number): { steps: Step<PackedAction>[]; reads: number[] } {
    const t = threads[ti]!;
    const reads = new Reads();
    reads.add(ownWords[ti]!);
    const s = watched(words, reads);
    const steps: Step<PackedAction>[] = [];
    for (const st of t.steps(s)) {
      checkInTable(t, st);
      reads.assigned.clear();
      const after = state.pack(layout, untracked(st.apply(s)));
      // Every word the step assigned, changed here or not: replayed on
      // another state, the same assignment may change it.
      const writes: number[] = [];
      for (let w = 0; w < after.length; w++) {
        if (after[w] !== words[w] || reads.assigned.has(w)) writes.push(w, after[w]!);
      }
      steps.push({
        thread: t.name,
        name: st.name,
        label: st.label,
        action: Int32Array.from(writes),
        kind: kindOf(t.name, st.name),
      });
    }
    return { steps, reads: reads.sorted() };
  }

  function stepsOf(words: Packed, ti: number): readonly Step<PackedAction>[] {
    const own = words[ownWords[ti]!]!;
    const byOwn = memos[ti]!;
    let steps = byOwn.alone[own];
    if (steps !== undefined && !options.verify) return steps;
    const memo = byOwn.memo(own);
    steps ??= memo.get(words);
    if (steps === undefined) {
      const fresh = compute(words, ti);
      steps = fresh.steps;
      if (fresh.reads.length === 1) byOwn.alone[own] = steps;
      else memo.set(words, fresh.reads, steps);
    } else if (options.verify) {
      verifySteps(steps, compute(words, ti).steps, threads[ti]!.name);
    }
    return steps;
  }

  const inits = decl.init.map((s) => state.pack(layout, s));
  const fp = decl.footprints;
  const memoFootprint = (which: "next" | "future") => {
    const memo = threads.map(() => new Map<number, Footprint>());
    const index = new Map(threads.map((t, i) => [t.name, i]));
    return (words: Packed, thread: string): Footprint => {
      const ti = index.get(thread)!;
      const id = words[ownWords[ti]!]!;
      let f = memo[ti]!.get(id);
      if (f === undefined) {
        f = fp![which](unpack(words), thread);
        memo[ti]!.set(id, f);
      }
      return f;
    };
  };
  return {
    name: decl.name,
    threads: threads.map((t) => t.name),
    initStates: () => inits,
    actions(words) {
      const out: Step<PackedAction>[] = [];
      for (let ti = 0; ti < threads.length; ti++) {
        const steps = stepsOf(words, ti);
        for (let i = 0; i < steps.length; i++) out.push(steps[i]!);
      }
      return out;
    },
    hasSteps(words) {
      for (let ti = 0; ti < threads.length; ti++) if (stepsOf(words, ti).length > 0) return true;
      return false;
    },
    next(words, action) {
      const out = words.slice();
      for (let i = 0; i < action.length; i += 2) out[action[i]!] = action[i + 1]!;
      return out;
    },
    properties: decl.properties.map((p) => compileProperty(p, watched, unpack, options)),
    encode: decl.symmetry ? (words) => state.canonical(layout, words) : (words) => words,
    pack: (words) => words,
    unpack: (words) => Array.from(words),
    unpackable: (words) => state.knows(layout, words),
    unfinished: (words) => {
      const s = unpack(words);
      return threads.filter((t) => t.unfinished?.(s) ?? false).map((t) => t.name);
    },
    variables: (words) => {
      const s = unpack(words);
      return [...state.variables(s), ...(decl.variables?.(s) ?? [])];
    },
    ...(fp
      ? { nextFootprint: memoFootprint("next"), futureFootprint: memoFootprint("future") }
      : {}),
  };
}

function verifySteps(
  cached: readonly Step<PackedAction>[],
  fresh: readonly Step<PackedAction>[],
  thread: string,
): void {
  const show = (steps: readonly Step<PackedAction>[]) =>
    steps.map((s) => `${s.name} ${s.label} ${Array.from(s.action).join(",")}`).join(" | ");
  if (show(cached) !== show(fresh)) {
    throw new Error(
      `compiled model: ${thread}'s cached steps differ from its steps here: ${show(cached)} ≠ ${show(fresh)}`,
    );
  }
}

/** A predicate on packed states, evaluated once per combination of the words it read. */
function memoised<S>(
  test: (s: S) => boolean,
  watched: (words: Packed, reads: Reads) => S,
  what: string,
  options: CompiledOptions,
): (words: Packed) => boolean {
  const memo = new ObservedMemo<boolean>();
  return (words) => {
    let ok = memo.get(words);
    if (ok === undefined) {
      const reads = new Reads();
      ok = test(watched(words, reads));
      memo.set(words, reads.sorted(), ok);
    } else if (options.verify && ok !== test(watched(words, new Reads()))) {
      throw new Error(`compiled model: ${what}'s memoised value differs here`);
    }
    return ok;
  };
}

function compileProperty<S>(
  p: PropertyDecl<S>,
  watched: (words: Packed, reads: Reads) => S,
  unpack: (words: Packed) => S,
  options: CompiledOptions,
): Property<Packed> {
  const base = {
    name: p.name,
    kind: p.kind,
    description: p.description,
    ...(p.reads ? { reads: p.reads } : {}),
  };
  if (p.clauses === undefined) {
    const explain = p.explain;
    return {
      ...base,
      holds: memoised(p.holds!, watched, p.name, options),
      ...(explain ? { explain: (words: Packed) => explain(unpack(words)) } : {}),
    };
  }
  const clauses = p.clauses.map((c, i) =>
    memoised((s: S) => c(s) === null, watched, `${p.name} clause ${i}`, options),
  );
  return {
    ...base,
    holds(words) {
      for (let i = 0; i < clauses.length; i++) if (!clauses[i]!(words)) return false;
      return true;
    },
    explain: (words) => checkClauses(p, unpack(words)) ?? "",
  };
}

/**
 * A model's registration (models/registry.ts: `declaredEntry`): the
 * parameters' side, from its params.ts, and its declaration, whose field
 * and configuration types the registry, which runs every model alike,
 * does not keep.
 */
export function registration<R extends object, P, F extends Fields, C>(
  parameters: R,
  declare: (p: P) => Declared<F, C>,
): R & { declare(p: P): Declared<Fields, unknown> } {
  return { ...parameters, declare: declare as unknown as (p: P) => Declared<Fields, unknown> };
}

/**
 * The words footprint objects stand for (FootprintDecl.words), from the
 * declaration: a thread's name, alone or with a suffix (`t.pc`, `t.ref`),
 * is its own record; a field's name, the field's words. `named` places the
 * model's other names (e.g. `folio:A`) as a field and an element.
 */
export function footprintWords<F extends Fields, C>(
  d: Declared<F, C>,
  named?: (object: string) => readonly [field: string, element: number] | undefined,
): (object: string) => readonly number[] {
  const { decl, layout, ownWords } = d;
  const names = decl.state.names as readonly string[];
  const threads = new Map(decl.threads.map((t, i) => [t.name, ownWords[i]!]));
  const wordsOf = (field: string, element?: number): readonly number[] | undefined => {
    const f = names.indexOf(field);
    if (f < 0) return undefined;
    const at = layout.at[f]!;
    if (element !== undefined) return [at + element];
    return Array.from({ length: layout.width[f]! }, (_, i) => at + i);
  };
  return (object) => {
    const place = named?.(object);
    const own = threads.get(object.replace(/\.[^.]*$/, ""));
    const words = place ? wordsOf(place[0], place[1]) : own !== undefined ? [own] : wordsOf(object);
    if (words === undefined)
      throw new Error(`${decl.name}: no word for footprint object ${object}`);
    return words;
  };
}
