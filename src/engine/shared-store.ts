/**
 * The seen-set of a parallel search, in shared memory: every worker probes
 * and inserts into it without locks. States get dense ids from an atomic
 * counter; per id the table keeps the fingerprint's two lanes, the parent's
 * id and the step index (16 bytes), in chunks of 2^18 ids that are never
 * copied or moved; an open-addressing index (4 bytes a slot, filled to at
 * most 80 %) maps fingerprints to ids. 21 to 25 bytes per state.
 *
 * Inserting claims an empty index slot with compare-and-swap, takes an id,
 * writes the id's entry and publishes the slot (id + 1); a worker that
 * finds a slot being written waits until it is published before comparing.
 * Two workers inserting the same state agree on one id, and exactly one of
 * them gets "new".
 *
 * The table cannot grow while workers insert. When it is full, an insertion
 * says so (-1) and inserts nothing; the worker pauses, and the main thread
 * grows the table (`reserve`) once no worker is inserting and lets it go on
 * (parallel.ts). Growing adds entry chunks and rebuilds only the index.
 */
import { fingerprintLanes } from "./fingerprint.js";
import type { StateStore } from "./state-store.js";

const EMPTY = 0;
const WRITING = -1;

const CHUNK_BITS = 18;
const CHUNK_IDS = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_IDS - 1;

/** The index is rebuilt when an insertion would fill it past this... */
const MAX_LOAD = 0.75;
/** ...to this load (so it grows by at least 1.8x: each id is re-inserted about twice in all). */
const GROWN_LOAD = 0.4;

/** The shared buffers of a table, as sent to the workers. */
export interface SharedTableBuffers {
  /** Per id, in chunks of 2^18 ids: hi, lo, parent, step. */
  readonly chunks: readonly SharedArrayBuffer[];
  /**
   * Open addressing: 0 empty, -1 being written, else id + 1 in the low
   * bits (`idBits`) and the top bits of the fingerprint's high lane above
   * (a tag: a probe rarely reads the entries of other states).
   */
  readonly index: SharedArrayBuffer;
  /** [0]: ids handed out. */
  readonly count: SharedArrayBuffer;
}

/** Slack below the capacity: one id per worker may be taken past the check. */
const SLACK = 64;

export class SharedFingerprintTable implements StateStore {
  readonly exact = false;
  private chunks: Int32Array[] = [];
  private index: Int32Array;
  private readonly count: Int32Array;
  private limit = 0;
  private idBits = 0;

  /** A table for `ids` states. */
  static create(ids: number): SharedFingerprintTable {
    if (!Number.isInteger(ids) || ids < 2 * SLACK) {
      throw new Error(`shared table: ${ids} ids is not a whole number of at least ${2 * SLACK}`);
    }
    const chunks = Array.from(
      { length: Math.ceil(ids / CHUNK_IDS) },
      () => new SharedArrayBuffer(16 * CHUNK_IDS),
    );
    return new SharedFingerprintTable({
      chunks,
      index: new SharedArrayBuffer(4 * Math.ceil(ids / GROWN_LOAD)),
      count: new SharedArrayBuffer(4),
    });
  }

  constructor(public buffers: SharedTableBuffers) {
    this.count = new Int32Array(buffers.count);
    this.index = new Int32Array(buffers.index);
    this.adopt(buffers);
  }

  /** Views of (possibly grown) buffers. */
  adopt(buffers: SharedTableBuffers): void {
    this.buffers = buffers;
    for (let c = this.chunks.length; c < buffers.chunks.length; c++) {
      this.chunks.push(new Int32Array(buffers.chunks[c]!));
    }
    if (this.index.buffer !== buffers.index) this.index = new Int32Array(buffers.index);
    const ids = this.chunks.length * CHUNK_IDS;
    this.limit = Math.min(ids, Math.floor(this.index.length * MAX_LOAD)) - SLACK;
    this.idBits = idBitsFor(this.index.length);
  }

  get size(): number {
    return Math.min(Atomics.load(this.count, 0), this.chunks.length * CHUNK_IDS);
  }

