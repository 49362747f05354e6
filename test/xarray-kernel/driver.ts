/**
 * The twin of driver.c over the port (src/kernel/xarray.ts): the same operations, printed in
 * the same format, so that the two outputs can be compared line by line. See driver.c for the
 * input language and the format.
 */
import {
  XA_EMPTY,
  XA_RETRY_ENTRY,
  type XArray,
  XAS_BOUNDS,
  XAS_HEAD,
  XAS_RESTART,
  type XaEntry,
  type XaState,
  xaGetOrder,
  xaInit,
  xaIsNode,
  xaIsPointer,
  xaIsSibling,
  xaIsValue,
  xaMkPointer,
  xaMkValue,
  xaState,
  xaStateOrder,
  xaStoreRangeTrace,
  xasCreateRange,
  xasLoad,
  xasNext,
  xasPrev,
  xasSet,
  xasStore,
  xaToNodeKey,
  xaToPointer,
  xaToSibling,
  xaToValue,
} from "../../src/kernel/xarray.js";

/** An entry a caller can store: 0 (NULL), pN, vN. */
export type EntrySpec = string;

export type MigrateVariant = "pp" | "ho" | "sc" | "sb";

export type Op =
  | { readonly op: "st"; readonly index: number; readonly order: number; readonly entry: EntrySpec }
  | { readonly op: "set"; readonly index: number; readonly order: number }
  | { readonly op: "ld" | "nx" | "pv" | "cr" }
  | { readonly op: "cs"; readonly entry: EntrySpec }
  | { readonly op: "gl" | "go"; readonly index: number }
  | { readonly op: "ar"; readonly index: number; readonly order: number; readonly entry: EntrySpec }
  | {
      readonly op: "mg";
      readonly variant: MigrateVariant;
      readonly index: number;
      readonly order: number;
    };

/** Indices the final dump loads (driver.c's UNIVERSE). */
export const UNIVERSE = 512;

/** A cursor index this high has wrapped below 0 (driver.c's WRAP_LIMIT). */
const WRAP_LIMIT = 2 ** 40;

/** The new folio of the migrate loops (driver.c: p999). */
const NEW_FOLIO = "p999";

/** An operation as a line of driver.c's input. */
export function opLine(o: Op): string {
  switch (o.op) {
    case "st":
    case "ar":
      return `${o.op} ${o.index} ${o.order} ${o.entry}`;
    case "set":
      return `set ${o.index} ${o.order}`;
    case "cs":
      return `cs ${o.entry}`;
    case "gl":
    case "go":
      return `${o.op} ${o.index}`;
    case "mg":
      return `mg ${o.variant} ${o.index} ${o.order}`;
    default:
      return o.op;
  }
}

/** A sequence as driver.c's input (ending with "end"). */
export function sequenceInput(ops: readonly Op[]): string {
  return `${ops.map(opLine).join("\n")}\nend\n`;
}

/** driver.c's input (sequences ending with "end") back into operations. */
export function parseSequences(text: string): Op[][] {
  const seqs: Op[][] = [];
  let ops: Op[] = [];
  for (const raw of text.split("\n")) {
    const [op, a, b, c] = raw.trim().split(/\s+/);
    if (!op) continue;
    const n = (x: string | undefined) => Number(x);
    switch (op) {
      case "end":
        seqs.push(ops);
        ops = [];
        break;
      case "st":
      case "ar":
        ops.push({ op, index: n(a), order: n(b), entry: c ?? "0" });
        break;
      case "set":
        ops.push({ op, index: n(a), order: n(b) });
        break;
      case "cs":
        ops.push({ op, entry: a ?? "0" });
        break;
      case "gl":
      case "go":
        ops.push({ op, index: n(a) });
        break;
      case "mg":
        ops.push({ op, variant: a as MigrateVariant, index: n(b), order: n(c) });
        break;
      case "ld":
      case "nx":
      case "pv":
      case "cr":
        ops.push({ op });
        break;
      default:
        throw new Error(`driver input: unknown operation ${raw}`);
    }
  }
  return seqs;
}

