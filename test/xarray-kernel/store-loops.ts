/**
 * The store loops of folio_migrate_mapping() over a shmem folio (a multi-index entry of order
 * k at index 2^k, as models/migrate-swapcache sets it up), run on the port and on lib/xarray.c,
 * and a verdict on what each leaves: the table of docs/xarray-kernel.md.
 */
import type { MigrateVariant, Op } from "./driver.js";

export const LOOPS: readonly { readonly variant: MigrateVariant; readonly name: string }[] = [
  { variant: "sc", name: "sibling-check" },
  { variant: "pp", name: "per-page" },
  { variant: "sb", name: "swapbacked-check" },
];
export const ORDERS = [1, 2, 3, 4, 5, 6, 7] as const;
export const TABLE_SHIFTS = [1, 2, 3, 4] as const;

/** The folio A (p1) as one order-k entry at 2^k, migrated to B (p999); then xa_get_order. */
export function storeLoopOps(variant: MigrateVariant, k: number): Op[] {
  const base = 2 ** k;
  return [
    { op: "st", index: base, order: k, entry: "p1" },
    { op: "mg", variant, index: base, order: k },
    { op: "go", index: base },
  ];
}

/**
 * What a driver's output (driver.c's or driver.ts's format) says about the entry after the
 * loop: "ok" when B is one well-formed order-k entry (a canonical slot in the node of shift
 * k - k mod S, 2^(k mod S) - 1 siblings naming it, every index of the range loading B,
 * xa_get_order k, node counters matching their slots); otherwise what is wrong.
 */
export function loopVerdict(output: string, S: number, k: number): string {
  const lines = output.trimEnd().split("\n");
  const last = lines[lines.length - 1]!;
  const bug = / -> ! (.*)$/.exec(last);
  if (bug) return `BUG: ${bug[1]}`;
  const base = 2 ** k;
  const problems: string[] = [];
  // Loads: B over [base, base + 2^k), nothing else.
  const want = `L ${base}-${base + 2 ** k - 1}:p999`;
  if (last !== want) {
    if (/:p1\b/.test(last)) problems.push("A left in some slots");
    else problems.push(`loads ${last.slice(2)}`);
  }
  // The final tree: the lines after the last step line ("2 go ...") up to the loads.
  const goAt = lines.findIndex((l) => l.startsWith("2 go "));
  const order = Number(/ -> (\d+) /.exec(lines[goAt]!)?.[1]);
  const nodes = lines.slice(goAt + 1, -1).filter((l) => l.startsWith("N "));
  const size = 2 ** S;
  const shift = k - (k % S);
  let shaped = false;
  let plain = 0;
  for (const n of nodes) {
    const m = /^N (\d+)@(\d+) off=\d+ cnt=(\d+) nv=(\d+) \[(.*)\]$/.exec(n);
    if (!m) continue;
    const slots = m[5]!.split(" ");
    const nonNull = slots.filter((e) => e !== "0").length;
    if (Number(m[3]) !== nonNull || Number(m[4]) !== 0) {
      problems.push(`counters (count ${m[3]}/${nonNull}, nr_values ${m[4]})`);
    }
    const nshift = Number(m[1]);
    const first = Number(m[2]);
    if (nshift !== shift || base < first || base >= first + size * 2 ** nshift) continue;
    const o = Math.floor(base / 2 ** nshift) % size;
    const nsibs = 2 ** (k % S) - 1;
    const range = slots.slice(o, o + nsibs + 1);
    plain = range.slice(1).filter((e) => e === "p999").length;
    shaped =
      range[0] === "p999" &&
      range.slice(1).every((e) => e === `s${o}`) &&
      slots[o + nsibs + 1] !== `s${o}`;
  }
  if (!shaped) {
    problems.push(plain > 0 ? `${plain} plain slot${plain > 1 ? "s" : ""}` : "not one entry");
  }
  if (order !== k) problems.push(`order ${order}`);
  return problems.length === 0 ? "ok" : `✗ ${[...new Set(problems)].join(", ")}`;
}
