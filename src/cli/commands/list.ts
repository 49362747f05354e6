/**
 * `swapcheck list`: the models, one line each; `swapcheck list --model NAME`:
 * that model's parameters (allowed values and defaults), threads, every
 * property (invariants and liveness ones, each with the sentence saying what
 * it protects) and its proof matrix.
 */
import type { Argv, CommandModule } from "yargs";
import { type ModelEntry, models } from "../../../models/registry.js";
import type { Property } from "../../engine/index.js";
import { ParameterError } from "../../params.js";
import { family } from "../checked.js";
import type { Io } from "../io.js";
import { allowedValues, entryNamed, isNumeric } from "../model-options.js";

export interface ListedProperty {
  readonly name: string;
  readonly kind: "invariant" | "liveness" | "cover";
  readonly description: string;
  /** The parameter that adds the property (e.g. `--bounded-spin N`), if it is not always there. */
  readonly addedBy: string | null;
}

const KINDS: Record<Property<unknown>["kind"], ListedProperty["kind"]> = {
  always: "invariant",
  "always-eventually": "liveness",
  eventually: "liveness",
  sometimes: "cover",
};

/**
 * Every property the model's runs can have: those of a run with the
 * default parameters, those the entry declares, and those a numeric
 * parameter adds when set (e.g. `--bounded-spin 1` adds `bounded-spin`).
 */
export function modelProperties(entry: ModelEntry): ListedProperty[] {
  const out = new Map<string, ListedProperty>();
  const add = (p: Property<unknown>, addedBy: string | null) => {
    const name = family(p.name);
    if (!out.has(name))
      out.set(name, { name, kind: KINDS[p.kind], description: p.description, addedBy });
  };
  const sample = (raw: Record<string, string>) => {
    try {
      return entry.configure(raw)[0]?.model.properties ?? [];
    } catch (err) {
      if (err instanceof ParameterError) return [];
      throw err;
    }
  };
  for (const p of sample({})) add(p, null);
  for (const spec of entry.parameters.filter(isNumeric)) {
    for (const p of sample({ [spec.name]: "1" })) add(p, `--${spec.name} N`);
  }
  // Declared but in none of the runs sampled: listed, as an invariant added on request.
  for (const p of entry.properties) {
    if (!out.has(family(p.name))) {
      out.set(family(p.name), {
        name: family(p.name),
        kind: "invariant",
        description: p.description,
        addedBy: "some parameters",
      });
    }
  }
  return [...out.values()];
}

export function modelsText(): string {
  const width = Math.max(...models().map((m) => m.name.length));
  const lines = models().map(
    (m) => `${m.name.padEnd(width)}  ${m.summary}${m.proof ? " (prove)" : ""}`,
  );
  return `${lines.join("\n")}\n\nswapcheck list --model NAME: its parameters, threads and properties\n`;
}

export function modelText(entry: ModelEntry): string {
  const lines = [`${entry.name}: ${entry.summary}`, ""];
  if (entry.parameters.length === 0) {
    lines.push("parameters: none");
  } else {
    lines.push(
      "parameters (check, simulate and prove take them; numbers also as lists and ranges, 1..3):",
    );
    for (const p of entry.parameters) {
      const values = p.choices ? "" : allowedValues(p);
      const fix = entry.proof?.fixParameter === p.name ? " (the fix under test: its variants)" : "";
      const proveDefault = entry.proof?.matrix[p.name];
      const defaults =
        `default ${p.default}` +
        (proveDefault !== undefined && proveDefault !== p.default
          ? `; prove: ${proveDefault}`
          : "");
      lines.push(
        `  --${p.name}${fix}: ${p.description}${values ? ` [${values}]` : ""} (${defaults})`,
      );
      for (const c of p.choices ?? []) lines.push(`      ${c.value.padEnd(18)} ${c.description}`);
    }
  }
  lines.push("", "threads:");
  for (const t of entry.threads) {
    lines.push(`  ${t.name.padEnd(20)} ${t.description}`.trimEnd());
  }
  lines.push(
    "",
    "properties (check: invariants and deadlock by default; --liveness adds liveness):",
  );
  for (const p of modelProperties(entry)) {
    const kind =
      p.kind === "liveness"
        ? "liveness, --liveness (weak fairness by default)"
        : p.kind === "cover"
          ? "cover (reported, never violated)"
          : "invariant";
    const added = p.addedBy ? `, only with ${p.addedBy}` : "";
    lines.push(`  ${p.name.padEnd(20)} ${kind}${added}`, `      ${p.description}`);
  }
  lines.push(
    `  ${"deadlock".padEnd(20)} a state with no step while a thread is unfinished (--no-deadlock: off)`,
  );
  if (entry.proof) {
    const matrix = Object.entries(entry.proof.matrix)
      .map(([k, v]) => `--${k} ${v}`)
      .join(" ");
    lines.push(
      "",
      `prove --model ${entry.name}: the fix parameter --${entry.proof.fixParameter}, baseline ` +
        `${entry.proof.baseline} (the vacuity witness); default matrix: ${matrix}`,
    );
  } else {
    lines.push("", "prove: this model has no fix parameter to prove (check and simulate only)");
  }
  return `${lines.join("\n")}\n`;
}

/** Kept for callers of the old single listing: every model in full. */
export function listText(): string {
  return models().map(modelText).join("\n");
}

export function listCommand(io: Io): CommandModule<object, { model?: string }> {
  return {
    command: "list",
    describe: "name the models; with --model NAME, its parameters, threads and properties",
    builder: (y: Argv) =>
      y
        .option("model", {
          type: "string",
          requiresArg: true,
          describe:
            "show this model's parameters (allowed values, defaults), threads and properties",
        })
        .example("$0 list", "the models, one line each")
        .example(
          "$0 list --model migrate-swapcache",
          "its variants, mappings, threads, invariants and liveness properties",
        ) as unknown as Argv<{ model?: string }>,
    handler: (args) => {
      io.out(args.model === undefined ? modelsText() : modelText(entryNamed(args.model)));
    },
  };
}
