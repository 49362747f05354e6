#!/usr/bin/env node
/**
 * The swapcheck command line. Each command is a plain yargs command object;
 * every command ends with a status: 0 ok, 1 violation, 2 bad usage or input,
 * 3 incomplete.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import yargs from "yargs";
import { ParameterError } from "../params.js";
import { checkCommand } from "./commands/check.js";
import { listCommand } from "./commands/list.js";
import { proveCommand } from "./commands/prove.js";
import { replayCommand } from "./commands/replay.js";
import { simulateCommand } from "./commands/simulate.js";
import { EXIT_USAGE } from "./exit-status.js";
import { installSignalHandlers } from "./interrupt.js";
import { type Io, processIo, useColor } from "./io.js";
import { TOOL_VERSION } from "./version.js";

const COMMANDS = ["check", "prove", "list", "replay", "simulate", "completion"];

/** Runs the CLI on `argv` (without node and script) and returns the exit status. */
export async function main(
  argv: readonly string[],
  io: Io = processIo,
  debug = false,
): Promise<number> {
  const first = argv[0];
  if (first !== undefined && !first.startsWith("-") && !COMMANDS.includes(first)) {
    io.err(`swapcheck: unknown command '${first}'; valid: ${COMMANDS.slice(0, -1).join(", ")}\n`);
    return EXIT_USAGE;
  }
  let status = 0;
  const setStatus = (n: number) => {
    status = n;
  };
  const cli = yargs([...argv])
    .scriptName("swapcheck")
    .command(checkCommand(io, setStatus))
    .command(listCommand(io))
    .command(proveCommand(io, setStatus))
    .command(simulateCommand(io, setStatus))
    .command(replayCommand(io, setStatus, useColor(io, !argv.includes("--no-color"))))
    .completion("completion", "print a bash/zsh completion script")
    .demandCommand(1, "name a command: check, prove, list, replay or simulate")
    .strict()
    .recommendCommands()
    .help()
    .version(TOOL_VERSION)
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((msg, err) => {
      // Throwing stops yargs before any handler runs. Its own usage errors
      // (YError) become ours; anything else is a real failure.
      if (err && err.name !== "YError") throw err;
      throw new ParameterError(msg ?? err?.message ?? "bad usage");
    })
    .showHelpOnFail(false);
  try {
    let helpOut = "";
    await cli.parseAsync([...argv], {}, (_err, _argv, output) => {
      helpOut = output;
    });
    if (helpOut) io.out(`${helpOut}\n`);
  } catch (err) {
    if (err instanceof ParameterError) {
      io.err(`swapcheck: ${err.message}\n`);
      if (debug) io.err(`${err.stack}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
  return status;
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const debug = process.argv.includes("--debug");
  installSignalHandlers();
  main(
    process.argv.slice(2).filter((a) => a !== "--debug"),
    processIo,
    debug,
  ).then(
    (status) => {
      process.exitCode = status;
    },
    (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`swapcheck: internal error: ${message}\n`);
      if (debug && err instanceof Error) process.stderr.write(`${err.stack}\n`);
      process.exitCode = 70;
    },
  );
}
