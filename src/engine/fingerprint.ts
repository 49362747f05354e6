/**
 * 64-bit fingerprints of integer encodings, computed as two 32-bit lanes
 * without building strings or BigInts. Each lane is a MurmurHash3-style
 * mix (x86_32 block step and finaliser) with its own seed; the second lane
 * also absorbs the first lane's running state so that the lanes do not
 * collide together on structured inputs.
 */

export interface Fingerprint {
  readonly hi: number;
  readonly lo: number;
}

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const SEED_HI = 0x9747b28c;
const SEED_LO = 0x2545f491;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mixBlock(h: number, k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** Fingerprint of a sequence of 32-bit integers. */
export function fingerprint(words: ArrayLike<number>): Fingerprint {
  const lanes = fingerprintLanes(words);
  return { hi: lanes[0]!, lo: lanes[1]! };
}

const LANES = new Uint32Array(2);

/**
 * `fingerprint` without allocating: the high and low lanes in a shared
 * two-element array, valid until the next call.
 */
export function fingerprintLanes(words: ArrayLike<number>): Uint32Array {
  let hi = SEED_HI;
  let lo = SEED_LO;
  const n = words.length;
  for (let i = 0; i < n; i++) {
    const w = words[i]! | 0;
    hi = mixBlock(hi, w);
    lo = mixBlock(lo, w ^ Math.imul(hi, 0x27d4eb2f));
  }
  hi ^= n;
  lo ^= Math.imul(n, 0x165667b1);
  LANES[0] = fmix32(hi);
  LANES[1] = fmix32(lo ^ hi);
  return LANES;
}

/**
 * TLC's optimistic estimate of the probability that a fingerprint collision
 * hid a state: n·(g − n) / 2^64 for n distinct states and g generated ones.
 */
export function collisionProbability(distinct: number, generated: number): number {
  const p = (distinct * Math.max(0, generated - distinct)) / 2 ** 64;
  return Math.min(1, p);
}
