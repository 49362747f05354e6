/**
 * Liveness checking on toy models whose answers are known from outside the
 * code. Every counterexample is validated here independently of the engine:
 * it replays on the model, its last state is its loop-start state, P never
 * holds on the loop (nor on the stem for ◇P), and the loop is weakly fair
 * when fairness is asked for.
 */
import { describe, expect, it } from "vitest";
import {
  blockingMutexModel,
  lockOrderModel,
  naiveMutexModel,
  petersonModel,
  politeThreadsModel,
  spinlockModel,
  tokenRingModel,
} from "../../models/toy/index.js";
import {
  checkLiveness,
  type Fairness,
  type Model,
  type Property,
  type SearchResult,
  search,
} from "../../src/engine/index.js";

function encodingOf<S, A>(m: Model<S, A>, s: S): string {
  return Array.from(m.encode(s)).join(",");
}

/** Checks a lasso counterexample against the model, without trusting the engine. */
function expectValidLasso<S, A>(m: Model<S, A>, r: SearchResult<S>, fairness: Fairness): void {
  expect(r.verdict).toBe("violated");
  const p = m.properties.find((q) => q.name === r.property)!;
  expect(["always-eventually", "eventually"]).toContain(p.kind);
  const t = r.trace!;
  const ls = t.loopStart!;
  expect(ls).toBeTypeOf("number");
  expect(ls).toBeGreaterThanOrEqual(0);
  expect(ls).toBeLessThanOrEqual(t.steps.length);
  const states = [t.init, ...t.steps.map((s) => s.state)];
  expect(encodingOf(m, m.initStates()[t.initIndex]!)).toBe(encodingOf(m, t.init));
  // The trace replays: each step is enabled in the state before it.
  t.steps.forEach((step, i) => {
    const enabled = m.actions(states[i]!)[step.index];
    expect(enabled).toBeDefined();
    expect(enabled!.thread).toBe(step.thread);
    expect(enabled!.label).toBe(step.label);
    expect(encodingOf(m, m.next(states[i]!, enabled!.action))).toBe(encodingOf(m, step.state));
  });
  // The loop closes.
  expect(encodingOf(m, states[states.length - 1]!)).toBe(encodingOf(m, states[ls]!));
  // P never holds on the loop, nor anywhere for ◇P.
  const loopStates = states.slice(ls);
  for (const s of p.kind === "eventually" ? states : loopStates) expect(p.holds(s)).toBe(false);
  if (ls === t.steps.length) {
    // An empty loop: stuttering in a state without steps.
    expect(m.actions(states[ls]!)).toHaveLength(0);
    return;
  }
  if (fairness === "weak") {
    const stepping = new Set(t.steps.slice(ls).map((s) => s.thread));
    const threads = new Set([
      ...m.threads,
      ...loopStates.flatMap((s) => m.actions(s).map((a) => a.thread)),
    ]);
    for (const thread of threads) {
      const alwaysEnabled = loopStates.every((s) => m.actions(s).some((a) => a.thread === thread));
      if (alwaysEnabled)
        expect(stepping.has(thread), `${thread} is starved on the loop`).toBe(true);
    }
  }
}

/** Peterson's model with a progress property added (the model file stays as it is). */
function petersonWithProgress() {
  const m = petersonModel();
  type S = Parameters<typeof m.encode>[0];
  const progress: Property<S> = {
    name: "P0-enters-again",
    kind: "always-eventually",
    description: "P0 is in its critical section again and again.",
    holds: (s) => s.pc[0] === 3,
  };
  return { ...m, properties: [...m.properties, progress] };
}

