/**
 * The kernel objects as parts of a declared state (src/declared/): how each
 * is written as integers, once for every model that uses it.
 */

import { type PartKind, partKind } from "../declared/parts.js";
import { numberListPart } from "../declared/record-part.js";
import { type Folio, folioEncode } from "./folio.js";
import { type SwapMap, swapMapEncode } from "./swap-map.js";
import { type XArray, xaEncoding } from "./xarray.js";

/** A folio frame (struct folio and its pages' data tokens). */
export const FOLIO_PART: PartKind<Folio> = partKind<Folio>("folio", folioEncode);

/** An xarray (a mapping's page cache, or a swap cache's address space). */
export const XARRAY_PART: PartKind<XArray> = partKind<XArray>("xarray", (xa, out) => {
  for (const w of xaEncoding(xa)) out.push(w);
});

/** One process's page table over the range a model looks at (PTE values). */
export const PTES_PART = numberListPart("ptes");

/** One swap device's map (swap_map bytes, huge clusters, the slot cache: swap-map.ts). */
export const SWAP_MAP_PART: PartKind<SwapMap> = partKind<SwapMap>("swap-map", swapMapEncode);

/**
 * What one swap device holds, a data token per slot (what a read of the
 * slot returns; DATA_GARBAGE once discarded, e.g. by zram when freed).
 */
export const SWAP_DATA_PART = numberListPart("swap-data");
