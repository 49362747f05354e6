/**
 * The parameters of the reference scenario (../shared/spec/reference-scenario.md):
 * which store `folio_migrate_mapping` does, which xarray the folio lives in,
 * the folio's order, the xarray's chunk shift, which PTE the swap-in
 * faults, and which optional threads run.
 */
import {
  type Choice,
  ParameterError,
  type ParameterSpec,
  parseChoices,
  parseIntIn,
  type RawParams,
  rejectUnknown,
} from "../../src/params.js";

export const VARIANTS = [
  {
    value: "per-page",
    description: "xas_next + xas_store for every further slot, any mapping (v4.17..v5.16)",
  },
  { value: "head-only", description: "one xas_store at the head slot (v5.17..v6.6)" },
  {
    value: "sibling-check",
    description: "the RFC: xas_next; if not a sibling, store in every further slot",
  },
  {
    value: "swapbacked-check",
    description: "store/next in every slot when the folio is swap-backed (v6.7, fc346d0a70a1)",
  },
  {
    value: "swapcache-check",
    description: "store/next in every slot when the folio is in the swap cache (60cf233b585c)",
  },
  {
    value: "null-tails",
    description: "a wrong fix: B at the head slot, NULL in every tail slot (must fail)",
  },
] as const satisfies readonly Choice[];

export const MAPPINGS = [
  { value: "anon-swap", description: "anonymous folio in the swap cache: 2^k direct slots" },
  { value: "shmem", description: "swap-backed folio in a shmem page cache: one multi-index entry" },
  { value: "file", description: "file folio in the page cache: one multi-index entry" },
  {
    value: "legacy-pagecache",
    description: "page cache before multi-index entries (< v5.17): 2^k direct slots",
  },
] as const satisfies readonly Choice[];

export const OPTIONAL_THREADS = [
  {
    value: "reclaim-dst",
    description:
      "reclaim of the destination folio B, pass after pass (folio_check_references, try_to_unmap, __remove_mapping)",
  },
  { value: "reuse", description: "a freed frame is allocated again for unrelated data" },
  {
    value: "swapoff",
    description:
      "swapoff: try_to_unuse → unuse_pte_range on every PTE (lookup, folio_lock, unuse_pte; no recheck in v6.6)",
  },
  {
    value: "zap",
    description:
      "exit/munmap: zap_pte_range → free_swap_and_cache → __try_to_reclaim_swap (lookup with the PTL held)",
  },
  {
    value: "mincore",
    description:
      "mincore(2): mincore_pte_range → mincore_page (lookup with the PTL held; unprivileged)",
  },
] as const satisfies readonly Choice[];

/** Every thread of the scenario, for `swapcheck list`. */
export const SCENARIO_THREADS = [
  {
    name: "reclaim",
    description: "shrink_folio_list on A: add_to_swap, try_to_unmap, pageout (anon-swap)",
  },
  {
    name: "writeback",
    description: "folio_end_writeback(A) when the swap write completes (anon-swap)",
  },
  { name: "migrate", description: "migrate_pages (sync) on A: unmap, folio_migrate_mapping, move" },
  {
    name: "swapin",
    description:
      "do_swap_page on PTE j: filemap_get_entry under RCU (a miss: __read_swap_cache_async), lock, recheck, map",
  },
  { name: "fault", description: "page-cache mappings: filemap_fault on page j (same lookup loop)" },
  {
    name: "reclaim-dst",
    description:
      "optional: shrink_folio_list on B, pass after pass (folio_check_references, try_to_unmap, __remove_mapping)",
  },
  {
    name: "access",
    description: "the process's loads from its mapped pages set the accessed bit (--access hot)",
  },
  { name: "reuse", description: "optional: a freed frame reallocated for unrelated data" },
  {
    name: "swapoff",
    description: "optional: try_to_unuse → unuse_pte_range → unuse_pte (anon-swap)",
  },
] as const;

