/**
 * The parameters of the skip-swapcache model: which do_swap_page (v6.6, or
 * v6.8 with 13ddaf26be32's guard), how many slots the swap device has (the
 * allocator may hand out any free one, the freed slot included), and the
 * optional threads.
 */
import {
  type Choice,
  type ParameterSpec,
  parseChoices,
  parseIntIn,
  type RawParams,
  rejectUnknown,
} from "../../src/params.js";
import type { DeclaredRegistration } from "../registry.js";

export const VARIANTS = [
  {
    value: "no-guard",
    description: "v6.6: the skip path trusts pte_same (no swapcache_prepare)",
  },
  {
    value: "swapcache-prepare",
    description:
      "13ddaf26be32 (v6.8, 6.6.57): swapcache_prepare guards the skip path, -EEXIST backs off",
  },
] as const satisfies readonly Choice[];

export const OPTIONAL_THREADS = [
  { value: "write", description: "the process writes new data to the page once it is mapped" },
  { value: "swapoff", description: "swapoff of the device: try_to_unuse brings the page back in" },
] as const satisfies readonly Choice[];

export const THREADS = [
  { name: "fault0", description: "do_swap_page on the PTE (SWP_SYNCHRONOUS_IO skip path)" },
  { name: "fault1", description: "a second thread of the process faulting on the same PTE" },
  {
    name: "reclaim",
    description:
      "shrink_folio_list on the mapped page: folio_alloc_swap (any free slot), unmap, pageout",
  },
  { name: "write", description: "optional: the process writes new data to the mapped page" },
  {
    name: "swapoff",
    description: "optional: try_to_unuse → unuse_pte_range, unuse_pte; then the slots' second loop",
  },
] as const;

export type Variant = (typeof VARIANTS)[number]["value"];
export type OptionalThread = (typeof OPTIONAL_THREADS)[number]["value"];

export const MAX_SLOTS = 3;

export interface SkipParams {
  readonly variant: Variant;
  /** Slots of the swap device; slot 0 holds the page at the start. */
  readonly slots: number;
  readonly threads: ReadonlySet<OptionalThread>;
}

export const PARAMETERS: readonly ParameterSpec[] = [
  {
    name: "variant",
    description: "the skip-swapcache path of do_swap_page",
    default: "all",
    choices: VARIANTS,
  },
  {
    name: "slots",
    description: `slots of the swap device (zram), 1..${MAX_SLOTS}`,
    default: "2",
  },
  {
    name: "threads",
    description: "optional threads, comma-separated, or none",
    default: "write",
    choices: OPTIONAL_THREADS,
  },
];

export function parseSkipParams(model: string, raw: RawParams): SkipParams[] {
  rejectUnknown(model, raw, PARAMETERS);
  const variants = parseChoices("variant", raw.variant ?? "all", VARIANTS, true) as Variant[];
  const slots = parseIntIn("slots", raw.slots ?? "2", 1, MAX_SLOTS);
  const text = raw.threads ?? "write";
  const threads = new Set(
    text === "none"
      ? []
      : (parseChoices("thread", text, OPTIONAL_THREADS, false) as OptionalThread[]),
  );
  return variants.map((variant) => ({ variant, slots, threads }));
}

export function skipRawParams(p: SkipParams): RawParams {
  return {
    variant: p.variant,
    slots: String(p.slots),
    threads: [...p.threads].join(",") || "none",
  };
}

/** The registration's parameter side: names, parsing, how a run is titled and shown. */
export const SKIP_PARAMETERS: Omit<DeclaredRegistration<SkipParams>, "declare"> = {
  name: "skip-swapcache",
  version: 1,
  summary:
    "do_swap_page skipping the swap cache (zram): two faults on one PTE vs a swap-out to the same slot (13ddaf26be32)",
  parameters: PARAMETERS,
  threads: THREADS,
  proof: {
    matrix: { variant: "swapcache-prepare", slots: "1..3", threads: "write,swapoff" },
    fixParameter: "variant",
    baseline: "no-guard",
  },
  parse: (raw) => parseSkipParams("skip-swapcache", raw),
  raw: skipRawParams,
  title: (p) => `${p.variant}, ${p.slots} slot${p.slots === 1 ? "" : "s"}`,
  shown: (p) => ({
    variant: p.variant,
    slots: p.slots,
    threads: [...p.threads].join(",") || "none",
  }),
};
