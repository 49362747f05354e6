/**
 * Migration of A (memory offline: offline_pages → do_migrate_range →
 * migrate_pages in MIGRATE_SYNC mode, mm/migrate.c v6.6), the right column
 * of the seed's table: isolate → migrate_folio_unmap → move_to_new_folio
 * (migrate_folio → folio_migrate_mapping, folio_migrate_copy) →
 * migrate_folio_move → migrate_folio_done.
 */

import { List } from "immutable";
import type { ThreadDecl } from "../../src/declared/model.js";
import { stepTable } from "../../src/declared/steps.js";
import {
  type Folio,
  folioAlloc,
  folioClear,
  folioIsolateLru,
  folioNrPages,
  folioPut,
  folioPutbackLru,
  folioPutMany,
  folioRefAdd,
  folioRefFreeze,
  folioRefUnfreeze,
  folioSet,
  folioTest,
  folioTrylock,
  folioUnlock,
  MAPPING,
} from "../../src/kernel/folio.js";
import {
  pteFrame,
  pteKind,
  pteMigration,
  ptePage,
  ptePresent,
  pteYoung,
} from "../../src/kernel/page-table.js";
import type { Hold } from "../../src/kernel/view.js";
import {
  XA_EMPTY,
  xaIsSibling,
  xaMkPointer,
  xaRecordBug,
  xaState,
  xasNext,
  xasStore,
} from "../../src/kernel/xarray.js";
import { describeEntry } from "./describe.js";
import type { Variant } from "./params.js";
import {
  FRAME_A,
  FRAME_B,
  Migrate,
  MigrateThread,
  recycledData,
  type ScenarioState,
  type Setup,
} from "./state.js";
import { folioOf, stepMaker, type ThreadStep, updateFolio } from "./step.js";

/*
 * The store under test in folio_migrate_mapping()'s store loop: after the
 * first xas_store(&xas, newfolio) at the head, what each kernel version
 * does, written as the sequence of cursor operations it performs. Each
 * operation is one step (storeStep), so lookups can run between them.
 */

/** xas_store(&xas, newfolio), xas_next(&xas), or xas_store(&xas, NULL). */
type StoreOp = "store" | "next" | "null";

function repeat(ops: readonly StoreOp[], times: number): StoreOp[] {
  return Array.from({ length: Math.max(0, times) }, () => ops).flat();
}

interface StoreInputs {
  readonly variant: Variant;
  /** folio_nr_pages(folio). */
  readonly nr: number;
  readonly swapbacked: boolean;
  readonly swapcache: boolean;
  /** What the RFC's first xas_next returned was a sibling; null until it ran. */
  readonly sawSibling: boolean | null;
}

/** The cursor operations of the variant, in order (the RFC's depend on `sawSibling`). */
function storeOps(v: StoreInputs): StoreOp[] {
  switch (v.variant) {
    case "per-page":
      // e71769ae5260 .. v5.16:
      //   xas_store(&xas, newpage);
      //   for (i = 1; i < nr; i++) { xas_next(&xas); xas_store(&xas, newpage); }
      return ["store", ...repeat(["next", "store"], v.nr - 1)];
    case "head-only":
      // 6b24ca4a1a8d (v5.17) .. v6.6: xas_store(&xas, newfolio);
      return ["store"];
    case "sibling-check":
      // The RFC: xas_store(&xas, newfolio); entry = xas_next(&xas);
      //   if (nr > 1 && !xa_is_sibling(entry))
      //     for (i = 1; i < nr; ++i) { xas_store(&xas, newfolio); xas_next(&xas); }
      return [
        "store",
        "next",
        ...(v.nr > 1 && v.sawSibling === false ? repeat(["store", "next"], v.nr - 1) : []),
      ];
    case "swapbacked-check":
      // fc346d0a70a1 (v6.7): entries = folio_test_swapbacked(folio) ? nr : 1;
      //   for (i = 0; i < entries; i++) { xas_store(&xas, newfolio); xas_next(&xas); }
      return repeat(["store", "next"], v.swapbacked ? v.nr : 1);
    case "swapcache-check":
      // 60cf233b585c (2025): entries = folio_test_swapcache(folio) ? nr : 1; same loop.
      return repeat(["store", "next"], v.swapcache ? v.nr : 1);
    case "null-tails":
      // Not a kernel version: a plausible wrong fix that "clears the stale
      // slots": xas_store(&xas, newfolio); for (i = 1; i < nr; i++)
      //   { xas_next(&xas); xas_store(&xas, NULL); }
      return ["store", ...repeat(["next", "null"], v.nr - 1)];
  }
}

