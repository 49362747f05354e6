/**
 * A command line per model (issue 16, part 4) and results that say what
 * they checked (issue 22): `list --model`, per-model `--help`, parameters
 * other models declare, ranges, `prove --model`, `replay` of any model's
 * trace, and the properties named in every text, JSON and HTML result.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ModelEntry } from "../../models/registry.js";
import { naiveMutexModel, petersonModel } from "../../models/toy/index.js";
import { type ProveArgs, runProve } from "../../src/cli/commands/prove.js";
import { closest, expandNumbers } from "../../src/cli/model-options.js";
import { plural } from "../../src/cli/report/text.js";
import { ParameterError, parseChoices, parseIntIn, rejectUnknown } from "../../src/params.js";
import { capturedIo, runCli, runCliWith } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "swapcheck-per-model-"));

describe("list", () => {
  it("alone lists the models, one line each", async () => {
    const r = await runCli("list");
    expect(r.status).toBe(0);
    for (const m of [
      "migrate-swapcache",
      "peterson",
      "naive-mutex",
      "lock-order",
      "counter-grid",
    ]) {
      expect(r.stdout).toMatch(new RegExp(`^${m} +\\S`, "m"));
    }
    expect(r.stdout).toContain("swapcheck list --model NAME");
    // Not every model's parameters.
    expect(r.stdout).not.toContain("--chunk-shift");
  });

  it("--model shows its parameters with allowed values and defaults", async () => {
    const r = await runCli("list", "--model", "migrate-swapcache");
    expect(r.stdout).toMatch(/--order: folio order k, 1\.\.5 \(default 2; prove: 1\.\.3\)/);
    expect(r.stdout).toMatch(/--variant \(the fix under test: its variants\):.*\(default all\)/);
    expect(r.stdout).toMatch(/^ +sibling-check +the RFC/m);
    expect(r.stdout).toMatch(/baseline head-only \(the vacuity witness\)/);
  });

  it("--model shows every property, liveness ones included, each with its sentence", async () => {
    const r = await runCli("list", "--model", "migrate-swapcache");
    const entry = (name: string) => {
      const at = r.stdout.indexOf(`  ${name} `);
      expect(at, name).toBeGreaterThan(0);
      return r.stdout.slice(at, r.stdout.indexOf("\n", r.stdout.indexOf("\n", at) + 1));
    };
    expect(entry("lookup-progress")).toMatch(/liveness, --liveness[^\n]*\n +swapin0 does not spin/);
    expect(entry("fault-completes")).toMatch(
      /liveness[^\n]*\n +swapin0's fault eventually completes/,
    );
    expect(entry("bounded-spin")).toMatch(
      /invariant, only with --bounded-spin N\n +No lookup fails/,
    );
    expect(entry("cache-integrity")).toMatch(/invariant\n +Every slot that points to a folio/);
    expect(entry("deadlock")).toMatch(/no step while a thread is unfinished/);
  });

  it("--model on a toy: no parameters, its threads and properties, nothing to prove", async () => {
    const r = await runCli("list", "--model", "peterson");
    expect(r.stdout).toMatch(/parameters: none/);
    expect(r.stdout).toMatch(/^ +P0$/m);
    expect(r.stdout).toMatch(/mutual-exclusion +invariant\n +At most one thread/);
    expect(r.stdout).toMatch(/no fix parameter to prove/);
  });
});

describe("--help per model", () => {
  /** The option lines of a help text, by name. */
  const option = (help: string, name: string) =>
    help
      .split("\n")
      .filter((_, i, lines) => lines.slice(0, i + 1).some((l) => l.startsWith(`  --${name} `)))
      .slice(0, 2)
      .join(" ");

  it("check: the model's parameters with allowed values and defaults, not [string]", async () => {
    const r = await runCli("check", "--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Parameters of migrate-swapcache:");
    expect(option(r.stdout, "order")).toMatch(/folio order k, 1\.\.5.*\[default: 2\]/);
    expect(option(r.stdout, "variant")).toMatch(/values: per-page, head-only/);
    const params = r.stdout.slice(r.stdout.indexOf("Parameters of"), r.stdout.indexOf("Options:"));
    expect(params).not.toContain("[string]");
  });

  it.each(["check", "simulate", "prove"])(
    "%s --model peterson: none of another model's",
    async (cmd) => {
      const r = await runCli(cmd, "--model", "peterson", "--help");
      expect(r.status).toBe(0);
      expect(r.stdout).not.toMatch(/--variant|--order|--chunk-shift/);
    },
  );

  it("prove: the defaults are the model's proof matrix", async () => {
    const r = await runCli("prove", "--help");
    expect(option(r.stdout, "order")).toMatch(/\[default: 1\.\.3\]/);
    expect(option(r.stdout, "chunk-shift")).toMatch(/\[default: 2,3\]/);
    expect(r.stdout).toMatch(
      /--baseline +the value of --variant standing for 'no fix'[\s\S]*?\[default: head-only\]/,
    );
  });
});

