/**
 * A model's KernelView (view.ts) derived from its declared state. The kind
 * of a field (parts.ts) already says which kernel object it is: the
 * FOLIO_PART list is the frames, the XARRAY_PART field the cache's xarray,
 * the PTES_PART field the PTEs, the SWAP_MAP_PART field the swap map. The
 * view reads each through a getter, on demand, so that the compiled model
 * sees which parts an invariant clause read and memoises it on those only.
 * The model gives what no kind says (how it names frames, how folios sit
 * in the cache, what each thread holds, its BUG record...). An optional
 * part (a swap map only some configurations have) that is null in the
 * first initial state is not one of the model's objects.
 *
 * The same goes for the fields each kind of kernel object is made of (what
 * an invariant can see, for --por): the derived fields, the threads' own
 * records for what threads hold or own (a hold follows from the thread's
 * program counter), and whatever else the model says its functions read.
 * A model whose footprints name objects otherwise gives them all itself.
 */
import type { ThreadDecl } from "../declared/model.js";
import type { PartKind } from "../declared/parts.js";
import type { Fields, StateDecl, StateRecord } from "../declared/state.js";
import { FOLIO_PART, PTES_PART, SWAP_MAP_PART, XARRAY_PART } from "./parts.js";
import type { CacheView, Hold, KernelObject, KernelView, LookupView } from "./view.js";

/** The view's members a field's kind gives. */
const KINDS = {
  frames: FOLIO_PART,
  cache: XARRAY_PART,
  ptes: PTES_PART,
  swap: SWAP_MAP_PART,
} as const satisfies Record<string, PartKind<never>>;
type Derived = keyof typeof KINDS;

/** What the state's kinds do not say, as functions of the state. */
export interface ViewSpec<S> {
  /** A frame as reports name it (A, B, A' once recycled...). */
  frameName(s: S, frame: number): string;
  /** How folios sit in the cache (required with an XARRAY_PART field). */
  readonly cache?: Omit<CacheView, "xa" | "locked"> & {
    /** Someone holds the xarray lock across steps (default: never); say its fields in `reads`. */
    locked?(s: S): boolean;
  };
  /** The data the process last wrote at the address of PTE j, if the model tracks it. */
  expectedData?(s: S, j: number): number;
  /** What each thread holds, one function per thread, from the threads' own records. */
  readonly holds?: readonly ((s: S) => readonly Hold[])[];
  /**
   * Slots whose cache bit a thread owns without a folio in the swap cache,
   * from the threads' own records (default: none).
   */
  pending?(s: S): Iterable<number>;
  /** Slots held by a shmem mapping's slot, if the model has them. */
  shmem?(s: S): ReadonlySet<number>;
  /** A BUG_ON the model recorded, in one line; say its field in `reads.bug`. */
  bug?(s: S): string | null;
  /** __delete_from_swap_cache's VM_BUG_ON_PAGE, if the model deletes from the swap cache. */
  deleteAssertion?(s: S): string | null;
  /** The threads that look a folio up in the cache and fault it in. */
  lookups?(s: S): readonly LookupView[];
  /** Which field is which object, where two fields have the kind. */
  readonly fields?: Partial<Record<Derived, string>>;
  /** Fields the functions above read besides those derived, by kind of object. */
  readonly reads?: Partial<Record<KernelObject, readonly string[]>>;
  /** The objects of each kind as the model's footprints name them: replaces the derived ones. */
  objects?(kind: KernelObject): readonly string[];
}

/** What a declaration gives the view: its state, first initial state, threads. */
export interface ViewSource<F extends Fields> {
  readonly name: string;
  readonly state: StateDecl<F>;
  readonly init: readonly StateRecord<F>[];
  readonly threads: readonly ThreadDecl<StateRecord<F>>[];
}

/** What `kernelProperties` and `progressProperties` take (invariants/index.ts). */
export interface DeclaredView<S> {
  /** The view of the first initial state: which objects the model has. */
  readonly shape: KernelView;
  readonly view: (s: S) => KernelView;
  /** The fields each kind of kernel object is made of (for --por: what an invariant sees). */
  readonly objects: (kind: KernelObject) => readonly string[];
}

