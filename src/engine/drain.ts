/**
 * The searches are generators that yield every few thousand transitions,
 * so that a caller can keep an event loop alive (signals, progress) while
 * they run. `drain` runs one to completion synchronously; `drainAsync`
 * gives the event loop a turn at every yield.
 */

export type Slices<R> = Generator<void, R, void>;

export function drain<R>(slices: Slices<R>): R {
  for (;;) {
    const r = slices.next();
    if (r.done) return r.value;
  }
}

export async function drainAsync<R>(slices: Slices<R>): Promise<R> {
  for (;;) {
    const r = slices.next();
    if (r.done) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
