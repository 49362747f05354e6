/**
 * Output files (--trace-out, --html, --md): never overwrite what the user
 * has without --force, and write atomically (a temporary file in the same
 * folder, then rename) so an interrupted run leaves no half-written file.
 */
import { existsSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ParameterError } from "../params.js";

/** Fails before any work is done if `path` exists and may not be overwritten. */
export function checkWritable(option: string, path: string, force: boolean): void {
  if (existsSync(path) && !force) {
    throw new ParameterError(`${option} ${path}: file exists; add --force to overwrite it`);
  }
  if (!existsSync(dirname(path) || ".")) {
    throw new ParameterError(`${option} ${path}: folder ${dirname(path)} does not exist`);
  }
}

export function writeOutputFile(
  option: string,
  path: string,
  content: string,
  force: boolean,
): void {
  checkWritable(option, path, force);
  const tmp = join(dirname(path), `.${basename(path)}.swapcheck-tmp-${process.pid}`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    const why = err instanceof Error ? err.message : String(err);
    throw new ParameterError(`${option} ${path}: cannot write: ${why}`);
  }
}
