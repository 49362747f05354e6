/**
 * The declared-state layer's soundness checks (src/declared/checks.ts) on
 * every registered model built on the layer: part encodings injective and
 * pack/unpack lossless, declared footprints covering every access a step
 * makes. Small configurations are checked on all their states, larger ones
 * on random walks. And the checks themselves fail on a deliberately broken
 * encoding or footprint.
 */
import { List } from "immutable";
import { describe, expect, it } from "vitest";
import { models } from "../../models/registry.js";
import { checkEncoding, checkFootprints } from "../../src/declared/checks.js";
import { compiledModel, declared, type ModelDecl, objectModel } from "../../src/declared/model.js";
import { partKind } from "../../src/declared/parts.js";
import { declareState, flag, part, parts } from "../../src/declared/state.js";
import { stepsOf, stepTable } from "../../src/declared/steps.js";
import { search } from "../../src/engine/index.js";
import type { RawParams } from "../../src/params.js";

/** Extra configurations worth checking beyond each model's defaults. */
const LARGER: Record<string, RawParams[]> = {
  "migrate-swapcache": [
    { variant: "head-only", order: "2", swapins: "2" },
    { variant: "sibling-check", mapping: "shmem", order: "3", "chunk-shift": "2" },
    { variant: "swapcache-check", order: "3", swapins: "3", "swapin-page": "distinct" },
  ],
};

const declaredRuns = models().flatMap((entry) =>
  [{}, ...(LARGER[entry.name] ?? [])].flatMap((raw) =>
    entry
      .configure(raw)
      .filter((run) => run.declared !== undefined)
      .map((run) => [`${entry.name}: ${run.title}`, run] as const),
  ),
);

describe("every declared model's encoding and footprints", () => {
  it("there are declared models to check", () => {
    expect(declaredRuns.length).toBeGreaterThan(0);
  });

  it.each(declaredRuns)("%s: all states (up to 3000)", (_name, run) => {
    expect(checkEncoding(run.declared!, { maxStates: 3000 })).toBeGreaterThan(0);
    checkFootprints(run.declared!, { maxStates: 1500 });
  });

  it.each(declaredRuns)("%s: random walks", (_name, run) => {
    expect(checkEncoding(run.declared!, { walks: 20, maxStates: 200, seed: 7 })).toBeGreaterThan(0);
    checkFootprints(run.declared!, { walks: 10, maxStates: 200, seed: 11 });
  });
});

/** A two-thread counter model whose encoding or footprint can be broken on purpose. */
function counters(opts: { dropSecond?: boolean; narrowFootprint?: boolean }) {
  const Counter = partKind<{ readonly n: number; readonly m: number }>(
    `test-counter-${opts.dropSecond ? "broken" : "ok"}-${Math.random()}`,
    (c, out) => (opts.dropSecond ? out.push(c.n) : out.push(c.n, c.m)),
  );
  const Pc = partKind<number>(`test-pc-${Math.random()}`, (pc, out) => out.push(pc));
  const state = declareState(`Counters${Math.random()}`, {
    counter: part(Counter, { n: 0, m: 0 }),
    pcs: parts(Pc),
  });
  const table = stepTable<null, "inc_n" | "inc_m">({ inc_n: "core", inc_m: "core" });
  const step = stepsOf<ReturnType<typeof state.State>, "inc_n" | "inc_m">(table);
  const decl: ModelDecl<typeof state.fields, null> = {
    name: "counters",
    config: null,
    state,
    init: [state.State({ counter: { n: 0, m: 0 }, pcs: List([0, 0]) })],
    threads: [0, 1].map((t) => ({
      name: `t${t}`,
      own: ["pcs", t] as const,
      table,
      steps: (s) =>
        s.pcs.get(t)! < 2
          ? [
              step(t === 0 ? "inc_n" : "inc_m", "inc", (s) => {
                const c = s.counter;
                return s
                  .set("counter", t === 0 ? { n: c.n + 1, m: c.m } : { n: c.n, m: c.m + 1 })
                  .set("pcs", s.pcs.set(t, s.pcs.get(t)! + 1));
              }),
            ]
          : [],
    })),
    properties: [],
    footprints: {
      next: (_s, thread) =>
        opts.narrowFootprint && thread === "t1"
          ? { reads: [thread], writes: [thread] }
          : { reads: [thread, "counter"], writes: [thread, "counter"] },
      future: (_s, thread) => ({ reads: [thread, "counter"], writes: [thread, "counter"] }),
      words: (o) => (o === "counter" ? [0] : [o === "t0" ? 1 : 2]),
    },
  };
  return declared(decl);
}

describe("the checks catch what they guard against", () => {
  it("a sound model passes both", () => {
    expect(checkEncoding(counters({}))).toBe(9);
    expect(checkFootprints(counters({}))).toBe(18);
  });

  it("an encoding that merges two states fails", () => {
    expect(() => checkEncoding(counters({ dropSecond: true }))).toThrow(
      /encode alike|unpack\(pack\(s\)\) differs/,
    );
  });

  it("a footprint that leaves out what a step touches fails", () => {
    expect(() => checkFootprints(counters({ narrowFootprint: true }))).toThrow(
      /thread t1 .* (reads|writes) counter, outside its next footprint/,
    );
  });
});

describe("the compiled model replays what a step assigns, not only what it changed", () => {
  it("a write without a read, first met where it changes nothing, still writes later", () => {
    // t0 sets x, t1 clears it, neither reads it: after both, x depends on the order.
    const Pc = partKind<number>(`test-assign-pc-${Math.random()}`, (pc, out) => out.push(pc));
    const state = declareState(`Assign${Math.random()}`, { x: flag(), pcs: parts(Pc) });
    const table = stepTable<null, "set_x" | "clear_x">({ set_x: "core", clear_x: "core" });
    const step = stepsOf<ReturnType<typeof state.State>, "set_x" | "clear_x">(table);
    const d = declared<typeof state.fields, null>({
      name: "assign",
      config: null,
      state,
      init: [state.State({ x: false, pcs: List([0, 0]) })],
      threads: [0, 1].map((t) => ({
        name: `t${t}`,
        own: ["pcs", t] as const,
        table,
        steps: (s) =>
          s.pcs.get(t) === 0
            ? [
                step(t === 0 ? "set_x" : "clear_x", "x", (s) =>
                  s.set("x", t === 0).set("pcs", s.pcs.set(t, 1)),
                ),
              ]
            : [],
      })),
      properties: [],
    });
    const object = search(objectModel(d));
    const compiled = search(compiledModel(d, { verify: true }));
    expect(object.stats.distinctStates).toBe(5);
    expect(compiled.stats.distinctStates).toBe(object.stats.distinctStates);
  });
});
