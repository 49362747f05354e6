/**
 * Sharding: one proof matrix (or one simulation's runs) split over several
 * machines, each writing its slice as JSON, then merged into the report the
 * unsharded run gives.
 *
 * Slices. Simulation runs: shard i of N (1-based) takes the runs k
 * (0-based, in the order the unsharded simulation takes them) with
 * k mod N = i - 1: round robin (`shardIndices`).
 *
 * Proof cells (`shardCells`) are dealt out by witness group: the cells
 * whose vacuity witness is one baseline search (same configuration but for
 * the fix) stay together, so that no two shards repeat that search (it
 * costs about as much as the cells it serves). The groups, in the order
 * the matrix has them, are dealt round robin with a rotation: group
 * g = rN + p goes to shard (p + r) mod N + 1, so a shard does not get the
 * same mapping (the same place in every configuration) each time, and
 * every shard gets one group of every N, hence some of the costly large
 * orders. With fewer groups than shards, cells are dealt round robin one by
 * one instead (parallelism first; shards then repeat baseline searches).
 * Both are deterministic (nothing but the matrix's order, which the
 * parameters fix), every cell is in exactly one slice, and with more shards
 * than cells some slices are empty. No cell is weighted by a cost
 * estimate: state counts move with the model, so an estimate would be a
 * guess.
 *
 * Shard files. Every file carries what a merge checks before trusting it:
 * the tool's version, the model and its version, the full settings (every
 * parameter, the baseline, liveness, fairness, deadlock, bounds), the
 * matrix (its item count and a hash of its items' titles and parameters),
 * and i and N. A merge refuses files that disagree on any of these, a slice
 * given twice, a missing slice, and a file that is not a shard: one line,
 * exit 2 (`ParameterError`).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ModelRun } from "../../models/registry.js";
import type { Checked } from "../cli/checked.js";
import type { IncompleteReason, Verdict } from "../engine/index.js";
import { ParameterError } from "../params.js";
import type { Cell, CellReport, CellStatus, Witness } from "./matrix.js";

export const SHARD_FORMAT = "swapcheck-shard";
/** Bumped when the file's layout changes. */
export const SHARD_FORMAT_VERSION = 1;
export const MAX_SHARDS = 10_000;

export type ShardKind = "prove" | "simulate";

/** Shard `index` (1-based) of `count`. */
export interface ShardSpec {
  readonly index: number;
  readonly count: number;
}