const VARIANT_CODES: Record<Variant, number> = {
  "per-page": 0,
  "head-only": 1,
  "sibling-check": 2,
  "swapbacked-check": 3,
  "swapcache-check": 4,
  "null-tails": 5,
};
const opsMemo = new Map<number, readonly StoreOp[]>();

/** `storeOps`, computed once per distinct input and shared (read-only). */
function storeOpsOf(v: StoreInputs): readonly StoreOp[] {
  const seen = v.sawSibling === null ? 0 : v.sawSibling ? 1 : 2;
  const flags = Number(v.swapbacked) * 2 + Number(v.swapcache);
  const key = ((v.nr * 8 + VARIANT_CODES[v.variant]) * 4 + flags) * 3 + seen;
  let ops = opsMemo.get(key);
  if (ops === undefined) {
    ops = storeOps(v);
    opsMemo.set(key, ops);
  }
  return ops;
}

/** The cursor operations the variant's store contains in this configuration (both RFC branches). */
function storeOpRole(op: "store" | "next") {
  return (setup: Setup): "core" | "absent" => {
    const { params } = setup;
    const backings =
      params.mapping === "file"
        ? [false]
        : params.mapping === "legacy-pagecache" && params.legacyBacking !== "shmem"
          ? params.legacyBacking === "file"
            ? [false]
            : [true, false]
          : [true];
    const found = backings.some((swapbacked) =>
      [true, false].some((sawSibling) =>
        storeOps({
          variant: params.variant,
          nr: setup.nr,
          swapbacked,
          swapcache: setup.swapCache,
          sawSibling,
        }).some((o) => o === op || (op === "store" && o === "null")),
      ),
    );
    return found ? "core" : "absent";
  };
}

export const MIGRATE_STEPS = stepTable<
  Setup,
  | "folio_isolate_lru"
  | "get_new_folio"
  | "folio_lock"
  | "folio_wait_writeback"
  | "folio_trylock"
  | "try_to_migrate"
  | "folio_migrate_mapping"
  | "xas_store"
  | "xas_next"
  | "folio_ref_unfreeze"
  | "folio_migrate_copy"
  | "migrate_folio_move"
  | "migrate_folio_done"
  | "do_migrate_range"
  | "folio_ref_freeze"
  | "migrate_folio_undo_src"
>({
  folio_isolate_lru: "core",
  get_new_folio: "core",
  folio_lock: "core",
  folio_wait_writeback: "core",
  folio_trylock: "core",
  try_to_migrate: "core",
  folio_migrate_mapping: "core",
  xas_store: storeOpRole("store"),
  xas_next: storeOpRole("next"),
  folio_ref_unfreeze: "core",
  folio_migrate_copy: "core",
  migrate_folio_move: "core",
  migrate_folio_done: "core",
  do_migrate_range: "branch",
  folio_ref_freeze: "branch",
  migrate_folio_undo_src: "branch",
});
const step = stepMaker(MIGRATE_STEPS);

const setPc = (s: ScenarioState, pc: Migrate) => s.set("migrate", s.migrate.set("pc", pc));

/** The state with fields of migration's thread record replaced. */
const setMigrate = (s: ScenarioState, patch: Partial<ReturnType<MigrateThread["toObject"]>>) =>
  s.set("migrate", MigrateThread.patch(s.migrate, patch));

