/**
 * Among all shortest counterexamples, one with the fewest context switches.
 *
 * A context switch (a preemption, as CHESS counts them) is a step by a
 * thread other than the previous step's thread while that previous thread
 * could have continued (it still had an enabled step). BFS finds the
 * shortest length d; this bounded second pass re-explores the first d
 * levels and, for every state at distance exactly i and every "last
 * thread", keeps the least number of switches of a length-i path reaching
 * it. Every length-d path to a state at distance d only visits states at
 * distance exactly i at position i, so this dynamic programme ranges over
 * all shortest counterexamples: the length guarantee is kept and the
 * switch count is exactly minimal among them.
 */
import type { Model, Step } from "./model.js";

interface Best {
  readonly switches: number;
  readonly parent: Node<unknown, unknown> | null;
  readonly parentThread: string | null;
  readonly stepIndex: number;
}

interface Node<S, A> {
  readonly state: S;
  readonly steps: readonly Step<A>[];
  /** Index among the initial states (layer 0 only). */
  readonly initIndex: number;
  /** Best record per thread of the last step (null: no step yet). */
  readonly best: Map<string | null, Best>;
}

export interface FewestSwitchesResult {
  /** Initial-state index, then step indices (as the engine's paths). */
  readonly path: number[];
  readonly switches: number;
}

/** The number of context switches of a path, given the steps enabled before each step. */
export function isSwitch<A>(
  previousThread: string | null,
  thread: string,
  enabledBefore: readonly Step<A>[],
): boolean {
  return (
    previousThread !== null &&
    thread !== previousThread &&
    enabledBefore.some((s) => s.thread === previousThread)
  );
}

/**
 * Re-explores `depth` levels and returns a path with the fewest switches to
 * a state satisfying `isEnd` at that depth, or null when `maxStates` (a
 * bound on the states this pass may hold) is exceeded.
 */
export function fewestSwitchesPath<S, A>(
  model: Model<S, A>,
  depth: number,
  isEnd: (state: S, steps: readonly Step<A>[]) => boolean,
  maxStates = 2_000_000,
): FewestSwitchesResult | null {
  // The states themselves: with a symmetric `encode`, states of one orbit
  // have different steps and must not share a node.
  const exact = model.pack ? model.pack.bind(model) : model.encode.bind(model);
  const key = (s: S) => Array.prototype.join.call(exact(s), ",");
  const seen = new Set<string>();
  let layer = new Map<string, Node<S, A>>();
  model.initStates().forEach((state, initIndex) => {
    const k = key(state);
    if (layer.has(k)) return;
    const best = new Map<string | null, Best>([
      [null, { switches: 0, parent: null, parentThread: null, stepIndex: initIndex }],
    ]);
    layer.set(k, { state, steps: model.actions(state), initIndex, best });
  });
  for (let i = 0; i < depth; i++) {
    for (const k of layer.keys()) seen.add(k);
    if (seen.size > maxStates) return null;
    const next = new Map<string, Node<S, A>>();
    for (const node of layer.values()) {
      node.steps.forEach((step, stepIndex) => {
        const state = model.next(node.state, step.action);
        const k = key(state);
        if (seen.has(k)) return;
        let target = next.get(k);
        if (!target) {
          target = { state, steps: model.actions(state), initIndex: -1, best: new Map() };
          next.set(k, target);
        }
        for (const [last, rec] of node.best) {
          const switches = rec.switches + (isSwitch(last, step.thread, node.steps) ? 1 : 0);
          const old = target.best.get(step.thread);
          if (!old || switches < old.switches) {
            target.best.set(step.thread, {
              switches,
              parent: node as Node<unknown, unknown>,
              parentThread: last,
              stepIndex,
            });
          }
        }
      });
    }
    layer = next;
  }
  let bestEnd: { node: Node<S, A>; thread: string | null; rec: Best } | null = null;
  for (const node of layer.values()) {
    if (!isEnd(node.state, node.steps)) continue;
    for (const [thread, rec] of node.best) {
      if (!bestEnd || rec.switches < bestEnd.rec.switches) bestEnd = { node, thread, rec };
    }
  }
  if (!bestEnd) return null;
  const path: number[] = [];
  let node: Node<unknown, unknown> = bestEnd.node as Node<unknown, unknown>;
  let thread = bestEnd.thread;
  for (;;) {
    const rec = node.best.get(thread)!;
    if (rec.parent === null) {
      path.push(node.initIndex);
      break;
    }
    path.push(rec.stepIndex);
    node = rec.parent;
    thread = rec.parentThread;
  }
  return { path: path.reverse(), switches: bestEnd.rec.switches };
}

/** The context switches of a trace, re-counted from the steps enabled before each step. */
export function countSwitches<S, A>(
  model: Model<S, A>,
  init: S,
  steps: readonly { readonly thread: string; readonly state: S }[],
): number {
  let state = init;
  let last: string | null = null;
  let n = 0;
  for (const step of steps) {
    if (isSwitch(last, step.thread, model.actions(state))) n++;
    last = step.thread;
    state = step.state;
  }
  return n;
}
