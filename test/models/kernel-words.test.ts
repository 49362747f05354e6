/**
 * Reports show where each thread is in kernel words (the function its next
 * step runs), never the model's internal program-counter names.
 */
import { expect, it } from "vitest";
import { findModel } from "../../models/registry.js";

it("every thread-local variable of migrate-swapcache names a kernel function or says done", () => {
  const [run] = findModel("migrate-swapcache")!.configure({ variant: "head-only" });
  const model = run!.model;
  let states = [...model.initStates()];
  const seen = new Set<string>();
  for (let depth = 0; depth < 25 && states.length > 0; depth++) {
    for (const s of states) {
      for (const v of model.variables!(s)) if (v.local) seen.add(v.value);
    }
    states = states
      .flatMap((s) => model.actions(s).map((st) => model.next(s, st.action)))
      .slice(0, 400);
  }
  expect(seen.size).toBeGreaterThan(10);
  for (const value of seen) {
    expect(value).toMatch(/^(next [a-z_]+|in |done|freeing )/);
  }
});