/** folio_expected_refs(): 1 (isolation) + 2^k (cache); no PG_private here. */
function expectedRefs(a: Folio): number {
  return 1 + folioNrPages(a);
}

/** The migration thread: do_migrate_range's one folio, until it is done. */
export function migrateThread(setup: Setup): ThreadDecl<ScenarioState> {
  return {
    name: "migrate",
    own: "migrate",
    table: MIGRATE_STEPS,
    steps: (s) => migrateSteps(s, setup),
    unfinished: (s) => s.migrate.pc !== Migrate.Done,
  };
}

/** What migration holds: A's isolation reference until done, B from get_new_folio until it lets go. */
export function migrateHolds(s: ScenarioState): Hold[] {
  const m = s.migrate.pc;
  const out: Hold[] = [];
  if (m > Migrate.Isolate && m < Migrate.Done) {
    out.push({ thread: "migrate", frame: FRAME_A, what: "the isolation reference to" });
  }
  if (m > Migrate.Alloc && m < Migrate.PutSrc && m !== Migrate.Undo) {
    out.push({ thread: "migrate", frame: FRAME_B, what: "the new folio" });
  }
  return out;
}

export function migrateSteps(s: ScenarioState, setup: Setup): ThreadStep[] {
  const m = s.migrate;
  // A is read only in the cases that use it: what a step reads is what it depends on.
  const A = () => folioOf(s, FRAME_A);
  switch (m.pc) {
    case Migrate.Isolate:
      // do_migrate_range() scans the range: a freed (or recycled) A is
      // nothing to migrate; an A off the LRU (reclaim holds it) is retried
      // later, so the thread waits for it.
      if (!A().allocated || A().generation !== 1) {
        return [
          step("do_migrate_range", "do_migrate_range: A is gone, nothing to do", (s) =>
            setPc(s, Migrate.Done),
          ),
        ];
      }
      if (!folioTest(A(), "lru")) return [];
      return [
        step("folio_isolate_lru", "folio_isolate_lru(A)", (s) =>
          setPc(
            updateFolio(s, FRAME_A, (f) => folioIsolateLru(f)!),
            Migrate.Alloc,
          ),
        ),
      ];

    case Migrate.Alloc:
      if (A().refcount === 1) {
        // migrate_folio_unmap: "Folio was freed from under us."
        return [
          step(
            "migrate_folio_done",
            "migrate_folio_unmap: only our reference left → folio_put(A)",
            (s) => setPc(updateFolio(s, FRAME_A, folioPut), Migrate.Done),
          ),
        ];
      }
      return [
        step("get_new_folio", `get_new_folio → B (order ${A().order})`, (s) =>
          setPc(
            updateFolio(s, FRAME_B, (f) => folioAlloc(f, A().order, f.data)),
            Migrate.LockSrc,
          ),
        ),
      ];

    case Migrate.LockSrc:
      // MIGRATE_SYNC: folio_trylock failed → folio_lock(src) sleeps.
      if (folioTest(A(), "locked")) return [];
      return [
        step("folio_lock", "folio_lock(A)", (s) =>
          setPc(
            updateFolio(s, FRAME_A, (f) => folioTrylock(f)!),
            Migrate.WaitWriteback,
          ),
        ),
      ];

    case Migrate.WaitWriteback:
      if (folioTest(A(), "writeback")) return [];
      return [
        step("folio_wait_writeback", "folio_wait_writeback(A)", (s) => setPc(s, Migrate.LockDst)),
      ];

    case Migrate.LockDst:
      // B is private to migration: the trylock cannot fail.
      return [
        step("folio_trylock", "folio_trylock(B)", (s) =>
          setPc(
            updateFolio(s, FRAME_B, (f) => folioTrylock(f)!),
            Migrate.Unmap,
          ),
        ),
      ];

    case Migrate.Unmap:
      return [unmapStep()];

    case Migrate.Freeze:
      return [freezeStep(s, A(), folioOf(s, FRAME_B))];

    case Migrate.Store:
      return [storeStep(s, setup)];

    case Migrate.Unfreeze:
      // folio_ref_unfreeze(folio, expected_count - nr): the isolation
      // reference is all that is left; then xas_unlock.
      return [
        step("folio_ref_unfreeze", `folio_ref_unfreeze(A, 1); xas_unlock`, (s) =>
          setMigrate(
            updateFolio(s, FRAME_A, (f) =>
              folioRefUnfreeze(f, expectedRefs(f) - folioNrPages(f)),
            ).set("xaLock", ""),
            { pc: Migrate.Copy, xas: null },
          ),
        ),
      ];

    case Migrate.Copy:
      // folio_migrate_copy: folio_copy (the data) then folio_migrate_flags,
      // which marks B uptodate if A was and clears PG_swapcache and
      // folio->private (the swap entry) of A.
      return [
        step("folio_migrate_copy", "folio_migrate_copy(B, A): data; A loses swapcache", (s) => {
          const a = folioOf(s, FRAME_A);
          const s2 = updateFolio(s, FRAME_B, (f) => {
            const copied = f.set("data", a.data);
            return folioTest(a, "uptodate") ? folioSet(copied, "uptodate") : copied;
          });
          return setPc(
            updateFolio(s2, FRAME_A, (f) =>
              folioTest(f, "swapcache") ? folioClear(f, "swapcache").set("index", 0) : f,
            ),
            Migrate.Move,
          );
        }),
      ];

    case Migrate.Move:
      return [moveStep()];

    case Migrate.PutSrc:
      if (setup.params.reason === "contig") {
        // alloc_contig_range: the freed, isolated frame goes to the caller
        // at once, as an order-0-like page that is not uptodate (CMA).
        return [
          step(
            "migrate_folio_done",
            "migrate_folio_done: folio_put(A); alloc_contig_range takes the frame",
            (s) =>
              setPc(
                updateFolio(s, FRAME_A, (f) => {
                  const put = folioPut(f);
                  return put.allocated
                    ? put
                    : folioAlloc(put, put.order, List(put.data.map((_, p) => recycledData(p))));
                }),
                Migrate.Done,
              ),
          ),
        ];
      }
      return [
        step("migrate_folio_done", "migrate_folio_done: folio_put(A)", (s) =>
          setPc(updateFolio(s, FRAME_A, folioPut), Migrate.Done),
        ),
      ];

    case Migrate.Undo:
      return [undoStep()];

    default:
      return [];
  }
}