export function declaredView<F extends Fields>(
  model: ViewSource<F>,
  spec: ViewSpec<StateRecord<F>>,
): DeclaredView<StateRecord<F>> {
  type S = StateRecord<F>;
  const { state, name } = model;
  const first = model.init[0];
  if (first === undefined) throw new Error(`${name}: no initial state`);
  const read = (s: S, field: string) => (s as unknown as Record<string, unknown>)[field];

  /** The field of a derived member's kind, if the state has one (and it is there at the start). */
  const fieldOf = (what: Derived): string | undefined => {
    const named = spec.fields?.[what];
    const found = named
      ? [named]
      : state.names.filter((n) => state.fields[n]!.kind === KINDS[what]);
    if (found.length > 1) {
      throw new Error(`${name}: fields ${found.join(", ")} could each be the ${what}: name one`);
    }
    const field = found[0];
    if (field === undefined) return undefined;
    const tag = state.fields[field]?.tag;
    // The frames are a list; any other object is one part.
    if (tag === undefined || (what === "frames") !== (tag === "parts")) {
      throw new Error(`${name}: field ${field} cannot be the ${what}`);
    }
    // An optional part absent at the start is not one of the model's objects.
    return tag === "optional" && read(first, field) === null ? undefined : field;
  };
  const frames = fieldOf("frames");
  if (frames === undefined) throw new Error(`${name}: no FOLIO_PART list for the frames`);
  const xa = fieldOf("cache");
  const cache = spec.cache;
  if ((xa === undefined) !== (cache === undefined)) {
    throw new Error(
      xa === undefined
        ? `${name}: a cache, but no XARRAY_PART field`
        : `${name}: say how folios sit in the cache of ${xa} (spec.cache)`,
    );
  }
  const ptes = fieldOf("ptes");
  const swap = fieldOf("swap");

  // One prototype per configuration: its getters read the state when an
  // invariant asks, so a clause's reads are what it uses.
  const { expectedData, holds, pending, shmem, bug, deleteAssertion, lookups } = spec;
  const member = memberOf<S>;
  const method = methodOf<S>;
  const viewProto = {};
  method(viewProto, "frameName", (s, frame) => spec.frameName(s, frame));
  member(viewProto, "frames", (s) => read(s, frames));
  if (xa !== undefined && cache !== undefined) {
    const { locked, ...flags } = cache;
    const cacheProto = { ...flags };
    member(cacheProto, "xa", (s) => read(s, xa));
    member(cacheProto, "locked", (s) => locked?.(s) ?? false);
    member(viewProto, "cache", (s) => at(cacheProto, s));
  }
  if (ptes !== undefined) member(viewProto, "ptes", (s) => read(s, ptes));
  if (expectedData) method(viewProto, "expectedData", expectedData);
  if (holds) member(viewProto, "holds", (s) => holds.map((h) => () => h(s)));
  if (swap !== undefined) {
    const swapProto = {};
    member(swapProto, "map", (s) => read(s, swap));
    member(swapProto, "pending", (s) => new Set(pending?.(s) ?? []));
    if (shmem) member(swapProto, "shmem", shmem);
    member(viewProto, "swap", (s) => at(swapProto, s));
  }
  if (bug) member(viewProto, "bug", bug);
  if (deleteAssertion) member(viewProto, "deleteAssertion", deleteAssertion);
  if (lookups) member(viewProto, "lookups", lookups);
  const view = (s: S) => at<KernelView, S>(viewProto, s);

  const records = [
    ...new Set(model.threads.map((t) => (typeof t.own === "string" ? t.own : t.own[0]))),
  ];
  const derived: Partial<Record<KernelObject, readonly (string | undefined)[]>> = {
    frames: [frames],
    cache: [xa],
    ptes: [ptes],
    holds: spec.holds ? records : [],
    swap: [swap, ...(swap !== undefined && spec.pending ? records : [])],
  };
  const objects =
    spec.objects ??
    ((kind: KernelObject): readonly string[] =>
      [...(derived[kind] ?? []), ...(spec.reads?.[kind] ?? [])].filter(
        (f): f is string => typeof f === "string",
      ));
  return { shape: view(first), view, objects };
}

/** The state a view (or its cache, its swap map) reads. */
const STATE = Symbol("state");
type Of<S> = { [STATE]: S };

/** An object of `proto` over state `s`. */
function at<T, S>(proto: object, s: S): T {
  const o = Object.create(proto) as Of<S>;
  o[STATE] = s;
  return o as T;
}

/** A member read when used, not when the view is made. */
function memberOf<S>(proto: object, key: string, get: (s: S) => unknown): void {
  Object.defineProperty(proto, key, {
    get(this: Of<S>) {
      return get(this[STATE]);
    },
    enumerable: true,
  });
}

/** A method of the state (frameName, expectedData). */
function methodOf<S>(proto: object, key: string, fn: (s: S, x: number) => unknown): void {
  Object.defineProperty(proto, key, {
    value(this: Of<S>, x: number) {
      return fn(this[STATE], x);
    },
  });
}
