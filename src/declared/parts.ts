/**
 * Parts: the pieces a declared state is made of (a folio frame, an xarray,
 * a page table, a thread's record...). Each kind of part says how a value
 * is written as 32-bit integers; equal values must give equal words and
 * different values different words (the layer's tests check this on every
 * registered model, see checks.ts). A part value gets a small integer id,
 * the same for equal values, so that a state packs into one word per part.
 *
 * Ids come from a table in shared memory (part-table.ts), so that the
 * workers of a parallel search give a value the same id; each thread also
 * keeps the first object it saw of each value, so that ids turn back into
 * objects (`partObject`).
 */
import { recordMemo, setRecordMemo } from "../kernel/folio.js";
import { SharedPartTable } from "./part-table.js";

/** How values of one kind of part are written as integers (injective within the kind). */
export interface PartKind<T> {
  /** Unique among all kinds of the process (part ids are keyed by kind and words). */
  readonly name: string;
  encode(value: T, out: number[]): void;
}

const kindIndex = new Map<string, PartKind<never>>();
const kindNumbers = new Map<string, number>();

/** Registers a kind (its name must be new, or name this very kind). */
export function partKind<T>(name: string, encode: (value: T, out: number[]) => void): PartKind<T> {
  const kind: PartKind<T> = { name, encode };
  if (kindIndex.has(name)) throw new Error(`part kind '${name}' is declared twice`);
  kindIndex.set(name, kind as PartKind<never>);
  kindNumbers.set(name, kindNumbers.size);
  return kind;
}

const ID = Symbol("partId");
/** Ids of frozen part objects, which cannot carry ID. */
const frozenIds = new WeakMap<object, number>();
const partIds = new Map<string, number>();
const partObjects: unknown[] = [];
let table = SharedPartTable.create();

/** The shared memory of the part ids, for the workers of a parallel search. */
export function partTableBuffer(): SharedArrayBuffer {
  return table.buffer;
}

/** In a worker, before any state is built: use the main thread's part ids. */
export function adoptPartTable(buffer: SharedArrayBuffer): void {
  if (table.buffer === buffer) return;
  if (partIds.size > 0) throw new Error("adoptPartTable: part ids were handed out already");
  table = new SharedPartTable(buffer);
}

/** The id of a part value (computed once per object and kept with it). */
export function partId<T>(kind: PartKind<T>, part: T): number {
  if (typeof part !== "object" || part === null) return idOfKey(kind, part);
  const holder = part as T & { [ID]?: number };
  const known =
    (recordMemo(part as object) as number | undefined) ??
    holder[ID] ??
    frozenIds.get(part as object);
  if (known !== undefined) return known;
  const id = idOfKey(kind, part);
  // A fast record keeps it in its own cache; anything else (a List) under ID.
  if (!setRecordMemo(part as object, id)) {
    if (Object.isExtensible(part)) holder[ID] = id;
    else frozenIds.set(part as object, id);
  }
  return id;
}

/** The id of a value, from its encoding (no memo on the value). */
function idOfKey<T>(kind: PartKind<T>, part: T): number {
  const code: number[] = [kindNumbers.get(kind.name)!];
  kind.encode(part, code);
  const key = code.join(",");
  let id = partIds.get(key);
  if (id === undefined) {
    id = table.idOf(code);
    // A key new here with an id known here: another value hashed alike.
    if (partObjects[id] !== undefined) {
      throw new Error(`part id collision: ${key} hashes like part ${id}`);
    }
    partIds.set(key, id);
    partObjects[id] = part;
  }
  return id;
}

/** The part value with id `id` (the first object seen of it). */
export function partObject<T>(id: number): T {
  return partObjects[id] as T;
}

/** Whether this thread has met part `id` (and so can turn it back into an object). */
export function knowsPart(id: number): boolean {
  return partObjects[id] !== undefined;
}
