/**
 * Bad input: one line on stderr naming the problem (and the valid choices
 * where there are some), exit status 2, nothing on stdout, no file written.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectBadInput, runCli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "swapcheck-bad-"));
const out = join(dir, "out.json");
writeFileSync(join(dir, "empty.json"), "");
writeFileSync(join(dir, "truncated.json"), '{"#meta": {"format": "swapcheck-itf"');
writeFileSync(join(dir, "array.json"), "[1, 2]");
writeFileSync(
  join(dir, "other-model.json"),
  JSON.stringify({
    "#meta": {
      format: "swapcheck-itf",
      formatVersion: 1,
      model: "nope",
      modelVersion: 1,
      params: {},
      loopStart: null,
    },
    vars: [],
    states: [{ "#meta": { stepIndex: 0 } }],
  }),
);

const CASES: [string, string[], RegExp][] = [
  [
    "unknown command",
    ["frob"],
    /unknown command 'frob'; valid: check, prove, list, replay, simulate/,
  ],
  ["no command", [], /name a command/],
  ["unknown option", ["check", "--bogus"], /unknown option --bogus; see swapcheck check --help/],
  [
    "a word after the command",
    ["check", "foo"],
    /unexpected argument 'foo': swapcheck check takes options only/,
  ],
  ["an unknown short option", ["check", "-x"], /unknown option -x; see swapcheck check --help/],
  [
    "misspelt option",
    ["check", "--varient", "head-only"],
    /unknown option --varient; did you mean --variant\?/,
  ],
  [
    "misspelt bound (one name, not its camelCase twin)",
    ["simulate", "--max-sconds", "2"],
    /^swapcheck: unknown option --max-sconds; did you mean --max-seconds\?\n$/,
  ],
  [
    "another model's parameter",
    ["check", "--model", "peterson", "--order", "2"],
    /model peterson has no parameter --order \(migrate-swapcache has\); its parameters: none/,
  ],
  [
    "prove a model without a proof",
    ["prove", "--model", "peterson"],
    /model peterson has no proof/,
  ],
  [
    "list an unknown model",
    ["list", "--model", "nope"],
    /unknown model 'nope'; valid: migrate-swapcache/,
  ],
  [
    "a run that checks nothing",
    ["check", "--variant", "head-only", "--invariants", "none", "--no-deadlock"],
    /nothing to check: no invariant, no deadlock check and no liveness property/,
  ],
  [
    "a toy run that checks nothing",
    ["check", "--model", "counter-grid", "--no-deadlock"],
    /nothing to check/,
  ],
  [
    "simulate: max seconds not a number",
    ["simulate", "--max-seconds", "abc"],
    /--max-seconds must be a number > 0 .*got 'abc'/,
  ],
  [
    "max seconds 0",
    ["check", "--max-seconds", "0"],
    /--max-seconds must be a number > 0 .*got '0'/,
  ],
  [
    "max states 0",
    ["check", "--max-states", "0"],
    /--max-states must be a whole number > 0 .*got '0'/,
  ],
  [
    "a property a parameter adds",
    ["check", "--property", "bounded-spin"],
    /property 'bounded-spin' is only checked with --bounded-spin N/,
  ],
  ["empty range", ["check", "--order", "3..1"], /--order: empty range '3\.\.1'/],
  ["range out of bounds", ["check", "--order", "1..9"], /--order must be in 1\.\.5, got 6/],
  ["unknown model", ["check", "--model", "nope"], /unknown model 'nope'; valid: migrate-swapcache/],
  [
    "unknown variant",
    ["check", "--variant", "frob"],
    /unknown variant 'frob'; valid: per-page, head-only, .*all/,
  ],
  [
    "unknown mapping",
    ["check", "--mapping", "x"],
    /unknown mapping 'x'; valid: anon-swap, shmem, file, legacy-pagecache, all/,
  ],
  [
    "unknown thread",
    ["check", "--threads", "bogus"],
    /unknown thread 'bogus'; valid: reclaim-dst, reuse/,
  ],
  [
    "unknown invariant",
    ["check", "--invariants", "nope"],
    /unknown invariant 'nope'; valid: no-use-after-free/,
  ],
  [
    "unknown property",
    ["check", "--property", "nope"],
    /unknown property 'nope'; valid: .*lookup-progress/,
  ],
  ["order 0", ["check", "--order", "0"], /--order must be in 1\.\.5, got 0/],
  ["order too big", ["check", "--order", "9"], /--order must be in 1\.\.5, got 9/],
  [
    "order not an integer",
    ["check", "--order", "2.5"],
    /--order must be an integer in 1\.\.5, got '2\.5'/,
  ],
  ["order a word", ["check", "--order", "two"], /--order must be an integer/],
  ["chunk shift 0", ["check", "--chunk-shift", "0"], /--chunk-shift must be in 1\.\.6/],
  ["chunk shift 7", ["check", "--chunk-shift", "7"], /--chunk-shift must be in 1\.\.6/],
  [
    "swapin page outside the folio",
    ["check", "--swapin-page", "4"],
    /--swapin-page must be in 0\.\.3, got 4/,
  ],
  [
    "swapin page outside an order-1 folio",
    ["check", "--order", "1", "--swapin-page", "2"],
    /--swapin-page must be in 0\.\.1/,
  ],
  ["swapins 0", ["check", "--swapins", "0"], /--swapins must be in 1\.\.8/],
  [
    "bounded spin too large",
    ["check", "--bounded-spin", "99"],
    /--bounded-spin must be in 0\.\.20/,
  ],
  [
    "distinct pages beyond the folio",
    ["check", "--order", "1", "--swapins", "3", "--swapin-page", "distinct"],
    /3 swap-ins need 3 pages, an order-1 folio has 2/,
  ],
  [
    "symmetry with distinct pages",
    ["check", "--swapins", "2", "--swapin-page", "distinct", "--symmetry", "on"],
    /contradicts --swapin-page distinct/,
  ],
  [
    "partial-order reduction with liveness",
    ["check", "--por", "--liveness"],
    /--por is for invariants only/,
  ],
  [
    "partial-order reduction on a model without footprints",
    ["check", "--model", "peterson", "--por"],
    /--por needs a model that declares footprints; peterson does not/,
  ],
  [
    "partial-order reduction with a preemption bound",
    ["check", "--por", "--max-preemptions", "2"],
    /--por and --max-preemptions cannot be combined/,
  ],
  [
    "no workers",
    ["check", "--workers", "0"],
    /--workers must be a whole number from 1 to 64, got 0/,
  ],
  [
    "workers with liveness and exact states",
    ["check", "--workers", "2", "--liveness", "--exact"],
    /--workers cannot be combined with --liveness, --exact/,
  ],
  [
    "unknown symmetry",
    ["check", "--symmetry", "maybe"],
    /unknown symmetry 'maybe'; valid: off, on/,
  ],
  [
    "symmetry with liveness",
    ["check", "--liveness", "--symmetry", "on"],
    /not sound for the per-thread progress/,
  ],
  [
    "preemptions not whole",
    ["check", "--max-preemptions", "1.5"],
    /--max-preemptions must be a whole number ≥ 0 .*got '1\.5'/,
  ],
  [
    "negative max states",
    ["check", "--max-states", "-5"],
    /--max-states must be a whole number > 0 .*got '-5'/,
  ],
  [
    "max seconds not a number",
    ["check", "--max-seconds", "soon"],
    /--max-seconds must be a number > 0 .*got 'soon'/,
  ],
  ["missing option value", ["check", "--variant"], /Not enough arguments following: variant/],
  [
    "model parameter on a toy",
    ["check", "--model", "peterson", "--variant", "head-only"],
    /model peterson has no parameter --variant/,
  ],
  [
    "legacy-backing without legacy mapping",
    ["check", "--legacy-backing", "file"],
    /--legacy-backing only applies to --mapping legacy-pagecache/,
  ],
  [
    "invariants and property together",
    ["check", "--invariants", "cache-integrity", "--property", "cache-integrity"],
    /contradict/,
  ],
  [
    "fairness without liveness",
    ["check", "--fairness", "none"],
    /--fairness only applies to liveness/,
  ],
  [
    "unknown fairness",
    ["check", "--liveness", "--fairness", "strong"],
    /unknown fairness 'strong'; valid: weak, none/,
  ],
  [
    "json with full states",
    ["check", "--json", "--full-states"],
    /--json contradicts --full-states/,
  ],
  [
    "trace-out into a missing folder",
    ["check", "--trace-out", join(dir, "no/such/t.json")],
    /does not exist/,
  ],
  ["replay: missing file", ["replay", join(dir, "missing.json")], /missing\.json: no such file/],
  ["replay: a folder", ["replay", dir], /is a folder/],
  ["replay: empty file", ["replay", join(dir, "empty.json")], /not a JSON document/],
  ["replay: truncated file", ["replay", join(dir, "truncated.json")], /not a JSON document/],
  [
    "replay: wrong schema",
    ["replay", join(dir, "array.json")],
    /not a swapcheck trace: the top level is not an object/,
  ],
  ["replay: another model", ["replay", join(dir, "other-model.json")], /unknown model 'nope'/],
  ["replay: no file named", ["replay"], /Not enough non-option arguments/],
];

describe("bad input: one line, exit 2, nothing written", () => {
  it("has at least 25 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
  });

  it.each(CASES)("%s", async (_what, argv, message) => {
    const before = readdirSync(dir).sort();
    const r = await runCli(
      ...argv,
      ...(argv[0] === "check" && !argv.includes("--trace-out") ? ["--trace-out", out] : []),
    );
    expectBadInput(r, message);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});
