/**
 * A token ring: only the holder of the token steps; it may do up to `work`
 * steps of local work, and passes the token on to the next thread whenever
 * it likes (at the latest when its work is done). Known answer: progress
 * holds outright, without any fairness: local work is bounded, so every
 * infinite run passes the token around the ring again and again.
 */
import { type Declared, declared, objectModel } from "../../src/declared/model.js";
import { declareState, part, type StateRecord } from "../../src/declared/state.js";
import { stepsOf, stepTable, type ThreadStep } from "../../src/declared/steps.js";
import { numberPart, put, shown } from "./parts.js";

export const TOKEN_RING_STATE = declareState("TokenRingState", {
  /** The thread holding the token. */
  holder: part(numberPart("toy-token-ring-holder"), 0, { show: shown() }),
  /** Local work steps the holder has done. */
  worked: part(numberPart("toy-token-ring-worked"), 0, { show: shown({ local: true }) }),
});
type Fields = typeof TOKEN_RING_STATE.fields;
export type TokenRingState = StateRecord<Fields>;

export const TOKEN_RING_STEPS = stepTable<null, "work" | "pass">({ work: "core", pass: "core" });
const step = stepsOf<TokenRingState, "work" | "pass">(TOKEN_RING_STEPS);

const work = (t: TokenRingState) => t.set("worked", t.worked + 1);

/** Thread i, while it holds the token: work, or pass it on (each effect made once). */
function threadSteps(i: number, threads: number, most: number) {
  const next = (i + 1) % threads;
  const pass = (t: TokenRingState) => put(t.set("holder", next), "worked", 0);
  return (s: TokenRingState): ThreadStep<TokenRingState>[] => {
    if (s.holder !== i) return [];
    const steps: ThreadStep<TokenRingState>[] = [];
    if (s.worked < most) steps.push(step("work", `work ${s.worked + 1}`, work));
    steps.push(step("pass", `pass token to R${next}`, pass));
    return steps;
  };
}

export function tokenRingDeclaration(threads = 3, work = 2): Declared<Fields, null> {
  return declared<Fields, null>({
    name: "token-ring",
    config: null,
    state: TOKEN_RING_STATE,
    init: [TOKEN_RING_STATE.State()],
    threads: Array.from({ length: threads }, (_, i) => ({
      name: `R${i}`,
      own: "holder",
      table: TOKEN_RING_STEPS,
      steps: threadSteps(i, threads, work),
    })),
    properties: [
      {
        name: "token-returns",
        kind: "always-eventually",
        description: "R0 holds the token again and again.",
        holds: (s) => s.holder === 0,
      },
      {
        name: "last-gets-token",
        kind: "eventually",
        description: "The last thread of the ring eventually gets the token.",
        holds: (s) => s.holder === threads - 1,
      },
    ],
  });
}

export function tokenRingModel(threads = 3, work = 2) {
  return objectModel(tokenRingDeclaration(threads, work));
}