describe.each([false, true])("liveness on toy models (exact=%s)", (exact) => {
  describe("a spinlock that A can always release", () => {
    it.each(["B-acquires", "B-not-spinning"])("without fairness B spins forever: %s", (name) => {
      const m = spinlockModel();
      const r = checkLiveness(m, { exact, fairness: "none", properties: [name] });
      expect(r.property).toBe(name);
      expectValidLasso(m, r, "none");
      const t = r.trace!;
      // The loop is B spinning while A holds the lock and never moves.
      const loop = t.steps.slice(t.loopStart);
      expect(loop.length).toBeGreaterThan(0);
      expect(loop.every((s) => s.thread === "B" && s.name === "cpu_relax")).toBe(true);
      expect(loop[0]!.state.lock).toBe(0);
    });

    it("under weak fairness A must release: B makes progress", () => {
      const r = checkLiveness(spinlockModel(), { exact });
      expect(r.verdict).toBe("holds");
      expect(r.trace).toBeNull();
      expect(r.incompleteReason).toBeNull();
      // Fairness is weak by default.
      expect(checkLiveness(spinlockModel(3), { exact, fairness: "weak" }).verdict).toBe("holds");
    });
  });

  describe("a sleeping mutex: weak fairness does not prevent starvation", () => {
    it.each(["weak", "none"] as const)("fairness %s: B can starve", (fairness) => {
      const m = blockingMutexModel();
      const r = checkLiveness(m, { exact, fairness });
      expectValidLasso(m, r, fairness);
      const t = r.trace!;
      const loop = t.steps.slice(t.loopStart);
      // The loop is A locking and unlocking; B sleeps while A holds the mutex.
      expect(loop.map((s) => s.label)).toEqual(["mutex_lock(M)", "mutex_unlock(M)"]);
      expect(loop.every((s) => s.thread === "A")).toBe(true);
      expect(loop.some((s) => m.actions(s.state).every((a) => a.thread !== "B"))).toBe(true);
    });
  });

  describe("two polite threads that back off (a livelock)", () => {
    it.each([
      ["weak", "someone-enters"],
      ["weak", "T0-enters"],
      ["none", "someone-enters"],
      ["none", "T0-enters"],
    ] as const)("fairness %s: %s is violated by a lasso", (fairness, name) => {
      const m = politeThreadsModel();
      const r = checkLiveness(m, { exact, fairness, properties: [name] });
      expect(r.property).toBe(name);
      expectValidLasso(m, r, fairness);
    });

    it("under weak fairness both threads step in the loop", () => {
      const m = politeThreadsModel();
      const r = checkLiveness(m, { exact, properties: ["someone-enters"] });
      const loop = r.trace!.steps.slice(r.trace!.loopStart);
      expect(new Set(loop.map((s) => s.thread))).toEqual(new Set(["T0", "T1"]));
      // Raise, look, back off, for both threads: the shortest livelock.
      expect(loop).toHaveLength(6);
      expect(loop.filter((s) => s.name.includes("back off"))).toHaveLength(2);
    });

    it("checks every liveness property by default, the first violated one is reported", () => {
      const r = checkLiveness(politeThreadsModel(), { exact });
      expect(r.property).toBe("someone-enters");
    });
  });

  describe("progress that holds outright", () => {
    it.each(["weak", "none"] as const)("a token ring, fairness %s", (fairness) => {
      const r = checkLiveness(tokenRingModel(4, 3), { exact, fairness });
      expect(r.verdict).toBe("holds");
      expect(r.stats.distinctStates).toBe(16);
      expect(r.stats.transitions).toBe(search(tokenRingModel(4, 3)).stats.transitions);
    });

    it("Peterson's algorithm is starvation-free under weak fairness only", () => {
      const m = petersonWithProgress();
      expect(checkLiveness(m, { exact }).verdict).toBe("holds");
      const r = checkLiveness(m, { exact, fairness: "none" });
      expectValidLasso(m, r, "none");
      // Without fairness P0 just stops: only P1 steps in the loop.
      expect(new Set(r.trace!.steps.slice(r.trace!.loopStart).map((s) => s.thread))).toEqual(
        new Set(["P1"]),
      );
    });
  });

  describe("states without steps stutter forever", () => {
    const bothDone = <S extends { readonly pc: readonly number[] }>(): Property<S> => ({
      name: "both-done",
      kind: "eventually",
      description: "Both threads finish.",
      holds: (s) => s.pc.every((pc) => pc === 3),
    });

    it("a deadlock with deadlock checks off is a lasso with an empty loop", () => {
      const m = lockOrderModel();
      const live = { ...m, properties: [bothDone<Parameters<typeof m.encode>[0]>()] };
      const r = checkLiveness(live, { exact, checkDeadlock: false });
      expectValidLasso(live, r, "weak");
      expect(r.trace!.loopStart).toBe(2);
      expect(r.trace!.steps).toHaveLength(2);
      expect(r.explanation).toContain("no enabled step");
    });

    it("a normal end where P holds is no violation", () => {
      const m = naiveMutexModel();
      const live = {
        ...m,
        properties: [bothDone<Parameters<typeof m.encode>[0]>()],
      };
      // Without the mutual-exclusion invariant the two threads always finish.
      expect(checkLiveness(live, { exact }).verdict).toBe("holds");
    });
  });

  describe("invariants and deadlocks are checked as search does", () => {
    it.each([
      ["naive mutex", naiveMutexModel()],
      ["lock order", lockOrderModel()],
    ] as const)("%s: same verdict and trace as search", (_name, model) => {
      const m = model as Model<unknown, unknown>;
      const expected = search(m, { exact });
      const r = checkLiveness(m, { exact });
      expect(r.verdict).toBe(expected.verdict);
      expect(r.property).toBe(expected.property);
      expect(r.explanation).toBe(expected.explanation);
      expect(r.trace!.steps.map((s) => s.label)).toEqual(expected.trace!.steps.map((s) => s.label));
      expect(r.trace!.loopStart).toBeUndefined();
      expect(r.stats.distinctStates).toBe(expected.stats.distinctStates);
    });

    it("an invariant is reported before a liveness violation", () => {
      const m = politeThreadsModel();
      const broken = {
        ...m,
        properties: [
          ...m.properties,
          {
            name: "never-raise",
            kind: "always" as const,
            description: "Nobody raises a flag.",
            holds: (s: Parameters<typeof m.encode>[0]) => !s.want[0] && !s.want[1],
          },
        ],
      };
      const r = checkLiveness(broken, { exact });
      expect(r.property).toBe("never-raise");
      expect(r.trace!.steps).toHaveLength(1);
    });

    it("search itself ignores liveness properties", () => {
      expect(search(politeThreadsModel(), { exact }).verdict).toBe("holds");
    });
  });
});

