/**
 * A declared state: a model lists its fields once (each a kind of part, a
 * list of parts, a flag or a choice among a few values), and the layer
 * derives from that list the immutable record the model's steps work on,
 * the packed form (one word per part: its id, parts.ts), the canonical
 * encoding (with symmetry over lists declared interchangeable), the way
 * back from words to a state, and the state's variables for reports.
 *
 * Lists have the length of the initial state's: a configuration's layout
 * (`layoutOf`) is fixed by its first state, and a step that changes a
 * list's length is an error.
 */
import { List } from "immutable";
import type { Variable } from "../engine/index.js";
import { type FastRecordFactory, fastRecord } from "../kernel/folio.js";
import { knowsPart, type PartKind, partId, partObject } from "./parts.js";

/** How a field is stored in the packed words. */
type FieldTag = "part" | "optional" | "parts" | "flag" | "choice";

/** What a field shows in reports: variables from its value (and the whole state). */
export type Show<T, S> = (value: T, state: S, name: string) => readonly Variable[];

export interface Field<T> {
  readonly tag: FieldTag;
  readonly initial: T;
  readonly kind?: PartKind<unknown>;
  readonly values?: readonly unknown[];
  /** parts: the elements are interchangeable threads (symmetry reduction folds their order). */
  readonly symmetric?: boolean;
  /** Reports: the field's variables (default: none). Typed loosely here: see `Shown`. */
  readonly show?: (value: never, state: never, name: string) => readonly Variable[];
}

type Shown<T> = { readonly show?: Show<T, never> };

/** One part of kind `kind` (one word: its id). */
export function part<T>(kind: PartKind<T>, initial: T, opts: Shown<T> = {}): Field<T> {
  return { tag: "part", kind: kind as PartKind<unknown>, initial, ...opts };
}

/** A part or nothing (null: the word -1). */
export function optionalPart<T>(kind: PartKind<T>, opts: Shown<T | null> = {}): Field<T | null> {
  return { tag: "optional", kind: kind as PartKind<unknown>, initial: null, ...opts };
}

/** A list of parts of one kind, one word each (e.g. frames, or one record per swap-in thread). */
export function parts<T>(
  kind: PartKind<T>,
  opts: Shown<List<T>> & { readonly symmetric?: boolean } = {},
): Field<List<T>> {
  return { tag: "parts", kind: kind as PartKind<unknown>, initial: List<T>(), ...opts };
}

/** A boolean kept in its own word. */
export function flag(initial = false, opts: Shown<boolean> = {}): Field<boolean> {
  return { tag: "flag", initial, ...opts };
}

/** One of a few values, kept as its index. */
export function choice<const V>(values: readonly V[], initial: V, opts: Shown<V> = {}): Field<V> {
  return { tag: "choice", values, initial, ...opts };
}

export type Fields = Readonly<Record<string, Field<unknown>>>;
export type ValueOf<F> = F extends Field<infer T> ? T : never;
export type StateOf<F extends Fields> = { -readonly [K in keyof F]: ValueOf<F[K]> };

/** Where each field lives in the packed words of one configuration. */
export interface Layout {
  /** First word of each field, in declaration order. */
  readonly at: readonly number[];
  /** Words of each field (1, or a list's length). */
  readonly width: readonly number[];
  readonly words: number;
}

export interface StateDecl<F extends Fields> {
  readonly name: string;
  readonly fields: F;
  readonly names: readonly (keyof F & string)[];
  /** The immutable record of the state (what steps read and `set`). */
  readonly State: FastRecordFactory<StateOf<F>>;
  layoutOf(state: StateRecord<F>): Layout;
  pack(layout: Layout, state: StateRecord<F>): number[];
  unpack(layout: Layout, words: ArrayLike<number>): StateRecord<F>;
  /** Whether this thread can `unpack` these words (it has met every part they name). */
  knows(layout: Layout, words: ArrayLike<number>): boolean;
  /** The words of `pack`, with each symmetric list's words sorted (one orbit, one encoding). */
  canonical(layout: Layout, words: readonly number[]): number[];
  readonly symmetric: boolean;
  /** The state's variables, field by field, in declaration order. */
  variables(state: StateRecord<F>): Variable[];
  /** The field (and list element) a packed word holds, e.g. `folios[1]`. */
  wordName(layout: Layout, word: number): string;
}

