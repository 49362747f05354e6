/**
 * The scenario as the checker runs it: the same threads, steps, labels and
 * properties as the object model (index.ts), on states packed as part ids
 * (state.ts `packState`), with the work done once per combination of the
 * parts it depends on instead of once per state.
 *
 * A thread's steps depend only on the parts its next step reads (its
 * footprint, footprint.ts) and on the frames' generations (labels name A,
 * A', ...). The first time a thread meets a combination, its steps are
 * computed on the unpacked state and kept as part replacements (every part
 * the footprint says it writes, set to the id it had after the step);
 * afterwards they are replayed on the packed words. Invariants are
 * evaluated once per combination of the parts they read. Both rely on the
 * footprints being complete: a step that changes a part its footprint does
 * not name throws; a read a footprint leaves out cannot be seen here, which
 * is why the tests compare this model with the object model state for
 * state (test/models/compiled.test.ts), and `verify` recomputes every
 * cached step.
 */

import type { ScenarioProperty } from "../../invariants/invariant.js";
import type { Footprint, Model, Property, Step } from "../../src/engine/index.js";
import type { Folio } from "../../src/kernel/folio.js";
import { threadFootprints } from "./footprint.js";
import type { ScenarioAction } from "./index.js";
import {
  knowsParts,
  packState,
  partObject,
  type ScenarioState,
  type Setup,
  unpackState,
} from "./state.js";
import { TupleMap } from "../../src/declared/tuple-map.js";

/** A state as the packed part ids of `packState`. */
export type Packed = readonly number[];

/** A step's effect: pairs of (word, new part id). */
export type PackedAction = Int32Array;

/** Where each object of the footprints lives in the packed words. */
function positions(setup: Setup): (object: string) => number {
  const n = setup.swapinNames.length;
  const fixed: Record<string, number> = {
    "folio:A": 0,
    "folio:B": 1,
    reclaim: 3,
    writeback: 4,
    migrate: 5,
    "reclaim-dst": 6 + n,
    reuse: 7 + n,
    xa_lock: 8 + n,
    bug: 9 + n,
    xa: 10 + n,
  };
  return (object) => {
    if (object in fixed) return fixed[object]!;
    if (object.startsWith("pte:")) return 2;
    const t = setup.swapinNames.indexOf(object.replace(/\.(pc|ref)$/, ""));
    if (t >= 0) return 6 + t;
    throw new Error(`compiled model: no word for object ${object}`);
  };
}

/** The word of each thread's own local state (whose value fixes its program counter). */
function ownWord(setup: Setup, thread: string): number {
  const at = positions(setup);
  if (thread === "writeback" || thread === "reuse" || thread === "reclaim") return at(thread);
  if (thread === "migrate" || thread === "reclaim-dst") return at(thread);
  return at(`${thread}.pc`);
}

function wordsOf(objects: readonly string[], at: (o: string) => number): number[] {
  return [...new Set(objects.map(at))].sort((a, b) => a - b);
}

/**
 * A thread's `Local` per id of its own word, in an array indexed by the id
 * (part ids are dense): asked for every thread of every state.
 */
class LocalsById {
  private byId: (Local | undefined)[] = new Array(1024).fill(undefined);

  get(id: number): Local | undefined {
    return this.byId[id];
  }

  set(id: number, l: Local): void {
    if (id >= this.byId.length) {
      const grown: (Local | undefined)[] = new Array(Math.max(2 * this.byId.length, id + 1)).fill(
        undefined,
      );
      for (let i = 0; i < this.byId.length; i++) grown[i] = this.byId[i];
      this.byId = grown;
    }
    this.byId[id] = l;
  }
}

/** Cached steps of one thread in one local state: keyed by the words it reads. */
interface Local {
  readonly reads: readonly number[];
  readonly writes: readonly number[];
  readonly steps: TupleMap<readonly Step<PackedAction>[]>;
  /** Touches nothing (a finished thread): no steps, whatever the rest of the state. */
  readonly idle: boolean;
}

/** A map keyed by the words `reads` and the frames' generations, which labels name (see `setKey`). */
function tupleMap<V>(reads: readonly number[]): TupleMap<V> {
  const framesRead = reads.includes(0) && reads.includes(1);
  return new TupleMap<V>(framesRead ? reads.length : reads.length + 2);
}