/**
 * Why A is migrated (v6.6's migrate_reason), which decides when A's freed
 * frame can be handed out again. Compaction (MR_COMPACTION) never isolates
 * a compound page outside alloc_contig_range, and soft offline
 * (MR_MEMORY_FAILURE) splits a THP first: neither migrates a whole large
 * folio in v6.6, so neither is offered.
 */
export const REASONS = [
  {
    value: "offline",
    description:
      "memory hot-unplug (MR_MEMORY_HOTPLUG, the seed's): A's frame sits in an isolated pageblock, never reused",
  },
  {
    value: "demotion",
    description:
      "demotion, NUMA, move_pages/mbind, longterm pin: A's frame goes back to the buddy, reused at any time (the reuse thread)",
  },
  {
    value: "contig",
    description:
      "alloc_contig_range (CMA, gigantic hugetlb): A's frame handed to the caller at once, not uptodate",
  },
] as const satisfies readonly Choice[];

/** Whether the process keeps touching the pages it maps (access.ts). */
export const ACCESSES = [
  {
    value: "hot",
    description:
      "the process keeps loading from its pages: the accessed bit comes back after reclaim clears it",
  },
  { value: "cold", description: "the process never touches its pages again after a fault" },
] as const satisfies readonly Choice[];

export const LEGACY_BACKINGS = [
  { value: "both", description: "explore a shmem and a regular-file folio (two initial states)" },
  { value: "shmem", description: "a swap-backed (shmem) folio" },
  { value: "file", description: "a regular file folio (not swap-backed)" },
] as const satisfies readonly Choice[];

export type Variant = (typeof VARIANTS)[number]["value"];
export type Mapping = (typeof MAPPINGS)[number]["value"];
export type OptionalThread = (typeof OPTIONAL_THREADS)[number]["value"];
export type LegacyBacking = (typeof LEGACY_BACKINGS)[number]["value"];
export type Reason = (typeof REASONS)[number]["value"];
export type Access = (typeof ACCESSES)[number]["value"];

export const MAX_ORDER = 5;
export const MIN_CHUNK_SHIFT = 1;
export const MAX_CHUNK_SHIFT = 6;
export const MAX_SWAPINS = 8;
/** Retries after the first pass: NR_MAX_MIGRATE_PAGES_RETRY (10) passes in v6.6. */
export const KERNEL_MIGRATE_RETRIES = 9;

export interface ScenarioParams {
  readonly variant: Variant;
  readonly mapping: Mapping;
  /** Folio order k: the folio has 2^k pages. */
  readonly order: number;
  /** XA_CHUNK_SHIFT of the modelled xarray. */
  readonly chunkShift: number;
  /**
   * The PTE each swap-in faults; null: each swap-in tries every PTE;
   * "distinct": swap-in i faults PTE i (different pages of the folio).
   */
  readonly swapinPage: number | null | "distinct";
  /** Number of concurrent swap-in (page-cache fault) threads. */
  readonly swapins: number;
  /** Optional threads; `reuse` is on exactly when the reason reuses frames at any time. */
  readonly threads: ReadonlySet<OptionalThread>;
  /** Why A is migrated: when its freed frame is reused. */
  readonly reason: Reason;
  /** hot: the process's loads set the PTEs' accessed bits (the access thread); cold: no loads. */
  readonly access: Access;
  /** For legacy-pagecache: which kind of folio sits in the page cache. */
  readonly legacyBacking: LegacyBacking;
  /**
   * How often migration retries after folio_ref_freeze fails with -EAGAIN
   * before giving up. v6.6's migrate_pages makes NR_MAX_MIGRATE_PAGES_RETRY
   * = 10 passes for MIGRATE_SYNC (migrate_pages_sync: 3 asynchronous, then
   * 7 synchronous): 9 retries after the first, the default. A smaller
   * bound is named in the output.
   */
  readonly migrateRetries: number;
  /** --bounded-spin N: flag N consecutive failed folio_try_get_rcu calls (0: off). */
  readonly spinBound: number;
  /**
   * --symmetry on: the swap-in threads run the same code on any page, so a
   * state and the same state with the threads' local states permuted are
   * equivalent; store only one of them (sound for the invariants, which
   * name no thread; not for per-thread progress properties).
   */
  readonly symmetry: boolean;
}

