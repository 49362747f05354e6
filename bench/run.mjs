#!/usr/bin/env node
/**
 * The search benchmark: `npm run bench` (after `npm run build`; it runs the
 * built dist/). Not a test: it prints numbers and never fails on them.
 *
 * Each configuration runs in a fresh child process, so that its peak RSS is
 * its own, and prints: distinct states, transitions, seconds (wall, and CPU
 * of the whole process, garbage collector threads included), states per
 * second, bytes per stored state (the seen-set's typed arrays divided by the
 * states) and peak RSS. Speeds are also given as a ratio to the baseline
 * configuration measured in the same run, which is how speed is compared
 * (never against a fixed number: machines differ).
 *
 * A configuration that a bound (--max-seconds, default 180, or the memory
 * bound the CLI also uses: 85% of V8's heap limit) cuts short is reported
 * as incomplete: nothing is proved for it.
 *
 *   node bench/run.mjs [--max-seconds N] [--only NAME[,NAME...]] [--json] [--against DIR]
 *
 * `--against DIR` also runs every configuration on another build (a
 * checkout of another commit with its own dist/, e.g. made with
 * `git worktree add DIR COMMIT && (cd DIR && npm ci)`), alternating the
 * two, and prints each row's CPU time as a ratio to the other build's:
 * how a change moves speed, measured in one run on one machine.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { getHeapStatistics } from "node:v8";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIST_HERE = new URL("../dist/", import.meta.url);
const DIST = DIST_HERE;

/**
 * The configurations. Unless a row names another variant, each explores the
 * fixed store (swapcache-check), which holds: the search is complete (or
 * cut by the time bound), never stopped early by a counterexample. All run
 * the compiled model the CLI runs (models/migrate-swapcache/compiled.ts),
 * except the `-object` row, which runs the object model it is built from.
 */
/**
 * The rows were set before the default became the seed's scenario: each
 * keeps its configuration (reuse of freed frames: --reason demotion; one
 * swap-in on any page unless the row says otherwise).
 */
const FIX = { variant: "swapcache-check", reason: "demotion", "swapin-page": "all", swapins: "1" };
const K4 = {
  ...FIX,
  order: "4",
  "chunk-shift": "2",
  swapins: "4",
  "swapin-page": "distinct",
};
const VARIANT_NAMES = [
  "per-page",
  "head-only",
  "sibling-check",
  "swapbacked-check",
  "swapcache-check",
];
const CONFIGS = [
  {
    name: "baseline",
    what: "order 2, 1 swap-in, reclaim-dst, reuse (--reason demotion), swapcache-check",
    params: FIX,
  },
  {
    name: "seed-default",
    what: "the CLI's default, the seed's scenario (2 swap-ins on pages 0, 1; offline; reclaim-dst), swapcache-check",
    params: { variant: "swapcache-check" },
  },
  {
    name: "seed-default-check",
    what: "`swapcheck check --liveness` as a user runs it: the seed's scenario, every variant, every property with its own counterexample",
    cli: ["check", "--liveness"],
  },
  {
    name: "all-lookups",
    what: "order 1, 1 swap-in, reclaim-dst + every lookup thread (swapoff, zap, mincore), swapcache-check",
    params: {
      variant: "swapcache-check",
      order: "1",
      swapins: "1",
      threads: "reclaim-dst,swapoff,zap,mincore",
    },
  },
  {
    name: "k3-s2",
    what: "order 3, 2 swap-ins, reclaim-dst,reuse, swapcache-check",
    params: { ...FIX, order: "3", swapins: "2" },
  },
  {
    name: "k3-s2-object",
    what: "k3-s2 on the object model (no packed states, no memoised steps)",
    params: { ...FIX, order: "3", swapins: "2" },
    object: true,
  },
  {
    name: "k3-s2-sym",
    what: "k3-s2 with --symmetry on (swap-ins interchangeable)",
    params: { ...FIX, order: "3", swapins: "2", symmetry: "on" },
  },
  {
    name: "k3-s5-distinct",
    what: "order 3, 5 swap-ins on pages 0..4 (--swapin-page distinct): the issue's SPIN comparison",
    params: { ...FIX, order: "3", swapins: "5", "swapin-page": "distinct" },
  },
  {
    name: "k3-s5-distinct-por",
    what: "k3-s5-distinct with partial-order reduction (--por)",
    params: { ...FIX, order: "3", swapins: "5", "swapin-page": "distinct" },
    partialOrder: true,
  },
  {
    name: "k3-s5-distinct-w2",
    what: "k3-s5-distinct with 2 worker threads (--workers 2)",
    params: { ...FIX, order: "3", swapins: "5", "swapin-page": "distinct" },
    workers: 2,
  },
  {
    name: "k3-s5-distinct-por-w2",
    what: "k3-s5-distinct with --por and --workers 2",
    params: { ...FIX, order: "3", swapins: "5", "swapin-page": "distinct" },
    partialOrder: true,
    workers: 2,
  },
  {
    name: "k3-s4",
    what: "order 3, 4 swap-ins, each on any page (--swapin-page all)",
    params: { ...FIX, order: "3", swapins: "4" },
  },
  {
    name: "k3-s4-sym",
    what: "k3-s4 with --symmetry on",
    params: { ...FIX, order: "3", swapins: "4", symmetry: "on" },
  },
  ...VARIANT_NAMES.map((variant) => ({
    name: `k4-s4-${variant}`,
    what: `order 4, chunk shift 2, 4 swap-ins on pages 0..3, reclaim-dst,reuse, ${variant}`,
    params: { ...K4, variant },
  })),
];

