/**
 * The toy models on the declared-state layer behave exactly as the
 * hand-written ones did: the same threads, properties, steps (names and
 * labels, in the same order), reachable states (as their variables, with
 * the steps and the properties in each), verdicts, counts and shortest
 * traces, for search, liveness and simulation. RECORDED was taken from the
 * hand-written toys (commit 239965d) with `TOY_RECORD=FILE npx vitest run
 * test/models/toy-layer.test.ts`; the registered toys (compiled models)
 * are compared with it too.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findModel } from "../../models/registry.js";
import {
  blockingMutexDeclaration,
  blockingMutexModel,
  counterGridDeclaration,
  counterGridModel,
  lockOrderDeclaration,
  lockOrderModel,
  naiveMutexDeclaration,
  naiveMutexModel,
  petersonDeclaration,
  petersonModel,
  politeThreadsDeclaration,
  politeThreadsModel,
  spinlockDeclaration,
  spinlockModel,
  tokenRingDeclaration,
  tokenRingModel,
} from "../../models/toy/index.js";
import { stateVariables } from "../../src/cli/report/html.js";
import { compiledModel, type Declared } from "../../src/declared/model.js";
import type { Fields } from "../../src/declared/state.js";
import {
  checkLiveness,
  type Model,
  type SearchResult,
  search,
  simulate,
} from "../../src/engine/index.js";

type AnyModel = Model<unknown, unknown>;
const erase = <S, A>(m: Model<S, A>) => m as unknown as AnyModel;
const erased = <F extends Fields>(d: Declared<F, null>) => d as unknown as Declared<Fields, null>;

/** Every configuration of a toy the tests use (but counter-grid 4×30, too large to walk). */
const DECLARATIONS: readonly (readonly [string, () => Declared<Fields, null>])[] = [
  ["peterson", () => erased(petersonDeclaration())],
  ["naive-mutex", () => erased(naiveMutexDeclaration())],
  ["naive-mutex 3", () => erased(naiveMutexDeclaration(3))],
  ["lock-order", () => erased(lockOrderDeclaration())],
  ["counter-grid 3 4", () => erased(counterGridDeclaration(3, 4))],
  ["counter-grid 2 4", () => erased(counterGridDeclaration(2, 4))],
  ["counter-grid 2 2", () => erased(counterGridDeclaration(2, 2))],
  ["counter-grid 1 3", () => erased(counterGridDeclaration(1, 3))],
  ["blocking-mutex", () => erased(blockingMutexDeclaration())],
  ["polite-threads", () => erased(politeThreadsDeclaration())],
  ["spinlock", () => erased(spinlockDeclaration())],
  ["spinlock 3", () => erased(spinlockDeclaration(3))],
  ["token-ring", () => erased(tokenRingDeclaration())],
  ["token-ring 4 3", () => erased(tokenRingDeclaration(4, 3))],
];

/** The exported model functions, as the engine's tests call them. */
const MODELS: Record<string, () => AnyModel> = {
  peterson: () => erase(petersonModel()),
  "naive-mutex": () => erase(naiveMutexModel()),
  "naive-mutex 3": () => erase(naiveMutexModel(3)),
  "lock-order": () => erase(lockOrderModel()),
  "counter-grid 3 4": () => erase(counterGridModel(3, 4)),
  "counter-grid 2 4": () => erase(counterGridModel(2, 4)),
  "counter-grid 2 2": () => erase(counterGridModel(2, 2)),
  "counter-grid 1 3": () => erase(counterGridModel(1, 3)),
  "blocking-mutex": () => erase(blockingMutexModel()),
  "polite-threads": () => erase(politeThreadsModel()),
  spinlock: () => erase(spinlockModel()),
  "spinlock 3": () => erase(spinlockModel(3)),
  "token-ring": () => erase(tokenRingModel()),
  "token-ring 4 3": () => erase(tokenRingModel(4, 3)),
};
const CONFIGS = DECLARATIONS.map(([name]) => [name, MODELS[name]!] as const);