export const DEFAULTS: ScenarioParams = {
  variant: "head-only",
  mapping: "anon-swap",
  order: 2,
  chunkShift: 2,
  // The seed's scenario: one swap-in maps a page of B, another faults a tail page.
  swapinPage: "distinct",
  swapins: 2,
  threads: new Set<OptionalThread>(["reclaim-dst"]),
  reason: "offline",
  access: "hot",
  legacyBacking: "both",
  migrateRetries: KERNEL_MIGRATE_RETRIES,
  spinBound: 0,
  symmetry: false,
};

export const PARAMETERS: readonly ParameterSpec[] = [
  {
    name: "variant",
    description: "the store in folio_migrate_mapping",
    default: "all",
    choices: VARIANTS,
  },
  {
    name: "mapping",
    description: "which xarray the folio lives in",
    default: "anon-swap",
    choices: MAPPINGS,
  },
  { name: "order", description: `folio order k, 1..${MAX_ORDER}`, default: "2" },
  {
    name: "chunk-shift",
    description: `XA_CHUNK_SHIFT S, ${MIN_CHUNK_SHIFT}..${MAX_CHUNK_SHIFT} (kernel 6, test harness 3)`,
    default: "2",
  },
  {
    name: "swapin-page",
    description:
      "the PTE j every swap-in faults; all (each tries every PTE); distinct (swap-in i faults PTE i; the default, or all with --symmetry on)",
    default: "distinct",
  },
  { name: "swapins", description: `number of swap-in threads, 1..${MAX_SWAPINS}`, default: "2" },
  {
    name: "threads",
    description: "optional threads, comma-separated, or none (reuse follows --reason)",
    default: "reclaim-dst",
    choices: OPTIONAL_THREADS,
  },
  {
    name: "reason",
    description: "why A is migrated (migrate_reason): when its freed frame is reused",
    default: "offline",
    choices: REASONS,
  },
  {
    name: "access",
    description: "whether the process keeps touching its mapped pages (anon-swap)",
    default: "hot",
    choices: ACCESSES,
  },
  {
    name: "legacy-backing",
    description: "folio kind for legacy-pagecache",
    default: "both",
    choices: LEGACY_BACKINGS,
  },
  {
    name: "migrate-retries",
    description: `-EAGAIN retries before migration gives up, 0..${KERNEL_MIGRATE_RETRIES} (v6.6: 10 passes, ${KERNEL_MIGRATE_RETRIES} retries)`,
    default: String(KERNEL_MIGRATE_RETRIES),
  },
  {
    name: "bounded-spin",
    description: "flag N failed folio_try_get_rcu calls in a row (1..20; 0 = off)",
    default: "0",
  },
  {
    name: "symmetry",
    description: "treat the swap-in threads as interchangeable (symmetry reduction)",
    default: "off",
    choices: [
      { value: "off", description: "every permutation of the swap-ins is a distinct state" },
      { value: "on", description: "states equal up to a permutation of swap-ins are one" },
    ],
  },
];

