/**
 * Immutable model of the Linux v6.6 XArray (lib/xarray.c, include/linux/xarray.h).
 *
 * The C functions are ported almost line by line; each exported function names the kernel
 * function it mirrors. The chunk shift S (XA_CHUNK_SHIFT) is a parameter of the array (1..6).
 *
 * Entries are plain numbers: XA_EMPTY (NULL), opaque pointers (caller-chosen ids), value entries,
 * and the internal sibling / node entries. The module knows nothing about what pointers mean.
 *
 * Deliberately omitted (none of them changes the behaviour of the operations modelled here):
 * - marks (xas_squash_marks, xas_init_marks, XA_FREE_MARK, xa_track_free), so the
 *   XA_FLAGS_ALLOC / XA_ZERO_ENTRY / xa_zero_busy paths and xas_create()'s allow_root (always
 *   true for the entries we can store);
 * - RCU: freed nodes are dropped at the end of the operation (a cursor naming one afterwards is
 *   a caller error and throws), and so are nodes the kernel leaks (unreachable, never freed).
 *   A freed node the tree still names (a use after free the kernel can reach, see
 *   freeNodes()) stays as the kernel leaves it while RCU readers may see it: its entries
 *   XA_RETRY_ENTRY, its counters 0;
 * - allocation failure (xas_nomem, -ENOMEM) and other error states;
 * - xas_find*, xas_pause, xa_store_range, xas_split and multi-order cursor forms other than
 *   XA_STATE_ORDER + xas_store / xas_create_range.
 *
 * Kernel behaviour reproduced on purpose (pinned down in test/kernel/xarray.test.ts):
 * - xas_load() on a walked cursor is xas_reload(): it resolves a sibling but leaves xa_offset;
 * - xas_store() through a cursor that xas_next() moved onto a sibling slot replaces just that
 *   slot (the multi-index entry falls apart) and counts +1 nr_values per such store;
 * - xas_create_range() loses its place over a multi-index entry held in a node with
 *   0 < shift < the range's shift;
 * - node->count and node->nr_values are unsigned chars, xa_offset too: they wrap;
 * - siblings naming a node (cursor stores can leave siblings naming an emptied canonical slot,
 *   where a later store allocates a node): xas_descend() returns XA_RETRY_ENTRY there and
 *   xa_load() would spin on it forever.
 *
 * Kernel BUGs. Where the kernel (built with XA_DEBUG, as tools/testing/radix-tree builds it)
 * would hit XA_NODE_BUG_ON / BUG_ON, would livelock, or would go on with data it never set
 * (xas_create_range() climbing past the top node reads the top node's node->offset, which
 * xas_alloc() leaves as the slab left it), the port never throws: the operation returns its
 * input array with the BUG recorded in it (`bug`, part of the encoding), and every later
 * modifying operation is a no-op. `xaKernelBug()` names it ("BUG in update_node:
 * node->nr_values > XA_CHUNK_SIZE", "livelock in xa_load: retry entry", ...). Cursor reads
 * report theirs in `XasRead.bug` (record it with `xaRecordBug`). All of this is checked against
 * the kernel's own lib/xarray.c by test/xarray-kernel/.
 *
 * Indices are 48-bit: the model's "unsigned long" wraps at XA_MAX_INDEX = 2^48 - 1 (ULONG_MAX),
 * which keeps all arithmetic exact in doubles.
 */
import { Map as ImmMap, List, Record, type RecordOf } from "immutable";
import { fastRecord } from "./folio.js";

// ---------------------------------------------------------------------------------------------
// Entries
// ---------------------------------------------------------------------------------------------

/** An XArray slot content: low 3 bits are a tag, the payload is `e / 8`. */
export type XaEntry = number;

/** NULL: an empty slot. */
export const XA_EMPTY: XaEntry = 0;

const TAG_SPAN = 8;
const TAG_POINTER = 1;
const TAG_VALUE = 2;
const TAG_SIBLING = 3;
const TAG_NODE = 4;
const TAG_RETRY = 5;

/** XA_RETRY_ENTRY: what xas_descend() returns for a sibling naming a node. */
export const XA_RETRY_ENTRY: XaEntry = TAG_RETRY;

/** xa_is_retry() */
export function xaIsRetry(e: XaEntry): boolean {
  return e === XA_RETRY_ENTRY;
}

/** Largest payload of a pointer or value entry (keeps every entry an exact double). */
export const XA_MAX_PAYLOAD = 2 ** 49 - 1;

/** Bits in the model's index type ("BITS_PER_LONG"). */
export const XA_INDEX_BITS = 48;

/** ULONG_MAX of the model. */
export const XA_MAX_INDEX = 2 ** XA_INDEX_BITS - 1;

function mkEntry(tag: number, payload: number): XaEntry {
  return payload * TAG_SPAN + tag;
}

function tagOf(e: XaEntry): number {
  return e % TAG_SPAN;
}

function payloadOf(e: XaEntry): number {
  return (e - (e % TAG_SPAN)) / TAG_SPAN;
}

function checkPayload(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0 || n > XA_MAX_PAYLOAD) {
    throw new RangeError(`xarray: ${what} ${n} is not an integer in 0..${XA_MAX_PAYLOAD}`);
  }
}

/** An opaque pointer entry naming caller object `id` (the kernel stores a struct pointer). */
export function xaMkPointer(id: number): XaEntry {
  checkPayload(id, "pointer id");
  return mkEntry(TAG_POINTER, id);
}

/** True for pointer entries (kernel: !xa_is_value && !xa_is_internal && entry != NULL). */
export function xaIsPointer(e: XaEntry): boolean {
  return tagOf(e) === TAG_POINTER;
}

/** The caller id of a pointer entry. */
export function xaToPointer(e: XaEntry): number {
  if (!xaIsPointer(e)) throw new TypeError(`xarray: ${xaEntryToString(e)} is not a pointer`);
  return payloadOf(e);
}

/** xa_mk_value() */
export function xaMkValue(v: number): XaEntry {
  checkPayload(v, "value");
  return mkEntry(TAG_VALUE, v);
}

/** xa_is_value() */
export function xaIsValue(e: XaEntry): boolean {
  return tagOf(e) === TAG_VALUE;
}

/** xa_to_value() */
export function xaToValue(e: XaEntry): number {
  if (!xaIsValue(e)) throw new TypeError(`xarray: ${xaEntryToString(e)} is not a value`);
  return payloadOf(e);
}

/** xa_is_sibling() */
export function xaIsSibling(e: XaEntry): boolean {
  return tagOf(e) === TAG_SIBLING;
}

/** xa_to_sibling(): the offset of the canonical slot this sibling names. */
export function xaToSibling(e: XaEntry): number {
  if (!xaIsSibling(e)) throw new TypeError(`xarray: ${xaEntryToString(e)} is not a sibling`);
  return payloadOf(e);
}

/** xa_mk_sibling() */
function mkSibling(offset: number): XaEntry {
  return mkEntry(TAG_SIBLING, offset);
}

/** xa_is_node(): an internal pointer to a child node (payload = the node's key). */
export function xaIsNode(e: XaEntry): boolean {
  return tagOf(e) === TAG_NODE;
}

/** xa_to_node(): the key (in XArray.nodes) of the node a node entry points to. */
export function xaToNodeKey(e: XaEntry): number {
  if (!xaIsNode(e)) throw new TypeError(`xarray: ${xaEntryToString(e)} is not a node`);
  return payloadOf(e);
}

/** xa_mk_node() */
function mkNodeEntry(key: number): XaEntry {
  return mkEntry(TAG_NODE, key);
}

