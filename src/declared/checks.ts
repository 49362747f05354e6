/**
 * Checks that keep a declared model sound where something is still written
 * by hand (a part kind's `encode`, a model's declared footprints for
 * partial-order reduction). Every registered model's tests run them
 * (test/models/layer-checks.test.ts) on all states of small configurations
 * and on random walks of large ones.
 *
 * - Encoding: equal packed words ⇒ equal states (immutable.js value
 *   equality, which knows nothing of the encoding), and unpack ∘ pack is
 *   the identity.
 * - Footprints: every word a thread's steps read (other than for names in
 *   labels) or write is in the footprint declared for its next step; the
 *   next step's footprint is within the thread's declared future; and the
 *   future only shrinks along every transition, so the future covers
 *   everything the thread will ever touch.
 */
import { isImmutable } from "immutable";
import type { Footprint } from "../engine/index.js";
import type { Declared } from "./model.js";
import type { Fields, StateRecord } from "./state.js";
import { Reads, tracked, untracked } from "./tracker.js";

export interface Exploration {
  /** Stop after this many states (a random walk's length, or BFS states). */
  readonly maxStates?: number;
  /** Random walks instead of BFS: how many, and a seed. */
  readonly walks?: number;
  readonly seed?: number;
}

/** The states to check: BFS from the initial states, or random walks. */
function statesOf<F extends Fields, C>(d: Declared<F, C>, how: Exploration): StateRecord<F>[] {
  const { decl, layout } = d;
  type S = StateRecord<F>;
  const max = how.maxStates ?? 5000;
  const successors = (s: S): S[] =>
    decl.threads.flatMap((t) => t.steps(s).map((st) => untracked(st.apply(s))));
  if (how.walks !== undefined) {
    let x = (how.seed ?? 1) >>> 0 || 1;
    const random = () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) / 2 ** 32;
    };
    const out: S[] = [];
    for (let w = 0; w < how.walks; w++) {
      let s = decl.init[Math.floor(random() * decl.init.length)]!;
      for (let i = 0; i < max; i++) {
        out.push(s);
        const next = successors(s);
        if (next.length === 0) break;
        s = next[Math.floor(random() * next.length)]!;
      }
    }
    return out;
  }
  const seen = new Map<string, S>();
  const queue: S[] = [];
  for (const s of decl.init) {
    const key = decl.state.pack(layout, s).join(",");
    if (!seen.has(key)) {
      seen.set(key, s);
      queue.push(s);
    }
  }
  for (let i = 0; i < queue.length && seen.size < max; i++) {
    for (const t of successors(queue[i]!)) {
      const key = decl.state.pack(layout, t).join(",");
      if (!seen.has(key)) {
        seen.set(key, t);
        queue.push(t);
      }
    }
  }
  return queue;
}

/**
 * Structural equality that knows nothing of the encodings: immutable.js
 * values by their contents, plain objects and arrays field by field.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  const x = isImmutable(a) ? (a as { toJS(): unknown }).toJS() : a;
  const y = isImmutable(b) ? (b as { toJS(): unknown }).toJS() : b;
  if (Object.is(x, y)) return true;
  if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  const kx = Object.keys(x);
  const ky = Object.keys(y);
  if (kx.length !== ky.length) return false;
  return kx.every(
    (k) =>
      Object.hasOwn(y, k) &&
      sameValue((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]),
  );
}

/** Throws on two different states with equal packed words, or a pack/unpack that loses something. */
export function checkEncoding<F extends Fields, C>(
  d: Declared<F, C>,
  how: Exploration = {},
): number {
  const { decl, layout } = d;
  const byWords = new Map<string, StateRecord<F>>();
  const states = statesOf(d, how);
  for (const s of states) {
    const words = decl.state.pack(layout, s);
    const key = words.join(",");
    const other = byWords.get(key);
    if (other !== undefined && !sameValue(other, s)) {
      throw new Error(`${decl.name}: two different states encode alike (${key})`);
    }
    byWords.set(key, s);
    const back = decl.state.unpack(layout, words);
    if (!sameValue(back, s))
      throw new Error(`${decl.name}: unpack(pack(s)) differs from s (${key})`);
  }
  return states.length;
}

/** Throws on an access outside the declared footprints (see the header). */
export function checkFootprints<F extends Fields, C>(
  d: Declared<F, C>,
  how: Exploration = {},
): number {
  const { decl, layout } = d;
  const fp = decl.footprints;
  if (!fp) return 0;
  const names = decl.state.names as readonly string[];
  const lists = new Set(names.filter((n) => decl.state.fields[n]!.tag === "parts"));
  const words = (objects: readonly string[]) => new Set(objects.flatMap((o) => fp.words(o)));
  const where = (w: number) => decl.state.wordName(layout, w);
  let checked = 0;
  for (const s of statesOf(d, how)) {
    for (const t of decl.threads) {
      const next = fp.next(s, t.name);
      const future = fp.future(s, t.name);
      const reads = new Reads();
      const view = tracked(s, names, lists, layout, reads);
      const before = decl.state.pack(layout, s);
      const written = new Set<number>();
      const successors: StateRecord<F>[] = [];
      for (const st of t.steps(view)) {
        const after = untracked(st.apply(view));
        successors.push(after);
        decl.state.pack(layout, after).forEach((w, i) => {
          if (w !== before[i]) written.add(i);
        });
      }
      const own = decl.state.unpack(layout, before);
      const ownWord = d.ownWords[decl.threads.indexOf(t)]!;
      // The compiled model replays every assignment, changed here or not.
      for (const w of reads.assigned) written.add(w);
      const label = `${decl.name}: thread ${t.name} (${where(ownWord)} = ${JSON.stringify(
        (own as unknown as Record<string, unknown>)[where(ownWord).replace(/\[.*$/, "")],
      )})`;
      const declaredReads = words(next.reads);
      const declaredWrites = words(next.writes);
      for (const w of reads.touched) {
        // A thread's own record is its program counter: always read.
        if (w === d.ownWords[decl.threads.indexOf(t)]) continue;
        if (!declaredReads.has(w))
          throw new Error(`${label} reads ${where(w)}, outside its next footprint`);
      }
      for (const w of written) {
        if (!declaredWrites.has(w))
          throw new Error(`${label} writes ${where(w)}, outside its next footprint`);
      }
      within(label, "next", next, "future", future, words, where);
      for (const after of successors.concat(
        decl.threads
          .filter((o) => o !== t)
          .flatMap((o) => o.steps(s).map((st) => untracked(st.apply(s)))),
      )) {
        within(
          label,
          "future after a step",
          fp.future(after, t.name),
          "future",
          future,
          words,
          where,
        );
      }
      checked++;
    }
  }
  return checked;
}

function within(
  label: string,
  what: string,
  inner: Footprint,
  outerName: string,
  outer: Footprint,
  words: (objects: readonly string[]) => Set<number>,
  where: (w: number) => string,
): void {
  const r = words(outer.reads);
  const w = words(outer.writes);
  for (const x of words(inner.reads)) {
    if (!r.has(x))
      throw new Error(`${label}: its ${what} reads ${where(x)}, outside its ${outerName}`);
  }
  for (const x of words(inner.writes)) {
    if (!w.has(x))
      throw new Error(`${label}: its ${what} writes ${where(x)}, outside its ${outerName}`);
  }
}
