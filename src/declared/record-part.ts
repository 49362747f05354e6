/**
 * Part kinds derived from a record's declaration: a thread's record (its
 * program counter and locals) is encoded field by field from the record's
 * defaults, so nothing is written by hand: numbers as themselves, booleans
 * as 0/1, strings with their length, lists of numbers with their length,
 * and any other field through the part kind the declaration names for it.
 */
import { List, type RecordOf } from "immutable";
import { type PartKind, partKind } from "./parts.js";

type Encoder = (value: never, out: number[]) => void;

function encoderFor(field: string, sample: unknown, given: Encoder | undefined): Encoder {
  if (given) return given;
  if (typeof sample === "number") return ((v: number, out: number[]) => out.push(v)) as Encoder;
  if (typeof sample === "boolean") {
    return ((v: boolean, out: number[]) => out.push(v ? 1 : 0)) as Encoder;
  }
  if (typeof sample === "string") {
    return ((v: string, out: number[]) => {
      out.push(v.length);
      for (let i = 0; i < v.length; i++) out.push(v.charCodeAt(i));
    }) as Encoder;
  }
  if (List.isList(sample)) {
    return ((v: List<number>, out: number[]) => {
      out.push(v.size);
      for (const x of v) out.push(x);
    }) as Encoder;
  }
  throw new Error(`record part: field '${field}' needs an encoder (its default is ${sample})`);
}

/** A value that may be null: a tag word, then the value's words. */
export function nullable<T>(encode: (v: T, out: number[]) => void): Encoder {
  return ((v: T | null, out: number[]) => {
    if (v === null) out.push(0);
    else {
      out.push(1);
      encode(v, out);
    }
  }) as Encoder;
}

/**
 * The part kind of records made by `factory`, encoded field by field
 * (`fields` gives the encoders of fields whose defaults do not say their type).
 */
export function recordPart<T extends object>(
  name: string,
  factory: () => RecordOf<T>,
  fields: Partial<Record<keyof T & string, Encoder>> = {},
): PartKind<RecordOf<T>> {
  const sample = factory().toObject() as Record<string, unknown>;
  const keys = Object.keys(sample);
  const encoders = keys.map((k) => encoderFor(k, sample[k], fields[k as keyof T & string]));
  return partKind<RecordOf<T>>(name, (r, out) => {
    const values = r as unknown as Record<string, never>;
    for (let i = 0; i < keys.length; i++) encoders[i]!(values[keys[i]!]!, out);
  });
}

/** Lists of numbers (e.g. a page table's PTEs) as one part. */
export function numberListPart(name: string): PartKind<List<number>> {
  return partKind<List<number>>(name, (v, out) => {
    out.push(v.size);
    for (let i = 0; i < v.size; i++) out.push(v.get(i)!);
  });
}
