/**
 * What the toys share on the declared-state layer: part kinds for small
 * tuples (a program counter or a flag per thread, kept as one part so that
 * a state reads `s.pc[i]` as the hand-written toys' did), how a field shows
 * in reports (the names a state's fields had: `pc[0]`, `locked`), and a
 * registration for `swapcheck` (models/registry.ts) with no parameters.
 */
import type { Declared } from "../../src/declared/model.js";
import { type PartKind, partKind } from "../../src/declared/parts.js";
import type { Fields } from "../../src/declared/state.js";
import type { Variable } from "../../src/engine/index.js";
import { rejectUnknown } from "../../src/params.js";
import type { DeclaredRegistration } from "../registry.js";

/**
 * `t` with `key` set to `value`, reading the field first. The compiled
 * model records a step's effect as the words that changed, memoised on the
 * words the step read: a step that overwrites a word without reading it
 * would replay "unchanged" where the value differed. Every write of a field
 * other than the thread's own therefore goes through here (or reads it).
 */
export function put<S, K extends keyof S & string>(t: S, key: K, value: S[K]): S {
  if (t[key] === value) return t;
  return (t as unknown as { set(k: string, v: unknown): S }).set(key, value);
}

/** A frozen array (a part value must never change; frozen, it carries no id of its own). */
export function tuple<T>(items: readonly T[]): readonly T[] {
  return Object.freeze([...items]);
}

/** `items` with element `i` replaced by `value`. */
export function replaced<T>(items: readonly T[], i: number, value: T): readonly T[] {
  const out = [...items];
  out[i] = value;
  return Object.freeze(out);
}

/** Tuples of numbers as one part (the length is fixed by the configuration). */
export function numbersPart(name: string): PartKind<readonly number[]> {
  return partKind<readonly number[]>(name, (v, out) => {
    for (const x of v) out.push(x);
  });
}

/** Tuples of booleans as one part. */
export function flagsPart(name: string): PartKind<readonly boolean[]> {
  return partKind<readonly boolean[]>(name, (v, out) => {
    for (const x of v) out.push(x ? 1 : 0);
  });
}

/** One number as a part. */
export function numberPart(name: string): PartKind<number> {
  return partKind<number>(name, (v, out) => out.push(v));
}

interface ShowOptions {
  /** A thread's program state: shown in whole states, left out of a trace's deltas. */
  readonly local?: boolean;
}

const variable = (name: string, value: unknown, o: ShowOptions): Variable => ({
  name,
  value: String(value),
  ...(o.local ? { local: true } : {}),
});

/** A field shown as itself: `locked = false`. */
export function shown(o: ShowOptions = {}) {
  return (v: unknown, _s: unknown, name: string): Variable[] => [variable(name, v, o)];
}

/** A tuple or list shown element by element: `pc[0] = 1` (`prefix` replaces the field's name). */
export function shownEach(o: ShowOptions & { readonly prefix?: string } = {}) {
  return (v: Iterable<unknown>, _s: unknown, name: string): Variable[] =>
    [...v].map((x, i) => variable(`${o.prefix ?? name}[${i}]`, x, o));
}

/** The registration of a toy: no parameters, one configuration, threads without a description. */
export function toyRegistration<F extends Fields>(
  name: string,
  summary: string,
  declareToy: () => Declared<F, null>,
): DeclaredRegistration<null> {
  const declare = () => declareToy() as unknown as Declared<Fields, unknown>;
  return {
    name,
    version: 1,
    summary,
    parameters: [],
    threads: declare().decl.threads.map((t) => ({ name: t.name, description: "" })),
    parse: (raw) => {
      rejectUnknown(name, raw, []);
      return [null];
    },
    raw: () => ({}),
    title: () => name,
    shown: () => ({}),
    declare,
  };
}
