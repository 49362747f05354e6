/**
 * The move of migrate-swapcache onto the declared-state layer changed
 * nothing it explores: every cell of the default proof matrix (and a few
 * with symmetry and more swap-ins), with and without partial-order
 * reduction, has the verdict, property, state and transition counts and
 * shortest counterexample recorded from the model before the move
 * (snapshots/pre-layer.json, made by test/support/record-layer-snapshot.mjs
 * at commit fd3ab6f).
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
  readFileSync(new URL("./snapshots/pre-layer.json", import.meta.url), "utf8"),
);

describe("migrate-swapcache explores what it did before the declared-state layer", () => {
  it.each(recorded.map((r) => [`${JSON.stringify(r.raw)}${r.por ? " --por" : ""}`, r] as const))(
    "%s",
    (_name, r) => {
      // The defaults of the model as it was then (one swap-in on any page, reuse).
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
