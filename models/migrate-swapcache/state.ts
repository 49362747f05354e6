/**
 * The state of the reference scenario: one xarray (the swap cache or the
 * file's page cache), a pool of two folio frames (A, the folio reclaim and
 * migration race on, and B, migration's destination), one process's PTEs
 * over A's range, the xarray lock, and each thread's local state.
 */
import { List } from "immutable";
import {
  DATA_GARBAGE,
  Folio,
  fastRecord,
  folioEncode,
  MAPPING,
  PG,
  recordMemo,
  setRecordMemo,
} from "../../src/kernel/folio.js";
import { PTE_NONE, type Pte, ptePresent } from "../../src/kernel/page-table.js";
import {
  type XArray,
  type XaState,
  xaEncoding,
  xaInit,
  xaMkPointer,
  xaStoreOrder,
  xaStoreRange,
} from "../../src/kernel/xarray.js";
import type { ScenarioParams } from "./params.js";
import { SharedPartTable } from "../../src/declared/part-table.js";

/** Frame numbers: A is the folio under reclaim and migration, B the destination. */
export const FRAME_A = 0;
export const FRAME_B = 1;
export const NO_FRAME = -1;

/** Data token of original page p (what the process wrote there). */
export function originalData(page: number): number {
  return page + 1;
}

/** Data token of page p of a recycled frame (unrelated data). */
export function recycledData(page: number): number {
  return 1000 + page;
}

/** The program counters of the threads; each step moves a thread between them. */
export enum Reclaim {
  Trylock,
  AddToSwap,
  Unmap,
  Pageout,
  AfterPageout,
  /** pageout() found the write already complete: try to free A at once. */
  Free,
  Done,
}

/** Steps of shrink_folio_list's freeing path, shared by reclaim of A and of B. */
export enum Shrink {
  Isolate,
  Trylock,
  Freeze,
  Delete,
  Free,
  Done,
}

export enum Migrate {
  Isolate,
  Alloc,
  LockSrc,
  WaitWriteback,
  LockDst,
  Unmap,
  Freeze,
  Store,
  Unfreeze,
  Copy,
  Move,
  PutSrc,
  Undo,
  Done,
}

export enum Swapin {
  Fault,
  Load,
  TryGet,
  Reload,
  Lock,
  Recheck,
  Map,
  Unlock,
  Done,
}

export const ReclaimThread = fastRecord(
  {
    pc: Reclaim.Trylock as Reclaim,
    /** In the Free phase (A's write finished early): the freeing path of shrink_folio_list. */
    shrink: Shrink.Trylock as Shrink,
  },
  undefined,
  { memo: true },
);
export type ReclaimThread = ReturnType<typeof ReclaimThread>;

export const ShrinkThread = fastRecord({ pc: Shrink.Isolate as Shrink }, undefined, { memo: true });
export type ShrinkThread = ReturnType<typeof ShrinkThread>;

export const MigrateThread = fastRecord(
  {
    pc: Migrate.Isolate as Migrate,
    /** -EAGAIN retries left. */
    retries: 0,
    /** try_to_migrate found A mapped (page_was_mapped). */
    pageWasMapped: false,
    /** The xa_state cursor of folio_migrate_mapping. */
    xas: null as XaState | null,
    /** Position in the variant's sequence of cursor operations. */
    op: 0,
    /** What the RFC's first xas_next returned was a sibling (null before it ran). */
    sawSibling: null as boolean | null,
  },
  undefined,
  { memo: true },
);
export type MigrateThread = ReturnType<typeof MigrateThread>;

export const SwapinThread = fastRecord(
  {
    pc: Swapin.Fault as Swapin,
    /** The PTE faulted on, -1 before the fault. */
    page: -1,
    /** The PTE value read at fault time (vmf->orig_pte). */
    orig: PTE_NONE as Pte,
    /** The xarray index looked up. */
    index: -1,
    /** The folio the lookup found. */
    folio: NO_FRAME,
    /** Holds a reference on `folio`. */
    hasRef: false,
    /**
     * Consecutive failed folio_try_get_rcu calls, counted only with
     * --bounded-spin (and capped there) so the state space stays finite.
     */
    spins: 0,
  },
  undefined,
  { memo: true },
);
export type SwapinThread = ReturnType<typeof SwapinThread>;

