/**
 * Footprints for partial-order reduction (src/engine/por.ts): which
 * objects each thread's next step, and everything it may still do, reads
 * and writes. Objects are named after what the kernel shares:
 *
 *   xa, xa_lock         the mapping's xarray and its lock
 *   swap                the swap device's map (counts, SWAP_HAS_CACHE)
 *   folio:A, folio:B    a frame's struct folio (refcount, flags, data, ...)
 *   pte:j               the PTE of page j
 *   bug                 the VM_BUG_ON record
 *   writeback, reuse    the one-shot threads' "done" flags (access: none,
 *                       it has no state of its own)
 *   migrate, reclaim, reclaim-dst   those threads' local state
 *   <swapin>.pc         a swap-in's program counter, page, orig_pte, index
 *   <swapin>.ref        the folio it looked up, holds a reference on, and
 *                       its failed-try-get count
 *
 * Footprints are read from the thread modules by hand, coarsely (a step
 * that may touch either frame names both): an object left out would make
 * the reduction unsound, one too many only makes it weaker. A thread's
 * future is the union over the program counters it can still reach
 * (the successor tables below follow the steps in migrate.ts, reclaim.ts,
 * shrink.ts and swapin.ts); reclaim-dst, writeback and reuse are taken
 * whole until they are done.
 */
import type { Footprint } from "../../src/engine/index.js";
import { Migrate, Reclaim, type ScenarioState, type Setup, Shrink, Swapin } from "./state.js";
import { pteWalks } from "./walks.js";

export const FOLIO_OBJECTS = ["folio:A", "folio:B"] as const;

/** Every frame's object: A, B and each swap-in's fresh page (C, D, ...). */
export function folioObjects(setup: Setup): readonly string[] {
  const fresh = setup.swapCache
    ? setup.swapinNames.map((_, t) => `folio:${String.fromCharCode(67 + t)}`)
    : [];
  return [...FOLIO_OBJECTS, ...fresh];
}

const EMPTY: Footprint = { reads: [], writes: [] };

/** A footprint that reads and writes `rw`, and only reads `r`. */
function fp(rw: readonly string[], r: readonly string[] = []): Footprint {
  return { reads: [...new Set([...rw, ...r])], writes: [...new Set(rw)] };
}

function union(fs: readonly Footprint[]): Footprint {
  return {
    reads: [...new Set(fs.flatMap((f) => f.reads))],
    writes: [...new Set(fs.flatMap((f) => f.writes))],
  };
}

export function pteObjects(setup: Setup, pages: readonly number[] | null = null): string[] {
  return (pages ?? Array.from({ length: setup.nr }, (_, j) => j)).map((j) => `pte:${j}`);
}

/** A thread whose steps move between program counters (a control-flow graph). */
interface Flow<P extends number> {
  readonly at: (pc: P) => Footprint;
  readonly successors: (pc: P) => readonly P[];
}

/** The union of the footprints of every pc reachable from `pc` (memoised per pc). */
function futures<P extends number>(flow: Flow<P>): (pc: P) => Footprint {
  const memo = new Map<P, Footprint>();
  return (pc) => {
    let known = memo.get(pc);
    if (known === undefined) {
      const seen = new Set<P>([pc]);
      const stack = [pc];
      while (stack.length > 0) {
        for (const q of flow.successors(stack.pop()!)) {
          if (!seen.has(q)) {
            seen.add(q);
            stack.push(q);
          }
        }
      }
      known = union([...seen].map(flow.at));
      memo.set(pc, known);
    }
    return known;
  };
}

