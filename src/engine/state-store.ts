/**
 * The seen-set of the search. Each stored state gets a dense id; for each id
 * the store keeps the id of its parent and the index of the step (in the
 * parent's `actions` list) that led to it, so that a counterexample is
 * rebuilt by re-executing from an initial state instead of keeping states.
 *
 * Two implementations:
 * - `FingerprintStore`: 64-bit fingerprints in an open-addressing table of
 *   typed arrays (the default; a collision could hide a state, with the
 *   probability reported in the stats).
 * - `ExactStore`: the canonical encodings themselves (no collisions; for
 *   small models and for testing the fingerprinting).
 */
import { fingerprint } from "./fingerprint.js";

export interface StateStore {
  readonly exact: boolean;
  /** Number of stored states. */
  readonly size: number;
  /**
   * Stores a state unless already present. Returns its new id, or -1 when
   * the state was seen before.
   */
  insert(encoding: ArrayLike<number>, parent: number, step: number): number;
  /** The parent id (-1 for an initial state). */
  parentOf(id: number): number;
  /** The step index from the parent (for an initial state: its index among the initial states). */
  stepOf(id: number): number;
  /** Whether `encoding` is the state stored under `id` (used to validate re-execution). */
  matches(id: number, encoding: ArrayLike<number>): boolean;
  /** Bytes used by the store's own structures (an estimate for exact mode). */
  bytes(): number;
}

/** Growable parent/step arrays shared by both stores. */
class ParentLinks {
  private parents = new Int32Array(1024);
  private steps = new Int32Array(1024);
  size = 0;

  push(parent: number, step: number): number {
    if (this.size === this.parents.length) {
      this.parents = grow(this.parents);
      this.steps = grow(this.steps);
    }
    this.parents[this.size] = parent;
    this.steps[this.size] = step;
    return this.size++;
  }

  parentOf(id: number): number {
    return this.parents[id]!;
  }

  stepOf(id: number): number {
    return this.steps[id]!;
  }

  bytes(): number {
    return this.parents.byteLength + this.steps.byteLength;
  }
}

function grow<T extends Int32Array | Uint32Array>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(a.length * 2);
  b.set(a);
  return b;
}

export class FingerprintStore implements StateStore {
  readonly exact = false;
  private readonly links = new ParentLinks();
  private fpHi = new Uint32Array(1024);
  private fpLo = new Uint32Array(1024);
  /** Open-addressing table of id + 1 (0 = empty), linear probing. */
  private table = new Int32Array(1 << 12);
  private mask = (1 << 12) - 1;

  get size(): number {
    return this.links.size;
  }

  insert(encoding: ArrayLike<number>, parent: number, step: number): number {
    const { hi, lo } = fingerprint(encoding);
    let slot = (hi ^ Math.imul(lo, 0x9e3779b1)) & this.mask;
    for (;;) {
      const entry = this.table[slot]!;
      if (entry === 0) break;
      const id = entry - 1;
      if (this.fpHi[id] === hi && this.fpLo[id] === lo) return -1;
      slot = (slot + 1) & this.mask;
    }
    const id = this.links.push(parent, step);
    if (id === this.fpHi.length) {
      this.fpHi = grow(this.fpHi);
      this.fpLo = grow(this.fpLo);
    }
    this.fpHi[id] = hi;
    this.fpLo[id] = lo;
    this.table[slot] = id + 1;
    // Keep the load factor at most 1/2.
    if (this.links.size * 2 > this.table.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2);
    const mask = table.length - 1;
    for (let id = 0; id < this.links.size; id++) {
      const hi = this.fpHi[id]!;
      const lo = this.fpLo[id]!;
      let slot = (hi ^ Math.imul(lo, 0x9e3779b1)) & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = id + 1;
    }
    this.table = table;
    this.mask = mask;
  }

  parentOf(id: number): number {
    return this.links.parentOf(id);
  }

  stepOf(id: number): number {
    return this.links.stepOf(id);
  }

  matches(id: number, encoding: ArrayLike<number>): boolean {
    const { hi, lo } = fingerprint(encoding);
    return this.fpHi[id] === hi && this.fpLo[id] === lo;
  }

  bytes(): number {
    return this.links.bytes() + this.fpHi.byteLength + this.fpLo.byteLength + this.table.byteLength;
  }
}

export class ExactStore implements StateStore {
  readonly exact = true;
  private readonly links = new ParentLinks();
  private readonly ids = new Map<string, number>();
  private readonly keys: string[] = [];
  private keyBytes = 0;

  get size(): number {
    return this.links.size;
  }

  insert(encoding: ArrayLike<number>, parent: number, step: number): number {
    const key = encodingKey(encoding);
    if (this.ids.has(key)) return -1;
    const id = this.links.push(parent, step);
    this.ids.set(key, id);
    this.keys.push(key);
    this.keyBytes += 2 * key.length;
    return id;
  }

  parentOf(id: number): number {
    return this.links.parentOf(id);
  }

  stepOf(id: number): number {
    return this.links.stepOf(id);
  }

  matches(id: number, encoding: ArrayLike<number>): boolean {
    return this.keys[id] === encodingKey(encoding);
  }

  bytes(): number {
    // Strings plus a rough per-entry cost of the Map and the key array.
    return this.links.bytes() + this.keyBytes + this.keys.length * 48;
  }
}

function encodingKey(encoding: ArrayLike<number>): string {
  return Array.prototype.join.call(encoding, ",");
}
