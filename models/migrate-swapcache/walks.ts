/** The optional threads that walk the PTEs and look swap entries up, in this configuration. */
import type { PteWalkThread } from "./lookup.js";
import { MINCORE } from "./mincore.js";
import type { Setup } from "./state.js";
import { SWAPOFF } from "./swapoff.js";
import { ZAP } from "./zap.js";

const WALKS: readonly PteWalkThread[] = [SWAPOFF, ZAP, MINCORE];

/** Those of --threads, on the swap cache only (they look up swap entries). */
export function pteWalks(setup: Setup): readonly PteWalkThread[] {
  return setup.swapCache ? WALKS.filter((w) => setup.params.threads.has(w.name)) : [];
}
