#!/usr/bin/env node
/**
 * Counts the lines of each model on the declared-state layer by category,
 * for the rule that at most 10 % of a model's lines is neither kernel path,
 * parameters nor state declaration (docs/adding-a-model.md says why):
 *
 * - kernel path: the thread modules (a file that declares a step table,
 *   `stepTable(`);
 * - parameters: params.ts;
 * - state: state.ts (the declared state, thread records, initial states);
 * - other: everything else (registration, the KernelView and variables,
 *   footprints, model-specific properties, glue).
 *
 * Blank lines and comments are not counted. Usage:
 *   node scripts/model-lines.mjs [--json] [MODEL_DIR...]
 * (default: every folder of models/ that has a state.ts).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const CATEGORIES = ["kernel path", "parameters", "state", "other"];
export const MAX_OTHER = 0.1;

/** The lines that are code: neither blank nor comment. */
export function codeLines(text) {
  let inBlock = false;
  let n = 0;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (inBlock) {
      if (line.includes("*/")) {
        inBlock = false;
        if (line.slice(line.indexOf("*/") + 2).trim() !== "") n++;
      }
      continue;
    }
    if (line === "" || line.startsWith("//")) continue;
    if (line.startsWith("/*")) {
      if (!line.includes("*/")) inBlock = true;
      else if (line.slice(line.indexOf("*/") + 2).trim() !== "") n++;
      continue;
    }
    n++;
  }
  return n;
}

export function categoryOf(file, text) {
  const name = basename(file);
  if (name === "params.ts") return "parameters";
  if (name === "state.ts") return "state";
  if (/\bstepTable\s*[<(]/.test(text)) return "kernel path";
  return "other";
}

/** One model folder: lines per category, per file. */
export function countModel(dir) {
  const totals = Object.fromEntries(CATEGORIES.map((c) => [c, 0]));
  const files = [];
  for (const name of readdirSync(dir).sort()) {
    const file = join(dir, name);
    if (!name.endsWith(".ts") || !statSync(file).isFile()) continue;
    const text = readFileSync(file, "utf8");
    const category = categoryOf(file, text);
    const lines = codeLines(text);
    totals[category] += lines;
    files.push({ file: relative(ROOT, file), category, lines });
  }
  const total = CATEGORIES.reduce((n, c) => n + totals[c], 0);
  return {
    model: basename(dir),
    totals,
    total,
    other: total === 0 ? 0 : totals.other / total,
    files,
  };
}

export function layerModels() {
  const dir = join(ROOT, "models");
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((d) => statSync(d).isDirectory() && existsSync(join(d, "state.ts")))
    .sort();
}

function table(rows) {
  const head = ["model", ...CATEGORIES, "total", "other %"];
  const body = rows.map((r) => [
    r.model,
    ...CATEGORIES.map((c) => String(r.totals[c])),
    String(r.total),
    `${(100 * r.other).toFixed(1)} %${r.other > MAX_OTHER ? " (over 10 %)" : ""}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [
    line(head),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...body.map(line),
  ].join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const json = args.includes("--json");
  const dirs = args.filter((a) => a !== "--json");
  const rows = (dirs.length > 0 ? dirs.map((d) => join(process.cwd(), d)) : layerModels()).map(
    countModel,
  );
  // A reader that stops early (| head) is not an error.
  process.stdout.on("error", (e) => {
    if (e.code !== "EPIPE") throw e;
  });
  const out = [];
  if (json) out.push(JSON.stringify(rows, null, 1));
  else {
    out.push(table(rows));
    for (const r of rows) {
      out.push("", `${r.model}:`);
      for (const f of r.files)
        out.push(`  ${f.file.padEnd(44)} ${f.category.padEnd(12)} ${f.lines}`);
    }
  }
  process.stdout.write(`${out.join("\n")}\n`);
}
