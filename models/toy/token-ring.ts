/**
 * A token ring: only the holder of the token steps; it may do up to `work`
 * steps of local work, and passes the token on to the next thread whenever
 * it likes (at the latest when its work is done). Known answer: progress
 * holds outright, without any fairness: local work is bounded, so every
 * infinite run passes the token around the ring again and again.
 */
import type { Model } from "../../src/engine/index.js";

export interface TokenRingState {
  /** The thread holding the token. */
  readonly holder: number;
  /** Local work steps the holder has done. */
  readonly worked: number;
}

export function tokenRingModel(threads = 3, work = 2): Model<TokenRingState, "work" | "pass"> {
  return {
    name: "token-ring",
    threads: Array.from({ length: threads }, (_, i) => `R${i}`),
    initStates: () => [{ holder: 0, worked: 0 }],
    actions(s) {
      const thread = `R${s.holder}`;
      const next = (s.holder + 1) % threads;
      const steps: { thread: string; name: string; label: string; action: "work" | "pass" }[] = [];
      if (s.worked < work) {
        steps.push({ thread, name: "work", label: `work ${s.worked + 1}`, action: "work" });
      }
      steps.push({ thread, name: "pass", label: `pass token to R${next}`, action: "pass" });
      return steps;
    },
    next: (s, action) =>
      action === "work"
        ? { holder: s.holder, worked: s.worked + 1 }
        : { holder: (s.holder + 1) % threads, worked: 0 },
    properties: [
      {
        name: "token-returns",
        kind: "always-eventually",
        description: "R0 holds the token again and again.",
        holds: (s) => s.holder === 0,
      },
      {
        name: "last-gets-token",
        kind: "eventually",
        description: "The last thread of the ring eventually gets the token.",
        holds: (s) => s.holder === threads - 1,
      },
    ],
    encode: (s) => [s.holder, s.worked],
  };
}
