/** Where the CLI writes: injectable so that tests run commands in-process. */
export interface Io {
  /** The result (stdout). */
  out(text: string): void;
  /** Errors and progress (stderr). */
  err(text: string): void;
  /** Whether stdout is a terminal (colour is only ever used there). */
  readonly stdoutIsTTY: boolean;
  /** Whether stderr is a terminal (progress lines only go there). */
  readonly stderrIsTTY: boolean;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
};

/** Colour on a terminal only, never with NO_COLOR (https://no-color.org) or --no-color. */
export function useColor(io: Io, flag: boolean | undefined): boolean {
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "";
  return flag !== false && io.stdoutIsTTY && !noColor;
}
