/**
 * What migrate-swapcache explores is pinned: every cell of the default
 * proof matrix (and a few with symmetry and more swap-ins), with and
 * without partial-order reduction, has the verdict, property, state and
 * transition counts and shortest counterexample recorded in
 * snapshots/explored.json (test/support/record-explored-snapshot.mjs), so
 * a change to the engine, the layer or a reduction that changes what is
 * explored fails here.
 *
 * History: recorded first at fd3ab6f from the model before it moved onto
 * the declared-state layer; the moved model matched it exactly up to
 * c384d1d (issue 16's evidence). Re-recorded when issue 17 changed the
 * model on purpose: the reuse thread offers two kinds of reuse (another
 * process's anonymous page, a page-cache page), and migration, swapoff and
 * zap paths grew: 212 of the 248 cells have more states, and every verdict,
 * violated property and shortest counterexample stayed as recorded. Then
 * again when the swap-in's miss path went through __read_swap_cache_async
 * instead of ending the thread: 68 cells have more states (and 8 of them
 * changed again when the fresh pages became a pool shared by the
 * swap-ins), verdicts,
 * properties and shortest counterexamples unchanged. Then again when
 * reclaim of B became shrink_folio_list's passes (folio_check_references,
 * try_to_unmap, a failed freeze retried) and the process's loads (the
 * access thread, PTE accessed bits): 186 cells have other state counts,
 * verdicts, properties and shortest counterexamples unchanged.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findModel } from "../../models/registry.js";
import { search } from "../../src/engine/index.js";
import type { RawParams } from "../../src/params.js";
import { CLASSIC_RAW } from "./scenario-helpers.js";

interface Recorded {
  readonly raw: RawParams;
  readonly por: boolean;
  readonly verdict: string;
  readonly property: string | null;
  readonly states: number;
  readonly transitions: number;
  readonly trace: readonly string[] | null;
}

const recorded: Recorded[] = JSON.parse(
  readFileSync(new URL("./snapshots/explored.json", import.meta.url), "utf8"),
);

describe("migrate-swapcache explores what was recorded", () => {
  it.each(recorded.map((r) => [`${JSON.stringify(r.raw)}${r.por ? " --por" : ""}`, r] as const))(
    "%s",
    (_name, r) => {
      // The scenario tests' configuration (one swap-in on any page, reuse).
      const [run] = findModel("migrate-swapcache")!.configure({ ...CLASSIC_RAW, ...r.raw });
      const result = search(run!.model, { partialOrder: r.por });
      expect({
        verdict: result.verdict,
        property: result.property,
        states: result.stats.distinctStates,
        transitions: result.stats.transitions,
        trace: result.trace ? result.trace.steps.map((s) => `${s.thread}: ${s.label}`) : null,
      }).toEqual({
        verdict: r.verdict,
        property: r.property,
        states: r.states,
        transitions: r.transitions,
        trace: r.trace,
      });
    },
  );
});
