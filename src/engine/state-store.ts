/**
 * The seen-set of the search. Each stored state gets a dense id; for each id
 * the store keeps the id of its parent and the index of the step (in the
 * parent's `actions` list) that led to it, so that a counterexample is
 * rebuilt by re-executing from an initial state instead of keeping states.
 *
 * Two implementations:
 * - `FingerprintStore`: 64-bit fingerprints in an open-addressing table of
 *   typed arrays (the default; a collision could hide a state, with the
 *   probability reported in the stats). At most 16 bytes per state: see
 *   the class comment.
 * - `ExactStore`: the canonical encodings themselves (no collisions; for
 *   small models and for testing the fingerprinting).
 */
import { fingerprintLanes } from "./fingerprint.js";

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

/**
 * Per-id arrays are kept in chunks of this many entries (the first chunk
 * grows by doubling up to it), so that growing never copies them and their
 * unused tail is at most one chunk.
 */
const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

/** A growable array of unsigned integers of one typed-array kind, in chunks. */
class Chunked<T extends Uint8Array | Uint32Array> {
  private readonly chunks: T[] = [];
  /** Entries the chunks can hold. */
  private capacity = 0;
  /** Bytes of the chunks (asked for every few thousand transitions: kept, not summed). */
  private byteCount = 0;

  constructor(
    private readonly make: (n: number) => T,
    /** Array elements per entry. */
    private readonly width: number,
  ) {}

  /** The chunk holding entry `id` (entry offset: `(id & CHUNK_MASK) * width`). */
  chunk(id: number): T {
    return this.chunks[id >>> CHUNK_BITS]!;
  }

  /** Makes room for entry `id` (entries are added in order). */
  reserve(id: number): void {
    if (id < this.capacity) return;
    const last = this.chunks.length - 1;
    if (last === 0 && this.capacity < CHUNK) {
      const bigger = this.make(Math.min(CHUNK, this.capacity * 2) * this.width);
      bigger.set(this.chunks[0]!);
      this.byteCount += bigger.byteLength - this.chunks[0]!.byteLength;
      this.chunks[0] = bigger;
      this.capacity = bigger.length / this.width;
      return;
    }
    const size = this.chunks.length === 0 ? 256 : CHUNK;
    const chunk = this.make(size * this.width);
    this.chunks.push(chunk);
    this.byteCount += chunk.byteLength;
    this.capacity += size;
  }

  bytes(): number {
    return this.byteCount;
  }
}

/**
 * Parent links and step indices, about 2 bytes per state. In a breadth-first
 * search parents are expanded in id order, so the parent of id i + 1 is the
 * parent of i or a later one: each id keeps the difference from the previous
 * id's parent in one byte, and every 256th id its parent in full. A step
 * index also takes one byte. Values that do not fit (a larger or negative
 * difference, a step index ≥ 255) are kept in overflow maps, so any order
 * of insertion works.
 */
class ParentLinks {
  private readonly deltas = new Chunked((n) => new Uint8Array(n), 1);
  private readonly steps = new Chunked((n) => new Uint8Array(n), 1);
  /** Parent of every id that is a multiple of 256. */
  private anchors: Int32Array = new Int32Array(16);
  private readonly farParents = new Map<number, number>();
  private readonly farSteps = new Map<number, number>();
  private lastParent = -1;
  size = 0;

  push(parent: number, step: number): number {
    const id = this.size;
    this.deltas.reserve(id);
    this.steps.reserve(id);
    const at = id & CHUNK_MASK;
    if ((id & 0xff) === 0) {
      const k = id >>> 8;
      if (k === this.anchors.length) this.anchors = growInt32(this.anchors);
      this.anchors[k] = parent;
      this.deltas.chunk(id)[at] = 0;
    } else {
      const delta = parent - this.lastParent;
      if (delta >= 0 && delta < 255) {
        this.deltas.chunk(id)[at] = delta;
      } else {
        this.deltas.chunk(id)[at] = 255;
        this.farParents.set(id, parent);
      }
    }
    if (step >= 0 && step < 255) {
      this.steps.chunk(id)[at] = step;
    } else {
      this.steps.chunk(id)[at] = 255;
      this.farSteps.set(id, step);
    }
    this.lastParent = parent;
    return this.size++;
  }

  parentOf(id: number): number {
    checkId(id, this.size);
    const first = id & ~0xff;
    let parent = this.anchors[first >>> 8]!;
    for (let i = first + 1; i <= id; i++) {
      const d = this.deltas.chunk(i)[i & CHUNK_MASK]!;
      parent = d === 255 ? this.farParents.get(i)! : parent + d;
    }
    return parent;
  }

  stepOf(id: number): number {
    checkId(id, this.size);
    const s = this.steps.chunk(id)[id & CHUNK_MASK]!;
    return s === 255 ? this.farSteps.get(id)! : s;
  }

  bytes(): number {
    // The overflow maps: roughly 40 bytes per entry.
    const far = 40 * (this.farParents.size + this.farSteps.size);
    return this.deltas.bytes() + this.steps.bytes() + this.anchors.byteLength + far;
  }
}

function checkId(id: number, size: number): void {
  if (!(id >= 0 && id < size)) throw new RangeError(`state store: no state ${id}`);
}

