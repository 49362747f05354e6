/** The engine's public surface: it knows nothing of kernels. */

export type { Progress, SearchOptions } from "./bfs.js";
export { memoryInUse, search, searchAsync } from "./bfs.js";
export type { FewestSwitchesResult } from "./fewest-switches.js";
export { fewestSwitchesPath, isSwitch } from "./fewest-switches.js";
export type { Fingerprint } from "./fingerprint.js";
export { collisionProbability, fingerprint } from "./fingerprint.js";
export type { Fairness, LivenessOptions } from "./liveness.js";
export { checkLiveness, checkLivenessAsync } from "./liveness.js";
export type { Footprint, Model, Property, PropertyKind, Step, Variable } from "./model.js";
export type { ModelSpec, ParallelOptions } from "./parallel.js";
export { searchParallel, workerLoadable } from "./parallel.js";
export type { Bounded, PreemptionBounded } from "./preemption-bound.js";
export { preemptionBounded, unwrapBounded } from "./preemption-bound.js";
export type {
  IncompleteReason,
  SearchResult,
  SearchStats,
  Trace,
  TraceStep,
  Verdict,
} from "./result.js";
export type { SimulateOptions, SimulationResult, SimulationRun } from "./simulate.js";
export { deriveSeed, simulate } from "./simulate.js";
export type { StateStore } from "./state-store.js";
export { ExactStore, FingerprintStore } from "./state-store.js";
export { NondeterministicModelError, replayPath } from "./trace.js";
