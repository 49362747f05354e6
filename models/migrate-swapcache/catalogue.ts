/**
 * Every step a configuration's code contains, per thread (the "code" that
 * SPIN reports as unreached). `core` steps make up the race itself: the
 * reclaim, migration and lookup paths and the variant's store. A proof in
 * which a core step never ran is vacuous in part. The other steps are
 * alternative or error branches (a failed trylock, a recheck that refuses
 * the folio, giving up after -EAGAIN): reported when unreached, for the
 * reader to judge, but not required.
 */
import type { ScenarioParams } from "./params.js";
import { storeOps } from "./store-variants.js";

export interface CatalogueStep {
  readonly thread: string;
  /** The step's name (the kernel function), as in Step.name. */
  readonly name: string;
  readonly core: boolean;
}

/** The cursor operations the variant's store contains for this mapping (both RFC branches). */
function storeStepNames(params: ScenarioParams): string[] {
  const nr = 1 << params.order;
  const backings =
    params.mapping === "file"
      ? [false]
      : params.mapping === "legacy-pagecache" && params.legacyBacking !== "shmem"
        ? params.legacyBacking === "file"
          ? [false]
          : [true, false]
        : [true];
  const swapcache = params.mapping === "anon-swap";
  const ops = new Set(
    backings.flatMap((swapbacked) =>
      [true, false].flatMap((sawSibling) =>
        storeOps({ variant: params.variant, nr, swapbacked, swapcache, sawSibling }),
      ),
    ),
  );
  return [...ops].map((op) => (op === "store" ? "xas_store" : "xas_next"));
}

export function stepCatalogue(
  params: ScenarioParams,
  swapinNames: readonly string[],
): CatalogueStep[] {
  const steps: CatalogueStep[] = [];
  const add = (thread: string, core: boolean, ...names: string[]) => {
    for (const name of names) steps.push({ thread, name, core });
  };
  const swapCache = params.mapping === "anon-swap";
  if (swapCache) {
    add(
      "reclaim",
      true,
      "folio_trylock",
      "add_to_swap",
      "try_to_unmap",
      "pageout",
      "folio_putback_lru",
    );
    // The write finished before pageout returned: shrink_folio_list frees A at once.
    add(
      "reclaim",
      false,
      "shrink_folio_list",
      "__remove_mapping",
      "__delete_from_swap_cache",
      "free_folio",
    );
    add("writeback", true, "folio_end_writeback");
  }
  add(
    "migrate",
    true,
    "folio_isolate_lru",
    "get_new_folio",
    "folio_lock",
    "folio_wait_writeback",
    "folio_trylock",
    "try_to_migrate",
    "folio_migrate_mapping",
    ...storeStepNames(params),
    "folio_ref_unfreeze",
    "folio_migrate_copy",
    "migrate_folio_move",
    "migrate_folio_done",
  );
  add("migrate", false, "do_migrate_range", "folio_ref_freeze", "migrate_folio_undo_src");
  const fault = swapCache ? "do_swap_page" : "filemap_fault";
  for (const t of swapinNames) {
    add(
      t,
      true,
      fault,
      "filemap_get_entry",
      "folio_try_get_rcu",
      "xas_reload",
      "folio_lock",
      `${fault}:recheck`,
      "set_pte_at",
      "folio_unlock",
    );
    add(t, false, "handle_mm_fault", "pte_same");
  }
  if (params.threads.has("reclaim-dst")) {
    const remove = swapCache ? "__delete_from_swap_cache" : "__filemap_remove_folio";
    add(
      "reclaim-dst",
      true,
      "folio_isolate_lru",
      "folio_trylock",
      "__remove_mapping",
      remove,
      "free_folio",
    );
  }
  if (params.threads.has("reuse")) add("reuse", true, "alloc_pages");
  return steps;
}
