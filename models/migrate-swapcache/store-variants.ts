/**
 * The store under test in folio_migrate_mapping() (mm/migrate.c): after the
 * first xas_store(&xas, newfolio) at the head, what each kernel version
 * does, written as the sequence of cursor operations it performs. Each
 * operation is one model step, so lookups can run between them.
 */
import type { Variant } from "./params.js";

/** xas_store(&xas, newfolio), xas_next(&xas), or xas_store(&xas, NULL). */
export type StoreOp = "store" | "next" | "null";

function repeat(ops: readonly StoreOp[], times: number): StoreOp[] {
  return Array.from({ length: Math.max(0, times) }, () => ops).flat();
}

export interface StoreInputs {
  readonly variant: Variant;
  /** folio_nr_pages(folio). */
  readonly nr: number;
  readonly swapbacked: boolean;
  readonly swapcache: boolean;
  /** What the RFC's first xas_next returned was a sibling; null until it ran. */
  readonly sawSibling: boolean | null;
}

/** The cursor operations of the variant, in order (the RFC's depend on `sawSibling`). */
export function storeOps(v: StoreInputs): StoreOp[] {
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
export function storeOpsOf(v: StoreInputs): readonly StoreOp[] {
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
