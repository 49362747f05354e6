/**
 * `check --schedule` and `--format table` on the command line: the seed's
 * race as a schedule (examples/), infeasible schedules (exit 4), bad
 * schedules (exit 2, one line), and tables checked back.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectBadInput, runCli } from "../cli/run-cli.js";
import { compileFor, follow, oneRun } from "./helpers.js";

const EXAMPLE = "examples/rfc-2023-11-stall.schedule";
const dir = mkdtempSync(join(tmpdir(), "swapcheck-schedule-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

interface JsonRun {
  verdict: string;
  property: string | null;
  infeasible?: string;
  trace: {
    length: number;
    loopStart: number | null;
    steps: { thread: string; step: string }[];
  } | null;
}
const runsOf = (stdout: string) => (JSON.parse(stdout) as { runs: JsonRun[] }).runs;

describe("the seed's race as a schedule (examples/rfc-2023-11-stall.schedule)", () => {
  it("head-only: the RCU stall, a lasso whose stem follows every row", async () => {
    const r = await runCli(
      "check",
      "--variant",
      "head-only",
      "--liveness",
      "--schedule",
      EXAMPLE,
      "--json",
    );
    expect(r.status).toBe(1);
    const stall = runsOf(r.stdout).find((x) => x.property === "lookup-progress(swapin1)");
    expect(stall?.verdict).toBe("violated");
    const trace = stall!.trace!;
    expect(trace.loopStart).not.toBeNull();
    const run = oneRun("migrate-swapcache", { variant: "head-only" });
    const schedule = compileFor(run, "migrate-swapcache", readFileSync(EXAMPLE, "utf8"));
    const steps = trace.steps.map((s) => ({ thread: s.thread, name: s.step }));
    // The stem follows the whole schedule; the loop (swapin1 spinning) comes after its last row.
    expect(follow(steps.slice(0, trace.loopStart!), schedule)).toEqual({
      rows: schedule.rows.length,
    });
    // swapin1 spins while reclaim keeps finding B young and the process
    // touches it again (nothing else runs in the loop).
    const loop = steps.slice(trace.loopStart!);
    expect(new Set(loop.map((s) => s.thread))).toEqual(
      new Set(["swapin1", "reclaim-dst", "access"]),
    );
    expect(loop.map((s) => s.name)).toContain("folio_check_references");
    // The seed's parallel swap-in maps a page before migration locks A.
    const at = (thread: string, name: string) =>
      steps.findIndex((s) => s.thread === thread && s.name === name);
    expect(at("swapin0", "set_pte_at")).toBeLessThan(at("migrate", "folio_lock"));
  });

  it("head-only, text: the stall is reported as a lasso", async () => {
    const r = await runCli("check", "--variant", "head-only", "--liveness", "--schedule", EXAMPLE);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/head-only\s+anon-swap\s+violated\s+lookup-progress\(swapin1\)/);
    expect(r.stdout).toMatch(
      /== head-only .*: lookup-progress\(swapin1\) violated ==\nlasso counterexample/,
    );
  });

  it("sibling-check: the same schedule holds, or is infeasible naming the row", async () => {
    const r = await runCli(
      "check",
      "--variant",
      "sibling-check",
      "--liveness",
      "--schedule",
      EXAMPLE,
    );
    expect([0, 4]).toContain(r.status);
    if (r.status === 0) expect(r.stdout).toMatch(/sibling-check\s+anon-swap\s+holds/);
    else
      expect(r.stdout).toMatch(/infeasible: row \d+ \(examples\/rfc-2023-11-stall\.schedule:\d+\)/);
  });
});

describe("--schedule-only", () => {
  it("ends the runs with the table: no thread runs on, so no stall after it", async () => {
    const r = await runCli(
      "check",
      "--variant",
      "head-only",
      "--property",
      "lookup-progress",
      "--schedule",
      EXAMPLE,
      "--schedule-only",
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/head-only\s+anon-swap\s+holds/);
  });

  it("lets the threads with '...' after the last row run on: swapin1 alone spins", async () => {
    const text = `${readFileSync(EXAMPLE, "utf8")}${" ".repeat(62)}...\n`;
    const path = file("spin.schedule", text);
    const r = await runCli(
      "check",
      "--variant",
      "head-only",
      "--property",
      "lookup-progress",
      "--schedule",
      path,
      "--schedule-only",
      "--json",
    );
    expect(r.status).toBe(1);
    const run = runsOf(r.stdout)[0]!;
    expect(run.property).toBe("lookup-progress(swapin1)");
    const schedule = compileFor(
      oneRun("migrate-swapcache", { variant: "head-only" }),
      "migrate-swapcache",
      text,
    );
    expect(schedule.endFree).toEqual(new Set(["swapin1"]));
    const steps = run.trace!.steps.map((s) => ({ thread: s.thread, name: s.step }));
    expect(follow(steps, schedule, true)).not.toHaveProperty("bad");
    expect(new Set(steps.slice(run.trace!.loopStart!).map((s) => s.thread))).toEqual(
      new Set(["swapin1"]),
    );
  });
});

describe("infeasible schedules", () => {
  it("says which row never happens and why, exit 4", async () => {
    const path = file(
      "early.schedule",
      "model migrate-swapcache\n    reclaim          migrate\n1                    folio_isolate_lru\n",
    );
    const r = await runCli("check", "--variant", "head-only", "--schedule", path);
    expect(r.status).toBe(4);
    expect(r.stdout).toMatch(/head-only\s+anon-swap\s+infeasible/);
    expect(r.stdout).toContain(
      `infeasible: row 1 (${path}:3) never happens: in the 1 reached state where row 1 is next, migrate:folio_isolate_lru is never enabled`,
    );
    const j = await runCli("check", "--variant", "head-only", "--schedule", path, "--json");
    expect(j.status).toBe(4);
    expect(runsOf(j.stdout)[0]).toMatchObject({ verdict: "infeasible" });
  });

  it("says what the row's thread could do instead, or which constraint holds it back", async () => {
    const skip = file(
      "skip.schedule",
      "model migrate-swapcache\n    reclaim\n1   folio_trylock\n2   pageout\n",
    );
    const r = await runCli("check", "--variant", "head-only", "--schedule", skip);
    expect(r.status).toBe(4);
    expect(r.stdout).toContain(
      `infeasible: row 2 (${skip}:4) never happens: in the 1 reached state where row 2 is next, reclaim:pageout is never enabled: reclaim could only take add_to_swap`,
    );
    const held = file(
      "held.schedule",
      "model migrate-swapcache\nmigrate:folio_isolate_lru < reclaim:folio_trylock\n    reclaim\n1   folio_trylock\n",
    );
    const h = await runCli("check", "--variant", "head-only", "--schedule", held);
    expect(h.status).toBe(4);
    expect(h.stdout).toContain(
      "reclaim:folio_trylock waits for migrate:folio_isolate_lru (the constraint on line 2)",
    );
  });

  it("names a constraint that is never met", async () => {
    const path = file(
      "never.schedule",
      "model migrate-swapcache\nswapin1:do_swap_page < reclaim:folio_trylock\n",
    );
    const r = await runCli("check", "--variant", "head-only", "--schedule", path);
    expect(r.status).toBe(4);
    expect(r.stdout).toMatch(
      /infeasible: the constraint swapin1:do_swap_page < reclaim:folio_trylock/,
    );
  });
});

describe("bad schedules: one line, exit 2", () => {
  it("an unknown thread or step, with the nearest names", async () => {
    const thread = file("thread.schedule", "model migrate-swapcache\n    reclaim   swapin2\n");
    expectBadInput(
      await runCli("check", "--variant", "head-only", "--schedule", thread),
      /thread\.schedule:2:15: unknown thread 'swapin2'; nearest: swapin0, swapin1/,
    );
    const step = file(
      "step.schedule",
      "model migrate-swapcache\n    migrate\n    folio_migrate_maping\n",
    );
    expectBadInput(
      await runCli("check", "--variant", "head-only", "--schedule", step),
      /step\.schedule:3:5: unknown step 'folio_migrate_maping' of migrate; nearest: folio_migrate_mapping/,
    );
  });

  it("a schedule for another model or variant", async () => {
    expectBadInput(
      await runCli("check", "--model", "lock-order", "--schedule", EXAMPLE),
      /rfc-2023-11-stall\.schedule:\d+:1: the schedule is for model migrate-swapcache, this run is of lock-order/,
    );
    const v = file("variant.schedule", "model migrate-swapcache variant=head-only\n");
    expectBadInput(
      await runCli("check", "--variant", "sibling-check", "--schedule", v),
      /variant\.schedule:1:25: the schedule is for variant=head-only, this run has variant=sibling-check/,
    );
    const p = file("param.schedule", "model migrate-swapcache colour=blue\n");
    expectBadInput(
      await runCli("check", "--schedule", p),
      /param\.schedule:1:25: migrate-swapcache has no parameter 'colour'/,
    );
  });

  it("a parse error, a missing file, and options that do not go together", async () => {
    const bad = file("bad.schedule", "model migrate-swapcache\na:b <\n");
    expectBadInput(await runCli("check", "--schedule", bad), /bad\.schedule:2:1: '<' needs/);
    expectBadInput(
      await runCli("check", "--schedule", join(dir, "missing.schedule")),
      /--schedule .*missing\.schedule: no such file/,
    );
    expectBadInput(await runCli("check", "--schedule-only"), /--schedule-only needs --schedule/);
    expectBadInput(
      await runCli("check", "--variant", "head-only", "--por", "--schedule", EXAMPLE),
      /--schedule cannot be combined with --por/,
    );
    expectBadInput(await runCli("check", "--format", "mail"), /unknown --format 'mail'/);
  });
});

describe("--format table", () => {
  it("prints a plain table of at most 80 columns that checks back to the same lasso", async () => {
    const args = ["check", "--variant", "head-only", "--property", "lookup-progress(swapin1)"];
    const r = await runCli(...args, "--format", "table", "--color");
    expect(r.status).toBe(1);
    expect(r.stdout.includes("\u001b[")).toBe(false);
    for (const line of r.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
    expect(r.stdout).toMatch(/^model migrate-swapcache variant=head-only/m);
    const path = file("stall.schedule", r.stdout);
    const plain = runsOf((await runCli(...args, "--json")).stdout)[0]!;
    const back = runsOf(
      (
        await runCli(
          "check",
          "--property",
          "lookup-progress(swapin1)",
          "--schedule",
          path,
          "--json",
        )
      ).stdout,
    )[0]!;
    expect(back.verdict).toBe("violated");
    expect(back.property).toBe(plain.property);
    expect(back.trace!.length).toBe(plain.trace!.length);
    expect(back.trace!.loopStart).toBe(plain.trace!.loopStart);
  });

  it("replay --format table gives a schedule of the recorded run", async () => {
    const trace = join(dir, "head-only.json");
    await runCli("check", "--variant", "head-only", "--trace-out", trace, "--quiet");
    const r = await runCli("replay", trace, "--format", "table");
    expect(r.status).toBe(1);
    const path = file("replayed.schedule", r.stdout);
    const recorded = JSON.parse(readFileSync(trace, "utf8")) as { states: unknown[] };
    const back = runsOf(
      (await runCli("check", "--property", "cache-integrity", "--schedule", path, "--json")).stdout,
    )[0]!;
    expect(back.property).toBe("cache-integrity");
    expect(back.trace!.length).toBe(recorded.states.length - 1);
  });
});

describe("docs/schedules.md", () => {
  it("shows the example file as it is (comments and blank lines aside)", () => {
    const doc = readFileSync("docs/schedules.md", "utf8");
    const block = /## An example[\s\S]*?```\n([\s\S]*?)```/.exec(doc)![1]!;
    const table = (text: string) =>
      text.split("\n").filter((l) => l.trim() !== "" && !l.trimStart().startsWith("#"));
    expect(table(block)).toEqual(table(readFileSync(EXAMPLE, "utf8")));
  });
});
