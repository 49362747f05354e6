/** Reading a schedule file for the CLI: a missing or unreadable file is bad input (exit 2). */
import { readFileSync } from "node:fs";
import { ParameterError } from "../params.js";
import { parseSchedule, type Schedule } from "./parse.js";

export function loadSchedule(path: string): Schedule {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder" : "cannot read it";
    throw new ParameterError(`--schedule ${path}: ${why}`);
  }
  return parseSchedule(path, text);
}