describe("bounds: never holds on a partial graph", () => {
  it("max-states, max-depth, max-seconds and an interrupt give incomplete", () => {
    const m = tokenRingModel(50, 50);
    const cases = [
      [{ maxStates: 10 }, "max-states"],
      [{ maxDepth: 3 }, "max-depth"],
      [{ maxSeconds: 0 }, "max-seconds"],
      [{ shouldStop: () => true }, "interrupted"],
    ] as const;
    for (const [bound, reason] of cases) {
      const r = checkLiveness(m, bound);
      expect(r.verdict).toBe("incomplete");
      expect(r.incompleteReason).toBe(reason);
      expect(r.property).toBeNull();
      expect(r.trace).toBeNull();
    }
  });

  it("even when the partial graph holds a violation", () => {
    // The livelock is 6 steps deep; the bound stops at depth 3.
    const r = checkLiveness(politeThreadsModel(), { maxDepth: 3 });
    expect(r.verdict).toBe("incomplete");
  });

  it("a depth bound beyond the model's depth still gives a verdict", () => {
    expect(checkLiveness(politeThreadsModel(), { maxDepth: 100 }).verdict).toBe("violated");
    expect(checkLiveness(tokenRingModel(), { maxStates: 1000 }).verdict).toBe("holds");
  });
});

describe("options", () => {
  it("an unknown property name is an error", () => {
    expect(() => checkLiveness(politeThreadsModel(), { properties: ["nope"] })).toThrow(/nope/);
    // Invariants are not liveness properties.
    expect(() => checkLiveness(politeThreadsModel(), { properties: ["mutual-exclusion"] })).toThrow(
      /mutual-exclusion/,
    );
  });

  it("no liveness property selected: only invariants are checked", () => {
    expect(checkLiveness(politeThreadsModel(), { properties: [] }).verdict).toBe("holds");
  });
});

/** One thread walking a ring of n states: deep graphs, no recursion allowed. */
function ringModel(n: number): Model<number, 0> {
  return {
    name: "ring",
    threads: ["T"],
    initStates: () => [0],
    actions: (s) => [{ thread: "T", name: "inc", label: `${s}++`, action: 0 }],
    next: (s) => (s + 1) % n,
    properties: [
      {
        name: "passes-zero",
        kind: "always-eventually",
        description: "The walk passes 0 again and again.",
        holds: (s) => s === 0,
      },
      {
        name: "never",
        kind: "always-eventually",
        description: "Never true.",
        holds: () => false,
      },
    ],
    encode: (s) => [s],
  };
}

describe("large graphs", () => {
  it("a ring of 200 000 states: a 199 999-state path and a 200 000-state SCC", () => {
    const n = 200_000;
    const m = ringModel(n);
    expect(checkLiveness(m, { properties: ["passes-zero"] }).verdict).toBe("holds");
    const r = checkLiveness(m, { properties: ["never"], fairness: "weak" });
    expect(r.verdict).toBe("violated");
    expect(r.trace!.loopStart).toBe(0);
    expect(r.trace!.steps).toHaveLength(n);
    expect(r.trace!.steps[n - 1]!.state).toBe(0);
  });
});