/** A VM_BUG_ON the kernel would hit (CONFIG_DEBUG_VM), recorded so an invariant reports it. */
export const VmBug = fastRecord({ what: "", index: -1 });
export type VmBug = ReturnType<typeof VmBug>;

export const ScenarioState = fastRecord({
  xa: null as unknown as XArray,
  folios: List<Folio>(),
  ptes: List<Pte>(),
  /** Thread holding the xarray lock across steps, or "" (xas_lock_irq .. xas_unlock). */
  xaLock: "" as XaLockHolder,
  reclaim: ReclaimThread(),
  writebackDone: false,
  migrate: MigrateThread(),
  swapins: List<SwapinThread>(),
  reclaimDst: ShrinkThread(),
  reuseDone: false,
  bug: null as VmBug | null,
});
export type ScenarioState = ReturnType<typeof ScenarioState>;

/** Static facts of one configuration, derived from the parameters. */
export interface Setup {
  readonly params: ScenarioParams;
  /** Pages in the folio: 2^k. */
  readonly nr: number;
  /** First xarray index of A's range (its swap offset or file index). */
  readonly base: number;
  /** The folio lives in the swap cache (anon-swap). */
  readonly swapCache: boolean;
  /** The mapping stores one multi-index entry (shmem, file). */
  readonly multiIndex: boolean;
  /** Names of the lookup threads, one per swap-in. */
  readonly swapinNames: readonly string[];
  /** Highest xarray index the invariants look at. */
  readonly maxIndex: number;
}

export function makeSetup(params: ScenarioParams): Setup {
  const nr = 1 << params.order;
  const swapCache = params.mapping === "anon-swap";
  const lookup = swapCache ? "swapin" : "fault";
  return {
    params,
    nr,
    // An aligned range that is not at index 0, so that the tree has a
    // node above the folio's slots for every chunk shift we model.
    base: nr,
    swapCache,
    multiIndex: params.mapping === "shmem" || params.mapping === "file",
    swapinNames:
      params.swapins === 1
        ? [lookup]
        : Array.from({ length: params.swapins }, (_, i) => `${lookup}${i}`),
    maxIndex: 2 * nr - 1,
  };
}

/**
 * Initial states. anon-swap: A is mapped by all its PTEs and isolated by
 * reclaim (refcount = 2^k mappings + 1 isolation). Page cache: A sits in
 * the page cache (refcount 2^k, on the LRU, not mapped); legacy-pagecache
 * may start with a shmem and/or a regular-file folio.
 */
export function initialStates(setup: Setup): ScenarioState[] {
  const { params, nr, base } = setup;
  const data = List(Array.from({ length: nr }, (_, p) => originalData(p)));
  const frameB = Folio({ data: List(Array(nr).fill(DATA_GARBAGE)), order: params.order });
  const threads = {
    swapins: List(setup.swapinNames.map(() => SwapinThread())),
    migrate: MigrateThread({ retries: params.migrateRetries }),
  };
  if (setup.swapCache) {
    const a = Folio({
      allocated: true,
      order: params.order,
      refcount: nr + 1,
      flags: PG.swapbacked,
      mapping: MAPPING.anon,
      data,
      generation: 1,
    });
    return [
      ScenarioState({
        xa: xaInit(params.chunkShift),
        folios: List([a, frameB]),
        ptes: List(Array.from({ length: nr }, (_, p) => ptePresent(FRAME_A, p))),
        ...threads,
      }),
    ];
  }
  const backings =
    params.mapping === "shmem"
      ? [true]
      : params.mapping === "file"
        ? [false]
        : params.legacyBacking === "both"
          ? [true, false]
          : [params.legacyBacking === "shmem"];
  return backings.map((swapbacked) => {
    const a = Folio({
      allocated: true,
      order: params.order,
      refcount: nr,
      flags: PG.lru | (swapbacked ? PG.swapbacked : 0),
      mapping: MAPPING.file,
      index: base,
      data,
      generation: 1,
    });
    const xa0 = xaInit(params.chunkShift);
    // filemap_add_folio: one order-k entry (v5.17+), or 2^k slots before.
    const xa = setup.multiIndex
      ? xaStoreOrder(xa0, base, params.order, xaMkPointer(FRAME_A))
      : xaStoreRange(xa0, base, nr, xaMkPointer(FRAME_A));
    return ScenarioState({
      xa,
      folios: List([a, frameB]),
      ptes: List(Array(nr).fill(PTE_NONE)),
      // No reclaim to swap in the page-cache scenarios.
      reclaim: ReclaimThread({ pc: Reclaim.Done }),
      writebackDone: true,
      ...threads,
    });
  });
}