/** try_to_migrate(A): every PTE mapping A becomes a migration entry (page_was_mapped). */
function unmapStep(): ThreadStep {
  return step("try_to_migrate", "try_to_migrate(A): present PTEs → migration entries", (s) => {
    let mapped = 0;
    const ptes = s.ptes.map((pte) => {
      if (pteKind(pte) !== "present" || pteFrame(pte) !== FRAME_A) return pte;
      mapped++;
      // try_to_migrate_one: make_migration_entry_young when the PTE was young.
      return pteMigration(FRAME_A, ptePage(pte), pteYoung(pte));
    });
    const s2 = updateFolio(s.set("ptes", ptes), FRAME_A, (f) => folioPutMany(f, mapped));
    return setMigrate(s2, { pageWasMapped: mapped > 0, pc: Migrate.Freeze });
  });
}

/**
 * folio_migrate_mapping(): xas_lock_irq; folio_ref_freeze(A, expected);
 * on success B takes A's index/mapping, swap-backed and swap-cache state
 * and 2^k cache references, and dirty moves to B, all before the store.
 */
function freezeStep(s: ScenarioState, a: Folio, b: Folio): ThreadStep {
  const unmapped = a.mapping === MAPPING.anon && !folioTest(a, "swapcache");
  const expected = unmapped ? 1 : expectedRefs(a);
  const frozen = folioRefFreeze(a, expected);
  if (frozen && unmapped) return anonMigrateStep(a, b);
  if (!frozen) {
    const m = s.migrate;
    const label = `folio_ref_freeze(A, ${expected}) fails: refcount ${a.refcount} → -EAGAIN`;
    if (m.retries > 0) {
      return step("folio_ref_freeze", `${label}, retry`, (s) =>
        setMigrate(s, { retries: m.retries - 1 }),
      );
    }
    return step("folio_ref_freeze", `${label}, give up`, (s) => setPc(s, Migrate.Undo));
  }
  return step(
    "folio_migrate_mapping",
    `folio_migrate_mapping: xas_lock_irq; folio_ref_freeze(A, ${expected}); B takes A's place`,
    (s) => {
      let nb = folioRefAdd(b.set("index", a.index).set("mapping", a.mapping), folioNrPages(a));
      if (folioTest(a, "swapbacked")) nb = folioSet(nb, "swapbacked");
      if (folioTest(a, "swapcache")) nb = folioSet(nb, "swapcache");
      let na = frozen;
      if (folioTest(a, "dirty")) {
        na = folioClear(na, "dirty");
        nb = folioSet(nb, "dirty");
      }
      const s2 = updateFolio(
        updateFolio(s, FRAME_A, () => na),
        FRAME_B,
        () => nb,
      );
      // XA_STATE(xas, &mapping->i_pages, folio_index(folio)): a fresh cursor.
      return setMigrate(s2.set("xaLock", "migrate"), {
        xas: xaState(a.index),
        op: 0,
        sawSibling: null,
        pc: Migrate.Store,
      });
    },
  );
}

