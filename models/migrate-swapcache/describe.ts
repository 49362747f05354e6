/** Kernel words for the scenario's objects, for step labels and explanations. */
import {
  XA_EMPTY,
  type XaEntry,
  xaIsPointer,
  xaIsSibling,
  xaIsValue,
  xaToPointer,
  xaToSibling,
} from "../../src/kernel/xarray.js";
import type { ScenarioState } from "./state.js";
import { frameName } from "./step.js";

/** An xarray entry: `A`, `B`, `shadow`, `sibling(2)` or `empty`. */
export function describeEntry(s: ScenarioState, entry: XaEntry): string {
  if (entry === XA_EMPTY) return "empty";
  if (xaIsPointer(entry)) return frameName(s, xaToPointer(entry));
  if (xaIsValue(entry)) return "shadow";
  if (xaIsSibling(entry)) return `sibling(${xaToSibling(entry)})`;
  return `entry ${entry}`;
}
