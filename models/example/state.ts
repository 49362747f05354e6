/**
 * The example's state: the swap cache (an xarray whose slot 0 holds folio
 * A), the folio frame A, and each thread's record (its program counter).
 * A starts in the swap cache with two references: the swap cache's and
 * reclaim's isolation reference.
 */
import { List } from "immutable";
import { recordPart } from "../../src/declared/record-part.js";
import { declareState, part, parts, type StateRecord } from "../../src/declared/state.js";
import { Folio, fastRecord, folioFlagNames, MAPPING, PG } from "../../src/kernel/folio.js";
import { FOLIO_PART, XARRAY_PART } from "../../src/kernel/parts.js";
import {
  type XArray,
  xaInit,
  xaIsPointer,
  xaLoad,
  xaMkPointer,
  xaStore,
} from "../../src/kernel/xarray.js";

/** The frame of folio A, and the swap offset it is cached at. */
export const A = 0;
export const OFFSET = 0;

export enum Lookup {
  Load,
  Get,
  Use,
  Done,
}

export enum Reclaim {
  Freeze,
  Delete,
  Free,
  Putback,
  Done,
}

export const LookupThread = fastRecord({ pc: Lookup.Load as Lookup }, undefined, { memo: true });
export type LookupThread = ReturnType<typeof LookupThread>;
export const ReclaimThread = fastRecord({ pc: Reclaim.Freeze as Reclaim }, undefined, {
  memo: true,
});
export type ReclaimThread = ReturnType<typeof ReclaimThread>;

export const EXAMPLE_STATE = declareState("ExampleState", {
  /** The swap cache (swapper_spaces[type]), indexed by swap offset. */
  cache: part(XARRAY_PART, null as unknown as XArray, {
    show: (xa) => [{ name: "slot 0", value: xaIsPointer(xaLoad(xa, OFFSET)) ? "A" : "-" }],
  }),
  folios: parts(FOLIO_PART, {
    show: (folios) => {
      const a = folios.get(A)!;
      return [
        { name: "A.refcount", value: a.allocated ? String(a.refcount) : "free" },
        { name: "A.flags", value: folioFlagNames(a), set: true },
      ];
    },
  }),
  lookup: part(recordPart("example-lookup", LookupThread), LookupThread(), {
    show: (t) => [{ name: "lookup", value: Lookup[t.pc]!, local: true }],
  }),
  reclaim: part(recordPart("example-reclaim", ReclaimThread), ReclaimThread(), {
    show: (t) => [{ name: "reclaim", value: Reclaim[t.pc]!, local: true }],
  }),
});
export type ExampleState = StateRecord<typeof EXAMPLE_STATE.fields>;

export function initialState(): ExampleState {
  const a = Folio({
    allocated: true,
    refcount: 2,
    flags: PG.swapbacked | PG.swapcache,
    mapping: MAPPING.anon,
    index: OFFSET,
    data: List([1]),
    generation: 1,
  });
  return EXAMPLE_STATE.State({
    cache: xaStore(xaInit(), OFFSET, xaMkPointer(A)),
    folios: List([a]),
  });
}