/** Each reduction against the unreduced search of the same configuration, measured in the same run. */
const REDUCTIONS = [
  { name: "compiled model", reduced: "k3-s2", full: "k3-s2-object" },
  { name: "symmetry", reduced: "k3-s2-sym", full: "k3-s2" },
  { name: "symmetry", reduced: "k3-s4-sym", full: "k3-s4" },
  { name: "partial-order", reduced: "k3-s5-distinct-por", full: "k3-s5-distinct" },
  { name: "2 workers", reduced: "k3-s5-distinct-w2", full: "k3-s5-distinct" },
  { name: "por + 2 workers", reduced: "k3-s5-distinct-por-w2", full: "k3-s5-distinct" },
];

function reductionLines(rows) {
  const lines = ["reductions (each against the unreduced search in this run):"];
  for (const r of REDUCTIONS) {
    const a = rows.find((x) => x.name === r.reduced);
    const b = rows.find((x) => x.name === r.full);
    if (!a || !b) continue;
    if (a.verdict === "incomplete" || b.verdict === "incomplete") {
      lines.push(`  ${r.name}: ${a.name} vs ${b.name}: not compared (a search is incomplete)`);
      continue;
    }
    lines.push(
      `  ${r.name}: ${a.name} vs ${b.name}: ${(b.distinctStates / a.distinctStates).toFixed(2)}x fewer states, ` +
        `${(b.seconds / a.seconds).toFixed(2)}x faster, ` +
        (a.verdict === b.verdict
          ? `same verdict (${a.verdict})`
          : `VERDICTS DIFFER: ${a.verdict} vs ${b.verdict}`),
    );
  }
  return lines;
}

/** Each row against the same configuration on the other build (--against). */
function againstLines(rows, other) {
  return other.map((o) => {
    const r = rows.find((x) => x.name === o.name);
    const same = r.distinctStates === o.distinctStates && r.verdict === o.verdict;
    return (
      `  ${o.name.padEnd(24)} cpu ${fmt.s(r.cpuSeconds)} s vs ${fmt.s(o.cpuSeconds)} s: ` +
      `${(r.cpuSeconds / o.cpuSeconds).toFixed(2)}x the other's CPU time; ` +
      `RSS ${fmt.mb(r.maxRssBytes)} vs ${fmt.mb(o.maxRssBytes)} MB; ` +
      (same
        ? `same states (${fmt.int(r.distinctStates)})`
        : `STATES DIFFER: ${r.distinctStates} vs ${o.distinctStates}`)
    );
  });
}

