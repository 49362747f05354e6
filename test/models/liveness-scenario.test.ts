/**
 * The liveness verdicts the spec expects for anon-swap ("Liveness verdicts
 * we expect"), each obtained by a complete liveness check of the model.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { OptionalThread } from "../../models/migrate-swapcache/params.js";
import { checkLiveness, search } from "../../src/engine/index.js";
import { runCli } from "../cli/run-cli.js";
import { scenario } from "./scenario-helpers.js";

const LIVENESS = ["lookup-progress", "fault-completes"];

function live(
  variant: string,
  threads: OptionalThread[],
  extra: object = {},
  fairness: "weak" | "none" = "weak",
) {
  const model = scenario({ variant: variant as never, threads: new Set(threads), ...extra });
  // Only the progress properties: the invariants would stop the search at the stale slot first.
  const properties = model.properties.filter((p) => p.kind !== "always");
  return { model, result: checkLiveness({ ...model, properties }, { fairness }) };
}

describe("the RCU stall and the endless fault retry, as lassos", () => {
  it("head-only without reclaim of B: the lookup spins for ever on the freed folio", () => {
    const { model, result } = live("head-only", []);
    expect(result.verdict).toBe("violated");
    expect(result.property).toBe("lookup-progress");
    const trace = result.trace!;
    const states = [trace.init, ...trace.steps.map((s) => s.state)];
    const loopStart = trace.loopStart!;
    expect(loopStart).toBeGreaterThan(0);
    // The loop returns to the state where it starts, and never leaves RCU.
    expect(model.encode(states.at(-1)!)).toEqual(model.encode(states[loopStart]!));
    const prop = model.properties.find((p) => p.name === "lookup-progress")!;
    for (const s of states.slice(loopStart)) expect(prop.holds(s)).toBe(false);
    expect(trace.steps.slice(loopStart).map((s) => s.name)).toContain("folio_try_get_rcu");
  });

  it("with reclaim of B under weak fairness: no fair stall; without fairness: a stall", () => {
    expect(live("head-only", ["reclaim-dst"]).result.verdict).toBe("holds");
    const unfair = live("head-only", ["reclaim-dst"], {}, "none").result;
    expect(unfair.verdict).toBe("violated");
    expect(unfair.property).toBe("lookup-progress");
  });

  it("the spin with reclaim of B is finite but unbounded: --bounded-spin finds 3 failures in a row", () => {
    const model = scenario({
      variant: "head-only",
      threads: new Set(["reclaim-dst"]),
      spinBound: 3,
    });
    const r = search({
      ...model,
      properties: model.properties.filter((p) => p.name === "bounded-spin"),
    });
    expect(r.verdict).toBe("violated");
    expect(r.trace!.steps.filter((s) => /folio_try_get_rcu\(A\) fails/.test(s.label))).toHaveLength(
      3,
    );
  });

  it("a second swap-in that maps B keeps B in the cache: the stall is back (the seed's case)", () => {
    const { result } = live("head-only", ["reclaim-dst"], { swapins: 2 });
    expect(result.verdict).toBe("violated");
    expect(result.property).toMatch(/^lookup-progress\(swapin\d\)$/);
    // Some swap-in mapped a page of B before B's reclaim gave up.
    expect(result.trace!.steps.some((s) => /set_pte_at\(pte \d → B/.test(s.label))).toBe(true);
  });

  it("the same with the two swap-ins on different pages (--swapin-page distinct)", () => {
    const { result } = live("head-only", ["reclaim-dst"], { swapins: 2, swapinPage: "distinct" });
    expect(result.verdict).toBe("violated");
    expect(result.property).toBe("lookup-progress(swapin1)");
  });

  it("with reuse: the recheck refuses the recycled folio and the fault retries for ever", () => {
    const { result } = live("head-only", ["reuse"]);
    expect(result.verdict).toBe("violated");
    expect(result.property).toBe("fault-completes");
    const loop = result.trace!.steps.slice(result.trace!.loopStart!);
    expect(loop.some((s) => /recheck A' fails/.test(s.label))).toBe(true);
    // The lookup leaves RCU each time round: lookup-progress alone holds.
    const model = scenario({ variant: "head-only", threads: new Set(["reuse"]) });
    const onlyLookup = model.properties.filter((p) => p.name === "lookup-progress");
    expect(checkLiveness({ ...model, properties: onlyLookup }).verdict).toBe("holds");
  });

  it.each(["per-page", "sibling-check", "swapbacked-check", "swapcache-check"])(
    "%s: no lasso, with any optional threads",
    (variant) => {
      for (const threads of [
        [],
        ["reclaim-dst"],
        ["reuse"],
        ["reclaim-dst", "reuse"],
      ] as OptionalThread[][]) {
        const r = live(variant, threads).result;
        expect(r.verdict, `${variant} ${threads}`).toBe("holds");
        expect(r.incompleteReason).toBeNull();
      }
    },
  );

  it("the properties are the two the spec asks for", () => {
    const names = scenario({})
      .properties.filter((p) => p.kind === "always-eventually")
      .map((p) => p.name);
    expect(names).toEqual(LIVENESS);
  });
});

describe("lasso traces through the CLI", () => {
  it("check --property prints the loop, and the JSON trace replays to the loop start", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "swapcheck-lasso-")), "stall.json");
    const args = ["--variant", "head-only", "--threads", "none", "--property", "lookup-progress"];
    const r = await runCli("check", ...args, "--trace-out", file);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/lasso counterexample: \d+ steps/);
    expect(r.stdout).toMatch(/-- loop starts here --/);
    const replay = await runCli("replay", file);
    expect(replay.status).toBe(1);
    expect(replay.stdout).toMatch(/-- loop starts here --/);
    expect(replay.stdout).toMatch(/violated: lookup-progress/);
  });
});
