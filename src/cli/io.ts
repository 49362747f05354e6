/** Where the CLI writes: injectable so that tests run commands in-process. */
export interface Io {
  /** The result (stdout). */
  out(text: string): void;
  /** Errors and progress (stderr). */
  err(text: string): void;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};
