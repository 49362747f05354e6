import { describe, expect, it } from "vitest";
import {
  counterGridModel,
  lockOrderModel,
  naiveMutexModel,
  petersonModel,
} from "../../models/toy/index.js";
import { search } from "../../src/engine/index.js";

describe.each([false, true])("toy models (exact=%s)", (exact) => {
  it("Peterson's algorithm keeps mutual exclusion", () => {
    const r = search(petersonModel(), { exact });
    expect(r.verdict).toBe("holds");
    expect(r.trace).toBeNull();
    expect(r.covered.get("P0-enters")).toBe(true);
  });

  it("a lock with a separate test and set breaks in exactly 4 steps", () => {
    const r = search(naiveMutexModel(), { exact });
    expect(r.verdict).toBe("violated");
    expect(r.property).toBe("mutual-exclusion");
    const steps = r.trace!.steps;
    expect(steps.map((s) => s.name)).toEqual([
      "test: lock == 0",
      "test: lock == 0",
      "set: lock = 1",
      "set: lock = 1",
    ]);
    expect(new Set(steps.slice(0, 2).map((s) => s.thread)).size).toBe(2);
    expect(r.explanation).toBe("in critical section: T0, T1");
  });

  it("a counter grid has exactly (max+1)^dims states", () => {
    const r = search(counterGridModel(3, 4), { exact });
    expect(r.verdict).toBe("holds");
    expect(r.stats.distinctStates).toBe(125);
    // Every state except the last has one transition per counter below max.
    expect(r.stats.transitions).toBe(3 * 4 * 25);
    expect(r.stats.depth).toBe(12);
  });

  it("an AB-BA lock order deadlocks in 2 steps", () => {
    const r = search(lockOrderModel(), { exact });
    expect(r.verdict).toBe("deadlock");
    expect(r.trace!.steps.map((s) => s.label).sort()).toEqual(["lock(L0)", "lock(L1)"]);
    expect(r.explanation).toContain("T0, T1");
  });

  it("deadlock detection can be switched off", () => {
    const r = search(lockOrderModel(), { exact, checkDeadlock: false });
    expect(r.verdict).toBe("holds");
  });
});

describe("Peterson state count", () => {
  it("matches a brute-force closure written with plain sets", () => {
    const m = petersonModel();
    const seen = new Set<string>();
    const queue = [...m.initStates()];
    while (queue.length > 0) {
      const s = queue.shift()!;
      const key = JSON.stringify(s);
      if (seen.has(key)) continue;
      seen.add(key);
      for (const step of m.actions(s)) queue.push(m.next(s, step.action));
    }
    expect(search(m).stats.distinctStates).toBe(seen.size);
  });
});

describe("bounds", () => {
  it("max-states gives incomplete, never holds", () => {
    const r = search(counterGridModel(3, 4), { maxStates: 10 });
    expect(r.verdict).toBe("incomplete");
    expect(r.incompleteReason).toBe("max-states");
  });

  it("max-depth gives incomplete when states remain", () => {
    const r = search(counterGridModel(2, 4), { maxDepth: 3 });
    expect(r.verdict).toBe("incomplete");
    expect(r.incompleteReason).toBe("max-depth");
    expect(r.stats.depth).toBe(3);
  });

  it("a depth bound beyond the model's depth still gives holds", () => {
    expect(search(counterGridModel(2, 4), { maxDepth: 8 }).verdict).toBe("holds");
  });

  it("max-seconds and an interrupt give incomplete", () => {
    const big = counterGridModel(4, 30);
    expect(search(big, { maxSeconds: 0 }).incompleteReason).toBe("max-seconds");
    expect(search(big, { shouldStop: () => true }).incompleteReason).toBe("interrupted");
  });

  it("reports a collision probability for fingerprints and 0 when exact", () => {
    const fp = search(counterGridModel(3, 4));
    expect(fp.stats.collisionProbability).toBeGreaterThan(0);
    expect(fp.stats.collisionProbability).toBeLessThan(1e-12);
    expect(search(counterGridModel(3, 4), { exact: true }).stats.collisionProbability).toBe(0);
  });
});