/** `--shard i/N`: 1 ≤ i ≤ N ≤ MAX_SHARDS, or a one-line ParameterError. */
export function parseShard(text: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new ParameterError(`--shard must be i/N (e.g. 1/4), got '${text}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) {
    throw new ParameterError(`--shard ${text}: N must be in 1..${MAX_SHARDS}`);
  }
  if (index < 1 || index > count) {
    throw new ParameterError(`--shard ${text}: i must be in 1..${count}`);
  }
  return { index, count };
}

/** The shard (1-based) that item `k` of the unsharded order belongs to. */
export function shardOf(k: number, count: number): number {
  return (k % count) + 1;
}

/** The items of shard `spec` among `total`, in order: k = i - 1, i - 1 + N, … */
export function shardIndices(total: number, spec: ShardSpec): number[] {
  const out: number[] = [];
  for (let k = spec.index - 1; k < total; k += spec.count) out.push(k);
  return out;
}

/**
 * The cells of shard `spec`, in matrix order, given each cell's witness
 * group (`witnessGroups`): see the comment at the top.
 */
export function shardCells(groups: readonly string[], spec: ShardSpec): number[] {
  const order = new Map<string, number>();
  for (const g of groups) if (!order.has(g)) order.set(g, order.size);
  if (order.size < spec.count) return shardIndices(groups.length, spec);
  const n = spec.count;
  const shardOfGroup = (g: number) => (((g % n) + Math.floor(g / n)) % n) + 1;
  const out: number[] = [];
  groups.forEach((g, k) => {
    if (shardOfGroup(order.get(g)!) === spec.index) out.push(k);
  });
  return out;
}

/**
 * Each run's witness group: its parameters with the fix replaced by the
 * baseline (the search `proveRuns` shares between the cells that need it);
 * a run without a fix parameter is a group of its own.
 */
export function witnessGroups(
  runs: readonly Pick<ModelRun, "raw" | "fixParameter">[],
  fixParameter: string | undefined,
  baseline: string,
): string[] {
  return runs.map((run, k) => {
    const fix = run.fixParameter ?? fixParameter;
    return fix === undefined ? `cell ${k}` : canonicalJson({ ...run.raw, [fix]: baseline });
  });
}

/** JSON with object keys sorted: equal settings give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * The matrix a shard belongs to: its runs in order, each with its title and
 * parameters and, so that a model changed under an unchanged version is
 * caught too, its properties and its step catalogue.
 */
export function matrixDigest(
  runs: readonly (Pick<ModelRun, "title" | "raw" | "catalogue"> & {
    readonly model?: { readonly properties: readonly { readonly name: string }[] };
  })[],
): { readonly items: number; readonly sha256: string } {
  const items = runs.map((r) => ({
    title: r.title,
    raw: r.raw,
    properties: r.model?.properties.map((p) => p.name) ?? [],
    catalogue: (r.catalogue ?? []).map((c) => `${c.thread}:${c.name}${c.core ? "" : "?"}`),
  }));
  return { items: runs.length, sha256: sha256(canonicalJson(items)) };
}

/** What every shard file starts with; a merge requires every field equal across files. */
export interface ShardHeader {
  readonly format: typeof SHARD_FORMAT;
  readonly formatVersion: number;
  readonly kind: ShardKind;
  /** The swapcheck version that wrote the file. */
  readonly tool: string;
  readonly model: string;
  readonly modelVersion: number;
  /** Every setting the slice's results depend on (checked equal by canonical JSON). */
  readonly settings: Readonly<Record<string, unknown>>;
  /** The whole matrix (not the slice): its item count and hash. */
  readonly matrix: { readonly items: number; readonly sha256: string };
  readonly shard: ShardSpec;
}

/** A shard file as read: its header, its body (kind-specific) and where it came from. */
export interface ShardFile {
  readonly path: string;
  readonly header: ShardHeader;
  readonly doc: Readonly<Record<string, unknown>>;
}

export type Json = Readonly<Record<string, unknown>>;

export function isRecord(v: unknown): v is Json {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** A reader of one file's JSON that names the file and field in its one-line error. */
export class Fields {
  constructor(
    readonly path: string,
    readonly where: string,
  ) {}

  fail(what: string): never {
    throw new ParameterError(
      `--merge ${this.path}: malformed shard (${this.where ? `${this.where}: ` : ""}${what})`,
    );
  }

  record(o: unknown, key: string): Json {
    const v = isRecord(o) ? o[key] : undefined;
    if (!isRecord(v)) this.fail(`${key} is not an object`);
    return v;
  }

  string(o: Json, key: string): string {
    const v = o[key];
    if (typeof v !== "string") this.fail(`${key} is not a string`);
    return v;
  }

  stringOrNull(o: Json, key: string): string | null {
    const v = o[key];
    if (v !== null && typeof v !== "string") this.fail(`${key} is not a string or null`);
    return v;
  }

  number(o: Json, key: string): number {
    const v = o[key];
    if (typeof v !== "number" || !Number.isFinite(v)) this.fail(`${key} is not a number`);
    return v;
  }

  integer(o: Json, key: string): number {
    const v = this.number(o, key);
    if (!Number.isInteger(v) || v < 0) this.fail(`${key} is not a whole number`);
    return v;
  }

  numberOrNull(o: Json, key: string): number | null {
    return o[key] === null ? null : this.number(o, key);
  }

  boolean(o: Json, key: string): boolean {
    const v = o[key];
    if (typeof v !== "boolean") this.fail(`${key} is not true or false`);
    return v;
  }

  array(o: Json, key: string): readonly unknown[] {
    const v = o[key];
    if (!Array.isArray(v)) this.fail(`${key} is not a list`);
    return v;
  }

  strings(o: Json, key: string): string[] {
    const v = this.array(o, key);
    if (!v.every((x) => typeof x === "string")) this.fail(`${key} is not a list of strings`);
    return v as string[];
  }

  oneOf<T extends string>(o: Json, key: string, values: readonly T[]): T {
    const v = o[key];
    if (typeof v !== "string" || !(values as readonly string[]).includes(v)) {
      this.fail(`${key} is not one of ${values.join(", ")}`);
    }
    return v as T;
  }

  at(where: string): Fields {
    return new Fields(this.path, this.where ? `${this.where}.${where}` : where);
  }
}

/** The header of a shard document (every field checked). */
export function shardHeader(doc: Json, path: string, kind: ShardKind): ShardHeader {
  if (doc.format !== SHARD_FORMAT || doc.kind !== kind) {
    throw new ParameterError(
      `--merge ${path}: not a swapcheck ${kind} shard (swapcheck ${kind} --shard i/N --out FILE writes one)`,
    );
  }
  const f = new Fields(path, "");
  const formatVersion = f.integer(doc, "formatVersion");
  if (formatVersion !== SHARD_FORMAT_VERSION) {
    throw new ParameterError(
      `--merge ${path}: shard format ${formatVersion}, this swapcheck reads ${SHARD_FORMAT_VERSION}`,
    );
  }
  const matrix = f.record(doc, "matrix");
  const shard = f.record(doc, "shard");
  const header: ShardHeader = {
    format: SHARD_FORMAT,
    formatVersion,
    kind,
    tool: f.string(doc, "tool"),
    model: f.string(doc, "model"),
    modelVersion: f.integer(doc, "modelVersion"),
    settings: f.record(doc, "settings"),
    matrix: {
      items: f.at("matrix").integer(matrix, "items"),
      sha256: f.at("matrix").string(matrix, "sha256"),
    },
    shard: {
      index: f.at("shard").integer(shard, "index"),
      count: f.at("shard").integer(shard, "count"),
    },
  };
  const { index, count } = header.shard;
  if (count < 1 || index < 1 || index > count) {
    f.fail(`shard ${index}/${count} is not a slice`);
  }
  return header;
}

function readJson(path: string): Json {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a folder" : (code ?? String(err));
    throw new ParameterError(`--merge ${path}: cannot read it (${why})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message.split("\n")[0] : "unreadable";
    throw new ParameterError(`--merge ${path}: not JSON (${why})`);
  }
  if (!isRecord(doc))
    throw new ParameterError(`--merge ${path}: not a swapcheck shard (not a JSON object)`);
  return doc;
}

