/**
 * A map from fixed-length tuples of 32-bit integers to values, without
 * building a string or an array per lookup: the caller writes the tuple
 * into `key` and calls `get`/`set`. Open addressing over typed arrays
 * (the compiled model looks a tuple up for every thread and invariant of
 * every state: string keys were most of its time and garbage).
 */
/** FNV-1a over the words, with a shift to spread small integers. */
function hashOf(words: Int32Array, from: number, width: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = from; i < from + width; i++) {
    h = Math.imul(h ^ words[i]!, 0x01000193);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

export class TupleMap<V> {
  /** The tuple to look up or insert: write it here first. */
  readonly key: Int32Array;
  private keys: Int32Array;
  private readonly values: V[] = [];
  /** Entry index + 1 per slot; 0 = empty. */
  private slots: Int32Array;

  constructor(readonly width: number) {
    this.key = new Int32Array(width);
    this.keys = new Int32Array(width * 64);
    this.slots = new Int32Array(128);
  }

  get size(): number {
    return this.values.length;
  }

  /** The value stored under `key`, or undefined. */
  get(): V | undefined {
    const e = this.find(this.slots, this.hash());
    const at = this.slots[e]!;
    return at === 0 ? undefined : this.values[at - 1];
  }

  /** Stores `value` under `key` (which must not be present). */
  set(value: V): void {
    const n = this.values.length;
    if ((n + 1) * this.width > this.keys.length) {
      const grown = new Int32Array(this.keys.length * 2);
      grown.set(this.keys);
      this.keys = grown;
    }
    this.keys.set(this.key, n * this.width);
    this.values.push(value);
    if (2 * (n + 1) > this.slots.length) this.rehash();
    else this.slots[this.find(this.slots, this.hash())] = n + 1;
  }

  private hash(): number {
    return hashOf(this.key, 0, this.width);
  }

  /** The slot holding `key`, or the empty slot where it would go. */
  private find(slots: Int32Array, hash: number): number {
    const mask = slots.length - 1;
    const { key, keys, width } = this;
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const at = slots[s]!;
      if (at === 0) return s;
      const base = (at - 1) * width;
      let same = true;
      for (let i = 0; i < width; i++) {
        if (keys[base + i] !== key[i]) {
          same = false;
          break;
        }
      }
      if (same) return s;
    }
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    const { keys, width } = this;
    for (let n = 0; n < this.values.length; n++) {
      let s = hashOf(keys, n * width, width) & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = n + 1;
    }
    this.slots = slots;
  }
}