/**
 * folio_migrate_mapping() when folio_mapping(A) is NULL: an anonymous folio
 * that already left the swap cache (swapoff's or zap's folio_free_swap
 * deleted it). Only the count is compared (1: migration's isolation
 * reference), nothing is frozen or stored; B takes index, mapping and
 * swap-backed, and folio_migrate_flags later moves dirty.
 */
function anonMigrateStep(a: Folio, b: Folio): ThreadStep {
  return step(
    "folio_migrate_mapping",
    "folio_migrate_mapping: A has no mapping (anon, not in the swap cache), refcount 1: B takes its index",
    (s) => {
      let nb = b.set("index", a.index).set("mapping", a.mapping);
      if (folioTest(a, "swapbacked")) nb = folioSet(nb, "swapbacked");
      let na = a;
      if (folioTest(a, "dirty")) {
        na = folioClear(na, "dirty");
        nb = folioSet(nb, "dirty");
      }
      return setPc(
        updateFolio(
          updateFolio(s, FRAME_A, () => na),
          FRAME_B,
          () => nb,
        ),
        Migrate.Copy,
      );
    },
  );
}

/** One cursor operation of the variant's store sequence. */
function storeStep(s: ScenarioState, setup: Setup): ThreadStep {
  const m = s.migrate;
  const a = folioOf(s, FRAME_A);
  // The folio's flags as the kernel tests them (A is frozen, its flags intact).
  const opsFor = (sawSibling: boolean | null) =>
    storeOpsOf({
      variant: setup.params.variant,
      nr: folioNrPages(a),
      swapbacked: folioTest(a, "swapbacked"),
      swapcache: folioTest(a, "swapcache"),
      sawSibling,
    });
  const ops = opsFor(m.sawSibling);
  const xas = m.xas!;
  const advance = (s: ScenarioState) =>
    m.op + 1 >= opsFor(s.migrate.sawSibling).length
      ? setPc(s, Migrate.Unfreeze)
      : setMigrate(s, { op: m.op + 1 });
  const op = ops[m.op];
  if (op === "store" || op === "null") {
    const entry = op === "store" ? xaMkPointer(FRAME_B) : XA_EMPTY;
    return step(
      "xas_store",
      `xas_store(slot ${xas.index} ← ${op === "store" ? "B" : "NULL"})`,
      (s) => {
        const r = xasStore(s.xa, xas, entry);
        return advance(setMigrate(s.set("xa", r.xa), { xas: r.xas }));
      },
    );
  }
  const r = xasNext(s.xa, xas);
  return step("xas_next", `xas_next() → slot ${r.xas.index}: ${describeEntry(s, r.entry)}`, (s) => {
    // A BUG_ON on the way (lib/xarray.c) is recorded with the array: the kernel stops there.
    const s1 = r.bug === null ? s : s.set("xa", xaRecordBug(s.xa, r.bug));
    // The RFC's test: only the first xas_next after the head store decides.
    if (setup.params.variant === "sibling-check" && m.sawSibling === null) {
      return advance(setMigrate(s1, { xas: r.xas, sawSibling: xaIsSibling(r.entry) }));
    }
    return advance(setMigrate(s1, { xas: r.xas }));
  });
}