function mkEntry(spec: EntrySpec): XaEntry {
  if (spec.startsWith("p")) return xaMkPointer(Number(spec.slice(1)));
  if (spec.startsWith("v")) return xaMkValue(Number(spec.slice(1)));
  return XA_EMPTY;
}

export function entryText(e: XaEntry): string {
  if (e === XA_EMPTY) return "0";
  if (xaIsValue(e)) return `v${xaToValue(e)}`;
  if (xaIsSibling(e)) return `s${xaToSibling(e)}`;
  if (xaIsNode(e)) return "n";
  if (e === XA_RETRY_ENTRY) return "r";
  if (xaIsPointer(e)) return `p${xaToPointer(e)}`;
  return `?${e}`;
}

function cursorText(xa: XArray, x: XaState): string {
  let node: string;
  if (x.node === XAS_RESTART) node = "R";
  else if (x.node === XAS_BOUNDS) node = "B";
  else if (x.node === XAS_HEAD) node = "H";
  else {
    const n = xa.nodes.get(x.node);
    node = n === undefined ? `freed(${x.node})` : `${n.shift}@${n.index}`;
  }
  return ` | i=${x.index} sh=${x.shift} sb=${x.sibs} off=${x.offset} node=${node}`;
}

function dumpTree(xa: XArray, out: string[]): void {
  out.push(`H ${entryText(xa.head)}`);
  const S = xa.chunkShift;
  const size = 2 ** S;
  const visit = (key: number, index: number, top: boolean, depth: number): void => {
    const n = xa.nodes.get(key);
    if (n === undefined) {
      out.push(`N missing ${key}`);
      return;
    }
    const off = top ? 0 : Math.floor(n.index / 2 ** (n.shift + S)) % size;
    const slots = n.slots.toArray();
    out.push(
      `N ${n.shift}@${index} off=${off} cnt=${n.count} nv=${n.nrValues} [${slots.map(entryText).join(" ")}]`,
    );
    if (n.shift === 0 || depth > 20) return;
    slots.forEach((e, i) => {
      if (xaIsNode(e)) visit(xaToNodeKey(e), index + i * 2 ** n.shift, false, depth + 1);
    });
  };
  if (xaIsNode(xa.head)) visit(xaToNodeKey(xa.head), 0, true, 0);
}

class Stop {
  constructor(readonly bug: string) {}
}

/** xa_load(): xas_load() from a fresh cursor, retried while it returns XA_RETRY_ENTRY. */
function load(xa: XArray, index: number): XaEntry {
  const r = xasLoad(xa, xaState(index));
  if (r.bug !== null) throw new Stop(r.bug);
  if (r.entry === XA_RETRY_ENTRY) throw new Stop("livelock in xa_load: retry entry");
  return r.entry;
}

function loadsLine(xa: XArray): string {
  let line = "L";
  let prev: XaEntry = XA_EMPTY;
  let first = 0;
  for (let i = 0; i <= UNIVERSE; i++) {
    const e = i < UNIVERSE ? load(xa, i) : -1;
    if (i && e === prev) continue;
    if (i && prev !== XA_EMPTY) line += ` ${first}-${i - 1}:${entryText(prev)}`;
    prev = e;
    first = i;
  }
  return line;
}

