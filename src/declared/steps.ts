/**
 * A thread's steps and its step table: every step a thread's code can take
 * is a row of its table (the kernel function it stands for, and whether a
 * proof must see it run: `core`, or an alternative or error `branch`), and
 * the step constructor only takes names from that table, so a misspelt name
 * is a type error and the model's step catalogue (for coverage and proofs)
 * is the tables themselves.
 */

/** One enabled step: the kernel function, its label with arguments, its effect. */
export interface ThreadStep<S> {
  readonly name: string;
  readonly label: string;
  readonly apply: (s: S) => S;
}

/** Whether a proof must see a step run, possibly depending on the configuration. */
export type Role<C> = "core" | "branch" | ((config: C) => "core" | "branch" | "absent");

export type StepTable<C, K extends string = string> = Readonly<Record<K, Role<C>>>;

/** A thread's step table (the names are kept as literal types). */
export function stepTable<C, const K extends string>(table: Record<K, Role<C>>): StepTable<C, K> {
  return table;
}

/** The step constructor of a table: only its names are accepted. */
export function stepsOf<S, K extends string>(
  table: StepTable<never, K>,
): (name: K, label: string, apply: (s: S) => S) => ThreadStep<S> {
  return (name, label, apply) => {
    if (!(name in table)) throw new Error(`step '${name}' is not in its thread's step table`);
    return { name, label, apply };
  };
}

/** One row of a configuration's catalogue. */
export interface CatalogueStep {
  readonly thread: string;
  readonly name: string;
  readonly core: boolean;
}

/** The rows of `table` present in configuration `config`, for thread `thread`. */
export function catalogueOf<C>(thread: string, table: StepTable<C>, config: C): CatalogueStep[] {
  const out: CatalogueStep[] = [];
  for (const [name, role] of Object.entries(table) as [string, Role<C>][]) {
    const r = typeof role === "function" ? role(config) : role;
    if (r !== "absent") out.push({ thread, name, core: r === "core" });
  }
  return out;
}