/** Every combination of variant × mapping the user asked for, validated. */
export function parseScenarioParams(model: string, raw: RawParams): ScenarioParams[] {
  rejectUnknown(model, raw, PARAMETERS);
  const variants = parseChoices("variant", raw.variant ?? "all", VARIANTS, true) as Variant[];
  const mappings = parseChoices("mapping", raw.mapping ?? "anon-swap", MAPPINGS, true) as Mapping[];
  const order = parseIntIn("order", raw.order ?? String(DEFAULTS.order), 1, MAX_ORDER);
  const chunkShift = parseIntIn(
    "chunk-shift",
    raw["chunk-shift"] ?? String(DEFAULTS.chunkShift),
    MIN_CHUNK_SHIFT,
    MAX_CHUNK_SHIFT,
  );
  // Interchangeable swap-ins (--symmetry on) fault any page by default.
  const pageText = raw["swapin-page"] ?? (raw.symmetry === "on" ? "all" : "distinct");
  const swapinPage =
    pageText === "all"
      ? null
      : pageText === "distinct"
        ? "distinct"
        : parseIntIn("swapin-page", pageText, 0, (1 << order) - 1);
  const swapins = parseIntIn("swapins", raw.swapins ?? "2", 1, MAX_SWAPINS);
  if (swapinPage === "distinct" && swapins > 1 << order) {
    throw new ParameterError(
      `--swapin-page distinct: ${swapins} swap-ins need ${swapins} pages, an order-${order} folio has ${1 << order}`,
    );
  }
  const reason = parseChoices("reason", raw.reason ?? "offline", REASONS, false)[0] as Reason;
  const threadText = raw.threads ?? "reclaim-dst";
  const threads = new Set(
    threadText === "none"
      ? []
      : (parseChoices("thread", threadText, OPTIONAL_THREADS, false) as OptionalThread[]),
  );
  // The reuse thread follows the reason: any time for demotion and the
  // like; never for offline (isolated pageblock); at once for contig
  // (migration's last step hands the frame out itself).
  if (threads.has("reuse") && reason !== "demotion") {
    throw new ParameterError(
      `--threads reuse needs --reason demotion (with --reason ${reason} ${reason === "offline" ? "A's frame is never handed out again" : "the frame is reused at once by migration itself"})`,
    );
  }
  if (reason === "demotion") threads.add("reuse");
  const access = parseChoices("access", raw.access ?? "hot", ACCESSES, false)[0] as Access;
  const legacyBacking = parseChoices(
    "legacy-backing",
    raw["legacy-backing"] ?? "both",
    LEGACY_BACKINGS,
    false,
  )[0] as LegacyBacking;
  if (raw["legacy-backing"] !== undefined && !mappings.includes("legacy-pagecache")) {
    throw new ParameterError("--legacy-backing only applies to --mapping legacy-pagecache");
  }
  const migrateRetries = parseIntIn(
    "migrate-retries",
    raw["migrate-retries"] ?? String(KERNEL_MIGRATE_RETRIES),
    0,
    KERNEL_MIGRATE_RETRIES,
  );
  const spinBound = parseIntIn("bounded-spin", raw["bounded-spin"] ?? "0", 0, 20);
  const symmetryText = raw.symmetry ?? "off";
  if (symmetryText === "on" && pageText === "distinct") {
    throw new ParameterError(
      "--symmetry on contradicts --swapin-page distinct: the swap-ins differ",
    );
  }
  const symmetry =
    parseChoices(
      "symmetry",
      raw.symmetry ?? "off",
      PARAMETERS.find((p) => p.name === "symmetry")!.choices!,
      false,
    )[0] === "on";
  return mappings.flatMap((mapping) =>
    variants.map((variant) => ({
      variant,
      mapping,
      order,
      chunkShift,
      swapinPage,
      swapins,
      threads,
      reason,
      access,
      legacyBacking,
      migrateRetries,
      spinBound,
      symmetry,
    })),
  );
}

/** The command-line parameters that select exactly this configuration. */
export function scenarioRawParams(p: ScenarioParams): RawParams {
  return {
    variant: p.variant,
    mapping: p.mapping,
    order: String(p.order),
    "chunk-shift": String(p.chunkShift),
    "swapin-page": p.swapinPage === null ? "all" : String(p.swapinPage),
    swapins: String(p.swapins),
    threads: [...p.threads].join(",") || "none",
    reason: p.reason,
    ...(p.access !== "hot" ? { access: p.access } : {}),
    ...(p.mapping === "legacy-pagecache" ? { "legacy-backing": p.legacyBacking } : {}),
    "migrate-retries": String(p.migrateRetries),
    ...(p.spinBound > 0 ? { "bounded-spin": String(p.spinBound) } : {}),
    ...(p.symmetry ? { symmetry: "on" } : {}),
  };
}