/** The first difference between two headers, in words; null when they match. */
function difference(a: ShardHeader, b: ShardHeader): string | null {
  if (a.tool !== b.tool) return `swapcheck ${b.tool} vs ${a.tool}`;
  if (a.model !== b.model) return `model ${b.model} vs ${a.model}`;
  if (a.modelVersion !== b.modelVersion) {
    return `model version ${b.modelVersion} vs ${a.modelVersion}`;
  }
  const keys = [...new Set([...Object.keys(a.settings), ...Object.keys(b.settings)])].sort();
  for (const k of keys) {
    const [x, y] = [canonicalJson(a.settings[k]), canonicalJson(b.settings[k])];
    if (x !== y) return `${k} ${y ?? "unset"} vs ${x ?? "unset"}`;
  }
  if (a.shard.count !== b.shard.count) return `N = ${b.shard.count} vs ${a.shard.count}`;
  if (a.matrix.items !== b.matrix.items || a.matrix.sha256 !== b.matrix.sha256) {
    return `matrix (${b.matrix.items} items, ${b.matrix.sha256.slice(0, 12)}) vs (${a.matrix.items} items, ${a.matrix.sha256.slice(0, 12)})`;
  }
  return null;
}

/**
 * Reads the shard files of a merge and checks that they are the N slices of
 * one run: same tool, model, settings, matrix and N; each slice once; none
 * missing. Returns them in slice order. Every refusal is one line
 * (ParameterError).
 */