  /** The new id, -2 - the id of the state seen before, or -1 when the table is full. */
  findOrInsert(encoding: ArrayLike<number>, parent: number, step: number): number {
    const lanes = fingerprintLanes(encoding);
    const hi = lanes[0]! | 0;
    const lo = lanes[1]! | 0;
    const { index, chunks, idBits } = this;
    const n = index.length;
    const tag = hi >>> idBits;
    const idMask = -1 >>> (32 - idBits);
    for (let i = homeSlot(lo, n); ; i = i + 1 === n ? 0 : i + 1) {
      let s = Atomics.load(index, i);
      if (s === EMPTY) {
        if (Atomics.load(this.count, 0) >= this.limit) return -1;
        s = Atomics.compareExchange(index, i, EMPTY, WRITING);
        if (s === EMPTY) {
          const id = Atomics.add(this.count, 0, 1);
          const entries = chunks[id >>> CHUNK_BITS]!;
          const at = (id & CHUNK_MASK) << 2;
          entries[at] = hi;
          entries[at + 1] = lo;
          entries[at + 2] = parent;
          entries[at + 3] = step;
          Atomics.store(index, i, slotOf(tag, id, idBits));
          return id;
        }
      }
      while (s === WRITING) s = Atomics.load(index, i);
      if (s >>> idBits !== tag) continue;
      const id = (s & idMask) - 1;
      const entries = chunks[id >>> CHUNK_BITS]!;
      const at = (id & CHUNK_MASK) << 2;
      if (entries[at] === hi && entries[at + 1] === lo) return -2 - id;
    }
  }

  /**
   * With no worker inserting: grows the table, if needed, so that `more`
   * further states fit; the workers must then adopt `buffers`. Returns
   * whether it grew.
   */
  reserve(more: number): boolean {
    const g = this.grown(more);
    if (g === null) return false;
    if (g.rebuild) this.fillIndex(g.buffers.index, 0, this.size);
    this.adopt(g.buffers);
    return true;
  }

  /** When full: a larger index (and a new chunk of entries if needed). */
  grow(): void {
    this.reserve(4096);
  }

  /**
   * The buffers of this table grown so that `more` further states fit, or
   * null when they fit already. When `rebuild`, the new index is empty:
   * fill it (`fillIndex`, possibly from several threads at once, each with
   * its own range of ids) before anyone adopts the buffers.
   */
  grown(more: number): { readonly buffers: SharedTableBuffers; readonly rebuild: boolean } | null {
    const want = this.size + Math.max(0, more) + SLACK;
    if (want <= this.limit + SLACK) return null;
    const chunks = [...this.buffers.chunks];
    while (chunks.length * CHUNK_IDS < want + SLACK) {
      chunks.push(new SharedArrayBuffer(16 * CHUNK_IDS));
    }
    const rebuild = want > Math.floor(this.index.length * MAX_LOAD);
    const index = rebuild
      ? new SharedArrayBuffer(4 * Math.ceil(want / GROWN_LOAD))
      : this.buffers.index;
    return { buffers: { chunks, index, count: this.buffers.count }, rebuild };
  }

  /** Inserts ids [from, to) of this table into the new index `buffer` (compare-and-swap: threads may share it). */
  fillIndex(buffer: SharedArrayBuffer, from: number, to: number): void {
    const index = new Int32Array(buffer);
    const n = index.length;
    const idBits = idBitsFor(n);
    const end = Math.min(to, this.size);
    for (let id = from; id < end; id++) {
      const entries = this.chunks[id >>> CHUNK_BITS]!;
      const at = (id & CHUNK_MASK) << 2;
      const slot = slotOf(entries[at]! >>> idBits, id, idBits);
      let i = homeSlot(entries[at + 1]!, n);
      while (Atomics.compareExchange(index, i, EMPTY, slot) !== EMPTY) i = i + 1 === n ? 0 : i + 1;
    }
  }

  insert(encoding: ArrayLike<number>, parent: number, step: number): number {
    const r = this.findOrInsert(encoding, parent, step);
    return r >= 0 ? r : -1;
  }

  private entry(id: number, field: number): number {
    return this.chunks[id >>> CHUNK_BITS]![((id & CHUNK_MASK) << 2) + field]!;
  }

  parentOf(id: number): number {
    return this.entry(id, 2);
  }

  stepOf(id: number): number {
    return this.entry(id, 3);
  }

  matches(id: number, encoding: ArrayLike<number>): boolean {
    const lanes = fingerprintLanes(encoding);
    return this.entry(id, 0) === (lanes[0]! | 0) && this.entry(id, 1) === (lanes[1]! | 0);
  }

  bytes(): number {
    return 16 * CHUNK_IDS * this.chunks.length + this.index.byteLength;
  }
}

/**
 * Bits for id + 1 in an index of n slots: ids stay below 0.75 n, so id + 1
 * never has all of them set and a slot is never -1 (being written) or 0.
 */
function idBitsFor(n: number): number {
  return Math.min(31, 32 - Math.clz32(n));
}

function slotOf(tag: number, id: number, idBits: number): number {
  return (tag << idBits) | (id + 1);
}

/** The home slot of a fingerprint's low lane in an index of n slots: ⌊lo · n / 2^32⌋. */
function homeSlot(lo: number, n: number): number {
  return Math.floor(((lo >>> 0) / 4294967296) * n);
}
