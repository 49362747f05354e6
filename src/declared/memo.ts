/**
 * A memo keyed by the words a computation actually read. The computation
 * (a thread's steps, an invariant's clause) is deterministic in what it
 * reads, so a state that agrees with an earlier one on every word that
 * earlier run read gets the same result: sound by construction, whatever
 * the code reads. A computation may read different words on different
 * paths; each distinct set of words read has its own table, tried in turn.
 */
import { TupleMap } from "./tuple-map.js";

interface Variant<V> {
  readonly reads: Int32Array;
  readonly map: TupleMap<V>;
}

export class ObservedMemo<V> {
  private variants: Variant<V>[] = [];

  get(words: ArrayLike<number>): V | undefined {
    const variants = this.variants;
    for (let v = 0; v < variants.length; v++) {
      const { reads, map } = variants[v]!;
      const key = map.key;
      for (let i = 0; i < reads.length; i++) key[i] = words[reads[i]!]!;
      const hit = map.get();
      if (hit !== undefined) return hit;
    }
    return undefined;
  }

  /** Records `value` for the words `reads` (sorted, distinct) of `words`. */
  set(words: ArrayLike<number>, reads: readonly number[], value: V): void {
    let variant = this.variants.find(
      (v) => v.reads.length === reads.length && v.reads.every((w, i) => w === reads[i]),
    );
    if (variant === undefined) {
      variant = {
        reads: Int32Array.from(reads),
        map: new TupleMap<V>(Math.max(1, reads.length)),
      };
      this.variants.push(variant);
    }
    const key = variant.map.key;
    key[0] = 0;
    for (let i = 0; i < reads.length; i++) key[i] = words[reads[i]!]!;
    variant.map.set(value);
  }
}