function migrateFlow(setup: Setup): Flow<Migrate> {
  const [A, B] = FOLIO_OBJECTS;
  const ptes = pteObjects(setup);
  const me = "migrate";
  const table: Record<Migrate, [Footprint, Migrate[]]> = {
    [Migrate.Isolate]: [fp([me, A]), [Migrate.Alloc, Migrate.Done]],
    [Migrate.Alloc]: [fp([me, A, B]), [Migrate.LockSrc, Migrate.Done]],
    [Migrate.LockSrc]: [fp([me, A]), [Migrate.WaitWriteback]],
    [Migrate.WaitWriteback]: [fp([me], [A]), [Migrate.LockDst]],
    [Migrate.LockDst]: [fp([me, B]), [Migrate.Unmap]],
    [Migrate.Unmap]: [fp([me, A, ...ptes]), [Migrate.Freeze]],
    // folio_ref_freeze fails: retry (same pc) or give up (Undo).
    [Migrate.Freeze]: [fp([me, A, B, "xa_lock"]), [Migrate.Store, Migrate.Undo, Migrate.Freeze]],
    [Migrate.Store]: [fp([me, "xa"], [A]), [Migrate.Store, Migrate.Unfreeze]],
    [Migrate.Unfreeze]: [fp([me, A, "xa_lock"]), [Migrate.Copy]],
    [Migrate.Copy]: [fp([me, A, B]), [Migrate.Move]],
    [Migrate.Move]: [fp([me, A, B, ...ptes]), [Migrate.PutSrc]],
    [Migrate.PutSrc]: [fp([me, A]), [Migrate.Done]],
    [Migrate.Undo]: [fp([me, A, B, ...ptes]), [Migrate.Done]],
    [Migrate.Done]: [EMPTY, []],
  };
  return { at: (pc) => table[pc][0], successors: (pc) => table[pc][1] };
}

/** shrink_folio_list's freeing path on one frame (shrink.ts). */
function shrinkFootprint(me: string, frame: string): Footprint {
  return fp([me, frame, "xa", "xa_lock", "bug", "swap"]);
}

function reclaimFlow(setup: Setup): Flow<Reclaim> {
  const [A] = FOLIO_OBJECTS;
  const me = "reclaim";
  const table: Record<Reclaim, [Footprint, Reclaim[]]> = {
    [Reclaim.Trylock]: [fp([me, A]), [Reclaim.AddToSwap, Reclaim.Done]],
    // Reads swapoff's progress: SWP_WRITEOK.
    [Reclaim.AddToSwap]: [
      fp([me, A, "xa", "swap", "bug"], ["swapoff"]),
      [Reclaim.Unmap, Reclaim.Done],
    ],
    [Reclaim.Unmap]: [fp([me, A, "swap", "bug", ...pteObjects(setup)]), [Reclaim.Pageout]],
    [Reclaim.Pageout]: [fp([me, A]), [Reclaim.AfterPageout]],
    [Reclaim.AfterPageout]: [fp([me, A]), [Reclaim.Free, Reclaim.Done]],
    [Reclaim.Free]: [shrinkFootprint(me, A), [Reclaim.Free, Reclaim.Done]],
    [Reclaim.Done]: [EMPTY, []],
  };
  return { at: (pc) => table[pc][0], successors: (pc) => table[pc][1] };
}

/** A swap-in on the PTEs `ptes` (its page, or every page it may pick). */
function swapinFlow(setup: Setup, name: string, ptes: readonly string[]): Flow<Swapin> {
  const pc = `${name}.pc`;
  const ref = `${name}.ref`;
  // Any frame can sit in the cache: A, B, or another swap-in's fresh page.
  const folios = folioObjects(setup);
  const table: Record<Swapin, [Footprint, Swapin[]]> = {
    [Swapin.Fault]: [fp([pc], ptes), [Swapin.Load, Swapin.Done]],
    [Swapin.Load]: [fp([pc, ref], ["xa"]), [Swapin.TryGet, Swapin.Alloc, Swapin.Done]],
    [Swapin.TryGet]: [fp([pc, ref, ...folios]), [Swapin.Reload, Swapin.Load]],
    [Swapin.Reload]: [fp([pc, ref, ...folios], ["xa"]), [Swapin.Lock, Swapin.Load]],
    // __read_swap_cache_async on the thread's own fresh page (any frame, coarsely).
    [Swapin.Alloc]: [fp([pc, ref, ...folios]), [Swapin.Prepare]],
    [Swapin.Prepare]: [
      fp([pc, ref, ...folios, "swap", "bug"]),
      [Swapin.AddToCache, Swapin.Load, Swapin.Done],
    ],
    [Swapin.AddToCache]: [fp([pc, ref, ...folios, "xa"], ["xa_lock"]), [Swapin.Read]],
    [Swapin.Read]: [fp([pc, ref, ...folios]), [Swapin.Lock]],
    [Swapin.Lock]: [fp([pc, ...folios], [ref]), [Swapin.Recheck]],
    [Swapin.Recheck]: [fp([pc, ref, ...folios]), [Swapin.Map, Swapin.Fault]],
    [Swapin.Map]: [fp([pc, ref, ...folios, ...ptes, "swap", "bug"]), [Swapin.Unlock, Swapin.Fault]],
    [Swapin.Unlock]: [fp([pc, ref, ...folios]), [Swapin.Done]],
    [Swapin.Done]: [EMPTY, []],
  };
  return { at: (p) => table[p][0], successors: (p) => table[p][1] };
}

