/**
 * The scenario's state as named variables in kernel words, for traces:
 * reports show the variables that changed after each step (deltas) or all
 * of them (--full-states), and JSON traces record them.
 */
import type { Variable } from "../../src/engine/index.js";
import { folioFlagNames, folioTest } from "../../src/kernel/folio.js";
import { pteDescribe } from "../../src/kernel/page-table.js";
import { XA_EMPTY, xaIsNode, xaIsPointer, xaSlots, xaToPointer } from "../../src/kernel/xarray.js";
import { describeEntry } from "./describe.js";
import { MIGRATE_AT } from "./migrate.js";
import { RECLAIM_AT } from "./reclaim.js";
import { SHRINK_AT } from "./shrink.js";
import { type ScenarioState, type Setup, Swapin } from "./state.js";
import { frameName } from "./step.js";
import { SWAPIN_AT } from "./swapin.js";
import { pteWalks } from "./walks.js";

/** An xarray slot's content, flagging pointers to freed folios. */
function slotValue(s: ScenarioState, entry: number): string {
  const shown = describeEntry(s, entry);
  if (xaIsPointer(entry) && !s.folios.get(xaToPointer(entry))!.allocated)
    return `${shown} (freed!)`;
  return shown;
}

function refcountValue(s: ScenarioState, frame: number): string {
  const f = s.folios.get(frame)!;
  if (!f.allocated) return f.refcount === 0 ? "0 (free)" : `${f.refcount} (free!)`;
  return f.refcount === 0 ? "0 (frozen)" : String(f.refcount);
}

export function scenarioVariables(s: ScenarioState, setup: Setup): Variable[] {
  const vars: Variable[] = [];
  const last = setup.base + setup.nr - 1;
  for (const slot of xaSlots(s.xa)) {
    if (xaIsNode(slot.entry)) continue;
    const inRange = slot.lastIndex >= setup.base && slot.firstIndex <= last;
    if (!inRange && slot.entry === XA_EMPTY) continue;
    const where =
      slot.firstIndex === slot.lastIndex
        ? `${slot.firstIndex}`
        : `${slot.firstIndex}..${slot.lastIndex}`;
    vars.push({ name: `slot ${where}`, value: slotValue(s, slot.entry) });
  }
  s.folios.forEach((f, frame) => {
    const name = String.fromCharCode(65 + frame);
    vars.push({
      name: `${name}.frame`,
      value: f.allocated ? `${frameName(s, frame)} allocated` : "free",
    });
    vars.push({ name: `${name}.refcount`, value: refcountValue(s, frame) });
    vars.push({ name: `${name}.flags`, value: folioFlagNames(f), set: true });
    const where = setup.swapCache ? "swap" : "index";
    const index = setup.swapCache && !folioTest(f, "swapcache") ? "-" : String(f.index);
    vars.push({ name: `${name}.${where}`, value: f.allocated ? index : "-" });
    vars.push({ name: `${name}.data`, value: f.data.join(",") });
  });
  s.ptes.forEach((pte, j) => {
    vars.push({ name: `pte ${j}`, value: pteDescribe(pte, (f) => frameName(s, f)) });
  });
  vars.push({ name: "xa_lock", value: s.xaLock || "-" });
  if (s.bug) {
    const bug = s.bug;
    vars.push(
      bug.index >= 0
        ? { name: "VM_BUG_ON", value: `${bug.what} at slot ${bug.index}` }
        : { name: "BUG_ON", value: bug.what },
    );
  }
  vars.push({ name: "reclaim", value: RECLAIM_AT[s.reclaim.pc], local: true });
  vars.push({ name: "migrate", value: MIGRATE_AT[s.migrate.pc], local: true });
  const fault = setup.swapCache ? "do_swap_page" : "filemap_fault";
  s.swapins.forEach((t, i) => {
    const at = t.page >= 0 ? ` (pte ${t.page})` : "";
    const where = t.pc === Swapin.Fault ? `next ${fault}` : SWAPIN_AT[t.pc];
    vars.push({ name: setup.swapinNames[i]!, value: `${where}${at}`, local: true });
  });
  vars.push({ name: "reclaim-dst", value: SHRINK_AT[s.reclaimDst.pc], local: true });
  for (const w of pteWalks(setup)) {
    const t = s[w.name];
    const at = t.pc === w.done ? "" : ` (pte ${t.page})`;
    vars.push({ name: w.name, value: `${w.at[t.pc]}${at}`, local: true });
  }

  return vars;
}
