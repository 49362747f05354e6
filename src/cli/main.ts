#!/usr/bin/env node
/**
 * The swapcheck command line. Each command is a plain yargs command object;
 * every command ends with a status: 0 ok, 1 violation, 2 bad usage or input,
 * 3 incomplete.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import yargs from "yargs";
import { DEFAULT_MODEL, type ModelEntry } from "../../models/registry.js";
import { ParameterError } from "../params.js";
import { checkCommand } from "./commands/check.js";
import { listCommand } from "./commands/list.js";
import { proveCommand } from "./commands/prove.js";
import { replayCommand } from "./commands/replay.js";
import { simulateCommand } from "./commands/simulate.js";
import { EXIT_USAGE } from "./exit-status.js";
import { installSignalHandlers } from "./interrupt.js";
import { type Io, outputWidth, processIo, useColor } from "./io.js";
import { entryNamed, MODEL_COMMANDS, modelOption, unknownOptionMessage } from "./model-options.js";
import { TOOL_VERSION } from "./version.js";

const COMMANDS = ["check", "prove", "list", "replay", "simulate", "completion"];

/** The command named on the command line: its first word that is not an option or `--model`'s value. */
function commandOf(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--model") i++;
    else if (!a.startsWith("-")) return a;
  }
  return undefined;
}

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
  // The model decides which parameters the command takes: read --model first.
  const command = commandOf(argv);
  let entry: ModelEntry;
  try {
    entry = entryNamed(
      command !== undefined && MODEL_COMMANDS.includes(command)
        ? (modelOption(argv) ?? DEFAULT_MODEL)
        : DEFAULT_MODEL,
    );
  } catch (err) {
    if (!(err instanceof ParameterError)) throw err;
    io.err(`swapcheck: ${err.message}\n`);
    return EXIT_USAGE;
  }
  const colorFlag = argv.includes("--no-color")
    ? false
    : argv.includes("--color")
      ? true
      : undefined;
  const cli = yargs([...argv])
    .scriptName("swapcheck")
    .command(checkCommand(io, setStatus, entry))
    .command(listCommand(io))
    .command(proveCommand(io, setStatus, entry))
    .command(simulateCommand(io, setStatus, entry))
    .command(replayCommand(io, setStatus, useColor(io, colorFlag)))
    .completion("completion", "print a bash/zsh completion script")
    .demandCommand(1, "name a command: check, prove, list, replay or simulate")
    .strict()
    .recommendCommands()
    .help()
    .version(TOOL_VERSION)
    .wrap(Math.min(120, outputWidth(io)))
    .exitProcess(false)
    .fail((msg, err, usage) => {
      // Throwing stops yargs before any handler runs. Its own usage errors
      // (YError) become ours; anything else is a real failure.
      if (err && err.name !== "YError") throw err;
      const unknown = /^Unknown arguments?: (.*)$/.exec(msg ?? "");
      if (unknown) {
        // The usage object yargs passes has the command's options as described ones.
        const described = usage as unknown as { getDescriptions?(): Record<string, unknown> };
        const known = Object.keys(described.getDescriptions?.() ?? {});
        const name = command !== undefined && COMMANDS.includes(command) ? command : "";
        throw new ParameterError(
          unknownOptionMessage(
            unknown[1]!.split(", "),
            known,
            name,
            MODEL_COMMANDS.includes(name) ? entry : null,
            argv,
          ),
        );
      }
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
  // A reader that stops early (`| head`): stop quietly, as other command-line tools do.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
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