function growInt32(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** The table grows by this factor when its load reaches MAX_LOAD. */
const GROWTH = 1.25;
const MAX_LOAD = 0.875;
const MIN_TABLE = 1024;

/**
 * The default store, in typed arrays only:
 * - per id, the 64-bit fingerprint (two 32-bit lanes, 8 bytes) and the
 *   parent link and step index (about 2 bytes, see `ParentLinks`), in
 *   chunks of 4096 ids;
 * - an open-addressing table (linear probing) of 32-bit slots, each 0 or
 *   id + 1 in the low bits with the top bits of the fingerprint's high lane
 *   above it as a tag, so that a probe rarely reads the per-id fingerprints
 *   of other states. The table's size is not a power of two: it grows by
 *   a factor 1.25 when the load reaches 0.875, so the load stays between
 *   0.7 and 0.875, or 4.6 to 5.7 bytes per state.
 * In all, 14.7 to 15.8 bytes per state once the store holds more than a
 * few hundred thousand states (a small store is dominated by its minimum
 * sizes).
 */
export class FingerprintStore implements StateStore {
  readonly exact = false;
  private readonly links = new ParentLinks();
  /** Per id: high lane, low lane. */
  private readonly fps = new Chunked((n) => new Uint32Array(n), 2);
  private table = new Uint32Array(MIN_TABLE);
  /** Bits of a slot holding id + 1; the rest hold the tag. */
  private idBits = 0;
  private idMask = 0;
  /** 2^idBits: a tag's place value in a slot. */
  private scale = 1;
  private limit = 0;

  constructor() {
    this.sizeTable(MIN_TABLE);
  }

  get size(): number {
    return this.links.size;
  }

  insert(encoding: ArrayLike<number>, parent: number, step: number): number {
    const id = this.findOrInsert(encoding, parent, step);
    return id >= 0 ? id : -1;
  }

  /**
   * `insert` that also names the state seen before: its new id, or, when
   * it was stored already, -2 - its id.
   */
  findOrInsert(encoding: ArrayLike<number>, parent: number, step: number): number {
    const lanes = fingerprintLanes(encoding);
    const hi = lanes[0]!;
    const lo = lanes[1]!;
    const table = this.table;
    const n = table.length;
    const idBits = this.idBits;
    const tag = hi >>> idBits;
    let slot = homeSlot(lo, n);
    for (;;) {
      const entry = table[slot]!;
      if (entry === 0) break;
      if (entry >>> idBits === tag) {
        const id = (entry & this.idMask) - 1;
        const fp = this.fps.chunk(id);
        const at = (id & CHUNK_MASK) << 1;
        if (fp[at] === hi && fp[at + 1] === lo) return -2 - id;
      }
      slot = slot + 1 === n ? 0 : slot + 1;
    }
    const id = this.links.push(parent, step);
    this.fps.reserve(id);
    const fp = this.fps.chunk(id);
    const at = (id & CHUNK_MASK) << 1;
    fp[at] = hi;
    fp[at + 1] = lo;
    table[slot] = tag * this.scale + id + 1;
    if (this.links.size > this.limit) this.rehash();
    return id;
  }

  private sizeTable(n: number): void {
    this.table = new Uint32Array(n);
    this.limit = Math.floor(n * MAX_LOAD);
    // Every id + 1 up to the table size fits (at most 31 bits: a tag bit is left).
    this.idBits = Math.min(31, 32 - Math.clz32(n));
    this.idMask = 0xffffffff >>> (32 - this.idBits);
    this.scale = 2 ** this.idBits;
  }

  private rehash(): void {
    this.sizeTable(Math.ceil(this.table.length * GROWTH));
    const table = this.table;
    const n = table.length;
    const idBits = this.idBits;
    const scale = 2 ** idBits;
    for (let id = 0; id < this.links.size; id++) {
      const fp = this.fps.chunk(id);
      const at = (id & CHUNK_MASK) << 1;
      const hi = fp[at]!;
      let slot = homeSlot(fp[at + 1]!, n);
      while (table[slot] !== 0) slot = slot + 1 === n ? 0 : slot + 1;
      table[slot] = (hi >>> idBits) * scale + id + 1;
    }
  }

  parentOf(id: number): number {
    return this.links.parentOf(id);
  }

  stepOf(id: number): number {
    return this.links.stepOf(id);
  }

  matches(id: number, encoding: ArrayLike<number>): boolean {
    if (!(id >= 0 && id < this.size)) return false;
    const lanes = fingerprintLanes(encoding);
    const fp = this.fps.chunk(id);
    const at = (id & CHUNK_MASK) << 1;
    return fp[at] === lanes[0] && fp[at + 1] === lanes[1];
  }

  bytes(): number {
    return this.links.bytes() + this.fps.bytes() + this.table.byteLength;
  }
}

/** The home slot of a fingerprint's low lane in a table of n slots: ⌊lo · n / 2^32⌋. */
function homeSlot(lo: number, n: number): number {
  return Math.floor((lo / 4294967296) * n);
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
    const id = this.findOrInsert(encoding, parent, step);
    return id >= 0 ? id : -1;
  }

  /** As FingerprintStore.findOrInsert: the new id, or -2 - the id of the stored state. */
  findOrInsert(encoding: ArrayLike<number>, parent: number, step: number): number {
    const key = encodingKey(encoding);
    const old = this.ids.get(key);
    if (old !== undefined) return -2 - old;
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