/** Human-readable entry, in the style of xa_dump_entry(). */
export function xaEntryToString(e: XaEntry): string {
  if (e === XA_EMPTY) return "NULL";
  switch (tagOf(e)) {
    case TAG_POINTER:
      return `ptr ${payloadOf(e)}`;
    case TAG_VALUE:
      return `value ${payloadOf(e)}`;
    case TAG_SIBLING:
      return `sibling (slot ${payloadOf(e)})`;
    case TAG_NODE:
      return `node ${payloadOf(e)}`;
    case TAG_RETRY:
      return "retry";
    default:
      return `UNKNOWN ENTRY (${e})`;
  }
}

/** Entries a caller may store (xa_is_internal() entries are rejected like __xa_store does). */
function checkStorable(e: XaEntry): void {
  if (e !== XA_EMPTY && !xaIsPointer(e) && !xaIsValue(e)) {
    throw new TypeError(`xarray: cannot store internal entry ${xaEntryToString(e)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Exact integer arithmetic on indices (up to 2^53) without 32-bit JS bit operators
// ---------------------------------------------------------------------------------------------

const TWO32 = 2 ** 32;

const POW2: readonly number[] = Array.from({ length: 64 }, (_, k) => 2 ** k);

function pow2(k: number): number {
  return POW2[k] ?? 2 ** k;
}

/** x >> k */
function shr(x: number, k: number): number {
  return Math.floor(x / pow2(k));
}

/** a | b */
function bitOr(a: number, b: number): number {
  const hi = (Math.floor(a / TWO32) | Math.floor(b / TWO32)) >>> 0;
  const lo = ((a % TWO32) | (b % TWO32)) >>> 0;
  return hi * TWO32 + lo;
}

function checkIndex(index: number): void {
  if (!Number.isSafeInteger(index) || index < 0 || index > XA_MAX_INDEX) {
    throw new RangeError(`xarray: index ${index} is not an integer in 0..${XA_MAX_INDEX}`);
  }
}

function checkOrder(order: number): void {
  if (!Number.isInteger(order) || order < 0 || order >= XA_INDEX_BITS) {
    throw new RangeError(`xarray: order ${order} is not an integer in 0..${XA_INDEX_BITS - 1}`);
  }
}

function checkChunkShift(s: number): void {
  if (!Number.isInteger(s) || s < 1 || s > 6) {
    throw new RangeError(`xarray: chunk shift ${s} is not an integer in 1..6`);
  }
}

// ---------------------------------------------------------------------------------------------
// Array and node values
// ---------------------------------------------------------------------------------------------

/** struct xa_node, minus parent/offset (derived from shift and index) and marks. */
export interface XaNodeProps {
  /** Bits remaining in each slot. */
  shift: number;
  /** First index covered by the node (a multiple of 2^(shift + S)). */
  index: number;
  /** 2^S entries. */
  slots: List<XaEntry>;
  /** Non-NULL slots, siblings and child nodes included, as the kernel maintains it. */
  count: number;
  /** Value entries and their siblings, as the kernel's xas_store()/update_node() count them. */
  nrValues: number;
}

export type XaNode = RecordOf<XaNodeProps>;

export const XaNode = Record<XaNodeProps>(
  { shift: 0, index: 0, slots: List<XaEntry>(), count: 0, nrValues: 0 },
  "XaNode",
);

/** struct xarray without lock and flags: head plus every node, keyed by xaNodeKey(). */
export interface XArrayProps {
  chunkShift: number;
  head: XaEntry;
  nodes: ImmMap<number, XaNode>;
  /** The kernel BUG an operation hit (then the tree is the one before it), or null. */
  bug: string | null;
}

export type XArray = RecordOf<XArrayProps>;

const XArrayRecord = fastRecord<XArrayProps>(
  { chunkShift: 2, head: XA_EMPTY, nodes: ImmMap<number, XaNode>(), bug: null },
  "XArray",
);

/** The model's default chunk shift (the kernel uses 6, the userspace test harness 3). */
export const XA_DEFAULT_CHUNK_SHIFT = 2;

/**
 * Key of the node with this shift covering [index, index + 2^(shift+S)): the midpoint of that
 * aligned range, so it is unique, depends only on the tree shape, and sorts in index order.
 */
export function xaNodeKey(chunkShift: number, shift: number, index: number): number {
  return index + pow2(shift + chunkShift - 1);
}

/** xa_init() */
export function xaInit(chunkShift: number = XA_DEFAULT_CHUNK_SHIFT): XArray {
  checkChunkShift(chunkShift);
  return XArrayRecord({ chunkShift, head: XA_EMPTY, nodes: ImmMap<number, XaNode>(), bug: null });
}

/** xa_empty() */
export function xaEmpty(xa: XArray): boolean {
  return xa.head === XA_EMPTY;
}

/** A committed node's fields as plain data (Record reads are slow), shared read-only. */
interface NodeView {
  readonly shift: number;
  readonly index: number;
  readonly count: number;
  readonly nrValues: number;
  readonly slots: readonly XaEntry[];
}

const nodeViews = new WeakMap<XaNode, NodeView>();

function nodeView(node: XaNode): NodeView {
  let view = nodeViews.get(node);
  if (view === undefined) {
    view = {
      shift: node.shift,
      index: node.index,
      count: node.count,
      nrValues: node.nrValues,
      slots: node.slots.toArray(),
    };
    nodeViews.set(node, view);
  }
  return view;
}

function slotArray(node: XaNode): readonly XaEntry[] {
  return nodeView(node).slots;
}

/**
 * Results of pure queries on one array value (loads, encoding, introspection), computed once:
 * a model checker asks the same questions of the same array in many states. Keyed by identity;
 * the last array asked about is kept in front of the WeakMap, as queries come in runs.
 */
interface XaMemo {
  /** xa_load() by index, for indices below LOAD_MEMO_LIMIT. */
  loads: XaEntry[] | undefined;
  encoding: readonly number[] | undefined;
  counterErrors: readonly string[] | undefined;
  slots: readonly XaSlotInfo[] | undefined;
  /** xaIsWellFormed() by index * WELL_FORMED_ORDERS + order. */
  wellFormed: Map<number, boolean> | undefined;
  /** xas_store() and xas_next() results by cursor (and entry). */
  stores: Map<string, XasWrite> | undefined;
  nexts: Map<string, XasRead> | undefined;
  /** xaStoreRange() results by first index, count and entry. */
  ranges: Map<string, XArray> | undefined;
  kernelBug: string | null | undefined;
}

const LOAD_MEMO_LIMIT = 1 << 16;
const WELL_FORMED_ORDERS = 64;
const memos = new WeakMap<XArray, XaMemo>();
let lastXa: XArray | undefined;
let lastMemo: XaMemo | undefined;

function memoOf(xa: XArray): XaMemo {
  if (xa === lastXa) return lastMemo!;
  let memo = memos.get(xa);
  if (memo === undefined) {
    memo = {
      loads: undefined,
      encoding: undefined,
      counterErrors: undefined,
      slots: undefined,
      wellFormed: undefined,
      stores: undefined,
      nexts: undefined,
      ranges: undefined,
      kernelBug: undefined,
    };
    memos.set(xa, memo);
  }
  lastXa = xa;
  lastMemo = memo;
  return memo;
}

/**
 * Arrays are values: every operation that builds a small array returns one
 * canonical instance per value (found by its encoding), so that the
 * memoised queries above and the memoised cursor operations below are
 * computed once per value rather than once per instance. The table is
 * emptied when it gets large; that only costs recomputation.
 */
const INTERN_MAX_NODES = 64;
const INTERN_CAPACITY = 1 << 16;
let interned = new Map<string, XArray>();

function intern(xa: XArray): XArray {
  if (xa.nodes.size > INTERN_MAX_NODES) return xa;
  const key = encodingOf(xa).join(",");
  const known = interned.get(key);
  if (known !== undefined) return known;
  if (interned.size >= INTERN_CAPACITY) interned = new Map();
  interned.set(key, xa);
  return xa;
}

function cursorKey(xas: XaState, entry: XaEntry): string {
  return `${xas.index},${xas.shift},${xas.sibs},${xas.node},${xas.offset},${entry}`;
}

// ---------------------------------------------------------------------------------------------
// Cursor (struct xa_state)
// ---------------------------------------------------------------------------------------------

/** xa_node == NULL: the cursor refers to xa_head itself. */
export const XAS_HEAD = -1;
/** XAS_BOUNDS: the index lies outside the tree. */
export const XAS_BOUNDS = -2;
/** XAS_RESTART: not walked yet. */
export const XAS_RESTART = -3;

/** xa_offset is an unsigned char: decrementing 0 gives 255, which __xas_prev() tests for. */
const OFFSET_WRAP = 255;

/** struct xa_state: `node` is a node key or one of XAS_HEAD, XAS_BOUNDS, XAS_RESTART. */
export interface XaStateProps {
  index: number;
  shift: number;
  sibs: number;
  node: number;
  offset: number;
}

export type XaState = RecordOf<XaStateProps>;

const XaStateRecord = fastRecord<XaStateProps>(
  { index: 0, shift: 0, sibs: 0, node: XAS_RESTART, offset: 0 },
  "XaState",
);

/** XA_STATE() */
export function xaState(index: number): XaState {
  checkIndex(index);
  // One instance per index (a value): memos keyed by cursor identity then hit.
  let xas = freshCursors.get(index);
  if (xas === undefined) {
    xas = XaStateRecord({ index, shift: 0, sibs: 0, node: XAS_RESTART, offset: 0 });
    if (freshCursors.size >= FRESH_CURSORS_MAX) freshCursors.clear();
    freshCursors.set(index, xas);
  }
  return xas;
}

const FRESH_CURSORS_MAX = 4096;
const freshCursors = new Map<number, XaState>();

/** XA_STATE_ORDER() */
export function xaStateOrder(index: number, order: number, chunkShift: number): XaState {
  return XaStateRecord(stateOrder(index, order, chunkShift));
}

function stateOrder(index: number, order: number, chunkShift: number): XaStateProps {
  checkIndex(index);
  checkOrder(order);
  checkChunkShift(chunkShift);
  const sub = order % chunkShift;
  return {
    index: index - (index % pow2(order)),
    shift: order - sub,
    sibs: pow2(sub) - 1,
    node: XAS_RESTART,
    offset: 0,
  };
}

/** xas_reset() */
export function xasReset(xas: XaState): XaState {
  return xas.set("node", XAS_RESTART);
}

/** xas_set() */
export function xasSet(xas: XaState, index: number): XaState {
  checkIndex(index);
  return xas.merge({ index, node: XAS_RESTART });
}

/** xas_valid(): walked to the head or a node. */
export function xasValid(xas: XaState): boolean {
  return isValidNode(xas.node);
}

function isValidNode(node: number): boolean {
  return node === XAS_HEAD || node >= 0;
}

/** xas_not_node() */
function notNode(node: number): boolean {
  return node < 0;
}

/** xas_frozen(): RESTART (or an error, not modelled). */
function frozen(node: number): boolean {
  return node === XAS_RESTART;
}

/** xas_top(): NULL, BOUNDS or RESTART. */
function top(node: number): boolean {
  return node < 0;
}

// ---------------------------------------------------------------------------------------------
// Operation context: one kernel call against a copy-on-write view of the array
// ---------------------------------------------------------------------------------------------

/** A kernel BUG (or livelock) hit inside an operation: caught at the API boundary. */
class KernelBug extends Error {}

function kbug(message: string): never {
  throw new KernelBug(message);
}

/** XA_NODE_BUG_ON(node, x) at a site of lib/xarray.c: `func` and the assertion's text. */
function nodeBugOn(cond: boolean, func: string, assertion: string): void {
  if (cond) kbug(`BUG in ${func}: ${assertion}`);
}

/** unsigned char arithmetic (node->count, node->nr_values, xa_offset). */
function u8(n: number): number {
  return ((n % 256) + 256) % 256;
}

interface NodeData {
  shift: number;
  index: number;
  slots: XaEntry[];
  count: number;
  nrValues: number;
  /** false while `slots` is still the shared array of the committed node */
  owned: boolean;
  /** the committed node this was read from, if any */
  base: XaNode | undefined;
}

interface Cursor {
  index: number;
  shift: number;
  sibs: number;
  node: number;
  offset: number;
}

class Ctx {
  readonly S: number;
  readonly size: number;
  readonly mask: number;
  head: XaEntry;
  readonly x: Cursor;
  private readonly cache = new Map<number, NodeData>();
  private readonly dirty = new Set<number>();
  private readonly freed = new Set<number>();

  constructor(
    private readonly xa: XArray,
    xas: XaStateProps,
  ) {
    this.S = xa.chunkShift;
    this.size = pow2(this.S);
    this.mask = this.size - 1;
    this.head = xa.head;
    this.x = {
      index: xas.index,
      shift: xas.shift,
      sibs: xas.sibs,
      node: xas.node,
      offset: xas.offset,
    };
  }

  read(key: number): NodeData {
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const rec = this.freed.has(key) ? undefined : this.xa.nodes.get(key);
    if (rec === undefined) {
      throw new Error(`xarray: node ${key} is not in the array (stale or foreign cursor?)`);
    }
    const view = nodeView(rec);
    const nd: NodeData = {
      shift: view.shift,
      index: view.index,
      slots: view.slots as XaEntry[],
      count: view.count,
      nrValues: view.nrValues,
      owned: false,
      base: rec,
    };
    this.cache.set(key, nd);
    return nd;
  }

  write(key: number): NodeData {
    const nd = this.read(key);
    if (!nd.owned) {
      nd.slots = nd.slots.slice();
      nd.owned = true;
    }
    this.dirty.add(key);
    return nd;
  }

  /** The allocation half of xas_alloc(): a zeroed node. */
  create(shift: number, index: number): number {
    const key = xaNodeKey(this.S, shift, index);
    if (!this.freed.has(key) && (this.cache.has(key) || this.xa.nodes.has(key))) {
      throw new Error(`xarray: node ${key} allocated twice`);
    }
    const slots = new Array<XaEntry>(this.size).fill(XA_EMPTY);
    this.cache.set(key, {
      shift,
      index,
      slots,
      count: 0,
      nrValues: 0,
      owned: true,
      base: undefined,
    });
    this.dirty.add(key);
    this.freed.delete(key);
    return key;
  }

  /**
   * xa_node_free(). The node stays readable until the end of the operation (as under RCU);
   * commit() drops it unless the tree still names it (see linked()).
   */
  free(key: number): void {
    this.freed.add(key);
  }

  /** A node's fields without copying, or undefined once dropped (not yet committed). */
  private peek(key: number): NodeView | NodeData | undefined {
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    if (this.freed.has(key)) return undefined;
    const rec = this.xa.nodes.get(key);
    return rec === undefined ? undefined : nodeView(rec);
  }

  /** True when the node is reachable from the head (every slot on the way names it). */
  private linked(key: number): boolean {
    for (let depth = 0; depth < 64; depth++) {
      const entry = mkNodeEntry(key);
      if (this.head === entry) return true;
      const n = this.peek(key);
      if (n === undefined) return false;
      const pshift = n.shift + this.S;
      const pkey = xaNodeKey(this.S, pshift, n.index - (n.index % pow2(pshift + this.S)));
      const p = this.peek(pkey);
      if (p === undefined || p.slots[shr(n.index, pshift) % this.size] !== entry) return false;
      key = pkey;
    }
    return false;
  }

  isTop(key: number): boolean {
    return xaIsNode(this.head) && xaToNodeKey(this.head) === key;
  }

  /** xa_parent(): XAS_HEAD for the top node. */
  parent(key: number): number {
    if (this.isTop(key)) return XAS_HEAD;
    const n = this.read(key);
    const pshift = n.shift + this.S;
    return xaNodeKey(this.S, pshift, n.index - (n.index % pow2(pshift + this.S)));
  }

  /** node->offset: the node's slot in its parent (0 for the top node). */
  offsetInParent(key: number): number {
    const n = this.read(key);
    return shr(n.index, n.shift + this.S) % this.size;
  }

  /** get_offset() */
  getOffset(index: number, key: number): number {
    return shr(index, this.read(key).shift) % this.size;
  }

  /** xa_entry() (xa_entry_locked() with `func`): XA_NODE_BUG_ON(node, offset >= XA_CHUNK_SIZE). */
  slot(key: number, offset: number, func = "xa_entry"): XaEntry {
    nodeBugOn(offset >= this.size, func, "offset >= XA_CHUNK_SIZE");
    return this.read(key).slots[offset]!;
  }

  setSlot(key: number, offset: number, e: XaEntry): void {
    if (key === XAS_HEAD) {
      this.head = e;
      return;
    }
    if (offset < 0 || offset >= this.size) throw new Error(`xarray: slot ${offset} out of range`);
    this.write(key).slots[offset] = e;
  }

  state(): XaState {
    return XaStateRecord(this.x);
  }

  commit(): XArray {
    if (this.dirty.size === 0 && this.freed.size === 0 && this.head === this.xa.head) {
      return this.xa;
    }
    // A freed node the tree still names stays, as the kernel left it (see freeNodes()).
    const dropped = new Set<number>();
    for (const key of this.freed) if (!this.linked(key)) dropped.add(key);
    const nodes = this.xa.nodes.withMutations((m) => {
      for (const key of dropped) m.delete(key);
      for (const key of this.dirty) {
        const nd = this.cache.get(key);
        if (nd !== undefined && !dropped.has(key)) m.set(key, toRecord(nd));
      }
      for (const key of this.freed) {
        const nd = this.cache.get(key);
        if (nd !== undefined && !dropped.has(key)) m.set(key, toRecord(nd));
      }
    });
    return intern(this.xa.set("head", this.head).set("nodes", nodes));
  }
}

/** Freeze a node, reusing the committed List when only a few slots changed. */
function toRecord(nd: NodeData): XaNode {
  const base = nd.base;
  let slots: List<XaEntry>;
  if (base === undefined) {
    slots = List(nd.slots);
  } else {
    const old = nodeView(base);
    const changed: number[] = [];
    nd.slots.forEach((e, i) => {
      if (e !== old.slots[i]) changed.push(i);
    });
    if (changed.length === 0 && old.count === nd.count && old.nrValues === nd.nrValues) {
      return base;
    }
    slots = base.slots.withMutations((l) => {
      for (const i of changed) l.set(i, nd.slots[i] ?? XA_EMPTY);
    });
  }
  const rec = XaNode({
    shift: nd.shift,
    index: nd.index,
    slots,
    count: nd.count,
    nrValues: nd.nrValues,
  });
  nodeViews.set(rec, {
    shift: nd.shift,
    index: nd.index,
    count: nd.count,
    nrValues: nd.nrValues,
    slots: nd.slots,
  });
  return rec;
}

// ---------------------------------------------------------------------------------------------
// lib/xarray.c, ported
// ---------------------------------------------------------------------------------------------

/** xas_set_offset() */
function setOffset(c: Ctx): void {
  c.x.offset = c.getOffset(c.x.index, c.x.node);
}

/** set_bounds() */
function setBounds(c: Ctx): XaEntry {
  c.x.node = XAS_BOUNDS;
  return XA_EMPTY;
}

/** xas_reload() (include/linux/xarray.h): note it does not move xa_offset. */
function reload(c: Ctx): XaEntry {
  const key = c.x.node;
  if (key === XAS_HEAD) return c.head;
  let offset = c.getOffset(c.x.index, key);
  const entry = c.slot(key, offset);
  if (!xaIsSibling(entry)) return entry;
  offset = xaToSibling(entry);
  return c.slot(key, offset);
}

/** xas_start() */
function start(c: Ctx): XaEntry {
  if (isValidNode(c.x.node)) return reload(c);
  const entry = c.head;
  if (!xaIsNode(entry)) {
    if (c.x.index) return setBounds(c);
  } else if (shr(c.x.index, c.read(xaToNodeKey(entry)).shift) > c.mask) {
    return setBounds(c);
  }
  c.x.node = XAS_HEAD;
  return entry;
}

/** xas_descend() */
function descend(c: Ctx, key: number): XaEntry {
  const n = c.read(key);
  let offset = c.getOffset(c.x.index, key);
  let entry = c.slot(key, offset);
  c.x.node = key;
  while (xaIsSibling(entry)) {
    offset = xaToSibling(entry);
    entry = c.slot(key, offset);
    // Normally only while xas_split() runs; here also after stores through a cursor that
    // xas_next() moved across a multi-index entry (S = 3). xa_load() then spins forever.
    if (n.shift && xaIsNode(entry)) entry = XA_RETRY_ENTRY;
  }
  c.x.offset = u8(offset);
  return entry;
}

/** xas_load() */
function load(c: Ctx): XaEntry {
  let entry = start(c);
  while (xaIsNode(entry)) {
    const key = xaToNodeKey(entry);
    const shift = c.read(key).shift;
    if (c.x.shift > shift) break;
    entry = descend(c, key);
    if (shift === 0) break;
  }
  return entry;
}

/** xas_alloc(): the new node's parent is the cursor's node, at the cursor's offset. */
function alloc(c: Ctx, shift: number): number {
  const parent = c.x.node;
  let index = 0;
  if (parent >= 0) {
    const p = c.write(parent);
    p.count = u8(p.count + 1);
    nodeBugOn(p.count > c.size, "xas_alloc", "parent->count > XA_CHUNK_SIZE");
    index = p.index + c.x.offset * pow2(p.shift);
  }
  return c.create(shift, index);
}

/** xas_size() */
function xasSize(x: Cursor): number {
  return (x.sibs + 1) * pow2(x.shift);
}

/** xas_max(): a multi-index entry may not live in xa_head, so index 0 needs one more. */
function xasMax(x: Cursor): number {
  let max = x.index;
  if (x.shift || x.sibs) {
    const mask = xasSize(x) - 1;
    max = bitOr(max, mask);
    if (mask === max) max++;
  }
  return max;
}

/** max_index() */
function maxIndex(c: Ctx, entry: XaEntry): number {
  if (!xaIsNode(entry)) return 0;
  return pow2(c.read(xaToNodeKey(entry)).shift + c.S) - 1;
}

/** xas_shrink() */
function shrink(c: Ctx): void {
  let key = c.x.node;
  for (;;) {
    const n = c.read(key);
    nodeBugOn(n.count > c.size, "xas_shrink", "node->count > XA_CHUNK_SIZE");
    if (n.count !== 1) break;
    const entry = n.slots[0] ?? XA_EMPTY;
    if (entry === XA_EMPTY) break;
    if (!xaIsNode(entry) && n.shift) break;
    c.x.node = XAS_BOUNDS;
    c.head = entry;
    c.free(key);
    if (!xaIsNode(entry)) break;
    key = xaToNodeKey(entry);
  }
}

/** xas_delete_node() */
function deleteNode(c: Ctx): void {
  let key = c.x.node;
  for (;;) {
    const count = c.read(key).count;
    nodeBugOn(count > c.size, "xas_delete_node", "node->count > XA_CHUNK_SIZE");
    if (count) break;
    const parent = c.parent(key);
    c.x.node = parent;
    c.x.offset = c.offsetInParent(key);
    c.free(key);
    if (parent === XAS_HEAD) {
      c.head = XA_EMPTY;
      c.x.node = XAS_BOUNDS;
      return;
    }
    const p = c.write(parent);
    p.slots[c.x.offset] = XA_EMPTY;
    p.count = u8(p.count - 1);
    nodeBugOn(p.count > c.size, "xas_delete_node", "parent->count > XA_CHUNK_SIZE");
    key = parent;
  }
  if (c.isTop(key)) shrink(c);
}

/**
 * xas_free_nodes(): every entry but child nodes becomes XA_RETRY_ENTRY (for RCU readers still
 * walking the subtree), the counters 0, then xa_node_free(). Normally the subtree is already
 * unlinked and commit() drops it. xas_store() through a cursor that xas_next() left on a
 * sibling naming a node frees that node while its canonical slot still names it (a use after
 * free): the node stays in the tree as freed, and xa_load() spins on its XA_RETRY_ENTRYs.
 */
function freeNodes(c: Ctx, key: number): void {
  const n = c.write(key);
  for (let i = 0; i < n.slots.length; i++) {
    const e = n.slots[i]!;
    if (n.shift && xaIsNode(e)) freeNodes(c, xaToNodeKey(e));
    else if (e !== XA_EMPTY) n.slots[i] = XA_RETRY_ENTRY;
  }
  n.count = 0;
  n.nrValues = 0;
  c.free(key);
}

/** A subtree the kernel leaks (no longer in the tree, never freed): the port drops it. */
function leakNodes(c: Ctx, key: number): void {
  const n = c.read(key);
  if (n.shift) {
    for (const e of n.slots) if (xaIsNode(e)) leakNodes(c, xaToNodeKey(e));
  }
  c.free(key);
}

/** xas_expand() */
function expand(c: Ctx, head: XaEntry): number {
  let node: number = XAS_HEAD;
  let shift = 0;
  const max = xasMax(c.x);
  if (head === XA_EMPTY) {
    if (max === 0) return 0;
    while (shr(max, shift) >= c.size) shift += c.S;
    return shift + c.S;
  }
  if (xaIsNode(head)) {
    node = xaToNodeKey(head);
    shift = c.read(node).shift + c.S;
  }
  c.x.node = XAS_HEAD;
  while (max > maxIndex(c, head)) {
    node = alloc(c, shift);
    const n = c.write(node);
    n.count = 1;
    if (xaIsValue(head)) n.nrValues = 1;
    n.slots[0] = head;
    head = mkNodeEntry(node);
    c.head = head;
    shift += c.S;
  }
  c.x.node = node;
  return shift;
}

/** xas_create() (allow_root is always true for the entries callers can store) */
function create(c: Ctx): XaEntry {
  const order = c.x.shift;
  let shift: number;
  let entry: XaEntry;
  let slotNode: number;
  let slotOffset = 0;
  if (top(c.x.node)) {
    c.x.node = XAS_HEAD;
    shift = expand(c, c.head);
    entry = c.head;
    slotNode = XAS_HEAD;
  } else {
    slotNode = c.x.node;
    slotOffset = c.x.offset;
    shift = c.read(slotNode).shift;
    entry = c.slot(slotNode, slotOffset, "xa_entry_locked");
  }
  while (shift > order) {
    shift -= c.S;
    let node: number;
    if (entry === XA_EMPTY) {
      node = alloc(c, shift);
      c.setSlot(slotNode, slotOffset, mkNodeEntry(node));
    } else if (xaIsNode(entry)) {
      node = xaToNodeKey(entry);
    } else {
      break;
    }
    entry = descend(c, node);
    slotNode = node;
    slotOffset = c.x.offset;
  }
  return entry;
}

/** xas_create_range() */
function createRange(c: Ctx): void {
  const index = c.x.index;
  const shift = c.x.shift;
  const sibs = c.x.sibs;
  c.x.index = bitOr(c.x.index, (sibs + 1) * pow2(shift) - 1);
  if (c.x.node >= 0 && c.read(c.x.node).shift === c.x.shift) c.x.offset = u8(c.x.offset | sibs);
  c.x.shift = 0;
  c.x.sibs = 0;
  for (;;) {
    create(c);
    if (c.x.index <= bitOr(index, c.mask)) break;
    c.x.index -= c.size;
    for (;;) {
      const node = c.x.node;
      // The kernel assumes xas_create() reached a leaf. If it stopped at a multi-index entry in
      // a node with 0 < shift < the range's shift, this climbs a whole node while xa_index
      // moved one chunk, and may climb past the top node: then it goes on with the top node's
      // node->offset, which xas_alloc() never set (what the slab left there): with 0 it
      // dereferences NULL (node->shift), otherwise it restarts from the head at a wrong place.
      if (node === XAS_HEAD) kbug("xas_create_range: NULL xa_node");
      if (c.read(node).shift >= shift) break;
      const off = c.offsetInParent(node);
      c.x.node = c.parent(node);
      if (c.x.node === XAS_HEAD) {
        kbug("xas_create_range: climbed past the top node (stale node->offset)");
      }
      c.x.offset = u8(off - 1);
      if (off !== 0) break;
    }
  }
  c.x.index = index;
  if (c.x.node !== XAS_HEAD) setOffset(c);
}

/** update_node() */
function updateNode(c: Ctx, node: number, count: number, values: number): void {
  if (node < 0 || (!count && !values)) return;
  const n = c.write(node);
  // unsigned char fields: a negative sum wraps past XA_CHUNK_SIZE and the BUG_ON fires.
  n.count = u8(n.count + count);
  n.nrValues = u8(n.nrValues + values);
  nodeBugOn(n.count > c.size, "update_node", "node->count > XA_CHUNK_SIZE");
  nodeBugOn(n.nrValues > c.size, "update_node", "node->nr_values > XA_CHUNK_SIZE");
  if (count < 0) deleteNode(c);
}

/** xas_store() */
function store(c: Ctx, entry: XaEntry): XaEntry {
  const value = xaIsValue(entry);
  let first = entry !== XA_EMPTY ? create(c) : load(c);
  if (!isValidNode(c.x.node)) return first;
  const node = c.x.node;
  if (node >= 0 && c.x.shift < c.read(node).shift) c.x.sibs = 0;
  if (first === entry && !c.x.sibs) return first;

  let next = first;
  let offset = c.x.offset;
  const max = c.x.offset + c.x.sibs;
  let count = 0;
  let values = 0;
  for (;;) {
    const replaced = node < 0 ? c.head : c.read(node).slots[offset];
    c.setSlot(node, offset, entry);
    if (xaIsNode(next) && (node < 0 || c.read(node).shift)) {
      freeNodes(c, xaToNodeKey(next));
    } else if (replaced !== undefined && xaIsNode(replaced)) {
      // The slot held a node but `next` is not it: xas_descend() met a sibling naming that
      // node and returned XA_RETRY_ENTRY (see descend()). The kernel overwrites the slot and
      // frees nothing: the subtree is leaked, unreachable. The port keys nodes by position and
      // keeps no unreachable ones (a later store may allocate a node at the same place), so it
      // drops the subtree.
      leakNodes(c, xaToNodeKey(replaced));
    }
    if (node < 0) break;
    count += Number(next === XA_EMPTY) - Number(entry === XA_EMPTY);
    values += Number(!xaIsValue(first)) - Number(!value);
    if (entry !== XA_EMPTY) {
      if (offset === max) break;
      if (!xaIsSibling(entry)) entry = mkSibling(c.x.offset);
    } else if (offset === c.mask) {
      break;
    }
    next = c.slot(node, ++offset, "xa_entry_locked");
    if (!xaIsSibling(next)) {
      if (entry === XA_EMPTY && offset > max) break;
      first = next;
    }
  }
  updateNode(c, node, count, values);
  return first;
}

/** __xas_next() */
function nextSlow(c: Ctx): XaEntry {
  if (!frozen(c.x.node)) c.x.index = c.x.index === XA_MAX_INDEX ? 0 : c.x.index + 1;
  if (c.x.node === XAS_HEAD) return setBounds(c);
  if (notNode(c.x.node)) return load(c);
  if (c.x.offset !== c.getOffset(c.x.index, c.x.node)) c.x.offset = u8(c.x.offset + 1);
  while (c.x.offset === c.size) {
    const node = c.x.node;
    c.x.offset = u8(c.offsetInParent(node) + 1);
    c.x.node = c.parent(node);
    if (c.x.node === XAS_HEAD) return setBounds(c);
  }
  return descendToEntry(c);
}

/** __xas_prev() */
function prevSlow(c: Ctx): XaEntry {
  if (!frozen(c.x.node)) c.x.index = c.x.index === 0 ? XA_MAX_INDEX : c.x.index - 1;
  if (c.x.node === XAS_HEAD) return setBounds(c);
  if (notNode(c.x.node)) return load(c);
  if (c.x.offset !== c.getOffset(c.x.index, c.x.node)) c.x.offset = u8(c.x.offset - 1);
  while (c.x.offset === OFFSET_WRAP) {
    const node = c.x.node;
    c.x.offset = u8(c.offsetInParent(node) - 1);
    c.x.node = c.parent(node);
    if (c.x.node === XAS_HEAD) return setBounds(c);
  }
  return descendToEntry(c);
}

/** The common tail of __xas_next() / __xas_prev(): walk down to a non-node entry. */
function descendToEntry(c: Ctx): XaEntry {
  for (;;) {
    const entry = c.slot(c.x.node, c.x.offset);
    if (!xaIsNode(entry)) return entry;
    c.x.node = xaToNodeKey(entry);
    setOffset(c);
  }
}

/** xas_next() (the inline fast path, then __xas_next()) */
function next(c: Ctx): XaEntry {
  const node = c.x.node;
  if (!notNode(node) && !c.read(node).shift && c.x.offset !== c.mask) {
    c.x.index++;
    c.x.offset = u8(c.x.offset + 1);
    return c.slot(node, c.x.offset);
  }
  return nextSlow(c);
}

/** xas_prev() (the inline fast path, then __xas_prev()) */
function prev(c: Ctx): XaEntry {
  const node = c.x.node;
  if (!notNode(node) && !c.read(node).shift && c.x.offset !== 0) {
    c.x.index--;
    c.x.offset = u8(c.x.offset - 1);
    return c.slot(node, c.x.offset);
  }
  return prevSlow(c);
}

// ---------------------------------------------------------------------------------------------
// Cursor API
// ---------------------------------------------------------------------------------------------

export interface XasRead {
  readonly entry: XaEntry;
  readonly xas: XaState;
  /** The kernel BUG the read hit (entry is then NULL and the cursor unchanged), or null. */
  readonly bug: string | null;
}

export interface XasWrite {
  readonly xa: XArray;
  readonly xas: XaState;
  readonly old: XaEntry;
}

/**
 * Runs one kernel call. A kernel BUG inside it gives `onBug(message)`; any other exception
 * (a port limit, a caller error) propagates.
 */
function guard<T>(run: () => T, onBug: (bug: string) => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof KernelBug) return onBug(e.message);
    throw e;
  }
}

/** The array with a kernel BUG recorded (the first one stays). */
export function xaRecordBug(xa: XArray, bug: string): XArray {
  if (xa.bug !== null) return xa;
  return xa.set("bug", bug);
}

function readOp(xa: XArray, xas: XaState, op: (c: Ctx) => XaEntry): XasRead {
  return guard<XasRead>(
    () => {
      const c = new Ctx(xa, xas);
      const entry = op(c);
      return { entry, xas: c.state(), bug: null };
    },
    (bug) => ({ entry: XA_EMPTY, xas, bug }),
  );
}

/** xas_load() */
export function xasLoad(xa: XArray, xas: XaState): XasRead {
  return readOp(xa, xas, load);
}

/**
 * xas_store(): `old` is what the kernel returns (meaningless-ish for multi-index stores).
 * After a kernel BUG (recorded in the array) it does nothing.
 */
export function xasStore(xa: XArray, xas: XaState, entry: XaEntry): XasWrite {
  checkStorable(entry);
  if (xa.bug !== null) return { xa, xas, old: XA_EMPTY };
  const memo = memoOf(xa);
  const key = cursorKey(xas, entry);
  const known = memo.stores?.get(key);
  if (known !== undefined) return known;
  const result = guard(
    () => {
      const c = new Ctx(xa, xas);
      const old = store(c, entry);
      return { xa: c.commit(), xas: c.state(), old };
    },
    (bug) => ({ xa: xaRecordBug(xa, bug), xas, old: XA_EMPTY }),
  );
  memo.stores ??= new Map();
  memo.stores.set(key, result);
  return result;
}

/** xas_next(): the raw next slot (sibling entries included, never a node). */
export function xasNext(xa: XArray, xas: XaState): XasRead {
  const memo = memoOf(xa);
  const key = cursorKey(xas, 0);
  const known = memo.nexts?.get(key);
  if (known !== undefined) return known;
  const result = readOp(xa, xas, next);
  memo.nexts ??= new Map();
  memo.nexts.set(key, result);
  return result;
}

/** xas_prev() */
export function xasPrev(xa: XArray, xas: XaState): XasRead {
  return readOp(xa, xas, prev);
}

/** xas_create_range(): leaves shift = sibs = 0 and the cursor on the first index. */
export function xasCreateRange(xa: XArray, xas: XaState): { xa: XArray; xas: XaState } {
  if (xa.bug !== null) return { xa, xas };
  return guard(
    () => {
      const c = new Ctx(xa, xas);
      createRange(c);
      return { xa: c.commit(), xas: c.state() };
    },
    (bug) => ({ xa: xaRecordBug(xa, bug), xas }),
  );
}

// ---------------------------------------------------------------------------------------------
// Normal API
// ---------------------------------------------------------------------------------------------

/** XA_STATE() as a plain object, for internal one-shot walks. */
function freshState(index: number): XaStateProps {
  checkIndex(index);
  return { index, shift: 0, sibs: 0, node: XAS_RESTART, offset: 0 };
}

/** One xas_load() from a fresh cursor; a kernel BUG on the way reads as XA_RETRY_ENTRY. */
function freshLoad(xa: XArray, index: number): XaEntry {
  return guard(
    () => load(new Ctx(xa, freshState(index))),
    () => XA_RETRY_ENTRY,
  );
}

/**
 * xa_load() (memoised per array: arrays are immutable values). Where the kernel's xa_load()
 * would spin forever on XA_RETRY_ENTRY (or hit a BUG on the way), this returns
 * XA_RETRY_ENTRY, and xaKernelBug() names the livelock.
 */
export function xaLoad(xa: XArray, index: number): XaEntry {
  if (!(index >= 0 && index < LOAD_MEMO_LIMIT && Number.isInteger(index))) {
    return freshLoad(xa, index);
  }
  const memo = memoOf(xa);
  let loads = memo.loads;
  if (loads === undefined) {
    loads = [];
    memo.loads = loads;
  }
  let entry = loads[index];
  if (entry === undefined) {
    entry = freshLoad(xa, index);
    loads[index] = entry;
  }
  return entry;
}

function modify(xa: XArray, op: (c: Ctx) => void, xas: XaStateProps): XArray {
  if (xa.bug !== null) return xa;
  return guard(
    () => {
      const c = new Ctx(xa, xas);
      op(c);
      return c.commit();
    },
    (bug) => xaRecordBug(xa, bug),
  );
}

/** xa_store_order() of lib/test_xarray.c: XA_STATE_ORDER + xas_store (as filemap does). */
export function xaStoreOrder(xa: XArray, index: number, order: number, entry: XaEntry): XArray {
  checkStorable(entry);
  return modify(xa, (c) => store(c, entry), stateOrder(index, order, xa.chunkShift));
}

/** xa_store() (use xasStore for the old entry) */
export function xaStore(xa: XArray, index: number, entry: XaEntry): XArray {
  return xaStoreOrder(xa, index, 0, entry);
}

/** xa_erase() (use xasStore(xa, xaState(index), XA_EMPTY) for the old entry) */
export function xaErase(xa: XArray, index: number): XArray {
  return xaStoreOrder(xa, index, 0, XA_EMPTY);
}

/** xa_get_order() (0 where the walk hits a kernel BUG) */
export function xaGetOrder(xa: XArray, index: number): number {
  return guard(
    () => getOrder(new Ctx(xa, freshState(index))),
    () => 0,
  );
}

function getOrder(c: Ctx): number {
  const entry = load(c);
  if (entry === XA_EMPTY || c.x.node === XAS_HEAD) return 0;
  let order = 0;
  for (;;) {
    const slot = c.x.offset + pow2(order);
    if (slot >= c.size) break;
    if (!xaIsSibling(c.slot(c.x.node, slot))) break;
    order++;
  }
  return order + c.read(c.x.node).shift;
}

export interface XaStoreRangeResult {
  readonly xa: XArray;
  /** The cursor after the last xas_next(). */
  readonly xas: XaState;
  /** What xas_load() saw before each store (add_to_swap_cache's shadow lookup). */
  readonly loads: readonly XaEntry[];
  /** What each xas_store() returned. */
  readonly olds: readonly XaEntry[];
}

/**
 * add_to_swap_cache() (mm/swap_state.c, v6.6): XA_STATE_ORDER(first, log2 nr),
 * xas_create_range, then nr times { xas_load; xas_store(entry); xas_next }.
 * A kernel BUG on the way (VM_BUG_ON_FOLIO included) leaves the input array with the BUG
 * recorded, and empty loads and olds.
 */
export function xaStoreRangeTrace(
  xa: XArray,
  first: number,
  nr: number,
  entry: XaEntry,
): XaStoreRangeResult {
  checkStorable(entry);
  const order = Math.log2(nr);
  if (!Number.isInteger(order)) throw new RangeError(`xarray: nr ${nr} is not a power of two`);
  if (first % nr !== 0) throw new RangeError(`xarray: index ${first} is not aligned to ${nr}`);
  const xas0 = stateOrder(first, order, xa.chunkShift);
  const failed = (bug: string | null): XaStoreRangeResult => ({
    xa: bug === null ? xa : xaRecordBug(xa, bug),
    xas: XaStateRecord(xas0),
    loads: [],
    olds: [],
  });
  if (xa.bug !== null) return failed(null);
  return guard(() => {
    const c = new Ctx(xa, xas0);
    createRange(c);
    const loads: XaEntry[] = [];
    const olds: XaEntry[] = [];
    for (let i = 0; i < nr; i++) {
      if (c.x.index !== first + i) kbug("BUG in add_to_swap_cache: xas.xa_index != idx + i");
      loads.push(load(c));
      olds.push(store(c, entry));
      next(c);
    }
    return { xa: c.commit(), xas: c.state(), loads, olds };
  }, failed);
}

/** add_to_swap_cache()'s store loop (see xaStoreRangeTrace), returning only the array. */
export function xaStoreRange(xa: XArray, first: number, nr: number, entry: XaEntry): XArray {
  const memo = memoOf(xa);
  const key = `${first},${nr},${entry}`;
  const known = memo.ranges?.get(key);
  if (known !== undefined) return known;
  const result = xaStoreRangeTrace(xa, first, nr, entry).xa;
  memo.ranges ??= new Map();
  memo.ranges.set(key, result);
  return result;
}

/**
 * The kernel BUG this array stands for, or null: the one an operation recorded, else a
 * livelock any xa_load() in it would hit (a sibling naming a node in a node of shift > 0:
 * xas_descend() returns XA_RETRY_ENTRY, xa_load() retries forever; or a freed node still in
 * the tree, whose entries are XA_RETRY_ENTRY).
 */
export function xaKernelBug(xa: XArray): string | null {
  if (xa.bug !== null) return xa.bug;
  const memo = memoOf(xa);
  if (memo.kernelBug === undefined) memo.kernelBug = readBug(xa);
  return memo.kernelBug;
}

function readBug(xa: XArray): string | null {
  for (const node of xa.nodes.values()) {
    const slots = slotArray(node);
    for (const e of slots) {
      // A freed node still in the tree (see freeNodes()): xa_load() retries forever there.
      if (e === XA_RETRY_ENTRY) return "livelock in xa_load: retry entry";
      if (!xaIsSibling(e)) continue;
      const target = slots[xaToSibling(e)];
      if (target === undefined) return "BUG in xa_entry: offset >= XA_CHUNK_SIZE";
      if (node.shift !== 0 && xaIsNode(target)) return "livelock in xa_load: retry entry";
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Introspection (for invariants and debugging)
// ---------------------------------------------------------------------------------------------

export interface XaSlotInfo {
  /** Key of the node holding the slot, or XAS_HEAD for a non-node head entry. */
  readonly nodeKey: number;
  readonly shift: number;
  readonly offset: number;
  readonly firstIndex: number;
  readonly lastIndex: number;
  /** Raw slot content (siblings and node entries included). */
  readonly entry: XaEntry;
}

/** Every slot of every node (nodes in key order), plus the head when it is a plain entry. */
export function* xaSlots(xa: XArray): Generator<XaSlotInfo> {
  yield* slotInfos(xa);
}

function slotInfos(xa: XArray): readonly XaSlotInfo[] {
  const memo = memoOf(xa);
  if (memo.slots !== undefined) return memo.slots;
  const out: XaSlotInfo[] = [];
  if (xa.head !== XA_EMPTY && !xaIsNode(xa.head)) {
    out.push({
      nodeKey: XAS_HEAD,
      shift: 0,
      offset: 0,
      firstIndex: 0,
      lastIndex: 0,
      entry: xa.head,
    });
  }
  for (const [key, node] of xa.nodes.sortBy((_n, k) => k)) {
    const span = pow2(node.shift);
    let offset = 0;
    for (const entry of node.slots) {
      const firstIndex = node.index + offset * span;
      out.push({
        nodeKey: key,
        shift: node.shift,
        offset,
        firstIndex,
        lastIndex: firstIndex + span - 1,
        entry,
      });
      offset++;
    }
  }
  memo.slots = out;
  return out;
}

/** Slots counted by nr_values: value entries and siblings naming a value entry. */
function recount(slots: readonly XaEntry[]): { count: number; nrValues: number } {
  let count = 0;
  let nrValues = 0;
  for (const e of slots) {
    if (e !== XA_EMPTY) count++;
    const canonical = xaIsSibling(e) ? (slots[xaToSibling(e)] ?? XA_EMPTY) : e;
    if (xaIsValue(canonical)) nrValues++;
  }
  return { count, nrValues };
}

/** Nodes whose count / nr_values differ from a recount of their slots (empty when consistent). */
export function xaNodeCounterErrors(xa: XArray): string[] {
  const memo = memoOf(xa);
  if (memo.counterErrors === undefined) memo.counterErrors = nodeCounterErrors(xa);
  return memo.counterErrors.length === 0 ? [] : memo.counterErrors.slice();
}

function nodeCounterErrors(xa: XArray): string[] {
  const errors: string[] = [];
  for (const [key, node] of xa.nodes.sortBy((_n, k) => k)) {
    const r = recount(slotArray(node));
    if (r.count !== node.count || r.nrValues !== node.nrValues) {
      errors.push(
        `node ${key} (shift ${node.shift}, index ${node.index}): count ${node.count} nr_values ` +
          `${node.nrValues}, recount ${r.count} / ${r.nrValues}`,
      );
    }
  }
  return errors;
}

/**
 * Structural problems: unreachable or missing nodes, misplaced children, empty nodes,
 * siblings that do not name an earlier non-sibling, non-NULL slot naming an empty canonical.
 */
export function xaStructureErrors(xa: XArray): string[] {
  const errors: string[] = [];
  const S = xa.chunkShift;
  const seen = new Set<number>();
  const visit = (key: number, shift: number, index: number): void => {
    const node = xa.nodes.get(key);
    if (node === undefined) {
      errors.push(`missing node ${key} (shift ${shift}, index ${index})`);
      return;
    }
    seen.add(key);
    if (node.shift !== shift || node.index !== index) {
      errors.push(
        `node ${key} has shift ${node.shift} index ${node.index}, expected ${shift}/${index}`,
      );
    }
    if (node.count === 0) errors.push(`node ${key} is empty but still allocated`);
    const slots = slotArray(node);
    slots.forEach((e, off) => {
      if (xaIsNode(e)) {
        if (shift === 0) errors.push(`node ${key} slot ${off}: node entry at shift 0`);
        else visit(xaToNodeKey(e), shift - S, index + off * pow2(shift));
      } else if (xaIsSibling(e)) {
        const to = xaToSibling(e);
        const target = slots[to] ?? XA_EMPTY;
        if (to >= off || xaIsSibling(target)) {
          errors.push(`node ${key} slot ${off}: malformed ${xaEntryToString(e)}`);
        } else if (target === XA_EMPTY) {
          errors.push(
            `node ${key} slot ${off}: dangling ${xaEntryToString(e)} (canonical is NULL)`,
          );
        }
      }
    });
  };
  if (xaIsNode(xa.head)) {
    const key = xaToNodeKey(xa.head);
    const node = xa.nodes.get(key);
    if (node === undefined) errors.push(`head names missing node ${key}`);
    else visit(key, node.shift, 0);
  }
  for (const key of xa.nodes.keys()) {
    if (!seen.has(key)) errors.push(`node ${key} is unreachable`);
  }
  return errors;
}

export interface XaRangeShape {
  /** What xa_load(index) returns. */
  readonly entry: XaEntry;
  /** Node holding the canonical slot; XAS_HEAD for the head entry, XAS_BOUNDS outside the tree. */
  readonly nodeKey: number;
  readonly shift: number;
  readonly canonicalOffset: number;
  /** Offsets in that node whose slot is a sibling naming the canonical slot. */
  readonly siblingOffsets: readonly number[];
  /** xa_get_order(index) */
  readonly order: number;
}

/** Where the entry at `index` lives and which sibling markers name it. */
export function xaRangeShape(xa: XArray, index: number): XaRangeShape {
  return guard(
    () => rangeShape(xa, index),
    () => ({
      entry: XA_RETRY_ENTRY,
      nodeKey: XAS_BOUNDS,
      shift: 0,
      canonicalOffset: 0,
      siblingOffsets: [],
      order: 0,
    }),
  );
}

function rangeShape(xa: XArray, index: number): XaRangeShape {
  const c = new Ctx(xa, freshState(index));
  const entry = load(c);
  const nodeKey = c.x.node;
  const order = xaGetOrder(xa, index);
  if (nodeKey < 0) {
    return { entry, nodeKey, shift: 0, canonicalOffset: 0, siblingOffsets: [], order };
  }
  const node = c.read(nodeKey);
  const siblingOffsets: number[] = [];
  node.slots.forEach((e, off) => {
    if (xaIsSibling(e) && xaToSibling(e) === c.x.offset) siblingOffsets.push(off);
  });
  return { entry, nodeKey, shift: node.shift, canonicalOffset: c.x.offset, siblingOffsets, order };
}

/**
 * True when `index` holds a well-formed entry of `order`: a canonical slot in a node of shift
 * order - order % S, aligned, followed by exactly 2^(order % S) - 1 sibling markers naming it.
 */
export function xaIsWellFormed(xa: XArray, index: number, order: number): boolean {
  if (!(index >= 0 && index < 2 ** 32 && order >= 0 && order < WELL_FORMED_ORDERS)) {
    return isWellFormed(xa, index, order);
  }
  const memo = memoOf(xa);
  let wellFormed = memo.wellFormed;
  if (wellFormed === undefined) {
    wellFormed = new Map();
    memo.wellFormed = wellFormed;
  }
  const key = index * WELL_FORMED_ORDERS + order;
  let ok = wellFormed.get(key);
  if (ok === undefined) {
    ok = isWellFormed(xa, index, order);
    wellFormed.set(key, ok);
  }
  return ok;
}

function isWellFormed(xa: XArray, index: number, order: number): boolean {
  const s = xaRangeShape(xa, index);
  if (s.entry === XA_EMPTY || s.entry === XA_RETRY_ENTRY) return false;
  if (s.nodeKey === XAS_HEAD) return order === 0;
  const S = xa.chunkShift;
  const nsibs = pow2(order % S) - 1;
  return (
    s.shift === order - (order % S) &&
    s.order === order &&
    s.canonicalOffset % (nsibs + 1) === 0 &&
    s.siblingOffsets.length === nsibs &&
    s.siblingOffsets.every((off, i) => off === s.canonicalOffset + 1 + i)
  );
}

/** Canonical flat encoding: equal arrays give equal encodings, different ones differ. */
export function xaEncode(xa: XArray): number[] {
  return xaEncoding(xa).slice();
}

/** xaEncode() without the copy: computed once per array value, shared, must not be modified. */
export function xaEncoding(xa: XArray): readonly number[] {
  const memo = memoOf(xa);
  memo.encoding ??= encodingOf(xa);
  return memo.encoding;
}

/**
 * A kernel BUG's text as a number (FNV-1a, 24 bits, + 1): stable across processes, so workers
 * of a parallel search encode the same array alike.
 */
function bugCode(bug: string | null): number {
  if (bug === null) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < bug.length; i++) h = Math.imul(h ^ bug.charCodeAt(i), 0x01000193) >>> 0;
  return (h & 0xffffff) + 1;
}

function encodingOf(xa: XArray): number[] {
  // The first word also carries the BUG (chunk shifts are 1..6): unchanged for bug-free arrays.
  const out: number[] = [xa.chunkShift + 8 * bugCode(xa.bug), xa.head, xa.nodes.size];
  const keys = [...xa.nodes.keys()].sort((a, b) => a - b);
  for (const key of keys) {
    const node = nodeView(xa.nodes.get(key)!);
    out.push(key, node.shift, node.index, node.count, node.nrValues);
    for (const e of node.slots) out.push(e);
  }
  return out;
}

/** Multi-line dump in the spirit of xa_dump(). */
export function xaDescribe(xa: XArray): string {
  const S = xa.chunkShift;
  const lines = [`xarray S=${S} head ${xaEntryToString(xa.head)}`];
  if (xa.bug !== null) lines.push(`kernel ${xa.bug}`);
  const range = (first: number, shift: number): string =>
    shift === 0 ? `${first}` : `${first}-${first + pow2(shift) - 1}`;
  const dump = (key: number, depth: number): void => {
    const node = xa.nodes.get(key);
    const pad = "  ".repeat(depth);
    if (node === undefined) {
      lines.push(`${pad}MISSING node ${key}`);
      return;
    }
    lines.push(
      `${pad}${range(node.index, node.shift + S)}: node ${key} shift ${node.shift} ` +
        `count ${node.count} values ${node.nrValues}`,
    );
    slotArray(node).forEach((e, off) => {
      if (e === XA_EMPTY) return;
      if (xaIsNode(e)) {
        dump(xaToNodeKey(e), depth + 1);
        return;
      }
      const first = node.index + off * pow2(node.shift);
      lines.push(`${pad}  ${range(first, node.shift)}: ${xaEntryToString(e)}`);
    });
  };
  if (xaIsNode(xa.head)) dump(xaToNodeKey(xa.head), 1);
  return lines.join("\n");
}
