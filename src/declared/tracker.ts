/**
 * Observed footprints: a state that records which packed words (parts) the
 * code reading it looks at. A step's result depends only on the parts it
 * read, so the compiled model (compile.ts) memoises it under their ids, and
 * the footprint checks (checks.ts) compare what a step touched with what a
 * model declares for partial-order reduction.
 *
 * The tracked state is a Proxy of the declared record: reading a field
 * records its word; a list of parts is itself tracked per element (`get(j)`
 * records one word, anything that walks the list records them all).
 * Whatever is derived from a tracked state with `set` is tracked too, with
 * the same record, so that reads after an update are still seen.
 */
import type { List } from "immutable";
import type { Layout } from "./state.js";

let naming = 0;

/**
 * Runs `fn` as a read for names only (a frame's name in a label): its
 * reads still key memoised results (a label must not go stale) but are not
 * part of what the step touches, which footprints are checked against.
 */
export function forNames<T>(fn: () => T): T {
  naming++;
  try {
    return fn();
  } finally {
    naming--;
  }
}

/** The words read, in the order first read. */
export class Reads {
  readonly order: number[] = [];
  private readonly seen = new Set<number>();
  /** Words read other than for names: what a footprint must declare. */
  readonly touched = new Set<number>();
  /** Words a step assigned (through `set`), whether or not their value changed. */
  readonly assigned = new Set<number>();

  add(word: number): void {
    if (naming === 0) this.touched.add(word);
    if (!this.seen.has(word)) {
      this.seen.add(word);
      this.order.push(word);
    }
  }

  addRange(from: number, width: number): void {
    for (let w = from; w < from + width; w++) this.add(w);
  }

  sorted(): number[] {
    return [...this.order].sort((a, b) => a - b);
  }
}

const TRACKED = Symbol("tracked");

/** The plain record behind a tracked state (or the state itself). */
export function untracked<S>(s: S): S {
  if (s === null || typeof s !== "object") return s;
  return ((s as { [TRACKED]?: S })[TRACKED] ?? s) as S;
}

/**
 * Words a list proxy's `set` calls assigned (element indices, relative to
 * the list), so that assigning the list back to the state writes only those.
 */
const listWrites = new WeakMap<object, ReadonlySet<number>>();

/**
 * `state` as a Proxy that records the words it reads into `reads`, and
 * every word a `set` assigns (changed or not) into `reads.assigned`: a
 * memoised step must replay each assignment, since on another state the
 * same assignment may change the word.
 */
export function tracked<S extends object>(
  state: S,
  names: readonly string[],
  listFields: ReadonlySet<string>,
  layout: Layout,
  reads: Reads,
): S {
  const index = new Map(names.map((n, i) => [n, i]));
  const wrapList = (
    list: List<unknown>,
    at: number,
    written: ReadonlySet<number>,
  ): List<unknown> => {
    const proxy = new Proxy(list, {
      get(target, prop, receiver) {
        if (prop === TRACKED) return target;
        if (prop === "size") return target.size;
        if (prop === "get") {
          return (j: number, notSet?: unknown) => {
            if (j >= 0 && j < target.size) reads.add(at + j);
            return target.get(j, notSet);
          };
        }
        if (prop === "set") {
          return (j: number, v: unknown) =>
            wrapList(target.set(j, untracked(v)), at, new Set([...written, j]));
        }
        // Anything else walks the list: every element is read.
        reads.addRange(at, target.size);
        const v = Reflect.get(target, prop, receiver);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    listWrites.set(proxy, written);
    return proxy;
  };
  const wrap = (s: S): S =>
    new Proxy(s, {
      get(target, prop) {
        if (prop === TRACKED) return target;
        if (typeof prop === "string") {
          const i = index.get(prop);
          if (i !== undefined) {
            const at = layout.at[i]!;
            const v = (target as Record<string, unknown>)[prop];
            if (listFields.has(prop)) return wrapList(v as List<unknown>, at, new Set());
            reads.add(at);
            return v;
          }
          if (prop === "set") {
            return (key: string, value: unknown) => {
              const f = index.get(key);
              if (f !== undefined) {
                const at = layout.at[f]!;
                const written = listWrites.get(value as object);
                if (written !== undefined) for (const j of written) reads.assigned.add(at + j);
                else for (let w = 0; w < layout.width[f]!; w++) reads.assigned.add(at + w);
              }
              const plain = untracked(value);
              return wrap((target as unknown as { set(k: string, v: unknown): S }).set(key, plain));
            };
          }
        }
        // Any other use of the whole record (equals, toJS, merge...): everything is read.
        reads.addRange(0, layout.words);
        const v = Reflect.get(target, prop, target);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
  return wrap(state);
}
