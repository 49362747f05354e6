// Compiles with tsc and makes the CLI executable (tsc writes 0644 files,
// and `npx swapcheck` runs dist/src/cli/main.js directly).
import { execFileSync } from "node:child_process";
import { chmodSync } from "node:fs";
import { createRequire } from "node:module";

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", "tsconfig.json"], { stdio: "inherit" });
chmodSync(new URL("../dist/src/cli/main.js", import.meta.url), 0o755);
