/**
 * The example's one parameter: which reference the lookup takes on the
 * folio it found, the buggy folio_get or the fixed folio_try_get; and the
 * registration's side of the parameters.
 */
import {
  type Choice,
  type ParameterSpec,
  parseChoices,
  type RawParams,
  rejectUnknown,
} from "../../src/params.js";
import type { DeclaredRegistration } from "../registry.js";

export const VARIANTS = [
  { value: "folio-get", description: "the lookup takes its reference with folio_get (the bug)" },
  {
    value: "folio-try-get",
    description: "folio_try_get: no reference on a frozen folio, look up again (the fix)",
  },
] as const satisfies readonly Choice[];

export type Variant = (typeof VARIANTS)[number]["value"];

export interface ExampleParams {
  readonly variant: Variant;
}

export const PARAMETERS: readonly ParameterSpec[] = [
  {
    name: "variant",
    description: "how the lookup takes its reference",
    default: "all",
    choices: VARIANTS,
  },
];

export const THREADS = [
  {
    name: "lookup",
    description: "swap_cache_get_folio: xa_load, take a reference, use, folio_put",
  },
  {
    name: "reclaim",
    description: "__remove_mapping: folio_ref_freeze, delete from the swap cache, free",
  },
] as const;

export function parseExampleParams(model: string, raw: RawParams): ExampleParams[] {
  rejectUnknown(model, raw, PARAMETERS);
  const variants = parseChoices("variant", raw.variant ?? "all", VARIANTS, true) as Variant[];
  return variants.map((variant) => ({ variant }));
}

/** The registration's side of the parameters (index.ts adds the declaration). */
export const EXAMPLE_PARAMETERS: Omit<DeclaredRegistration<ExampleParams>, "declare"> = {
  name: "example",
  version: 1,
  summary: "the guide's example: a swap-cache lookup's folio_get vs reclaim freeing the folio",
  parameters: PARAMETERS,
  threads: THREADS,
  proof: { matrix: { variant: "folio-try-get" }, fixParameter: "variant", baseline: "folio-get" },
  parse: (raw) => parseExampleParams("example", raw),
  raw: (p) => ({ variant: p.variant }),
  title: (p) => p.variant,
  shown: (p) => ({ variant: p.variant }),
};
