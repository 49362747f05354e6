#!/usr/bin/env node
// `npm run test:xarray-kernel`: the differential alone (vitest), then its summary as the last
// line: `xarray-kernel: N sequences, M ops, K mismatches`. Exit status: vitest's.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const summary = join(root, "node_modules/.cache/xarray-kernel/summary.txt");
rmSync(summary, { force: true });
const r = spawnSync("npx", ["vitest", "run", "test/xarray-kernel/"], {
  cwd: root,
  stdio: "inherit",
});
let line = "xarray-kernel: no summary (the differential did not run)";
try {
  line = readFileSync(summary, "utf8").trim();
} catch {}
console.log(line);
process.exit(r.status ?? 1);