/** Generations of folio part ids (-1: not looked up yet). */
let generations = new Int32Array(1024).fill(-1);

function generation(folioId: number): number {
  if (folioId >= generations.length) {
    const grown = new Int32Array(Math.max(2 * generations.length, folioId + 1)).fill(-1);
    grown.set(generations);
    generations = grown;
  }
  let g = generations[folioId]!;
  if (g < 0) {
    g = partObject<Folio>(folioId).generation;
    generations[folioId] = g;
  }
  return g;
}

/**
 * Writes the key of `words` for `reads` into `map.key`: the frames'
 * generations first, unless the reads include both frames (whose part ids
 * then say their generations).
 */
function setKey(map: TupleMap<unknown>, words: Packed, reads: readonly number[]): void {
  const key = map.key;
  let at = 0;
  if (key.length > reads.length) {
    key[0] = generation(words[0]!);
    key[1] = generation(words[1]!);
    at = 2;
  }
  for (let i = 0; i < reads.length; i++) key[at + i] = words[reads[i]!]!;
}

export interface CompiledOptions {
  /** Recompute every cached step and compare (slow: for tests). */
  readonly verify?: boolean;
}

export function compiledScenarioModel(
  object: Model<ScenarioState, ScenarioAction> & { readonly setup: Setup },
  options: CompiledOptions = {},
): Model<Packed, PackedAction> & { readonly setup: Setup } {
  const { setup } = object;
  const at = positions(setup);
  const footprints = threadFootprints(setup);
  const threads = object.threads;
  const own = threads.map((t) => ownWord(setup, t));
  const locals = threads.map(() => new LocalsById());
  // Step.kind: one number per (thread, step name), for counting coverage.
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
  const inits = object.initStates().map(packState);

  function local(words: Packed, ti: number): Local {
    const id = words[own[ti]!]!;
    let l = locals[ti]!.get(id);
    if (l === undefined) {
      const f = footprints.get(threads[ti]!)!.next(unpackState(words));
      const reads = wordsOf(f.reads, at);
      const writes = wordsOf(f.writes, at);
      const idle = reads.length === 0 && writes.length === 0;
      l = { reads, writes, steps: tupleMap(reads), idle };
      if (idle && compute(words, ti, l).length > 0) {
        throw new Error(`compiled model: ${threads[ti]} has steps where its footprint is empty`);
      }
      locals[ti]!.set(id, l);
    }
    return l;
  }

  /** The steps of thread `ti`, computed on the object state. */
  function compute(words: Packed, ti: number, l: Local): Step<PackedAction>[] {
    const thread = threads[ti]!;
    const s = unpackState(words);
    const out: Step<PackedAction>[] = [];
    for (const step of object.actions(s)) {
      if (step.thread !== thread) continue;
      const after = packState(object.next(s, step.action));
      for (let w = 0; w < after.length; w++) {
        if (after[w] !== words[w] && !l.writes.includes(w)) {
          throw new Error(
            `compiled model: ${thread}'s ${step.name} changes word ${w}, which its footprint does not write`,
          );
        }
      }
      const action = new Int32Array(2 * l.writes.length);
      l.writes.forEach((w, i) => {
        action[2 * i] = w;
        action[2 * i + 1] = after[w]!;
      });
      out.push({
        thread,
        name: step.name,
        label: step.label,
        action,
        kind: kindOf(thread, step.name),
      });
    }
    return out;
  }

  /** The steps of thread `ti` (cached). */
  function stepsOf(words: Packed, ti: number, l: Local): readonly Step<PackedAction>[] {
    setKey(l.steps, words, l.reads);
    let steps = l.steps.get();
    if (steps === undefined) {
      steps = compute(words, ti, l);
      l.steps.set(steps);
    } else if (options.verify) {
      verifySteps(steps, compute(words, ti, l), threads[ti]!);
    }
    return steps;
  }

  function hasSteps(words: Packed): boolean {
    for (let ti = 0; ti < threads.length; ti++) {
      const l = local(words, ti);
      if (!l.idle && stepsOf(words, ti, l).length > 0) return true;
    }
    return false;
  }

  function actions(words: Packed): readonly Step<PackedAction>[] {
    const out: Step<PackedAction>[] = [];
    for (let ti = 0; ti < threads.length; ti++) {
      const l = local(words, ti);
      if (l.idle) continue;
      const steps = stepsOf(words, ti, l);
      for (let i = 0; i < steps.length; i++) out.push(steps[i]!);
    }
    return out;
  }

  function next(words: Packed, action: PackedAction): Packed {
    const out = words.slice();
    for (let i = 0; i < action.length; i += 2) out[action[i]!] = action[i + 1]!;
    return out;
  }

  const properties = object.properties.map((p) => compileProperty(p, at, options));
  const symmetric = object.encode !== packState;
  const first = 6;
  const swapins = setup.swapinNames.length;
  const memoFootprint = (kind: "nextFootprint" | "futureFootprint") => {
    const memo = threads.map(() => new Map<number, Footprint>());
    return (words: Packed, thread: string): Footprint => {
      const ti = threads.indexOf(thread);
      const id = words[own[ti]!]!;
      let f = memo[ti]!.get(id);
      if (f === undefined) {
        f = object[kind]!(unpackState(words), thread);
        memo[ti]!.set(id, f);
      }
      return f;
    };
  };
  return {
    name: object.name,
    setup,
    threads,
    initStates: () => inits,
    actions,
    hasSteps,
    next,
    properties,
    // Symmetry: the swap-ins' part ids as a multiset (as encodeState).
    encode: symmetric
      ? (words) => {
          const out = words.slice();
          const ids = out.slice(first, first + swapins).sort((a, b) => a - b);
          for (let i = 0; i < swapins; i++) out[first + i] = ids[i]!;
          return out;
        }
      : (words) => words,
    pack: (words) => words,
    unpack: (words) => Array.from(words),
    unpackable: knowsParts,
    unfinished: (words) => object.unfinished!(unpackState(words)),
    variables: (words) => object.variables!(unpackState(words)),
    nextFootprint: memoFootprint("nextFootprint"),
    futureFootprint: memoFootprint("futureFootprint"),
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
      `compiled model: ${thread}'s cached steps differ from its steps here (a read its footprint leaves out): ${show(cached)} ≠ ${show(fresh)}`,
    );
  }
}