describe("parameters", () => {
  it("a parameter another model declares is one line, exit 2 (simulate, prove too)", async () => {
    for (const cmd of ["check", "simulate", "prove"]) {
      const r = await runCli(cmd, "--model", "naive-mutex", "--order", "2");
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^swapcheck: model naive-mutex has no parameter --order/);
    }
  });

  it("did you mean: the closest option, only when close", () => {
    expect(closest("varient", ["variant", "mapping", "order"])).toBe("variant");
    expect(closest("max-second", ["max-seconds", "max-states"])).toBe("max-seconds");
    expect(closest("frobnicate", ["variant", "mapping"])).toBeNull();
  });

  it("check --order 1..3: one run per value, the order in the table", async () => {
    const r = await runCli("check", "--variant", "swapcache-check", "--order", "1..3", "--quiet");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^variant +mapping +order +verdict/m);
    const rows = r.stdout.split("\n").filter((l) => l.startsWith("swapcache-check"));
    expect(rows.map((l) => l.split(/\s+/)[2])).toEqual(["1", "2", "3"]);
    // The configuration line names what the runs share, not the order.
    expect(r.stdout).toMatch(/^migrate-swapcache \(chunk shift 2, swapin page distinct/m);
  });

  it("lists and ranges expand only numbers; the model expands its own lists", () => {
    const entry: ModelEntry = {
      name: "t",
      version: 1,
      summary: "",
      parameters: [
        { name: "n", description: "", default: "1" },
        { name: "kind", description: "", default: "a", choices: [{ value: "1", description: "" }] },
      ],
      threads: [],
      properties: [],
      configure: () => [],
    };
    expect(expandNumbers(entry, { n: "1..2,5", kind: "1,1" })).toEqual([
      { n: "1", kind: "1,1" },
      { n: "2", kind: "1,1" },
      { n: "5", kind: "1,1" },
    ]);
    expect(expandNumbers(entry, { n: "all" })).toEqual([{ n: "all" }]);
  });
});

/** A toy model with a fix: `lock` picks Peterson's lock (the fix) or the naive one (the bug). */
const lockEntry: ModelEntry = {
  name: "toy-lock",
  version: 1,
  summary: "",
  parameters: [
    {
      name: "lock",
      description: "the lock",
      default: "all",
      choices: [
        { value: "peterson", description: "" },
        { value: "naive", description: "" },
      ],
    },
    { name: "rounds", description: "an unused number, 1..9", default: "1" },
  ],
  threads: [],
  properties: [],
  proof: { matrix: { lock: "peterson", rounds: "1" }, fixParameter: "lock", baseline: "naive" },
  configure(raw) {
    rejectUnknown("toy-lock", raw, this.parameters);
    const rounds = parseIntIn("rounds", raw.rounds ?? "1", 1, 9);
    return parseChoices("lock", raw.lock ?? "all", this.parameters[0]!.choices!, true).map(
      (lock) => ({
        title: `${lock}, ${rounds} round(s)`,
        raw: { lock, rounds: String(rounds) },
        params: { lock, mapping: "-", rounds },
        model: lock === "peterson" ? petersonModel() : naiveMutexModel(),
      }),
    );
  },
};

const capture = capturedIo;

const proveArgs = (over: Record<string, unknown> = {}): ProveArgs => ({
  model: "toy-lock",
  liveness: true,
  fairness: "weak",
  deadlock: true,
  force: false,
  json: false,
  verbose: false,
  ...over,
});

