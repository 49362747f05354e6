import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "swapcheck-replay-"));

async function recorded(name: string, ...argv: string[]): Promise<string> {
  const file = join(dir, name);
  const r = await runCli("check", ...argv, "--trace-out", file);
  expect(r.status).toBe(1);
  return file;
}

/** Writes `text` to `file` and returns the file's path. */
function withText(text: string): (file: string) => string {
  return (file) => {
    writeFileSync(file, text);
    return file;
  };
}

describe("--trace-out and replay", () => {
  it("a recorded counterexample replays to the same violation (exit 1)", async () => {
    const file = await recorded("head-only.json", "--variant", "head-only");
    const doc = JSON.parse(readFileSync(file, "utf8"));
    expect(doc["#meta"]).toMatchObject({ model: "migrate-swapcache", verdict: "violated" });
    expect(doc.states[2]["slot 4"]).toBe("A");
    expect(doc.states[2]["#meta"]).toMatchObject({ thread: "reclaim", step: "add_to_swap" });
    const r = await runCli("replay", file);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/violated: cache-integrity/);
    expect(r.stdout).toMatch(/slot 5: A, which is not in the swap cache/);
  });

  it("the same run writes the same file (no times or dates in it)", async () => {
    const args = ["--variant", "sibling-check", "--mapping", "shmem", "--order", "3"];
    const a = await recorded("a.json", ...args);
    const b = await recorded("b.json", ...args);
    expect(readFileSync(a, "utf8")).toBe(readFileSync(b, "utf8"));
  });

  it("a prefix of a trace replays and ends where every property checked holds (exit 0)", async () => {
    const file = await recorded("prefix.json", "--variant", "head-only");
    const doc = JSON.parse(readFileSync(file, "utf8"));
    doc.states = doc.states.slice(0, 5);
    writeFileSync(file, JSON.stringify(doc));
    const r = await runCli("replay", file);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/every property checked holds/);
  });

  it("an edited step is refused with the first bad step named (exit 2)", async () => {
    const file = await recorded("edited.json", "--variant", "head-only");
    const doc = JSON.parse(readFileSync(file, "utf8"));
    doc.states[9]["#meta"].action = "folio_lock(B)";
    writeFileSync(file, JSON.stringify(doc));
    const r = await runCli("replay", file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/step 9 \(migrate: folio_lock\(B\)\) is not enabled/);
  });

  it("an edited state is refused (exit 2)", async () => {
    const file = await recorded("state.json", "--variant", "head-only");
    const doc = JSON.parse(readFileSync(file, "utf8"));
    doc.states[3]["A.refcount"] = "42";
    writeFileSync(file, JSON.stringify(doc));
    const r = await runCli("replay", file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/state 3: A\.refcount is '42' in the trace but '5' when replayed/);
  });

  it.each([
    ["missing", (f: string) => f, /no such file/],
    ["not JSON", withText("{nope"), /not a JSON document/],
    ["wrong schema", withText('{"states": []}'), /not a swapcheck trace/],
    [
      "another model version",
      (f: string) => {
        const doc = JSON.parse(readFileSync(join(dir, "head-only.json"), "utf8"));
        doc["#meta"].modelVersion = 99;
        writeFileSync(f, JSON.stringify(doc));
        return f;
      },
      /version 99; this swapcheck has version 1/,
    ],
  ])("a %s file exits 2 with one line", async (_what, make, message) => {
    const r = await runCli("replay", make(join(dir, `bad-${_what}.json`)));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("an existing output file survives without --force", async () => {
    const file = join(dir, "keep.json");
    writeFileSync(file, "precious");
    const r = await runCli("check", "--variant", "head-only", "--trace-out", file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/file exists; add --force/);
    expect(readFileSync(file, "utf8")).toBe("precious");
    const forced = await runCli("check", "--variant", "head-only", "--trace-out", file, "--force");
    expect(forced.status).toBe(1);
    expect(readFileSync(file, "utf8")).toMatch(/"#meta"/);
  });
});
