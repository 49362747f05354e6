import { describe, expect, it } from "vitest";
import { counterGridModel, naiveMutexModel, petersonModel } from "../../models/toy/index.js";
import { preemptionBounded, search, unwrapBounded } from "../../src/engine/index.js";

function bounded<S, A>(model: Parameters<typeof preemptionBounded<S, A>>[0], n: number) {
  const b = preemptionBounded(model, n);
  return unwrapBounded(search(b.model), b.cut());
}

describe("--max-preemptions (iterative context bounding)", () => {
  it("a race needing 2 preemptions is out of reach with fewer, and found with 2", () => {
    // By hand: both threads must test the lock before either sets it.
    expect(bounded(naiveMutexModel(), 0).verdict).toBe("incomplete");
    expect(bounded(naiveMutexModel(), 1)).toMatchObject({
      verdict: "incomplete",
      incompleteReason: "max-preemptions",
    });
    const r = bounded(naiveMutexModel(), 2);
    expect(r.verdict).toBe("violated");
    expect(r.trace!.switches).toBeLessThanOrEqual(2);
    // Traces are reported in the inner model's states.
    expect(r.trace!.steps.at(-1)!.state).toEqual(
      search(naiveMutexModel()).trace!.steps.at(-1)!.state,
    );
  });

  it("holds only when the bound withheld nothing", () => {
    // Each counter thread runs alone: switching is never a preemption at the end.
    expect(bounded(counterGridModel(2, 2), 0).verdict).toBe("incomplete");
    expect(bounded(petersonModel(), 50).verdict).toBe("incomplete");
    const free = bounded(counterGridModel(1, 3), 0);
    expect(free.verdict).toBe("holds");
  });

  it("the bounded reachable states are a subset of the full ones", () => {
    const closure = <S, A>(m: {
      initStates(): readonly S[];
      actions(s: S): readonly { action: A }[];
      next(s: S, a: A): S;
    }) => {
      const seen = new Map<string, S>();
      let frontier = [...m.initStates()];
      while (frontier.length > 0) {
        const next: S[] = [];
        for (const s of frontier) {
          const k = JSON.stringify(s);
          if (seen.has(k)) continue;
          seen.set(k, s);
          for (const st of m.actions(s)) next.push(m.next(s, st.action));
        }
        frontier = next;
      }
      return [...seen.values()];
    };
    const full = new Set(closure(petersonModel()).map((s) => JSON.stringify(s)));
    const inner = new Set(
      closure(preemptionBounded(petersonModel(), 0).model).map((b) => JSON.stringify(b.state)),
    );
    for (const s of inner) expect(full.has(s)).toBe(true);
    expect(inner.size).toBeLessThan(full.size);
  });
});
