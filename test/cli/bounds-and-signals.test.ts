/**
 * Honesty under bounds and interrupts: a search cut short is `incomplete`
 * (exit 3, or 130/143 for a signal), never `holds`, and says what it
 * explored. The signal tests spawn the built CLI (npm test builds first).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const CLI = fileURLToPath(new URL("../../dist/src/cli/main.js", import.meta.url));
// A configuration far too big to finish during the test.
const LONG = ["check", "--variant", "swapcache-check", "--order", "5", "--swapins", "4"];

describe("bounds give incomplete, exit 3", () => {
  it.each([
    ["--max-states", "50", "max-states"],
    ["--max-depth", "3", "max-depth"],
    ["--max-seconds", "0.2", "max-seconds"],
    ["--max-memory", "1", "max-memory"],
  ])("%s %s", async (flag, value, reason) => {
    const args =
      flag === "--max-states" || flag === "--max-depth"
        ? ["check", "--variant", "swapcache-check"]
        : LONG;
    const r = await runCli(...args, flag, value);
    expect(r.status).toBe(3);
    expect(r.stdout).toContain(`incomplete (${reason})`);
    expect(r.stdout).toMatch(/nothing proved/);
    expect(r.stdout).not.toMatch(/\bholds\b/);
    expect(r.stdout).toMatch(/\d+ states stored, \d+ matched, \d+ transitions, depth \d+/);
  });

  it("a bound in the JSON document: verdict incomplete with its reason", async () => {
    const r = await runCli("check", "--variant", "swapcache-check", "--max-states", "50", "--json");
    const run = JSON.parse(r.stdout).runs[0];
    expect([run.verdict, run.incompleteReason]).toEqual(["incomplete", "max-states"]);
  });

  it("a liveness check cut short is incomplete too", async () => {
    const r = await runCli(
      "check",
      "--variant",
      "swapcache-check",
      "--liveness",
      "--max-states",
      "50",
    );
    expect(r.status).toBe(3);
  });
});

function spawnCli(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const done = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, done, out: () => stdout, err: () => stderr };
}

describe("signals stop the search cleanly", () => {
  it.each([
    ["SIGINT", 130, []],
    ["SIGTERM", 143, []],
    // The main thread expands a share of each level itself: it must still hear the signal.
    ["SIGINT", 130, ["--workers", "2"]],
  ] as const)(
    "%s: partial statistics, verdict incomplete, exit %i %j",
    async (signal, status, extra) => {
      const p = spawnCli([...LONG, ...extra, "--progress"]);
      // Wait until the search is running (its first progress line).
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (p.err().includes("states (")) {
            clearInterval(poll);
            resolve();
          }
        }, 50);
      });
      p.child.kill(signal);
      expect(await p.done).toBe(status);
      expect(p.out()).toContain("incomplete (interrupted)");
      expect(p.out()).toMatch(/\d+ states stored/);
      expect(p.err()).toContain(`${signal}: stopping the search`);
    },
  );

  it("a second Ctrl-C exits at once", async () => {
    const p = spawnCli([...LONG, "--progress", "--max-seconds", "60"]);
    await new Promise((r) => setTimeout(r, 1500));
    p.child.kill("SIGINT");
    p.child.kill("SIGINT");
    expect(await p.done).toBe(130);
  });
});

describe("simulate stops promptly with what it has", () => {
  const SIM = [
    "simulate",
    "--order",
    "5",
    "--swapins",
    "8",
    "--runs",
    "1000000",
    "--variant",
    "swapcache-check",
    "--seed",
    "3",
  ];

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s: the runs so far, exit %i, within a second", async (signal, status) => {
    const p = spawnCli([...SIM, "--progress"]);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (p.err().includes("run(s), ")) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    });
    const sent = Date.now();
    p.child.kill(signal);
    expect(await p.done).toBe(status);
    expect(Date.now() - sent).toBeLessThan(1000);
    expect(p.out()).toMatch(/\d+ run\(s\), \d+ steps: 0 violated/);
    expect(p.out()).toContain(`stopped early (${signal})`);
    expect(p.err()).toContain(`${signal}: stopping the search`);
  });

  it("--max-seconds stops it (exit 3), the header came first", async () => {
    const started = Date.now();
    const r = await runCli(...SIM, "--max-seconds", "0.5");
    expect(r.status).toBe(3);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.stdout).toMatch(/^migrate-swapcache \(order 5, /);
    expect(r.stdout).toContain("stopped early (--max-seconds)");
    expect(r.stdout).toMatch(/a simulation proves nothing/);
  });

  it("--progress shows runs and steps on stderr", async () => {
    const r = await runCli(...SIM, "--max-seconds", "0.6", "--progress");
    expect(r.stderr).toMatch(/run\(s\), \d+ steps \(\d+\/s\)/);
  });
});

describe("the bounds mean what --help says", () => {
  // counter-grid has exactly 125 states.
  it("--max-states N: a search of N states completes, one of N + 1 does not", async () => {
    const complete = await runCli("check", "--model", "counter-grid", "--max-states", "125");
    expect(complete.status).toBe(0);
    expect(complete.stdout).toMatch(/125 states stored/);
    const cut = await runCli("check", "--model", "counter-grid", "--max-states", "124");
    expect(cut.status).toBe(3);
    expect(cut.stdout).toMatch(/incomplete \(max-states\)/);
    expect(cut.stdout).toMatch(
      /incomplete \(max-states: state 125 went beyond the bound\), nothing proved/,
    );
  });

  it("--max-depth N: traces of at most N steps (counter-grid's deepest state is at 12)", async () => {
    expect((await runCli("check", "--model", "counter-grid", "--max-depth", "12")).status).toBe(0);
    expect((await runCli("check", "--model", "counter-grid", "--max-depth", "11")).status).toBe(3);
  });

  it("--help documents every bound and that leaving it out means no bound", async () => {
    const r = await runCli("check", "--help");
    for (const b of ["max-states", "max-depth", "max-seconds", "max-memory"]) {
      expect(r.stdout).toMatch(new RegExp(`--${b} +stop \\(incomplete, exit 3\\)`));
    }
  });
});