export function readShards(
  paths: readonly string[],
  kind: ShardKind,
  toolVersion: string,
): ShardFile[] {
  if (paths.length === 0) {
    throw new ParameterError(
      `--merge needs the shard files (swapcheck ${kind} --shard i/N --out FILE writes them)`,
    );
  }
  const files = paths.map((path) => {
    const doc = readJson(path);
    return { path, doc, header: shardHeader(doc, path, kind) };
  });
  const first = files[0]!;
  if (first.header.tool !== toolVersion) {
    throw new ParameterError(
      `--merge ${first.path}: written by swapcheck ${first.header.tool}, this is ${toolVersion}; ` +
        "run every shard and the merge with one version",
    );
  }
  for (const f of files.slice(1)) {
    const diff = difference(first.header, f.header);
    if (diff !== null) {
      throw new ParameterError(`--merge ${f.path} does not match ${first.path}: ${diff}`);
    }
  }
  const count = first.header.shard.count;
  const bySlice = new Map<number, ShardFile>();
  for (const f of files) {
    const twice = bySlice.get(f.header.shard.index);
    if (twice) {
      throw new ParameterError(
        `--merge: shard ${f.header.shard.index}/${count} given twice (${twice.path}, ${f.path})`,
      );
    }
    bySlice.set(f.header.shard.index, f);
  }
  const missing: string[] = [];
  for (let i = 1; i <= count; i++) if (!bySlice.has(i)) missing.push(`${i}/${count}`);
  if (missing.length > 0) {
    const shown = missing.length > 8 ? [...missing.slice(0, 8), "…"] : missing;
    throw new ParameterError(
      `--merge: shard${missing.length > 1 ? "s" : ""} ${shown.join(", ")} missing (${files.length} of ${count} given)`,
    );
  }
  return [...bySlice.values()].sort((a, b) => a.header.shard.index - b.header.shard.index);
}

/** The header of a shard about to be written. */
export function newShardHeader(h: Omit<ShardHeader, "format" | "formatVersion">): ShardHeader {
  return { format: SHARD_FORMAT, formatVersion: SHARD_FORMAT_VERSION, ...h };
}

// --- prove: cells to and from JSON ---------------------------------------------------------

/** One cell of a prove shard: everything the reports read of it, with its place in the matrix. */
export interface CellRecord {
  readonly index: number;
  readonly title: string;
  readonly status: CellStatus;
  readonly verdict: Verdict;
  readonly property: string | null;
  readonly length: number | null;
  readonly loopStart: number | null;
  readonly incompleteReason: IncompleteReason | null;
  readonly stats: {
    readonly distinctStates: number;
    readonly transitions: number;
    readonly seconds: number;
    readonly exact: boolean;
    readonly collisionProbability: number;
  };
  readonly unreachedCore: readonly string[];
  readonly unreachedBranches: readonly string[];
  readonly catalogued: number;
  readonly witness: Witness | null;
}

export function cellRecord(index: number, c: Cell): CellRecord {
  const st = c.result.stats;
  return {
    index,
    title: c.run.title,
    status: c.status,
    verdict: c.result.verdict,
    property: c.result.property,
    length: c.result.trace?.steps.length ?? null,
    loopStart: c.result.trace?.loopStart ?? null,
    incompleteReason: c.result.incompleteReason,
    stats: {
      distinctStates: st.distinctStates,
      transitions: st.transitions,
      seconds: st.seconds,
      exact: st.exact,
      collisionProbability: st.collisionProbability,
    },
    unreachedCore: c.unreachedCore,
    unreachedBranches: c.unreachedBranches,
    catalogued: c.catalogued,
    witness: c.witness,
  };
}

const STATUSES: readonly CellStatus[] = [
  "proved",
  "vacuous",
  "no-witness",
  "violated",
  "incomplete",
];
const VERDICTS: readonly Verdict[] = ["holds", "violated", "deadlock", "incomplete"];
const REASONS: readonly IncompleteReason[] = [
  "max-states",
  "max-depth",
  "max-seconds",
  "max-memory",
  "max-preemptions",
  "interrupted",
];

