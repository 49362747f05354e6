/** `swapcheck list`: the models, their parameters and their properties. */
import type { CommandModule } from "yargs";
import { models } from "../../../models/registry.js";
import type { Io } from "../io.js";

export function listText(): string {
  const lines: string[] = [];
  for (const m of models()) {
    lines.push(`${m.name}: ${m.summary}`);
    for (const p of m.parameters) {
      lines.push(`  --${p.name} (default ${p.default}): ${p.description}`);
      for (const c of p.choices ?? []) lines.push(`      ${c.value.padEnd(18)} ${c.description}`);
    }
    if (m.threads.some((t) => t.description)) {
      lines.push("  threads:");
      for (const t of m.threads) lines.push(`      ${t.name.padEnd(18)} ${t.description}`);
    }
    if (m.properties.length > 0) lines.push("  properties:");
    for (const p of m.properties) lines.push(`      ${p.name.padEnd(18)} ${p.description}`);
    lines.push("");
  }
  return lines.join("\n");
}

export function listCommand(io: Io): CommandModule {
  return {
    command: "list",
    describe: "name the models, their variants, mappings, threads and invariants",
    builder: (y) => y.example("$0 list", "what can be checked, with one line on each"),
    handler: () => io.out(listText()),
  };
}
