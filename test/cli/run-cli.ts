/** Runs the CLI in-process and captures what it writes. */
import { expect } from "vitest";
import type { Io } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";

export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(...argv: string[]): Promise<CliRun> {
  return runCliWith({}, ...argv);
}

/** As runCli, with a terminal of `columns` (or not), and every write to stdout in `writes`. */
export async function runCliWith(
  opts: { columns?: number; stdoutIsTTY?: boolean; writes?: string[] },
  ...argv: string[]
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const status = await main(argv, {
    out: (t) => {
      stdout += t;
      opts.writes?.push(t);
    },
    err: (t) => {
      stderr += t;
    },
    stdoutIsTTY: opts.stdoutIsTTY ?? false,
    stderrIsTTY: false,
    columns: opts.columns,
  });
  return { status, stdout, stderr };
}

/** Bad input: exit 2, one line on stderr matching `message` (no stack trace), nothing on stdout. */
export function expectBadInput(r: CliRun, message: RegExp): void {
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toBe("");
}

/** An Io that keeps what is written, for commands run in-process without runCli. */
export function capturedIo(): Io & { stdout(): string; stderr(): string } {
  let out = "";
  let err = "";
  return {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    stdout: () => out,
    stderr: () => err,
  };
}
