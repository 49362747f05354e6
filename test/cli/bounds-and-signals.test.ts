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
    ["--max-seconds", "0", "max-seconds"],
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