describe("prove --model", () => {
  it("runs the model's own matrix with its baseline as the vacuity witness", async () => {
    const writes: string[] = [];
    const io = capture();
    const out = io.out;
    expect(
      await runProve(
        proveArgs(),
        {
          ...io,
          out: (t) => {
            writes.push(t);
            out(t);
          },
        },
        lockEntry,
      ),
    ).toBe(0);
    // The configuration is printed before the searches, once.
    expect(writes[0]).toBe(
      "toy-lock (rounds 1)\nchecked: invariants mutual-exclusion; deadlock; no liveness\n\n",
    );
    expect(io.stdout().match(/^checked:/gm)).toHaveLength(1);
    expect(io.stdout()).toMatch(/^toy-lock \(rounds 1\)$/m);
    expect(io.stdout()).toMatch(/^checked: invariants mutual-exclusion; deadlock; no liveness$/m);
    expect(io.stdout()).toMatch(/^peterson +proved$/m);
  });

  it("takes every parameter, numbers as ranges; each configuration is printed", async () => {
    const io = capture();
    expect(await runProve(proveArgs({ rounds: "1..3", json: true }), io, lockEntry)).toBe(0);
    const doc = JSON.parse(io.stdout());
    expect(doc.model).toBe("toy-lock");
    expect(doc.cells.map((c: { rounds: number }) => c.rounds)).toEqual([1, 2, 3]);
    expect(doc.cells[0]).toMatchObject({
      status: "proved",
      liveness: false,
      fairness: null,
      checked: { invariants: ["mutual-exclusion"], deadlock: true, liveness: [] },
      evidence: { witness: { baseline: "naive", verdict: "violated", length: 4 } },
    });
    const text = capture();
    await runProve(proveArgs({ rounds: "1,2" }), text, lockEntry);
    expect(text.stdout()).toMatch(/^== rounds 1 ==$/m);
    expect(text.stdout()).toMatch(/^== rounds 2 ==$/m);
    // One group with nothing to name it: no "== all ==" heading.
    const one = capture();
    await runProve(proveArgs(), one, lockEntry);
    expect(one.stdout()).not.toContain("== all ==");
  });

  it("a baseline the fix parameter does not have is refused before any search", async () => {
    await expect(runProve(proveArgs({ baseline: "spin" }), capture(), lockEntry)).rejects.toThrow(
      /unknown baseline 'spin'; valid: peterson, naive/,
    );
  });

  it("a model without a proof is one line, exit 2", async () => {
    const r = await runCli("prove", "--model", "counter-grid");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/model counter-grid has no proof to run/);
    await expect(runProve(proveArgs({ model: "peterson" }), capture())).rejects.toThrow(
      ParameterError,
    );
  });

  it("migrate-swapcache: model parameters beyond the matrix's, the liveness checked in JSON", async () => {
    const r = await runCli(
      ...["prove", "--variant", "swapcache-check", "--mapping", "anon-swap", "--order", "1"],
      ...["--chunk-shift", "2", "--threads", "none", "--migrate-retries", "0", "--json"],
    );
    const [cell] = JSON.parse(r.stdout).cells;
    expect(cell).toMatchObject({ variant: "swapcache-check", order: 1, liveness: true });
    expect(cell.checked.liveness).toEqual(["lookup-progress", "fault-completes"]);
    expect(cell.checked.fairness).toBe("weak");
    expect(cell.status).toBe("proved");
  });
});

describe("replay finds the model in the trace", () => {
  it.each([
    ["naive-mutex", "violated: mutual-exclusion"],
    ["lock-order", "deadlock: no thread can take a step"],
  ])("a %s trace replays (exit 1)", async (model, headline) => {
    const file = join(dir, `${model}.json`);
    expect((await runCli("check", "--model", model, "--trace-out", file)).status).toBe(1);
    const doc = JSON.parse(readFileSync(file, "utf8"));
    expect(doc["#meta"].model).toBe(model);
    // A toy model without variables records its fields.
    expect(doc.vars.length).toBeGreaterThan(0);
    const r = await runCli("replay", file);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`steps replay on ${model}`);
    expect(r.stdout).toContain(headline);
  });

  it("a lasso is explained as check explains it, with the fairness recorded", async () => {
    const file = join(dir, "lasso.json");
    const args = [
      ...["--variant", "head-only", "--threads", "none", "--property", "lookup-progress"],
      ...["--swapins", "1", "--swapin-page", "all"],
    ];
    const checked = await runCli("check", ...args, "--trace-out", file);
    const doc = JSON.parse(readFileSync(file, "utf8"));
    expect(doc["#meta"].fairness).toBe("weak");
    expect(doc["#meta"].checked).toMatchObject({ liveness: ["lookup-progress"], invariants: [] });
    const replayed = await runCli("replay", file);
    expect(replayed.status).toBe(1);
    const lane = (text: string) =>
      text.slice(text.indexOf("== head-only"), text.indexOf("\n\n", text.indexOf("== head-only")));
    expect(lane(replayed.stdout)).toBe(lane(checked.stdout));
    expect(replayed.stdout).toMatch(/lasso counterexample: 21 steps/);
    expect(replayed.stdout).toMatch(/a 2-step loop repeats forever/);
    expect(replayed.stdout).toMatch(
      /checked: no invariants; deadlock; liveness lookup-progress \(weak fairness\)/,
    );
  });

  it("the ITF trace's vars name every variable its states hold (the slots too)", async () => {
    const file = join(dir, "vars.json");
    await runCli("check", "--variant", "head-only", "--trace-out", file);
    const doc = JSON.parse(readFileSync(file, "utf8"));
    const held = new Set(doc.states.flatMap((s: object) => Object.keys(s)));
    held.delete("#meta");
    expect(new Set(doc.vars)).toEqual(held);
    expect(doc.vars).toContain("slot 4");
    expect(doc["#meta"].fairness).toBeNull();
  });
});

