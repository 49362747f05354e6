/** Random transition systems in the tests: a node's edges as the engine's steps. */
import type { Step } from "../../src/engine/index.js";

/** The steps out of node `s`: one per edge [target, thread number], thread `t<n>`. */
export function edgeSteps(
  edges: readonly (readonly (readonly [number, number])[])[],
  s: number,
): Step<number>[] {
  return edges[s]!.map(([to, thread]) => ({
    thread: `t${thread}`,
    name: "edge",
    label: `${s} -> ${to}`,
    action: to,
  }));
}
