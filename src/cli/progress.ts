/**
 * The progress line on stderr (only on a terminal, or with --progress), in
 * the spirit of TLC's and SPIN's: states, states/s, depth, queue, memory,
 * elapsed, rewritten in place at most four times a second.
 */
import type { Progress } from "../engine/index.js";
import { memoryInUse } from "../engine/index.js";
import type { Io } from "./io.js";

export interface ProgressLine {
  readonly onProgress: ((p: Progress) => void) | undefined;
  /** Clears the line before the result is printed. */
  done(): void;
}

const MB = 1024 * 1024;

export function progressLine(io: Io, enabled: boolean, title: string): ProgressLine {
  if (!enabled) return { onProgress: undefined, done: () => {} };
  let last = 0;
  let shown = false;
  return {
    onProgress(p) {
      const now = Date.now();
      if (now - last < 250) return;
      last = now;
      shown = true;
      const rate = p.seconds > 0 ? Math.round(p.distinctStates / p.seconds) : 0;
      io.err(
        `\r${title}: ${p.distinctStates} states (${rate}/s), depth ${p.depth}, queue ${p.queue}, ` +
          `${Math.round(memoryInUse() / MB)} MB, ${p.seconds.toFixed(1)} s\x1b[K`,
      );
    },
    done() {
      if (shown) io.err("\r\x1b[K");
    },
  };
}
