/**
 * Model parameters as the user writes them (strings from the command line),
 * and the one error type for bad ones. Models validate their own parameters
 * with these helpers; the CLI turns a `ParameterError` into one line on
 * stderr and exit status 2.
 */

export class ParameterError extends Error {
  override readonly name = "ParameterError";
}

export interface Choice {
  readonly value: string;
  /** One line: what the choice means. */
  readonly description: string;
}

export interface ParameterSpec {
  /** The option name without dashes, e.g. `chunk-shift`. */
  readonly name: string;
  readonly description: string;
  /** The value used when the user gives none. */
  readonly default: string;
  /** The accepted values, when they form a fixed set. */
  readonly choices?: readonly Choice[];
  /**
   * Optional: what the parameter accepts, in one phrase, when it is not a
   * fixed set (e.g. `1..5`), for `--help` and `list`.
   */
  readonly values?: string;
}

export type RawParams = Readonly<Record<string, string | undefined>>;

/** An integer in [min, max], or a ParameterError naming the option. */
export function parseIntIn(option: string, text: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(text.trim())) {
    throw new ParameterError(`--${option} must be an integer in ${min}..${max}, got '${text}'`);
  }
  const n = Number(text);
  if (n < min || n > max) {
    throw new ParameterError(`--${option} must be in ${min}..${max}, got ${n}`);
  }
  return n;
}

/** One of `choices` (or every one for `all` when allowed). */
export function parseChoices(
  option: string,
  text: string,
  choices: readonly Choice[],
  allowAll: boolean,
): string[] {
  const names = choices.map((c) => c.value);
  if (allowAll && text === "all") return names;
  const picked = text.split(",").map((s) => s.trim());
  for (const p of picked) {
    if (!names.includes(p)) {
      const valid = allowAll ? [...names, "all"] : names;
      throw new ParameterError(`unknown ${option} '${p}'; valid: ${valid.join(", ")}`);
    }
  }
  return [...new Set(picked)];
}

/** Rejects parameters the model does not have. */
export function rejectUnknown(
  model: string,
  raw: RawParams,
  known: readonly ParameterSpec[],
): void {
  for (const [key, value] of Object.entries(raw)) {
    if (value !== undefined && !known.some((k) => k.name === key)) {
      const valid = known.map((k) => `--${k.name}`).join(", ") || "none";
      throw new ParameterError(
        `model ${model} has no parameter --${key}; its parameters: ${valid}`,
      );
    }
  }
}