function parseArgs(argv) {
  const args = { maxSeconds: 180, only: null, json: false, child: null, against: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--max-seconds") args.maxSeconds = Number(argv[++i]);
    else if (a === "--only") args.only = argv[++i].split(",");
    else if (a === "--json") args.json = true;
    else if (a === "--child") args.child = JSON.parse(argv[++i]);
    else if (a === "--against") args.against = argv[++i];
    else throw new Error(`bench: unknown argument ${a}`);
  }
  if (!(args.maxSeconds > 0)) throw new Error("bench: --max-seconds must be positive");
  return args;
}

/**
 * In the child, for a row that measures a whole command (`cli`): the
 * command run in-process with --json, its runs' states summed, the CPU
 * time of the whole command (every variant and every property).
 */
async function runCliChild({ cli, DIST }) {
  const { main } = await import(new URL("src/cli/main.js", DIST).href);
  let text = "";
  const io = {
    out: (t) => {
      text += t;
    },
    err: () => {},
    stdoutIsTTY: false,
    stderrIsTTY: false,
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const status = await main([...cli, "--json"], io);
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  if (status !== 0 && status !== 1) throw new Error(`bench: ${cli.join(" ")} exited ${status}`);
  const runs = JSON.parse(text).runs;
  const sum = (f) => runs.reduce((n, r) => n + f(r.stats), 0);
  const distinctStates = sum((s) => s.distinctStates);
  return {
    title: `swapcheck ${cli.join(" ")}`,
    verdict: runs.some((r) => r.verdict === "violated") ? "violated" : runs[0].verdict,
    incompleteReason: runs.find((r) => r.incompleteReason)?.incompleteReason ?? null,
    distinctStates,
    transitions: sum((s) => s.transitions),
    depth: Math.max(...runs.map((r) => r.stats.depth)),
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    statesPerSecond: distinctStates / seconds,
    storeBytes: 0,
    bytesPerState: 0,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

/** In the child: one search, one JSON line on stdout. */
async function runChild({ params, maxSeconds, object, partialOrder, workers, dist, cli }) {
  const DIST = dist ? new URL(dist) : DIST_HERE;
  if (cli) {
    process.stdout.write(`${JSON.stringify(await runCliChild({ cli, DIST }))}\n`);
    return;
  }
  const registryUrl = new URL("models/registry.js", DIST).href;
  const { findModel } = await import(registryUrl);
  const { migrateSwapcacheModel } = await import(
    new URL("models/migrate-swapcache/index.js", DIST).href
  );
  const { search, searchParallel } = await import(new URL("src/engine/index.js", DIST).href);
  const runs = findModel("migrate-swapcache").configure(params);
  if (runs.length !== 1) throw new Error(`bench: ${runs.length} runs for one configuration`);
  const cpu0 = process.cpuUsage();
  // As the CLI does: stop (incomplete) before V8's heap limit rather than crash.
  const maxMemoryBytes = Math.floor(0.85 * getHeapStatistics().heap_size_limit);
  const compiled = runs[0].model;
  const model = object
    ? migrateSwapcacheModel(runs[0].declared?.decl.config.params ?? compiled.setup.params)
    : compiled;
  const options = { maxSeconds, maxMemoryBytes, partialOrder: partialOrder === true };
  const entry = findModel("migrate-swapcache");
  const spec = {
    module: registryUrl,
    export: "workerModel",
    args: [
      entry.name,
      runs[0].raw,
      0,
      model.properties.map((p) => p.name),
      entry.shareWithWorkers(),
    ],
  };
  const r = workers
    ? await searchParallel(model, spec, { ...options, workers })
    : search(model, options);
  const cpu = process.cpuUsage(cpu0);
  const s = r.stats;
  const out = {
    title: runs[0].title,
    verdict: r.verdict,
    incompleteReason: r.incompleteReason,
    distinctStates: s.distinctStates,
    transitions: s.transitions,
    depth: s.depth,
    seconds: s.seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    statesPerSecond: s.statesPerSecond,
    storeBytes: s.storeBytes,
    bytesPerState: s.storeBytes / s.distinctStates,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function runConfig(config, maxSeconds, dist) {
  const child = spawnSync(
    process.execPath,
    [fileURLToPath(import.meta.url), "--child", JSON.stringify({ ...config, maxSeconds, dist })],
    { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 20 },
  );
  if (child.status !== 0) {
    throw new Error(`bench: ${config.name} failed (${child.status}):\n${child.stderr}`);
  }
  return JSON.parse(child.stdout.trim().split("\n").at(-1));
}

function machine() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model ?? "unknown",
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

const fmt = {
  int: (n) => n.toLocaleString("en-US"),
  s: (n) => n.toFixed(2),
  mb: (n) => (n / 2 ** 20).toFixed(0),
};

function table(rows) {
  const head = [
    "config",
    "verdict",
    "states",
    "transitions",
    "seconds",
    "cpu s",
    "states/s",
    "× baseline",
    "B/state",
    "peak RSS MB",
  ];
  const base = rows.find((r) => r.name === "baseline");
  const body = rows.map((r) => [
    r.name,
    r.verdict === "incomplete" ? `incomplete (${r.incompleteReason})` : r.verdict,
    fmt.int(r.distinctStates),
    fmt.int(r.transitions),
    fmt.s(r.seconds),
    fmt.s(r.cpuSeconds),
    fmt.int(Math.round(r.statesPerSecond)),
    base ? (r.statesPerSecond / base.statesPerSecond).toFixed(2) : "-",
    r.bytesPerState.toFixed(1),
    fmt.mb(r.maxRssBytes),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) =>
    cells.map((c, i) => (i < 2 ? c.padEnd : c.padStart).call(c, widths[i])).join("  ");
  return [line(head), ...body.map(line)].join("\n");
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) return runChild(args.child);
  if (!existsSync(new URL("src/engine/index.js", DIST))) {
    throw new Error("bench: dist/ is missing: run `npm run build` first");
  }
  const configs = CONFIGS.filter((c) => !args.only || args.only.includes(c.name));
  const rows = [];
  const other = [];
  const againstDist = args.against
    ? new URL("dist/", pathToFileURL(`${args.against.replace(/\/$/, "")}/`)).href
    : null;
  for (const config of configs) {
    if (!args.json) process.stderr.write(`bench: ${config.name}: ${config.what} ...\n`);
    if (againstDist && !config.object) {
      other.push({ name: config.name, ...runConfig(config, args.maxSeconds, againstDist) });
    }
    rows.push({ name: config.name, what: config.what, ...runConfig(config, args.maxSeconds) });
  }
  const info = machine();
  if (args.json) {
    process.stdout.write(
      `${JSON.stringify({ machine: info, maxSeconds: args.maxSeconds, rows }, null, 2)}\n`,
    );
    return;
  }
  const lines = [
    `machine: ${info.cores} cores (${info.cpu}), ${info.memoryGiB} GiB, Node ${info.node}, ${info.platform}`,
    `bound: --max-seconds ${args.maxSeconds} per configuration (incomplete rows prove nothing)`,
    "",
    ...rows.map((r) => `${r.name.padEnd(10)} ${r.what}`),
    "",
    table(rows),
    "",
    ...reductionLines(rows),
    ...(args.against
      ? ["", `against ${args.against} (run alternately in this run):`, ...againstLines(rows, other)]
      : []),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
