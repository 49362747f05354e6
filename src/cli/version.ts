/** The tool's version, from package.json (read once, at start-up). */
import { readFileSync } from "node:fs";

function readVersion(): string {
  for (const rel of ["../../package.json", "../../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "swapcheck" && pkg.version) return pkg.version;
    } catch {
      // Try the next location: sources (src/cli) and the build (dist/src/cli) differ in depth.
    }
  }
  return "0.0.0";
}

export const TOOL_VERSION = readVersion();