const sha = (lines: readonly string[]) =>
  createHash("sha256").update(lines.join("\n")).digest("hex").slice(0, 16);

/** A search or liveness result, without timings. */
function result(r: SearchResult<unknown>) {
  return {
    verdict: r.verdict,
    property: r.property,
    explanation: r.explanation,
    states: r.stats.distinctStates,
    transitions: r.stats.transitions,
    depth: r.stats.depth,
    trace: r.trace ? r.trace.steps.map((s) => `${s.thread}: ${s.name}: ${s.label}`) : null,
    loopStart: r.trace?.loopStart ?? null,
  };
}

/**
 * The reachable graph in BFS order (states told apart by their variables),
 * each state with its variables, steps, unfinished threads and which
 * properties hold: one digest.
 */
function graph(m: AnyModel) {
  const show = (s: unknown) =>
    stateVariables(m, s)
      .map((v) => `${v.name}=${v.value}`)
      .join(" ");
  const seen = new Set<string>();
  const queue = [...m.initStates()];
  const lines: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const s = queue[i]!;
    const key = show(s);
    if (seen.has(key)) continue;
    seen.add(key);
    const steps = m.actions(s);
    const holds = m.properties.map((p) => (p.holds(s) ? 1 : 0)).join("");
    const unfinished = (m.unfinished?.(s) ?? []).join(",");
    lines.push(
      `${key} | ${steps.map((a) => `${a.thread}:${a.name}:${a.label}`).join(";")} | ${unfinished} | ${holds}`,
    );
    for (const a of steps) queue.push(m.next(s, a.action));
  }
  return { states: seen.size, digest: sha(lines) };
}

export function summary(m: AnyModel) {
  const sim = simulate(m, { runs: 30, depth: 25, seed: 5, keepGoing: true });
  return {
    name: m.name,
    threads: m.threads,
    properties: m.properties.map((p) => `${p.name} (${p.kind}): ${p.description}`),
    graph: graph(m),
    search: result(search(m)),
    exact: result(search(m, { exact: true })),
    noDeadlock: result(search(m, { exact: true, checkDeadlock: false })),
    weak: result(checkLiveness(m, { exact: true })),
    unfair: result(checkLiveness(m, { exact: true, fairness: "none" })),
    simulate: {
      runs: sha(sim.runs.map((r) => JSON.stringify(r))),
      first: sim.firstViolation ? result(sim.firstViolation) : null,
    },
  };
}

/** The hand-written toys' summaries (see the header). */
const RECORDED: Record<string, ReturnType<typeof summary>> = JSON.parse(
  readFileSync(new URL("snapshots/toys-pre-layer.json", import.meta.url), "utf8"),
);

/** The registered toys: name and the configuration the registry builds. */
const REGISTERED = [
  ["peterson", "peterson"],
  ["naive-mutex", "naive-mutex"],
  ["lock-order", "lock-order"],
  ["counter-grid", "counter-grid 3 4"],
] as const;

if (process.env.TOY_RECORD) {
  it("records the toys", () => {
    const out = Object.fromEntries(CONFIGS.map(([name, build]) => [name, summary(build())]));
    writeFileSync(process.env.TOY_RECORD!, `${JSON.stringify(out, null, 1)}\n`);
  });
} else {
  describe("the toys on the declared-state layer behave as the hand-written ones", () => {
    it.each(CONFIGS)("%s", (name, build) => {
      expect(summary(build())).toEqual(RECORDED[name]);
    });

    it.each(DECLARATIONS)("%s compiled (each cached step recomputed)", (name, declare) => {
      const compiled = compiledModel(declare(), { verify: true }) as unknown as AnyModel;
      expect(summary(compiled)).toEqual(RECORDED[name]);
    });

    it.each(REGISTERED)("registered %s (compiled)", (name, config) => {
      const [run] = findModel(name)!.configure({});
      expect(summary(run!.model)).toEqual({ ...RECORDED[config]!, name });
    });
  });
}
