import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ModelEntry, ModelRun } from "../../models/registry.js";
import { findModel } from "../../models/registry.js";
import { counterGridModel, naiveMutexModel, petersonModel } from "../../models/toy/index.js";
import { proveConfigs } from "../../src/cli/commands/prove.js";
import { proveExitStatus, proveMatrix } from "../../src/prove/matrix.js";
import { cellText } from "../../src/prove/render.js";

/** A toy "model with a fix": `variant` picks the model; the catalogue is given. */
function toyEntry(
  models: Record<string, () => ModelRun["model"]>,
  catalogue: ModelRun["catalogue"],
): ModelEntry {
  return {
    name: "toy-fix",
    version: 1,
    summary: "",
    parameters: [],
    threads: [],
    properties: [],
    configure: (raw) => [
      {
        title: `toy ${raw.variant}`,
        raw,
        params: { variant: raw.variant!, mapping: "-" },
        model: models[raw.variant!]!(),
        catalogue,
        fixParameter: "variant",
      },
    ],
  };
}

const PETERSON_STEPS = ["flag[i] = 1", "turn = j", "await !flag[j] || turn == i", "leave"].flatMap(
  (name) => ["P0", "P1"].map((thread) => ({ thread, name, core: true })),
);

describe("the evidence behind a proof", () => {
  it("a fix whose baseline breaks is proved", async () => {
    const entry = toyEntry({ fix: petersonModel, bug: () => naiveMutexModel() }, PETERSON_STEPS);
    const [cell] = await proveMatrix(entry, [{ variant: "fix" }], {
      baseline: "bug",
      liveness: false,
    });
    expect(cell!.status).toBe("proved");
    expect(cell!.witness).toMatchObject({ baseline: "bug", verdict: "violated", length: 4 });
    expect(proveExitStatus([cell!])).toBe(0);
  });

  it("a fix that makes no difference is reported as such (no witness)", async () => {
    const grid = () => counterGridModel(2, 2);
    const entry = toyEntry({ fix: grid, bug: grid }, []);
    const [cell] = await proveMatrix(entry, [{ variant: "fix" }], {
      baseline: "bug",
      liveness: false,
    });
    expect(cell!.status).toBe("no-witness");
    expect(cell!.witness!.verdict).toBe("holds");
    expect(proveExitStatus([cell!])).toBe(3);
  });

  it("a step that never runs makes the proof vacuous in part", async () => {
    const steps = [...PETERSON_STEPS, { thread: "P1", name: "never taken", core: true }];
    const entry = toyEntry({ fix: petersonModel, bug: () => naiveMutexModel() }, steps);
    const [cell] = await proveMatrix(entry, [{ variant: "fix" }], {
      baseline: "bug",
      liveness: false,
    });
    expect(cell!.status).toBe("vacuous");
    expect(cell!.unreachedCore).toEqual(["P1:never taken"]);
    expect(proveExitStatus([cell!])).toBe(3);
  });

  it("a search cut short is incomplete, never proved", async () => {
    const entry = toyEntry({ fix: petersonModel, bug: () => naiveMutexModel() }, PETERSON_STEPS);
    const [cell] = await proveMatrix(entry, [{ variant: "fix" }], {
      baseline: "bug",
      liveness: false,
      maxStates: 3,
    });
    expect(cell!.status).toBe("incomplete");
  });
});

/** The cells of docs/results.md: `order K, chunk shift S / variant / mapping` → text. */
function committedCells(): Map<string, string> {
  const cells = new Map<string, string>();
  let group = "";
  let mappings: string[] = [];
  for (const line of readFileSync(new URL("../../docs/results.md", import.meta.url), "utf8").split(
    "\n",
  )) {
    const heading = /^## (order \d+, chunk shift \d+)$/.exec(line);
    if (heading) group = heading[1]!;
    const row = line.startsWith("| ") ? line.slice(2, -2).split(" | ") : null;
    if (!row || row[0] === "---") continue;
    if (row[0] === "variant") {
      mappings = row.slice(1);
      continue;
    }
    for (const [i, text] of row.slice(1).entries())
      cells.set(`${group} / ${row[0]} / ${mappings[i]}`, text);
  }
  return cells;
}

describe("docs/results.md", () => {
  it("regenerating the matrix for k <= 2 gives the committed verdicts", async () => {
    const committed = committedCells();
    const entry = findModel("migrate-swapcache")!;
    // The model's own matrix, with orders 1..2 only: 2 orders × 2 chunk shifts, each
    // configuration selecting 5 variants × 4 mappings.
    const configs = proveConfigs(entry, { order: "1..2" });
    expect(configs).toHaveLength(4);
    const cells = await proveMatrix(entry, configs, { baseline: "head-only", liveness: true });
    for (const c of cells) {
      const p = c.run.params;
      const key = `order ${p.order}, chunk shift ${p.chunkShift} / ${p.variant} / ${p.mapping}`;
      expect(cellText(c), key).toBe(committed.get(key));
    }
  });
});