const NULL_XAS = -1;

/** The threads that hold the xarray lock across steps ("" = nobody). */
export const XA_LOCK_HOLDERS = ["", "migrate", "reclaim", "reclaim-dst"] as const;
export type XaLockHolder = (typeof XA_LOCK_HOLDERS)[number];

/**
 * The encoding of a state is built from its parts (each frame, the PTEs,
 * each thread's record, the VM_BUG_ON record, the xarray): a step changes
 * one or two parts and shares the others with the state before it. Each
 * part value gets a small integer id, once per part object (kept with it),
 * from a table of every part value seen in this process, keyed by the
 * part's own full encoding: equal parts get equal ids and different parts
 * different ids, so the state's encoding stays canonical (within the
 * process, which is where encodings are compared) while being a few words
 * long instead of ~100. The table also keeps the first object of each
 * value, so that an encoding turns back into a state (`unpackState`).
 */
const ID = Symbol("partId");
const partIds = new Map<string, number>();
const partObjects: object[] = [];
const KINDS = ["folio", "ptes", "reclaim", "shrink", "migrate", "swapin", "bug", "xa"];
/** Ids come from a table in shared memory, so that parallel workers agree (part-table.ts). */
let partTable = SharedPartTable.create();

/** The shared memory of the part ids, for the workers of a parallel search. */
export function partTableBuffer(): SharedArrayBuffer {
  return partTable.buffer;
}

/** In a worker, before any state is built: use the main thread's part ids. */
export function adoptPartTable(buffer: SharedArrayBuffer): void {
  if (partTable.buffer === buffer) return;
  if (partIds.size > 0) throw new Error("adoptPartTable: part ids were handed out already");
  partTable = new SharedPartTable(buffer);
}

function partId<T extends object>(
  part: T,
  kind: string,
  encode: (part: T, out: number[]) => void,
): number {
  const holder = part as T & { [ID]?: number };
  const known = (recordMemo(part) as number | undefined) ?? holder[ID];
  if (known !== undefined) return known;
  const code: number[] = [KINDS.indexOf(kind)];
  encode(part, code);
  const key = code.join(",");
  let id = partIds.get(key);
  if (id === undefined) {
    id = partTable.idOf(code);
    // A key new here with an id known here: another value hashed alike.
    if (partObjects[id] !== undefined) {
      throw new Error(`part id collision: ${key} hashes like part ${id}`);
    }
    partIds.set(key, id);
    partObjects[id] = part;
  }
  // A fast record keeps it in its own cache; anything else (a List) under ID.
  if (!setRecordMemo(part, id)) holder[ID] = id;
  return id;
}

/** The part value with id `id` (the first object seen of it). */
export function partObject<T>(id: number): T {
  return partObjects[id] as T;
}

function encodePtes(ptes: List<Pte>, out: number[]): void {
  for (let i = 0; i < ptes.size; i++) out.push(ptes.get(i)!);
}

function encodeReclaim(r: ReclaimThread, out: number[]): void {
  out.push(r.pc, r.shrink);
}

function encodeShrink(r: ShrinkThread, out: number[]): void {
  out.push(r.pc);
}

function encodeMigrate(m: MigrateThread, out: number[]): void {
  out.push(
    m.pc,
    m.retries,
    m.pageWasMapped ? 1 : 0,
    m.op,
    m.sawSibling === null ? 2 : m.sawSibling ? 1 : 0,
  );
  const xas = m.xas;
  if (xas) out.push(xas.index, xas.node, xas.offset, xas.shift, xas.sibs);
  else out.push(NULL_XAS);
}

function encodeSwapin(t: SwapinThread, out: number[]): void {
  out.push(t.pc, t.page, t.orig, t.index, t.folio, t.hasRef ? 1 : 0, t.spins);
}

