/**
 * Model parameters on the command line. Each command declares only the
 * parameters of the model it runs (`--model NAME`, read from the command
 * line before yargs builds the command), with their allowed values and
 * defaults in `--help`. Numbers may be given as lists and ranges (`1..3`,
 * `1,2`): one run per value.
 */
import type { Argv } from "yargs";
import { DEFAULT_MODEL, findModel, type ModelEntry, models } from "../../models/registry.js";
import { ParameterError, type ParameterSpec, type RawParams } from "../params.js";

/** The commands that run a model (and so take `--model` and its parameters). */
export const MODEL_COMMANDS = ["check", "simulate", "prove"];

/** The value of `--model` on the command line (`--model X` or `--model=X`), if any. */
export function modelOption(argv: readonly string[]): string | undefined {
  let found: string | undefined;
  argv.forEach((a, i) => {
    if (a === "--model" && i + 1 < argv.length) found = argv[i + 1];
    else if (a.startsWith("--model=")) found = a.slice("--model=".length);
  });
  return found;
}

export function unknownModel(name: string): ParameterError {
  const valid = models()
    .map((m) => m.name)
    .join(", ");
  return new ParameterError(`unknown model '${name}'; valid: ${valid}`);
}

/** The model entry named, or a one-line ParameterError. */
export function entryNamed(name: string): ModelEntry {
  const entry = findModel(name);
  if (!entry) throw unknownModel(name);
  return entry;
}

/** What a parameter accepts, in one phrase: its choices, or the range its description gives. */
export function allowedValues(spec: ParameterSpec): string | null {
  if (spec.values) return spec.values;
  if (spec.choices) return spec.choices.map((c) => c.value).join(", ");
  return null;
}

/** Whether a parameter takes a number (no fixed set of choices): lists and ranges allowed. */
export function isNumeric(spec: ParameterSpec): boolean {
  return spec.choices === undefined;
}

/** The help text of a parameter: its sentence, what it accepts, its default. */
export function parameterHelp(spec: ParameterSpec): string {
  const values = allowedValues(spec);
  const lists = isNumeric(spec) ? "; a list or range (1..3) runs each value" : "";
  return `${spec.description}${values ? ` [values: ${values}]` : ""}${lists}`;
}

/**
 * Declares `--model` and the parameters of `entry` (untyped, read as text:
 * the model validates them). The default is shown, not set, so that the
 * model sees only what the user wrote.
 */
export function withModelParameters<T>(
  y: Argv<T>,
  verb: string,
  entry: ModelEntry,
  defaults: Readonly<Record<string, string>> = {},
): Argv<T> {
  let b = y.option("model", {
    requiresArg: true,
    default: DEFAULT_MODEL,
    coerce: String,
    describe: `the model to ${verb} (see \`swapcheck list\`; \`--model NAME --help\` shows its parameters)`,
  }) as unknown as Argv<T>;
  if (entry.parameters.length > 0) b = b.group("model", `Parameters of ${entry.name}:`);
  for (const spec of entry.parameters) {
    b = b
      .option(spec.name, {
        requiresArg: true,
        // Given twice, yargs makes an array: a list.
        coerce: (v: unknown) => (Array.isArray(v) ? v.map(String).join(",") : String(v)),
        defaultDescription: defaults[spec.name] ?? spec.default,
        describe: parameterHelp(spec),
      })
      .group(spec.name, `Parameters of ${entry.name}:`) as unknown as Argv<T>;
  }
  return b;
}

/** The model's parameters the command line gives, as text. */
export function rawParameters(entry: ModelEntry, args: Record<string, unknown>): RawParams {
  const raw: Record<string, string> = {};
  for (const p of entry.parameters) {
    const v = args[p.name];
    if (v !== undefined) raw[p.name] = String(v);
  }
  return raw;
}

const NUMBER_LIST = /^\s*\d+(\s*\.\.\s*\d+)?(\s*,\s*\d+(\s*\.\.\s*\d+)?)*\s*$/;

/** `1..3`, `1,2` or `2`: the integers listed, in order, without repeats. */
export function parseList(option: string, text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(",").map((p) => p.trim())) {
    const range = /^(\d+)\s*\.\.\s*(\d+)$/.exec(part);
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])];
      if (a > b) throw new ParameterError(`--${option}: empty range '${part}'`);
      if (b - a > 1000) throw new ParameterError(`--${option}: range '${part}' is too long`);
      for (let i = a; i <= b; i++) out.push(String(i));
    } else if (/^\d+$/.test(part)) {
      out.push(part);
    } else {
      throw new ParameterError(`--${option} must be integers or ranges like 1..3, got '${text}'`);
    }
  }
  return [...new Set(out)];
}

/**
 * Every combination of the numeric parameters given as lists or ranges
 * (`--order 1..3 --chunk-shift 2,3`: six), the other parameters as given
 * (the model expands its own lists, e.g. `--variant all`).
 */
export function expandNumbers(entry: ModelEntry, raw: RawParams): RawParams[] {
  let configs: Record<string, string | undefined>[] = [{ ...raw }];
  for (const spec of entry.parameters) {
    const text = raw[spec.name];
    if (text === undefined || !isNumeric(spec) || !NUMBER_LIST.test(text)) continue;
    const values = parseList(spec.name, text);
    if (values.length === 1 && values[0] === text.trim()) continue;
    configs = configs.flatMap((c) => values.map((v) => ({ ...c, [spec.name]: v })));
  }
  return configs;
}

/** The runs of `entry` for the command line's parameters (lists and ranges of numbers expanded). */
export function configureAll(entry: ModelEntry, raw: RawParams) {
  return expandNumbers(entry, raw).flatMap((r) => entry.configure(r));
}

/** Levenshtein distance (for "did you mean"). */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return d[b.length]!;
}

/** The closest of `known` to `word`, when close enough to be a slip. */
export function closest(word: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const dist = editDistance(word, k);
    if (dist < bestDistance) {
      best = k;
      bestDistance = dist;
    }
  }
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  return best !== null && (bestDistance <= limit || best.startsWith(word)) ? best : null;
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * The one line for options yargs does not know (`Unknown argument(s): a, b`):
 * a parameter of another model is named as such; a slip gets "did you mean".
 */
export function unknownOptionMessage(
  names: readonly string[],
  known: readonly string[],
  command: string,
  entry: ModelEntry | null,
  argv: readonly string[] = [],
): string {
  // A word that is not an option (`check foo`): the command takes none.
  const word = names.find((n) => argv.includes(n) && !n.startsWith("-"));
  if (word !== undefined) {
    return `unexpected argument '${word}': swapcheck ${command} takes options only (see --help)`;
  }
  // yargs lists `max-seconds` and `maxSeconds` for one option.
  const unique = [...new Set(names.map(kebab))];
  const first = unique[0]!;
  const owner = models().find((m) => m !== entry && m.parameters.some((p) => p.name === first));
  if (entry && owner) {
    const valid = entry.parameters.map((p) => `--${p.name}`).join(", ") || "none";
    return `model ${entry.name} has no parameter --${first} (${owner.name} has); its parameters: ${valid}`;
  }
  const options = known.filter((k) => k.length > 1 && !/[A-Z]/.test(k));
  const guess = closest(first, options);
  const dashes = first.length === 1 ? "-" : "--";
  const more =
    unique.length > 1
      ? ` (and ${unique
          .slice(1)
          .map((u) => `--${u}`)
          .join(", ")})`
      : "";
  return guess
    ? `unknown option ${dashes}${first}${more}; did you mean --${guess}?`
    : `unknown option ${dashes}${first}${more}; see swapcheck ${command} --help`;
}