describe("every result names what it checked", () => {
  it("text: the header line, printed before the search", async () => {
    const writes: string[] = [];
    const r = await runCliWith({ writes }, "check", "--model", "naive-mutex");
    expect(writes[0]).toBe(
      "naive-mutex\nchecked: invariants mutual-exclusion; deadlock; no liveness\n",
    );
    expect(r.stdout.match(/^checked:/gm)).toHaveLength(1);
  });

  it("text with liveness, and without fairness", async () => {
    const r = await runCli(
      ...[
        "check",
        "--variant",
        "head-only",
        "--threads",
        "none",
        "--liveness",
        "--fairness",
        "none",
        "--swapins",
        "1",
      ],
    );
    expect(r.stdout).toMatch(
      /checked: invariants no-use-after-free, .*cache-integrity, .*; deadlock; liveness lookup-progress, fault-completes \(no fairness\)/,
    );
    expect(r.stdout).toMatch(/fair-cycle search \(no fairness\)/);
    expect(r.stdout).not.toContain("none fairness");
  });

  it("JSON: each run's checked properties", async () => {
    const r = await runCli("check", "--model", "peterson", "--no-deadlock", "--json");
    expect(JSON.parse(r.stdout).runs[0].checked).toEqual({
      invariants: ["mutual-exclusion"],
      deadlock: false,
      liveness: [],
      fairness: null,
    });
  });

  it("HTML: the page names them, and the file written is named on stderr", async () => {
    const file = join(dir, "report.html");
    const r = await runCli("check", "--model", "peterson", "--html", file);
    expect(r.stderr).toBe(`swapcheck: HTML report of 1 run(s) written to ${file}\n`);
    const html = readFileSync(file, "utf8");
    expect(html).toContain("checked: invariants mutual-exclusion; deadlock; no liveness");
    expect(html).not.toContain("every property holds");
  });
});

describe("polish", () => {
  it("--color forces colour into a pipe; without it a pipe gets none (replay too)", async () => {
    expect((await runCli("check", "--model", "naive-mutex", "--color")).stdout).toContain("\x1b[");
    expect((await runCli("check", "--model", "naive-mutex")).stdout).not.toContain("\x1b[");
    const file = join(dir, "colour.json");
    await runCli("check", "--model", "naive-mutex", "--trace-out", file);
    expect((await runCli("replay", file, "--color")).stdout).toContain("\x1b[");
    expect((await runCli("replay", file, "--no-color")).stdout).not.toContain("\x1b[");
  });

  it("traces wrap at the terminal's width, never inside an identifier", async () => {
    const narrow = await runCliWith({ columns: 80 }, "check", "--variant", "head-only");
    const wide = await runCliWith({ columns: 200 }, "check", "--variant", "head-only");
    const lane = (t: string) => t.slice(t.indexOf("#   reclaim"), t.indexOf("violated: "));
    const widest = (t: string) =>
      Math.max(
        ...lane(t)
          .split("\n")
          .map((l) => l.length),
      );
    expect(widest(narrow.stdout)).toBeLessThanOrEqual(80);
    expect(widest(wide.stdout)).toBeGreaterThan(100);
    for (const r of [narrow, wide]) {
      expect(r.stdout).toContain("folio_test_writeback(A)");
      expect(lane(r.stdout)).not.toMatch(/[(_]\s*│/);
    }
  });

  it("1 context switch, 2 context switches", () => {
    expect(plural(1, "context switch", "context switches")).toBe("1 context switch");
    expect(plural(2, "context switch", "context switches")).toBe("2 context switches");
    expect(plural(1, "step")).toBe("1 step");
  });
});

describe("--model anywhere on the line", () => {
  it("before the command too", async () => {
    const r = await runCli("--model", "naive-mutex", "check");
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^naive-mutex$/m);
    const eq = await runCli("check", "--model=peterson");
    expect(eq.status).toBe(0);
    expect(eq.stdout).toMatch(/^peterson$/m);
  });
});
