/** The `--json` document: one object with every run, nothing else on stdout. */

import type { ModelRun } from "../../../models/registry.js";
import type { SearchResult } from "../../engine/index.js";
import { type Checked, checkedJson } from "../checked.js";

export interface RunReport {
  readonly modelName: string;
  readonly run: ModelRun;
  readonly result: SearchResult<unknown>;
  /** What the run checked (every report names it). */
  readonly checked?: Checked;
  /** Under `--schedule`: why no run follows the schedule (the verdict is then "infeasible"). */
  readonly infeasible?: string;
}

export function runToJson({
  modelName,
  run,
  result,
  checked,
  infeasible,
}: RunReport): Record<string, unknown> {
  const { stats } = result;
  return {
    model: modelName,
    ...run.params,
    ...(checked ? { checked: checkedJson(checked) } : {}),
    verdict: infeasible ? "infeasible" : result.verdict,
    ...(infeasible ? { infeasible } : {}),
    property: result.property,
    explanation: result.explanation,
    incompleteReason: result.incompleteReason,
    trace: result.trace && {
      length: result.trace.steps.length,
      switches: result.trace.switches ?? null,
      loopStart: result.trace.loopStart ?? null,
      steps: result.trace.steps.map((s) => ({
        thread: s.thread,
        action: s.label,
        step: s.name,
        index: s.index,
      })),
    },
    stats: {
      distinctStates: stats.distinctStates,
      transitions: stats.transitions,
      depth: stats.depth,
      seconds: stats.seconds,
      statesPerSecond: Math.round(stats.statesPerSecond),
      collisionProbability: stats.collisionProbability,
      exact: stats.exact,
      ...(stats.partialOrder ? { partialOrder: stats.partialOrder } : {}),
      ...(stats.workers ? { workers: stats.workers } : {}),
    },
  };
}

export function reportJson(reports: readonly RunReport[]): string {
  return `${JSON.stringify({ runs: reports.map(runToJson) }, null, 2)}\n`;
}