function encodeBug(b: VmBug, out: number[]): void {
  out.push(b.index);
  for (let i = 0; i < b.what.length; i++) out.push(b.what.charCodeAt(i));
}

function encodeXa(xa: XArray, out: number[]): void {
  for (const w of xaEncoding(xa)) out.push(w);
}

/** Sorts out[from..to) ascending (a handful of words: insertion sort). */
function sortRange(out: number[], from: number, to: number): void {
  for (let i = from + 1; i < to; i++) {
    const v = out[i]!;
    let j = i - 1;
    while (j >= from && out[j]! > v) {
      out[j + 1] = out[j]!;
      j--;
    }
    out[j + 1] = v;
  }
}

/** Words of the encoding before the swap-ins' part ids. */
const SWAPINS_AT = 6;

/**
 * The exact encoding of a state (see `partId`): frames A and B, the PTEs,
 * reclaim, writeback done, migrate, one word per swap-in, reclaim-dst,
 * reuse done, the xarray lock holder, the VM_BUG_ON record and the xarray.
 */
export function packState(s: ScenarioState): number[] {
  const { folios, swapins } = s;
  const out = new Array<number>(swapins.size + 11);
  out[0] = partId(folios.get(FRAME_A)!, "folio", folioEncode);
  out[1] = partId(folios.get(FRAME_B)!, "folio", folioEncode);
  out[2] = partId(s.ptes, "ptes", encodePtes);
  out[3] = partId(s.reclaim, "reclaim", encodeReclaim);
  out[4] = s.writebackDone ? 1 : 0;
  out[5] = partId(s.migrate, "migrate", encodeMigrate);
  let at = SWAPINS_AT;
  for (let i = 0; i < swapins.size; i++)
    out[at++] = partId(swapins.get(i)!, "swapin", encodeSwapin);
  out[at++] = partId(s.reclaimDst, "shrink", encodeShrink);
  out[at++] = s.reuseDone ? 1 : 0;
  out[at++] = XA_LOCK_HOLDERS.indexOf(s.xaLock);
  out[at++] = s.bug ? partId(s.bug, "bug", encodeBug) : -1;
  out[at++] = partId(s.xa, "xa", encodeXa);
  return out;
}

/** The state `packState` encoded (made of the first objects seen of each part value). */
export function unpackState(words: ArrayLike<number>): ScenarioState {
  const n = words.length - 11;
  const swapins = new Array<SwapinThread>(n);
  for (let i = 0; i < n; i++) swapins[i] = partObject(words[SWAPINS_AT + i]!);
  const at = SWAPINS_AT + n;
  const bug = words[at + 3]!;
  return ScenarioState({
    folios: List([partObject<Folio>(words[0]!), partObject<Folio>(words[1]!)]),
    ptes: partObject(words[2]!),
    reclaim: partObject(words[3]!),
    writebackDone: words[4] === 1,
    migrate: partObject(words[5]!),
    swapins: List(swapins),
    reclaimDst: partObject(words[at]!),
    reuseDone: words[at + 1] === 1,
    xaLock: XA_LOCK_HOLDERS[words[at + 2]!]!,
    bug: bug < 0 ? null : partObject(bug),
    xa: partObject(words[at + 4]!),
  });
}

/**
 * Whether this thread knows every part `words` names, so that
 * `unpackState` works here (a parallel search hands states between threads,
 * and each thread keeps the objects of the parts it met).
 */
export function knowsParts(words: ArrayLike<number>): boolean {
  const n = words.length - 11;
  const at = SWAPINS_AT + n;
  for (const i of [0, 1, 2, 3, 5, at, at + 4]) {
    if (partObjects[words[i]!] === undefined) return false;
  }
  for (let i = SWAPINS_AT; i < at; i++) if (partObjects[words[i]!] === undefined) return false;
  const bug = words[at + 3]!;
  return bug < 0 || partObjects[bug] !== undefined;
}

/** The canonical encoding of a state; with `symmetric`, up to a permutation of the swap-ins. */
export function encodeState(s: ScenarioState, symmetric = false): number[] {
  const out = packState(s);
  // Symmetry reduction: the swap-ins' local states as a multiset.
  if (symmetric && s.swapins.size > 1) sortRange(out, SWAPINS_AT, SWAPINS_AT + s.swapins.size);
  return out;
}
