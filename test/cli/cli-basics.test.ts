import { describe, expect, it } from "vitest";
import { expectBadInput, runCli } from "./run-cli.js";

describe("swapcheck CLI on the toy models", () => {
  it("check on a model that holds exits 0", async () => {
    const r = await runCli("check", "--model", "peterson");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/holds/);
    expect(r.stderr).toBe("");
  });

  it("a violation exits 1 and prints the shortest trace", async () => {
    const r = await runCli("check", "--model", "naive-mutex");
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/mutual-exclusion violated/);
    // Fewest switches by hand: both threads must test before either sets.
    expect(r.stdout).toMatch(/shortest counterexample: 4 steps, 2 context switches/);
    expect(r.stdout).toMatch(/^# +T0 +│ T1$/m);
    expect(r.stdout.match(/set: lock = 1/g)).toHaveLength(2);
  });

  it("a deadlock exits 1", async () => {
    const r = await runCli("check", "--model", "lock-order");
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/deadlock/);
  });

  it("a bound gives incomplete and exit 3, never holds", async () => {
    const r = await runCli("check", "--model", "counter-grid", "--max-states", "5");
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/incomplete \(max-states\)/);
    expect(r.stdout).not.toMatch(/\bholds\b/);
  });

  it("--json prints exactly one JSON document", async () => {
    const r = await runCli("check", "--model", "naive-mutex", "--json");
    const doc = JSON.parse(r.stdout);
    expect(doc.runs).toHaveLength(1);
    expect(doc.runs[0].verdict).toBe("violated");
    expect(doc.runs[0].trace.steps).toHaveLength(4);
    expect(doc.runs[0].stats.distinctStates).toBeGreaterThan(0);
  });

  it.each([
    [["check", "--model", "nope"], /unknown model 'nope'; valid: .*peterson/],
    [["check", "--bogus"], /unknown option --bogus/],
    [["check", "--max-states", "x"], /--max-states must be a whole number > 0 .*got 'x'/],
    [[], /name a command/],
  ])("bad input %j exits 2 with one line", async (argv, message) => {
    expectBadInput(await runCli(...argv), message);
  });
});
