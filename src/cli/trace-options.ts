/** The output options `check` and `simulate` share: JSON, trace files, how traces print. */
import type { Argv } from "yargs";

export function withTraceOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option("json", { type: "boolean", default: false, describe: "print one JSON document" })
    .option("trace-out", {
      type: "string",
      requiresArg: true,
      describe: "write the first counterexample as a JSON trace (for `swapcheck replay`)",
    })
    .option("force", {
      type: "boolean",
      default: false,
      describe: "overwrite an existing output file",
    })
    .option("full-states", {
      type: "boolean",
      default: false,
      describe: "print whole states under each step instead of what changed",
    })
    .option("color", {
      type: "boolean",
      describe:
        "colour: --color forces it (into a pipe too), --no-color never; default: on a terminal without NO_COLOR",
    }) as unknown as Argv<T>;
}
