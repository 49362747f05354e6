/**
 * The product of a model with a schedule: on a toy model of models/ and on
 * migrate-swapcache, what the search finds under a schedule (never a
 * verdict written into the model).
 */
import { describe, expect, it } from "vitest";
import { search } from "../../src/engine/index.js";
import { scheduleProduct } from "../../src/schedule/product.js";
import { checkWithSchedule, compileFor, follow, oneRun, only } from "./helpers.js";

describe("on the lock-order toy (AB-BA locking)", () => {
  const run = oneRun("lock-order");
  const header = "model lock-order\n    T0       T1\n";

  it("without rows it explores exactly the model", () => {
    const plain = search(run.model);
    const c = compileFor(run, "lock-order", "model lock-order\n");
    const { result, infeasible } = checkWithSchedule(run.model, c);
    expect(infeasible).toBeNull();
    expect(result.verdict).toBe(plain.verdict);
    expect(result.trace?.steps.length).toBe(plain.trace?.steps.length);
    expect(result.stats.distinctStates).toBe(plain.stats.distinctStates);
  });

  it("finds the deadlock the rows lead to, with a trace that follows them", () => {
    const c = compileFor(run, "lock-order", `${header}1   lock\n2            lock\n`);
    const { result } = checkWithSchedule(run.model, c);
    expect(result.verdict).toBe("deadlock");
    expect(result.trace!.steps.map((s) => `${s.thread}:${s.label}`)).toEqual([
      "T0:lock(L0)",
      "T1:lock(L1)",
    ]);
    expect(follow(result.trace!.steps, c)).toEqual({ rows: 2 });
  });

  it("holds when the rows keep the threads apart (--schedule-only)", () => {
    // `unlock` releases both locks: one step.
    const rows = "1   lock\n2   lock\n3   unlock\n";
    const t1 = "4            lock\n5            lock\n6            unlock\n";
    const c = compileFor(run, "lock-order", `${header}${rows}${t1}`);
    expect(c.rows).toHaveLength(6);
    const { result, infeasible } = checkWithSchedule(run.model, c, { scheduleOnly: true });
    expect(result.verdict).toBe("holds");
    expect(infeasible).toBeNull();
  });

  it("is infeasible when a row's step is never enabled, naming the row and the blocked thread", () => {
    const c = compileFor(run, "lock-order", `${header}1   lock\n2            lock\n3   lock\n`);
    const { result, infeasible } = checkWithSchedule(run.model, c, { checkDeadlock: false });
    expect(result.verdict).toBe("holds");
    expect(infeasible).toBe(
      "row 3 (t.schedule:5) never happens: in the 1 reached state where row 3 is next, T0:lock is never enabled: T0 had no step enabled (blocked or finished)",
    );
  });

  it("lets a thread with '...' take any steps while the next row waits", () => {
    // T1 may run while T0's second lock is next: T1 takes L1 and T0 blocks (deadlock), or not.
    const c = compileFor(run, "lock-order", `${header}1   lock     ...\n2   lock\n`);
    const { result } = checkWithSchedule(run.model, c);
    expect(result.verdict).toBe("deadlock");
    expect(follow(result.trace!.steps, c)).not.toHaveProperty("bad");
    // Without the '...' T1 cannot take L1 before T0's second lock: T0 finishes first.
    const strict = compileFor(run, "lock-order", `${header}1   lock\n2   lock\n`);
    const s = checkWithSchedule(run.model, strict, { scheduleOnly: true });
    expect(s.result.verdict).toBe("holds");
    expect(s.infeasible).toBeNull();
  });

  it("withholds a constraint's later step until its earlier one happened", () => {
    const c = compileFor(run, "lock-order", "model lock-order\nT1:lock < T0:lock\n");
    const product = scheduleProduct(run.model, c);
    const first = product.model.actions(product.model.initStates()[0]!);
    expect(first.map((s) => s.thread)).toEqual(["T1"]);
    const { result } = checkWithSchedule(run.model, c);
    expect(result.verdict).toBe("deadlock");
    expect(result.trace!.steps.map((s) => s.thread)).toEqual(["T1", "T0"]);
  });
});

describe("on migrate-swapcache", () => {
  const run = oneRun("migrate-swapcache", { variant: "head-only" });

  it("without rows it finds what the plain search finds, in as many states", () => {
    const plain = search(run.model);
    const { result } = checkWithSchedule(
      run.model,
      compileFor(run, "migrate-swapcache", "model migrate-swapcache\n"),
    );
    expect(result.verdict).toBe(plain.verdict);
    expect(result.property).toBe(plain.property);
    expect(result.trace!.steps.length).toBe(plain.trace!.steps.length);
    expect(result.stats.distinctStates).toBe(plain.stats.distinctStates);
  });

  it("explores only runs that follow the rows: every counterexample follows them", () => {
    // The swap-in of page 0 before migration locks A (the seed's 'parallel swapin').
    const text = [
      "model migrate-swapcache",
      "    reclaim            migrate            swapin0           writeback",
      "    folio_trylock",
      "    add_to_swap",
      "    try_to_unmap",
      "    pageout",
      "    folio_putback_lru",
      "                                           do_swap_page",
      "                                           ...",
      "                                           folio_unlock",
      "                       folio_isolate_lru",
      "                       ...                                  ...",
      "                       migrate_folio_done",
    ].join("\n");
    const c = compileFor(run, "migrate-swapcache", text);
    const { result } = checkWithSchedule(only(run.model, "cache-integrity"), c);
    expect(result.verdict).toBe("violated");
    expect(result.property).toBe("cache-integrity");
    const f = follow(result.trace!.steps, c);
    expect(f).not.toHaveProperty("bad");
    // The plain search's shortest counterexample does not follow these rows, so this one is longer.
    const plain = search(only(run.model, "cache-integrity"));
    expect(follow(plain.trace!.steps, c)).toHaveProperty("bad");
    expect(result.trace!.steps.length).toBeGreaterThan(plain.trace!.steps.length);
  });
});
