/**
 * swapcheck as a library: the engine (search, liveness, simulation), the
 * models, and (from `swapcheck/testing`) the fast-check and vitest helpers.
 */

export { migrateSwapcacheModel } from "../models/migrate-swapcache/index.js";
export type { ScenarioParams } from "../models/migrate-swapcache/params.js";
export { DEFAULTS as SCENARIO_DEFAULTS } from "../models/migrate-swapcache/params.js";
export type { ModelEntry, ModelRun } from "../models/registry.js";
export { findModel, models } from "../models/registry.js";
export * from "./engine/index.js";