/** A predicate on packed states, evaluated once per combination of the words it reads. */
function memoised(
  reads: readonly number[],
  holds: (s: ScenarioState) => boolean,
  what: string,
  options: CompiledOptions,
): (words: Packed) => boolean {
  // A truth value names no frame: unlike steps' labels, it needs no generations.
  const memo = new TupleMap<boolean>(Math.max(1, reads.length));
  const key = memo.key;
  return (words) => {
    for (let i = 0; i < reads.length; i++) key[i] = words[reads[i]!]!;
    let ok = memo.get();
    if (ok === undefined) {
      ok = holds(unpackState(words));
      memo.set(ok);
    } else if (options.verify && ok !== holds(unpackState(words))) {
      throw new Error(`compiled model: ${what} reads a part its reads leave out`);
    }
    return ok;
  };
}

/** A property on packed states: memoised as a whole, or clause by clause. */
function compileProperty(
  p: ScenarioProperty,
  at: (object: string) => number,
  options: CompiledOptions,
): Property<Packed> {
  const explain = p.explain;
  const base = {
    name: p.name,
    kind: p.kind,
    description: p.description,
    ...(p.reads ? { reads: p.reads } : {}),
    ...(explain ? { explain: (words: Packed) => explain(unpackState(words)) } : {}),
  };
  if (p.reads === undefined) return { ...base, holds: (words) => p.holds(unpackState(words)) };
  if (p.clauses === undefined) {
    return { ...base, holds: memoised(wordsOf(p.reads, at), p.holds, p.name, options) };
  }
  const clauses = p.clauses.map((c) =>
    memoised(wordsOf(c.reads, at), (s) => c.check(s) === null, p.name, options),
  );
  return {
    ...base,
    holds(words) {
      for (let i = 0; i < clauses.length; i++) if (!clauses[i]!(words)) return false;
      return true;
    },
  };
}
