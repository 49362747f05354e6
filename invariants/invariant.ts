/**
 * A generic invariant: a small pure predicate over kernel objects (a
 * `KernelView`, src/kernel/view.ts), with a name and the sentence saying
 * what it protects, usable by every model that has those objects. It is a
 * conjunction of clauses, each null when fine or one line naming the
 * offending objects; the compiled model memoises each clause on the parts
 * it actually reads, so a clause should read little.
 */
import type { KernelObject, KernelView } from "../src/kernel/view.js";

export type { KernelObject };

export type Clause = (v: KernelView) => string | null;

export interface KernelInvariant {
  readonly name: string;
  readonly description: string;
  /** The objects it reads, for partial-order reduction (visibility). */
  readonly reads: readonly KernelObject[];
  /** Whether a model with this view has what the invariant is about. */
  applies(v: KernelView): boolean;
  /** Its clauses, for views shaped like `v` (e.g. one per thread that holds frames). */
  clauses(v: KernelView): readonly Clause[];
}

/** The first failing clause's line, or null. */
export function checkInvariant(inv: KernelInvariant, v: KernelView): string | null {
  for (const c of inv.clauses(v)) {
    const why = c(v);
    if (why !== null) return why;
  }
  return null;
}