export interface ThreadFootprints {
  readonly next: (s: ScenarioState) => Footprint;
  readonly future: (s: ScenarioState) => Footprint;
}

/** Footprints of every thread of the configuration, by thread name. */
export function threadFootprints(setup: Setup): Map<string, ThreadFootprints> {
  const out = new Map<string, ThreadFootprints>();
  const [A, B] = FOLIO_OBJECTS;
  const flow = <P extends number>(f: Flow<P>, pcOf: (s: ScenarioState) => P) => {
    const future = futures(f);
    return {
      next: (s: ScenarioState) => f.at(pcOf(s)),
      future: (s: ScenarioState) => future(pcOf(s)),
    };
  };
  if (setup.swapCache) {
    out.set(
      "reclaim",
      flow(reclaimFlow(setup), (s) => s.reclaim.pc),
    );
    const writeback = fp(["writeback", A]);
    out.set("writeback", {
      next: (s) => (s.writebackDone ? EMPTY : writeback),
      future: (s) => (s.writebackDone ? EMPTY : writeback),
    });
  }
  out.set(
    "migrate",
    flow(migrateFlow(setup), (s) => s.migrate.pc),
  );
  const fixed = setup.params.swapinPage;
  setup.swapinNames.forEach((name, t) => {
    // Before its fault a swap-in may pick any page unless the page is fixed.
    const byPage = new Map<number, Flow<Swapin>>();
    const flowOn = (page: number) => {
      let f = byPage.get(page);
      if (f === undefined) {
        f = swapinFlow(setup, name, pteObjects(setup, page >= 0 ? [page] : null));
        byPage.set(page, f);
      }
      return f;
    };
    const pageOf = (s: ScenarioState) => {
      const me = s.swapins.get(t)!;
      if (me.page >= 0) return me.page;
      return fixed === null ? -1 : fixed === "distinct" ? t : fixed;
    };
    const memo = new Map<number, ThreadFootprints>();
    const forPage = (page: number) => {
      let known = memo.get(page);
      if (known === undefined) {
        known = flow(flowOn(page), (s) => s.swapins.get(t)!.pc);
        memo.set(page, known);
      }
      return known;
    };
    out.set(name, {
      next: (s) => forPage(pageOf(s)).next(s),
      future: (s) => forPage(pageOf(s)).future(s),
    });
  });
  if (setup.params.threads.has("reclaim-dst")) {
    // folio_check_references and try_to_unmap read and write B's PTEs;
    // isolation reads where the lockers are (reclaim-dst.ts: aboutToLock).
    const lockers = [...setup.swapinNames.flatMap((n) => [`${n}.pc`, `${n}.ref`]), "swapoff"];
    const whole = union([
      shrinkFootprint("reclaim-dst", B),
      fp(pteObjects(setup)),
      fp([], lockers),
    ]);
    const done = (s: ScenarioState) => s.reclaimDst.pc === Shrink.Done;
    out.set("reclaim-dst", {
      next: (s) => (done(s) ? EMPTY : whole),
      future: (s) => (done(s) ? EMPTY : whole),
    });
  }
  for (const w of pteWalks(setup)) {
    // Taken whole until done: a walk visits every PTE and may meet either frame.
    const whole = fp(
      [w.name, ...folioObjects(setup), "xa", "swap", "bug", ...pteObjects(setup)],
      ["xa_lock"],
    );
    const done = (s: ScenarioState) => s[w.name].pc === w.done;
    out.set(w.name, {
      next: (s) => (done(s) ? EMPTY : whole),
      future: (s) => (done(s) ? EMPTY : whole),
    });
  }
  if (setup.swapCache && setup.params.access === "hot") {
    // Never done: the process may touch any page at any time.
    const whole = fp(pteObjects(setup));
    out.set("access", { next: () => whole, future: () => whole });
  }
  if (setup.params.threads.has("reuse")) {
    const whole = fp(["reuse", A, B]);
    out.set("reuse", {
      next: (s) => (s.reuseDone ? EMPTY : whole),
      future: (s) => (s.reuseDone ? EMPTY : whole),
    });
  }
  return out;
}