export type StateRecord<F extends Fields> = ReturnType<FastRecordFactory<StateOf<F>>>;

export function declareState<const F extends Fields>(name: string, fields: F): StateDecl<F> {
  const names = Object.keys(fields) as (keyof F & string)[];
  const specs = names.map((n) => fields[n]!);
  const initial = Object.fromEntries(names.map((n) => [n, fields[n]!.initial])) as StateOf<F>;
  const State = fastRecord<StateOf<F>>(initial, name);
  const symmetric = specs.some((f) => f.symmetric === true);
  type S = StateRecord<F>;
  const read = (s: S, n: string) => (s as unknown as Record<string, unknown>)[n];

  return {
    name,
    fields,
    names,
    State,
    symmetric,
    layoutOf(s) {
      const at: number[] = [];
      const width: number[] = [];
      let w = 0;
      names.forEach((n, i) => {
        at.push(w);
        const v = read(s, n);
        const size = specs[i]!.tag === "parts" ? (v as List<unknown>).size : 1;
        width.push(size);
        w += size;
      });
      return { at, width, words: w };
    },
    pack(layout, s) {
      const out = new Array<number>(layout.words);
      for (let i = 0; i < specs.length; i++) {
        const f = specs[i]!;
        const v = read(s, names[i]!);
        const at = layout.at[i]!;
        switch (f.tag) {
          case "part":
            out[at] = partId(f.kind!, v);
            break;
          case "optional":
            out[at] = v === null ? -1 : partId(f.kind!, v);
            break;
          case "parts": {
            const list = v as List<unknown>;
            if (list.size !== layout.width[i]) {
              throw new Error(`${name}.${names[i]}: a list's length changed to ${list.size}`);
            }
            for (let j = 0; j < list.size; j++) out[at + j] = partId(f.kind!, list.get(j));
            break;
          }
          case "flag":
            out[at] = v ? 1 : 0;
            break;
          default:
            out[at] = f.values!.indexOf(v);
        }
      }
      return out;
    },
    unpack(layout, words) {
      const values: Record<string, unknown> = {};
      for (let i = 0; i < specs.length; i++) {
        const f = specs[i]!;
        const at = layout.at[i]!;
        const w = words[at]!;
        let v: unknown;
        switch (f.tag) {
          case "part":
            v = partObject(w);
            break;
          case "optional":
            v = w < 0 ? null : partObject(w);
            break;
          case "parts": {
            const items = new Array<unknown>(layout.width[i]!);
            for (let j = 0; j < items.length; j++) items[j] = partObject(words[at + j]!);
            v = List(items);
            break;
          }
          case "flag":
            v = w === 1;
            break;
          default:
            v = f.values![w];
        }
        values[names[i]!] = v;
      }
      return State(values as Partial<StateOf<F>>);
    },
    knows(layout, words) {
      for (let i = 0; i < specs.length; i++) {
        const tag = specs[i]!.tag;
        if (tag === "flag" || tag === "choice") continue;
        for (let j = 0; j < layout.width[i]!; j++) {
          const w = words[layout.at[i]! + j]!;
          if (!(tag === "optional" && w < 0) && !knowsPart(w)) return false;
        }
      }
      return true;
    },
    canonical(layout, words) {
      if (!symmetric) return words as number[];
      const out = words.slice();
      specs.forEach((f, i) => {
        if (f.symmetric !== true) return;
        const at = layout.at[i]!;
        const sorted = out.slice(at, at + layout.width[i]!).sort((a, b) => a - b);
        for (let j = 0; j < sorted.length; j++) out[at + j] = sorted[j]!;
      });
      return out;
    },
    variables(s) {
      const vars: Variable[] = [];
      specs.forEach((f, i) => {
        const show = f.show as Show<unknown, S> | undefined;
        if (show) vars.push(...show(read(s, names[i]!), s, names[i]!));
      });
      return vars;
    },
    wordName(layout, word) {
      for (let i = specs.length - 1; i >= 0; i--) {
        const at = layout.at[i]!;
        if (word >= at) {
          return specs[i]!.tag === "parts" ? `${names[i]}[${word - at}]` : names[i]!;
        }
      }
      return `word ${word}`;
    },
  };
}