/** Runs one sequence over the port at chunk shift S: driver.c's output for it. */
export function runPort(S: number, ops: readonly Op[]): string {
  const out: string[] = [];
  let xa = xaInit(S);
  let cur: XaState = xaState(0);
  const bugged = (next: XArray): void => {
    if (next.bug !== null && xa.bug === null) throw new Stop(next.bug);
    xa = next;
  };
  const read = (r: { entry: XaEntry; xas: XaState; bug: string | null }): XaEntry => {
    if (r.bug !== null) throw new Stop(r.bug);
    return r.entry;
  };
  let step = 0;
  let line = "";
  try {
    for (; step < ops.length; step++) {
      const o = ops[step]!;
      line = opLine(o);
      let result = "";
      switch (o.op) {
        case "st": {
          const before = xa;
          const xas = xaStateOrder(o.index, o.order, S);
          const r = xasStore(before, xas, mkEntry(o.entry));
          bugged(r.xa);
          result = entryText(r.old);
          cur = cur.set("node", XAS_RESTART);
          break;
        }
        case "set":
          cur = xaStateOrder(o.index, o.order, S);
          result = "-";
          break;
        case "ld": {
          const r = xasLoad(xa, cur);
          result = entryText(read(r));
          cur = r.xas;
          break;
        }
        case "nx": {
          const r = xasNext(xa, cur);
          result = entryText(read(r));
          cur = r.xas;
          break;
        }
        case "pv": {
          const r = xasPrev(xa, cur);
          result = entryText(read(r));
          cur = r.xas;
          break;
        }
        case "cs": {
          const r = xasStore(xa, cur, mkEntry(o.entry));
          bugged(r.xa);
          result = entryText(r.old);
          cur = r.xas;
          break;
        }
        case "cr": {
          const r = xasCreateRange(xa, cur);
          bugged(r.xa);
          cur = r.xas;
          result = "-";
          break;
        }
        case "gl":
          result = entryText(load(xa, o.index));
          break;
        case "go": {
          read(xasLoad(xa, xaState(o.index)));
          result = `${xaGetOrder(xa, o.index)}`;
          break;
        }
        case "ar": {
          const nr = 2 ** o.order;
          const r = xaStoreRangeTrace(xa, o.index - (o.index % nr), nr, mkEntry(o.entry));
          bugged(r.xa);
          result =
            r.loads.map((l, i) => `${entryText(l)},${entryText(r.olds[i]!)}`).join(",") +
            cursorText(xa, r.xas);
          cur = cur.set("node", XAS_RESTART);
          break;
        }
        case "mg": {
          result = migrateLoop(o.variant, o.index, o.order);
          cur = cur.set("node", XAS_RESTART);
          break;
        }
      }
      let text = `${step} ${line} -> ${result}${cursorText(xa, cur)}`;
      if (cur.index >= WRAP_LIMIT) {
        // driver.c: the cursor is set back to 0 rather than store at ULONG_MAX (64 vs 48 bits).
        cur = xasSet(cur, 0);
        text += " wrapped";
      }
      out.push(text);
      dumpTree(xa, out);
    }
    step = ops.length;
    line = "loads";
    out.push(loadsLine(xa));
  } catch (e) {
    // A port exception is a mismatch like any other (the kernel never prints this).
    const bug = e instanceof Stop ? e.bug : `port exception: ${(e as Error).message}`;
    out.push(`${step} ${line} -> ! ${bug}`);
  }
  return `${out.join("\n")}\n`;

  /** folio_migrate_mapping()'s store loop of each variant (driver.c: migrate_loop). */
  function migrateLoop(variant: MigrateVariant, index: number, order: number): string {
    let xas = xaState(index);
    const b = mkEntry(NEW_FOLIO);
    const nr = 2 ** order;
    const parts: string[] = [];
    const storeB = (): void => {
      const r = xasStore(xa, xas, b);
      bugged(r.xa);
      xas = r.xas;
      parts.push(entryText(r.old));
    };
    const next = (): XaEntry => {
      const r = xasNext(xa, xas);
      const e = read(r);
      xas = r.xas;
      parts.push(entryText(e));
      return e;
    };
    if (variant === "pp") {
      storeB();
      for (let i = 1; i < nr; i++) {
        next();
        storeB();
      }
    } else if (variant === "ho") {
      storeB();
    } else if (variant === "sc") {
      storeB();
      const e = next();
      if (nr > 1 && !xaIsSibling(e)) {
        for (let i = 1; i < nr; i++) {
          storeB();
          next();
        }
      }
    } else {
      for (let i = 0; i < nr; i++) {
        storeB();
        next();
      }
    }
    return parts.join(",") + cursorText(xa, xas);
  }
}
