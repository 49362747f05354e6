/**
 * The seen-set of a parallel search, in shared memory: every worker probes
 * and inserts into it without locks. States get dense ids from an atomic
 * counter; per id the table keeps the fingerprint's two lanes, the parent's
 * id and the step index (16 bytes), and an open-addressing index maps
 * fingerprints to ids (4 bytes a slot, at least two slots per id).
 *
 * Inserting claims an empty index slot with compare-and-swap, takes an id,
 * writes the id's entry and publishes the slot (id + 1); a worker that
 * finds a slot being written waits until it is published before comparing.
 * Two workers inserting the same state agree on one id, and exactly one of
 * them gets "new".
 *
 * The table cannot grow while workers insert. The main thread grows it
 * between BFS levels (`reserve`), when the next level could fill it; a
 * level that fills it anyway stops the search as incomplete.
 */
import { fingerprintLanes } from "./fingerprint.js";
import type { StateStore } from "./state-store.js";

const EMPTY = 0;
const WRITING = -1;

/** The shared buffers of a table, as sent to the workers. */
export interface SharedTableBuffers {
  /** Per id: hi, lo, parent, step. */
  readonly entries: SharedArrayBuffer;
  /** Open addressing: 0 empty, -1 being written, id + 1. */
  readonly index: SharedArrayBuffer;
  /** [0]: ids handed out. */
  readonly count: SharedArrayBuffer;
}

/** Slack below the id capacity: one id per worker may be taken past the check. */
const SLACK = 64;

export class SharedFingerprintTable implements StateStore {
  readonly exact = false;
  private entries: Int32Array;
  private index: Int32Array;
  private readonly count: Int32Array;
  private mask: number;
  private limit: number;

  /** A table for `ids` states. */
  static create(ids: number): SharedFingerprintTable {
    return new SharedFingerprintTable(buffersFor(ids, new SharedArrayBuffer(4)));
  }

  constructor(public buffers: SharedTableBuffers) {
    this.count = new Int32Array(buffers.count);
    this.entries = new Int32Array(buffers.entries);
    this.index = new Int32Array(buffers.index);
    this.mask = this.index.length - 1;
    this.limit = this.entries.length / 4 - SLACK;
  }

  /** Views of (possibly grown) buffers. */
  adopt(buffers: SharedTableBuffers): void {
    this.buffers = buffers;
    this.entries = new Int32Array(buffers.entries);
    this.index = new Int32Array(buffers.index);
    this.mask = this.index.length - 1;
    this.limit = this.entries.length / 4 - SLACK;
  }

  get size(): number {
    return Math.min(Atomics.load(this.count, 0), this.entries.length / 4);
  }

  /** The new id, -2 - the id of the state seen before, or -1 when the table is full. */
  findOrInsert(encoding: ArrayLike<number>, parent: number, step: number): number {
    const lanes = fingerprintLanes(encoding);
    const hi = lanes[0]! | 0;
    const lo = lanes[1]! | 0;
    const { index, entries, mask } = this;
    for (let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask; ; i = (i + 1) & mask) {
      let s = Atomics.load(index, i);
      if (s === EMPTY) {
        if (Atomics.load(this.count, 0) >= this.limit) return -1;
        s = Atomics.compareExchange(index, i, EMPTY, WRITING);
        if (s === EMPTY) {
          const id = Atomics.add(this.count, 0, 1);
          entries[4 * id] = hi;
          entries[4 * id + 1] = lo;
          entries[4 * id + 2] = parent;
          entries[4 * id + 3] = step;
          Atomics.store(index, i, id + 1);
          return id;
        }
      }
      while (s === WRITING) s = Atomics.load(index, i);
      const id = s - 1;
      if (entries[4 * id] === hi && entries[4 * id + 1] === lo) return -2 - id;
    }
  }

  /**
   * Between levels (no worker inserting): grows the table, if needed, so
   * that `more` states fit; the workers must then adopt `buffers`.
   * Returns whether it grew.
   */
  reserve(more: number): boolean {
    const want = this.size + more + SLACK;
    const have = this.entries.length / 4;
    if (want <= have) return false;
    // At least half as much again, so that growing stays linear overall.
    const ids = Math.ceil(Math.max(want, 1.5 * have) / 4096) * 4096;
    const buffers = buffersFor(ids, this.buffers.count);
    new Int32Array(buffers.entries).set(this.entries);
    const index = new Int32Array(buffers.index);
    const entries = this.entries;
    const mask = index.length - 1;
    for (let id = 0; id < this.size; id++) {
      const hi = entries[4 * id]!;
      const lo = entries[4 * id + 1]!;
      let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
      while (index[i] !== EMPTY) i = (i + 1) & mask;
      index[i] = id + 1;
    }
    this.adopt(buffers);
    return true;
  }

  insert(encoding: ArrayLike<number>, parent: number, step: number): number {
    const r = this.findOrInsert(encoding, parent, step);
    return r >= 0 ? r : -1;
  }

  parentOf(id: number): number {
    return this.entries[4 * id + 2]!;
  }

  stepOf(id: number): number {
    return this.entries[4 * id + 3]!;
  }

  matches(id: number, encoding: ArrayLike<number>): boolean {
    const lanes = fingerprintLanes(encoding);
    return this.entries[4 * id] === (lanes[0]! | 0) && this.entries[4 * id + 1] === (lanes[1]! | 0);
  }

  bytes(): number {
    return this.entries.byteLength + this.index.byteLength;
  }
}

/** Buffers for `ids` states: 16 bytes an id, and an index of at least two slots an id. */
function buffersFor(ids: number, count: SharedArrayBuffer): SharedTableBuffers {
  if (!Number.isInteger(ids) || ids < 2 * SLACK) {
    throw new Error(`shared table: ${ids} ids is not a whole number of at least ${2 * SLACK}`);
  }
  let slots = 1;
  while (slots < 2 * ids) slots *= 2;
  return {
    entries: new SharedArrayBuffer(16 * ids),
    index: new SharedArrayBuffer(4 * slots),
    count: count,
  };
}
