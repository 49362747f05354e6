/**
 * The ids of part values (state.ts `partId`) in shared memory, so that
 * every worker of a parallel search (src/engine/parallel.ts) gives a part
 * value the same id and packed states mean the same in every thread.
 *
 * A part value is known by a 64-bit hash of its full encoding; the table
 * maps hashes to dense ids, handed out with an atomic counter, without
 * locks (open addressing; a slot is claimed with compare-and-swap and
 * published once its id is written). Each thread still keeps its own map
 * from encodings to ids (state.ts), so a hash collision between two values
 * that meet in one thread is detected; between values only ever seen by
 * different workers it would go unnoticed, with a probability of about
 * n² / 2^65 for n part values (n is in the tens of thousands).
 */
import { fingerprintLanes } from "../engine/fingerprint.js";

const EMPTY = 0;
const WRITING = 1;
const READY = 2;

export class SharedPartTable {
  private readonly slots: Int32Array;
  private readonly next: Int32Array;
  private readonly mask: number;

  static create(capacity = 2 ** 20): SharedPartTable {
    return new SharedPartTable(new SharedArrayBuffer(16 * capacity + 4));
  }

  constructor(readonly buffer: SharedArrayBuffer) {
    const capacity = (buffer.byteLength - 4) / 16;
    this.slots = new Int32Array(buffer, 0, 4 * capacity);
    this.next = new Int32Array(buffer, 16 * capacity, 1);
    this.mask = capacity - 1;
  }

  /** The id of the value whose full encoding is `words` (a new id the first time). */
  idOf(words: ArrayLike<number>): number {
    const lanes = fingerprintLanes(words);
    const hi = lanes[0]! | 0;
    const lo = lanes[1]! | 0;
    const { slots, mask } = this;
    for (let n = 0, i = lo & mask; n <= mask; n++, i = (i + 1) & mask) {
      let s = Atomics.load(slots, 4 * i);
      if (s === EMPTY) {
        s = Atomics.compareExchange(slots, 4 * i, EMPTY, WRITING);
        if (s === EMPTY) {
          const id = Atomics.add(this.next, 0, 1);
          slots[4 * i + 1] = hi;
          slots[4 * i + 2] = lo;
          slots[4 * i + 3] = id;
          Atomics.store(slots, 4 * i, READY);
          return id;
        }
      }
      while (s === WRITING) s = Atomics.load(slots, 4 * i);
      if (slots[4 * i + 1] === hi && slots[4 * i + 2] === lo) return slots[4 * i + 3]!;
    }
    throw new Error(`part table full (${mask + 1} values)`);
  }
}