/**
 * migrate_folio_move(): folio_add_lru(B); remove_migration_ptes(A → B)
 * (each restored PTE takes a reference on B); folio_unlock(B);
 * folio_put(B) (the allocation reference); folio_unlock(A).
 */
function moveStep(): ThreadStep {
  return step(
    "migrate_folio_move",
    "migrate_folio_move: B on LRU, PTEs → B, unlock B and A",
    (s) => {
      let restored = 0;
      const ptes = s.ptes.map((pte) => {
        if (pteKind(pte) !== "migration" || pteFrame(pte) !== FRAME_A) return pte;
        restored++;
        // remove_migration_pte: pte_mkold unless the entry was young.
        return ptePresent(FRAME_B, ptePage(pte), pteYoung(pte));
      });
      const s2 = updateFolio(s.set("ptes", ptes), FRAME_B, (f) =>
        folioPut(folioUnlock(folioRefAdd(folioSet(f, "lru"), restored))),
      );
      return setPc(updateFolio(s2, FRAME_A, folioUnlock), Migrate.PutSrc);
    },
  );
}

/**
 * Giving up after -EAGAIN: migrate_folio_undo_src (remove_migration_ptes
 * back to A, unlock A, putback A) and migrate_folio_undo_dst (unlock B,
 * put B, which frees it).
 */
function undoStep(): ThreadStep {
  return step(
    "migrate_folio_undo_src",
    "migrate_folio_undo_src/dst: PTEs back to A, unlock, putback A, free B",
    (s) => {
      let restored = 0;
      const ptes = s.ptes.map((pte) => {
        if (pteKind(pte) !== "migration" || pteFrame(pte) !== FRAME_A) return pte;
        restored++;
        return ptePresent(FRAME_A, ptePage(pte), pteYoung(pte));
      });
      let s2 = updateFolio(s.set("ptes", ptes), FRAME_A, (f) =>
        folioPutbackLru(folioUnlock(folioRefAdd(f, restored))),
      );
      s2 = updateFolio(s2, FRAME_B, (f) => folioPut(folioUnlock(f)));
      return setPc(s2, Migrate.Done);
    },
  );
}

/** Where the thread is, in kernel words (reports): the function its next step runs. */
export const MIGRATE_AT: Record<Migrate, string> = {
  [Migrate.Isolate]: "next folio_isolate_lru",
  [Migrate.Alloc]: "next get_new_folio",
  [Migrate.LockSrc]: "next folio_lock(A)",
  [Migrate.WaitWriteback]: "next folio_wait_writeback",
  [Migrate.LockDst]: "next folio_trylock(B)",
  [Migrate.Unmap]: "next try_to_migrate",
  [Migrate.Freeze]: "next folio_migrate_mapping",
  [Migrate.Store]: "in the store loop (xas_store, xas_next)",
  [Migrate.Unfreeze]: "next folio_ref_unfreeze",
  [Migrate.Copy]: "next folio_migrate_copy",
  [Migrate.Move]: "next migrate_folio_move",
  [Migrate.PutSrc]: "next migrate_folio_done",
  [Migrate.Undo]: "next migrate_folio_undo_src",
  [Migrate.Done]: "done",
};
