/**
 * Every trace the checker emits replays: for random scenario parameters
 * (variant, mapping, order 1..3, chunk shift 2..3), the counterexample of
 * `search` is written as a JSON trace file (traceToFile, as --trace-out
 * does) and `swapcheck replay` (runReplay) re-executes it, state by state,
 * to the same verdict, property and length, with exit status 1 and nothing
 * on stderr.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { migrateSwapcacheModel } from "../../models/migrate-swapcache/index.js";
import {
  MAPPINGS,
  type Mapping,
  scenarioRawParams,
  VARIANTS,
  type Variant,
} from "../../models/migrate-swapcache/params.js";
import { findModel } from "../../models/registry.js";
import { runReplay } from "../../src/cli/commands/replay.js";
import type { Io } from "../../src/cli/io.js";
import { traceFileText, traceToFile } from "../../src/cli/trace-file.js";
import { search } from "../../src/engine/index.js";
import { CLASSIC } from "./scenario-helpers.js";

const LONG = process.env.SWAPCHECK_LONG !== undefined;
const cases = (n: number) => (LONG ? 10 * n : n);

const dir = mkdtempSync(join(tmpdir(), "swapcheck-replay-random-"));
let files = 0;

function capture() {
  let out = "";
  let err = "";
  const io: Io = {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    stdoutIsTTY: false,
    stderrIsTTY: false,
  };
  return { io, stdout: () => out, stderr: () => err };
}

const paramsArb = fc.record({
  variant: fc.constantFrom(...VARIANTS.map((v) => v.value as Variant)),
  mapping: fc.constantFrom(...MAPPINGS.map((m) => m.value as Mapping)),
  order: fc.integer({ min: 1, max: 3 }),
  chunkShift: fc.integer({ min: 2, max: 3 }),
});

describe("every counterexample the checker emits replays", () => {
  it("random scenario parameters: write the trace, replay it, exit 1", () => {
    const entry = findModel("migrate-swapcache")!;
    let replayed = 0;
    fc.assert(
      fc.property(paramsArb, (p) => {
        const params = { ...CLASSIC, ...p };
        const model = migrateSwapcacheModel(params);
        const result = search(model);
        if (result.trace === null) {
          expect(result.verdict).toBe("holds");
          return;
        }
        const file = join(dir, `trace-${files++}.json`);
        const trace = traceToFile({
          tool: "swapcheck test",
          model: entry.name,
          modelVersion: entry.version,
          raw: scenarioRawParams(params),
          result,
          variables: (s) => model.variables?.(s) ?? [],
        });
        writeFileSync(file, traceFileText(trace));

        const text = capture();
        const status = runReplay(
          { file, json: false, "full-states": false, color: false },
          text.io,
        );
        expect(text.stderr()).toBe("");
        expect(status).toBe(1);
        expect(text.stdout()).toContain(
          `${result.trace.steps.length} steps replay on migrate-swapcache`,
        );
        expect(text.stdout()).toContain(`violated: ${result.property}`);

        const json = capture();
        expect(runReplay({ file, json: true, "full-states": false, color: false }, json.io)).toBe(
          1,
        );
        expect(JSON.parse(json.stdout())).toEqual({
          file,
          replayed: true,
          verdict: result.verdict,
          property: result.property,
          length: result.trace.steps.length,
        });
        replayed++;
      }),
      { numRuns: cases(30) },
    );
    // About half the table is violated: some traces were replayed.
    expect(replayed).toBeGreaterThan(0);
  });
});
