/**
 * The state as a picture for the HTML inspector, drawn only from a run's
 * variables (their names and values, never the model's internals): the
 * xarray's slots (`slot 4`, `slot 4..7`) as the leaves of its tree, with
 * the nodes above them grouped by the chunk shift when the run's
 * parameters give one (`chunkShift`); the page table (`pte 0`); and each
 * folio (`A.refcount`, `A.flags`, ...) as a frame with its refcount, flags
 * and the rest of its fields. Slots and PTEs naming a folio (`A`,
 * `A[2]`, `migr(B[0])`) take its colour. What the step changed is
 * highlighted. A state without such variables (a toy model) has no picture.
 */
import type { Variable } from "../../engine/index.js";

/** Escapes text for SVG content and attributes. */
function esc(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

interface Slot {
  readonly first: number;
  readonly last: number;
  readonly name: string;
  readonly value: string;
}

interface Folio {
  readonly name: string;
  readonly fields: ReadonlyMap<string, Variable>;
}

/** Folio colours (fill, stroke), by the folio's order of appearance. */
const FOLIO_COLOURS = [
  ["#dbe9ff", "#2f6fd6"],
  ["#ffe3cc", "#d66a00"],
  ["#dcf5dc", "#2e8b3a"],
  ["#f2dcf7", "#8a3aa6"],
  ["#fde0e0", "#c02a2a"],
  ["#e6e6e6", "#555555"],
] as const;

const SLOT_W = 64;
const CELL_H = 34;
const NODE_H = 20;
const GAP = 18;

export interface PictureParts {
  readonly slots: readonly Slot[];
  readonly ptes: readonly {
    readonly index: number;
    readonly name: string;
    readonly value: string;
  }[];
  readonly folios: readonly Folio[];
  readonly lock: Variable | null;
}

/** The parts of the picture the variables name (none: no picture). */
export function pictureParts(vars: readonly Variable[]): PictureParts | null {
  const slots: Slot[] = [];
  const ptes: { index: number; name: string; value: string }[] = [];
  const objects = new Map<string, Map<string, Variable>>();
  let lock: Variable | null = null;
  for (const v of vars) {
    if (v.local) continue;
    const slot = /^slot (\d+)(?:\.\.(\d+))?$/.exec(v.name);
    const pte = /^pte (\d+)$/.exec(v.name);
    const field = /^([A-Za-z][\w-]*)\.([\w-]+)$/.exec(v.name);
    if (slot) {
      const first = Number(slot[1]);
      slots.push({ first, last: Number(slot[2] ?? first), name: v.name, value: v.value });
    } else if (pte) {
      ptes.push({ index: Number(pte[1]), name: v.name, value: v.value });
    } else if (field) {
      const fields = objects.get(field[1]!) ?? new Map<string, Variable>();
      fields.set(field[2]!, v);
      objects.set(field[1]!, fields);
    } else if (v.name === "xa_lock") {
      lock = v;
    }
  }
  // A folio is an object with a refcount or flags.
  const folios = [...objects]
    .filter(([, f]) => f.has("refcount") || f.has("flags"))
    .map(([name, fields]) => ({ name, fields }));
  if (slots.length === 0 && ptes.length === 0 && folios.length === 0) return null;
  slots.sort((a, b) => a.first - b.first);
  ptes.sort((a, b) => a.index - b.index);
  return { slots, ptes, folios, lock };
}

/** The folio a slot's or PTE's value names (`A`, `A (freed!)`, `A[2]`, `migr(B[0])`), if any. */
function folioNamed(value: string, folios: readonly Folio[]): number {
  const m = /^(?:migr\()?([A-Za-z][\w-]*)(?:\[\d+\])?\)?(?: \(.*\))?$/.exec(value);
  return m ? folios.findIndex((f) => f.name === m[1]) : -1;
}

/** A box with a label above its value; highlighted when `changed`. */
function cell(
  x: number,
  y: number,
  w: number,
  label: string,
  value: string,
  changed: boolean,
  colour: number,
  testid: string,
): string {
  const [fill, stroke] =
    colour >= 0 ? FOLIO_COLOURS[colour % FOLIO_COLOURS.length]! : ["#ffffff", "#9a9a9a"];
  const chars = Math.max(3, Math.floor((w - 6) / 6.6));
  const shown = value.length > chars ? `${value.slice(0, chars - 1)}…` : value;
  return [
    `<g data-testid="${esc(testid)}" data-changed="${changed}" data-value="${esc(value)}">`,
    `<title>${esc(`${label}: ${value}${changed ? " (changed by this step)" : ""}`)}</title>`,
    `<rect x="${x}" y="${y}" width="${w}" height="${CELL_H}" rx="3" fill="${changed ? "#ffe08a" : fill}" stroke="${changed ? "#b58100" : stroke}" stroke-width="${changed ? 2.5 : 1}"/>`,
    `<text x="${x + w / 2}" y="${y + 12}" class="pic-label">${esc(label)}</text>`,
    `<text x="${x + w / 2}" y="${y + 27}" class="pic-value">${esc(shown)}</text>`,
    `</g>`,
  ].join("");
}

/** The xarray: its slots as leaves, the nodes above them by chunk shift; returns [svg, height]. */
function xarrayPicture(
  parts: PictureParts,
  changed: ReadonlySet<string>,
  chunkShift: number | null,
  top: number,
): [string, number, number] {
  const { slots, folios } = parts;
  if (slots.length === 0) return ["", 0, 0];
  const lo = slots[0]!.first;
  const hi = Math.max(...slots.map((s) => s.last));
  const x = (index: number) => 8 + (index - lo) * SLOT_W;
  const out: string[] = [];
  // Levels of nodes: a level-L node spans 2^(S·L) indices. A slot spanning
  // 2^(S·l) indices (a multi-index entry, l > 0) sits in a level l + 1 node,
  // so the nodes below it do not exist.
  const home = (s: Slot) => {
    if (chunkShift === null || chunkShift <= 0) return 1;
    const l = Math.log2(s.last - s.first + 1) / chunkShift;
    return Number.isInteger(l) ? l + 1 : 1;
  };
  const levels: { first: number; last: number }[][] = [];
  if (chunkShift !== null && chunkShift > 0) {
    for (let level = 1; level <= 8; level++) {
      const size = 2 ** (chunkShift * level);
      const nodes = new Map<number, { first: number; last: number }>();
      for (const s of slots) {
        if (home(s) > level) continue;
        for (let i = s.first; i <= s.last; i++) {
          const base = Math.floor(i / size) * size;
          const n = nodes.get(base) ?? { first: i, last: i };
          n.first = Math.min(n.first, i);
          n.last = Math.max(n.last, i);
          nodes.set(base, n);
        }
      }
      levels.push([...nodes.values()]);
      if (nodes.size <= 1 && level >= Math.max(...slots.map(home))) break;
    }
  } else {
    levels.push([{ first: lo, last: hi }]);
  }
  // Levels without nodes at the bottom (every slot shown sits higher up) are not drawn.
  const skip = Math.max(
    0,
    levels.findIndex((l) => l.length > 0),
  );
  levels.splice(0, skip);
  const depth = levels.length;
  const slotY = top + 18 + depth * (NODE_H + GAP) - GAP + 6;
  const lockText = parts.lock ? `  xa_lock: ${parts.lock.value}` : "";
  const lockChanged = parts.lock !== null && changed.has(parts.lock.name);
  out.push(
    `<text x="8" y="${top + 12}" class="pic-heading">xarray (tree of slots${chunkShift ? `, chunk shift ${chunkShift}` : ""})</text>`,
  );
  if (parts.lock) {
    out.push(
      `<text x="${8 + 260}" y="${top + 12}" class="pic-heading${lockChanged ? " pic-changed-text" : ""}" data-testid="pic-lock" data-changed="${lockChanged}">${esc(lockText.trim())}</text>`,
    );
  }
  // Nodes, from the root (top) down to the leaves; each a box over its indices, linked to its parent.
  levels
    .slice()
    .reverse()
    .forEach((nodes, row) => {
      const y = top + 18 + row * (NODE_H + GAP);
      for (const n of nodes) {
        const x0 = x(n.first) + 2;
        const w = (n.last - n.first + 1) * SLOT_W - 4;
        out.push(
          `<rect x="${x0}" y="${y}" width="${w}" height="${NODE_H}" rx="4" class="pic-node"/>`,
          `<text x="${x0 + 4}" y="${y + 14}" class="pic-node-label">${depth - row === 1 ? "leaf" : "node"} ${n.first}..${n.last}</text>`,
        );
        if (row > 0) {
          const parentY = y - GAP;
          out.push(
            `<line x1="${x0 + w / 2}" y1="${y}" x2="${x0 + w / 2}" y2="${parentY}" class="pic-edge"/>`,
          );
        }
      }
    });
  for (const s of slots) {
    const x0 = x(s.first) + 3;
    const w = (s.last - s.first + 1) * SLOT_W - 6;
    // From the bottom of the node that holds the slot.
    const level = Math.min(Math.max(1, home(s) - skip), depth);
    const nodeBottom = top + 18 + (depth - level) * (NODE_H + GAP) + NODE_H;
    out.push(
      `<line x1="${x0 + w / 2}" y1="${nodeBottom}" x2="${x0 + w / 2}" y2="${slotY}" class="pic-edge"/>`,
      cell(
        x0,
        slotY,
        w,
        s.name,
        s.value,
        changed.has(s.name),
        folioNamed(s.value, folios),
        `pic-${s.name.replace(/\s+/g, "-")}`,
      ),
    );
  }
  const width = 16 + (hi - lo + 1) * SLOT_W;
  return [out.join(""), slotY + CELL_H + 8 - top, Math.max(width, 8 + 260 + lockText.length * 7)];
}

/** The PTEs, one box each; returns [svg, height, width]. */
function ptePicture(
  parts: PictureParts,
  changed: ReadonlySet<string>,
  top: number,
): [string, number, number] {
  if (parts.ptes.length === 0) return ["", 0, 0];
  const out = [`<text x="8" y="${top + 12}" class="pic-heading">page table</text>`];
  parts.ptes.forEach((p, i) => {
    out.push(
      cell(
        8 + i * SLOT_W + 3,
        top + 18,
        SLOT_W - 6,
        p.name,
        p.value,
        changed.has(p.name),
        folioNamed(p.value, parts.folios),
        `pic-${p.name.replace(/\s+/g, "-")}`,
      ),
    );
  });
  return [out.join(""), 18 + CELL_H + 8, 16 + parts.ptes.length * SLOT_W];
}

/** The folios: a frame each, with its refcount, flags and other fields; returns [svg, height, width]. */
function folioPicture(
  parts: PictureParts,
  changed: ReadonlySet<string>,
  top: number,
): [string, number, number] {
  if (parts.folios.length === 0) return ["", 0, 0];
  const W = 200;
  const out = [`<text x="8" y="${top + 12}" class="pic-heading">folios</text>`];
  let height = 0;
  parts.folios.forEach((f, i) => {
    const [fill, stroke] = FOLIO_COLOURS[i % FOLIO_COLOURS.length]!;
    const x0 = 8 + i * (W + 12);
    const y0 = top + 18;
    const rows: string[] = [];
    let y = y0 + 30;
    const line = (name: string, v: Variable, text: string) => {
      const c = changed.has(v.name);
      rows.push(
        `<g data-testid="pic-${esc(v.name)}" data-changed="${c}" data-value="${esc(v.value)}">`,
        c ? `<rect x="${x0 + 3}" y="${y - 11}" width="${W - 6}" height="15" fill="#ffe08a"/>` : "",
        `<text x="${x0 + 8}" y="${y}" class="pic-field">${esc(name)}</text>`,
        `<text x="${x0 + 70}" y="${y}" class="pic-field-value">${esc(text)}</text>`,
        `</g>`,
      );
      y += 16;
    };
    for (const [name, v] of f.fields) {
      if (name === "flags") {
        const flags = v.value === "-" || v.value === "" ? ["-"] : v.value.split("|");
        // Flags wrap on lines of about 26 characters.
        const lines: string[] = [];
        for (const flag of flags) {
          const lastLine = lines.at(-1);
          if (lastLine !== undefined && lastLine.length + flag.length + 1 <= 24) {
            lines[lines.length - 1] = `${lastLine} ${flag}`;
          } else lines.push(flag);
        }
        lines.forEach((l, k) => {
          line(k === 0 ? "flags" : "", v, l);
        });
      } else {
        line(name, v, v.value);
      }
    }
    const h = y - y0 - 6;
    height = Math.max(height, h);
    out.push(
      `<g data-testid="pic-folio-${esc(f.name)}">`,
      `<rect x="${x0}" y="${y0}" width="${W}" height="${h}" rx="5" fill="${fill}" stroke="${stroke}" stroke-width="1.5"/>`,
      `<text x="${x0 + 8}" y="${y0 + 2 + 11}" class="pic-folio-name">folio ${esc(f.name)}</text>`,
      ...rows,
      `</g>`,
    );
  });
  return [out.join(""), 18 + height + 14, 16 + parts.folios.length * (W + 12)];
}

/**
 * The picture of one state as an SVG element (a string), or null when its
 * variables name no slot, PTE or folio. `changed` names the variables the
 * step changed; `chunkShift`, when known, shapes the xarray's tree.
 */
export function statePicture(
  vars: readonly Variable[],
  changed: readonly string[],
  chunkShift: number | null,
): string | null {
  const parts = pictureParts(vars);
  if (!parts) return null;
  const set = new Set(changed);
  let top = 4;
  const pieces: string[] = [];
  let width = 0;
  for (const draw of [
    (t: number) => xarrayPicture(parts, set, chunkShift, t),
    (t: number) => ptePicture(parts, set, t),
    (t: number) => folioPicture(parts, set, t),
  ]) {
    const [svg, h, w] = draw(top);
    if (!svg) continue;
    pieces.push(svg);
    top += h + 6;
    width = Math.max(width, w);
  }
  return (
    `<svg class="picture" data-testid="picture" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top}" viewBox="0 0 ${width} ${top}" role="img" aria-label="the state as a picture">` +
    `${pieces.join("")}</svg>`
  );
}

/** The picture's styles (for the page's stylesheet). */
export const PICTURE_CSS = `
.picture { display: block; max-width: 100%; height: auto; margin: 4px 0 8px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.picture .pic-heading { font-size: 11px; font-weight: bold; fill: var(--fg); }
.picture .pic-changed-text { fill: #b58100; }
.picture .pic-label { font-size: 9px; fill: var(--muted); text-anchor: middle; }
.picture .pic-value { font-size: 11px; fill: var(--fg); text-anchor: middle; }
.picture .pic-node { fill: #f4f4f4; stroke: #9a9a9a; }
.picture .pic-node-label { font-size: 9px; fill: var(--muted); }
.picture .pic-edge { stroke: #9a9a9a; stroke-width: 1; }
.picture .pic-folio-name { font-size: 11px; font-weight: bold; fill: var(--fg); }
.picture .pic-field { font-size: 10px; fill: var(--muted); }
.picture .pic-field-value { font-size: 10px; fill: var(--fg); }
`;
