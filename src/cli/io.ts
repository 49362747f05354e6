/** Where the CLI writes: injectable so that tests run commands in-process. */
export interface Io {
  /** The result (stdout). */
  out(text: string): void;
  /** Errors and progress (stderr). */
  err(text: string): void;
  /** Whether stdout is a terminal (colour is only ever used there, unless --color). */
  readonly stdoutIsTTY: boolean;
  /** Whether stderr is a terminal (progress lines only go there, unless --progress). */
  readonly stderrIsTTY: boolean;
  /** The terminal's width when stdout is one (traces are wrapped to it); else undefined. */
  readonly columns?: number | undefined;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  get columns() {
    return process.stdout.isTTY === true ? process.stdout.columns : undefined;
  },
};

/** The width traces and tables are wrapped to: the terminal's, else 100 (files, pipes). */
export function outputWidth(io: Io): number {
  const c = io.columns;
  return c !== undefined && Number.isFinite(c) && c >= 40 ? c : 100;
}

/**
 * Colour: `--color` forces it (into a pipe too); `--no-color` or NO_COLOR
 * (https://no-color.org) turn it off; otherwise only on a terminal.
 */
export function useColor(io: Io, flag: boolean | undefined): boolean {
  if (flag === true) return true;
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "";
  return flag !== false && io.stdoutIsTTY && !noColor;
}
