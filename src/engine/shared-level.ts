/**
 * A BFS level in shared memory, so that any thread of a parallel search can
 * expand any of its states (parallel.ts). Each participant appends the
 * states it stored to chunks of its own (`SharedLevelWriter`); the next
 * level is everyone's chunks, which the participants take one at a time
 * (`SharedLevelReader`, an atomic cursor per participant's segment), their
 * own first, until none is left: a thread that finishes early takes the
 * others' instead of waiting.
 *
 * A chunk is [words used, then records: id, length, packed words...]. A
 * record of length 0 carries no state (a model without `pack`): the
 * state is rebuilt from its path.
 */

/** Words per chunk (64 KB: about 900 states of the reference configuration, a few ms of work). */
export const LEVEL_CHUNK_WORDS = 1 << 14;

export class SharedLevelWriter {
  private chunks: SharedArrayBuffer[] = [];
  /** Chunks read to the end by this thread: written again instead of new ones. */
  private readonly free: SharedArrayBuffer[] = [];
  private current: Int32Array | null = null;
  private at = 0;
  /** States written since the last `take`. */
  length = 0;

  push(id: number, packed: ArrayLike<number>): void {
    const n = packed.length;
    if (3 + n > LEVEL_CHUNK_WORDS) {
      throw new Error(`parallel search: a packed state of ${n} words does not fit a level chunk`);
    }
    if (this.current === null || this.at + 2 + n > LEVEL_CHUNK_WORDS) this.open();
    const c = this.current!;
    let at = this.at;
    c[at++] = id;
    c[at++] = n;
    for (let i = 0; i < n; i++) c[at++] = packed[i]!;
    c[0] = at;
    this.at = at;
    this.length++;
  }

  /** The chunks written so far; the writer starts afresh. */
  take(): SharedArrayBuffer[] {
    const out = this.chunks;
    this.chunks = [];
    this.current = null;
    this.length = 0;
    return out;
  }

  /** A chunk of the level before, read to the end here (each chunk has one reader). */
  recycle(buffer: SharedArrayBuffer): void {
    this.free.push(buffer);
  }

  private open(): void {
    const buffer = this.free.pop() ?? new SharedArrayBuffer(4 * LEVEL_CHUNK_WORDS);
    this.chunks.push(buffer);
    this.current = new Int32Array(buffer);
    this.current[0] = 1;
    this.at = 1;
  }
}

/**
 * One participant's view of a level: the records of the chunks it claims,
 * first from its own segment (the states it stored: their parts and cached
 * steps are warm in this thread), then from the others' (stealing, so that
 * nobody waits while states are left).
 */
export class SharedLevelReader {
  private chunk: Int32Array | null = null;
  private at = 0;
  /** Position in `order` of the segment being claimed from. */
  private turn = 0;
  private readonly order: number[];
  /** The id of the record read last. */
  id = -1;
  /** The words of the record read last (reused: a plain array unpacks faster than a view). */
  private readonly words: number[] = [];
  /** Chunks taken from other participants' segments. */
  stolen = 0;

  constructor(
    /** Per participant, the chunks it wrote. */
    private readonly segments: readonly (readonly SharedArrayBuffer[])[],
    /** [base + p]: the next chunk to claim of participant p's segment (shared). */
    private readonly cursors: Int32Array,
    private readonly base: number,
    /** This participant's index. */
    private readonly self: number,
    /** Called with each chunk once it is read to the end. */
    private readonly done: (buffer: SharedArrayBuffer) => void,
  ) {
    this.order = segments.map((_, p) => p).filter((p) => p !== self);
    if (self < segments.length) this.order.unshift(self);
  }

  /** The packed words of the next record (valid until the next call), or null at the end. */
  next(): readonly number[] | null {
    while (this.chunk === null || this.at >= this.chunk[0]!) {
      if (this.chunk !== null) this.done(this.chunk.buffer as SharedArrayBuffer);
      this.chunk = this.claim();
      if (this.chunk === null) return null;
      this.at = 1;
    }
    const c = this.chunk;
    const at = this.at;
    this.id = c[at]!;
    const n = c[at + 1]!;
    this.at = at + 2 + n;
    const words = this.words;
    words.length = n;
    for (let i = 0; i < n; i++) words[i] = c[at + 2 + i]!;
    return words;
  }

  private claim(): Int32Array | null {
    for (; this.turn < this.order.length; this.turn++) {
      const p = this.order[this.turn]!;
      const segment = this.segments[p]!;
      if (Atomics.load(this.cursors, this.base + p) >= segment.length) continue;
      const k = Atomics.add(this.cursors, this.base + p, 1);
      if (k < segment.length) {
        if (p !== this.self) this.stolen++;
        return new Int32Array(segment[k]!);
      }
    }
    return null;
  }
}