function witnessOf(f: Fields, o: unknown): Witness | null {
  if (o === null) return null;
  if (!isRecord(o)) return f.fail("is not an object or null");
  const violated = f.array(o, "violated").map((v, i) => {
    const g = f.at(`violated[${i}]`);
    if (!isRecord(v)) return g.fail("is not an object");
    return { property: g.string(v, "property"), length: g.numberOrNull(v, "length") };
  });
  return {
    baseline: f.string(o, "baseline"),
    verdict: f.oneOf(o, "verdict", VERDICTS),
    property: f.stringOrNull(o, "property"),
    length: f.numberOrNull(o, "length"),
    violated,
  };
}

/** A cell record read back from a shard file (every field checked). */
export function readCellRecord(path: string, o: unknown, i: number): CellRecord {
  const f = new Fields(path, `cells[${i}]`);
  if (!isRecord(o)) return f.fail("is not an object");
  const stats = f.record(o, "stats");
  const s = f.at("stats");
  const reason = o.incompleteReason;
  if (reason !== null && !(REASONS as readonly unknown[]).includes(reason)) {
    f.fail("incompleteReason is not a reason");
  }
  return {
    index: f.integer(o, "index"),
    title: f.string(o, "title"),
    status: f.oneOf(o, "status", STATUSES),
    verdict: f.oneOf(o, "verdict", VERDICTS),
    property: f.stringOrNull(o, "property"),
    length: f.numberOrNull(o, "length"),
    loopStart: f.numberOrNull(o, "loopStart"),
    incompleteReason: reason as IncompleteReason | null,
    stats: {
      distinctStates: s.number(stats, "distinctStates"),
      transitions: s.number(stats, "transitions"),
      seconds: s.number(stats, "seconds"),
      exact: s.boolean(stats, "exact"),
      collisionProbability: s.number(stats, "collisionProbability"),
    },
    unreachedCore: f.strings(o, "unreachedCore"),
    unreachedBranches: f.strings(o, "unreachedBranches"),
    catalogued: f.integer(o, "catalogued"),
    witness: witnessOf(f.at("witness"), o.witness),
  };
}

/** The cell a record stands for, on the matrix's run (rebuilt by the merge) and what it checked. */
export function cellFromRecord(r: CellRecord, run: ModelRun, checked: Checked): CellReport {
  return {
    run,
    result: {
      verdict: r.verdict,
      property: r.property,
      trace:
        r.length === null
          ? null
          : {
              steps: { length: r.length },
              ...(r.loopStart !== null ? { loopStart: r.loopStart } : {}),
            },
      incompleteReason: r.incompleteReason,
      stats: r.stats,
    },
    status: r.status,
    unreachedCore: r.unreachedCore,
    unreachedBranches: r.unreachedBranches,
    catalogued: r.catalogued,
    witness: r.witness,
    checked,
  };
}

/**
 * The matrix's cells from its shards, in the unsharded order: each shard
 * must hold exactly its slice, each cell on the run the merge rebuilt
 * (same title).
 */
export function mergeCells(
  shards: readonly ShardFile[],
  runs: readonly ModelRun[],
  groups: readonly string[],
  checked: readonly Checked[],
): CellReport[] {
  const cells: (CellReport | undefined)[] = new Array(runs.length);
  for (const s of shards) {
    const f = new Fields(s.path, "");
    const records = f.array(s.doc, "cells").map((o, i) => readCellRecord(s.path, o, i));
    const want = shardCells(groups, s.header.shard);
    const got = records.map((r) => r.index);
    if (got.length !== want.length || got.some((k, i) => k !== want[i])) {
      f.fail(
        `cells are not slice ${s.header.shard.index}/${s.header.shard.count} of ${runs.length}`,
      );
    }
    for (const r of records) {
      const run = runs[r.index]!;
      if (r.title !== run.title) {
        f.fail(`cell ${r.index} is '${r.title}', the matrix has '${run.title}' there`);
      }
      cells[r.index] = cellFromRecord(r, run, checked[r.index]!);
    }
  }
  return cells.map((c, k) => {
    if (!c) throw new ParameterError(`--merge: cell ${k} of the matrix is in no shard`);
    return c;
  });
}
