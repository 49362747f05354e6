/**
 * The HTML report (`check --html FILE`): one self-contained page, with
 * inline CSS and JS and no network access, that shows every run's
 * parameters and statistics and, for each counterexample, the swimlane as
 * inline SVG (a column per thread that takes part, a row per step) next to
 * a state inspector: clicking a step shows every variable of the state
 * after it, those the step changed highlighted, and beside them the state
 * as a picture (the xarray's tree, the PTEs, the folio frames; picture.ts),
 * drawn from the same variables, with what the step changed highlighted.
 *
 * All the work is done here: the states' variables and what each step
 * changed are computed in TypeScript and embedded as JSON; the page's
 * script only reads that JSON and fills the inspector. Every piece of text
 * from the model goes through `escapeHtml` (or, in the page, `textContent`).
 */
import type { Model, SearchResult, Trace, Variable } from "../../engine/index.js";
import { type Checked, checkedText } from "../checked.js";
import { PICTURE_CSS, statePicture } from "./picture.js";
import { deltas, wrap } from "./swimlane.js";

export interface HtmlRun {
  readonly title: string;
  readonly params: Readonly<Record<string, string | number>>;
  readonly model: Model<unknown, unknown>;
  readonly result: SearchResult<unknown>;
  /** What the run checked, named on the page. */
  readonly checked?: Checked;
}

export interface HtmlMeta {
  /** The tool and its version, e.g. `swapcheck 0.1.0`. */
  readonly tool: string;
  /** The model's registry name, e.g. `migrate-swapcache`. */
  readonly model: string;
}

/** Escapes text for HTML (and SVG/XML) content and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/**
 * JSON that is safe inside `<script type="application/json">`: `</` cannot
 * close the element and `<!--` cannot open a comment (both stay valid JSON).
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/<\//g, "<\\/").replace(/<!--/g, "\\u003c!--");
}

/** Caps the recursion of `flatten` (and breaks cycles). */
const FLATTEN_DEPTH = 6;

/** A value's fields as `name = value` pairs: `pc[0]`, `lock.owner`, ... */
function flatten(value: unknown, name: string, depth: number, out: Variable[]): void {
  const json = (value as { toJSON?: () => unknown } | null)?.toJSON;
  if (typeof json === "function") value = json.call(value);
  if (value instanceof Map) value = Object.fromEntries(value);
  if (value instanceof Set) value = [...value];
  if (depth < FLATTEN_DEPTH && Array.isArray(value)) {
    value.forEach((v, i) => {
      flatten(v, `${name}[${i}]`, depth + 1, out);
    });
    return;
  }
  if (depth < FLATTEN_DEPTH && value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value))
      flatten(v, name ? `${name}.${k}` : k, depth + 1, out);
    return;
  }
  out.push({ name: name || "state", value: String(value) });
}

/**
 * The variables the inspector shows for `state`: the model's own
 * (`Model.variables`), or, for a model without them, the state's fields
 * flattened (`pc[0]`, `locked`).
 */
export function stateVariables<S, A>(model: Model<S, A>, state: S): readonly Variable[] {
  if (model.variables) return model.variables(state);
  const out: Variable[] = [];
  flatten(state, "", 0, out);
  return out;
}

/* ---------------------------------------------------------------- data -- */

/** One state of a trace as the page's script sees it. */
interface StateData {
  /** `initial state` or `after step 14`. */
  readonly title: string;
  readonly thread: string | null;
  readonly label: string | null;
  readonly vars: readonly Variable[];
  /** Names of the variables whose value differs from the state before (or that are new). */
  readonly changed: readonly string[];
  /** For changed variables that existed before: their previous value. */
  readonly was: Readonly<Record<string, string>>;
  /** Variables that the step removed, with their last value. */
  readonly gone: readonly { readonly name: string; readonly value: string }[];
  /** What changed, in the swimlane's words (`slot 4: A→B`). */
  readonly changes: readonly string[];
  /** The state drawn as SVG (xarray tree, PTEs, folios; picture.ts), or null (toy models). */
  readonly picture: string | null;
}

interface RunData {
  /** Thread → palette index, for the inspector's thread chip. */
  readonly colors: Readonly<Record<string, number>>;
  readonly states: readonly StateData[];
}

function traceData(
  model: Model<unknown, unknown>,
  trace: Trace<unknown>,
  chunkShift: number | null,
): StateData[] {
  const states: StateData[] = [];
  let before: readonly Variable[] | null = null;
  const all = [trace.init, ...trace.steps.map((s) => s.state)];
  all.forEach((state, i) => {
    const vars = stateVariables(model, state);
    const step = i === 0 ? null : trace.steps[i - 1]!;
    const old = new Map((before ?? []).map((v) => [v.name, v.value]));
    const changed: string[] = [];
    const was: Record<string, string> = {};
    if (before) {
      for (const v of vars) {
        const prev = old.get(v.name);
        if (prev === v.value) continue;
        changed.push(v.name);
        if (prev !== undefined) was[v.name] = prev;
      }
    }
    const names = new Set(vars.map((v) => v.name));
    states.push({
      title: step ? `after step ${i}` : "initial state",
      thread: step?.thread ?? null,
      label: step?.label ?? null,
      vars: vars.map((v) => ({ ...v })),
      changed,
      was,
      gone: (before ?? [])
        .filter((v) => !names.has(v.name))
        .map((v) => ({ name: v.name, value: v.value })),
      changes: before ? deltas(before, vars) : [],
      picture: statePicture(vars, changed, chunkShift),
    });
    before = vars;
  });
  return states;
}

/* ------------------------------------------------------------- swimlane -- */

/** Okabe–Ito: distinguishable with the common colour-vision deficiencies. */
const PALETTE = [
  "#0072B2",
  "#D55E00",
  "#009E73",
  "#CC79A7",
  "#E69F00",
  "#56B4E9",
  "#666666",
  "#000000",
];

/** Geometry of the SVG, in px; the font is 12px monospace (a character is about 0.6em). */
const FONT = 12;
const CH = 7.3;
const LINE = 16;
const SMALL_CH = 6.7;
const SMALL_LINE = 14;
const PAD = 8;
const STEP_W = 44;
const HEADER_H = 30;
const MAX_LABEL_CHARS = 34;
const MIN_LABEL_CHARS = 10;

/** The threads that take part, in the model's order, then any the model does not list. */
function laneThreads(model: Model<unknown, unknown>, trace: Trace<unknown>): string[] {
  const used = new Set(trace.steps.map((s) => s.thread));
  const threads = model.threads.filter((t) => used.has(t));
  for (const t of used) if (!threads.includes(t)) threads.push(t);
  return threads;
}

function threadColors(model: Model<unknown, unknown>, threads: readonly string[]) {
  const colors: Record<string, number> = {};
  const all = [...model.threads, ...threads.filter((t) => !model.threads.includes(t))];
  all.forEach((t, i) => {
    colors[t] = i % PALETTE.length;
  });
  return colors;
}

function svgText(x: number, y: number, text: string, cls: string, extra = ""): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" class="${cls}"${extra}>${escapeHtml(text)}</text>`;
}

function headline(run: HtmlRun): string {
  const { result, model } = run;
  if (result.verdict === "deadlock") return "deadlock: no thread can take a step";
  const prop = model.properties.find((p) => p.name === result.property);
  return `violated: ${result.property}${prop ? ` — ${prop.description}` : ""}`;
}

function swimlaneSvg(run: HtmlRun, trace: Trace<unknown>, states: readonly StateData[]): string {
  const threads = laneThreads(run.model, trace);
  const colors = threadColors(run.model, threads);
  const chars = threads.map((t) =>
    Math.min(
      MAX_LABEL_CHARS,
      Math.max(
        MIN_LABEL_CHARS,
        t.length,
        ...trace.steps.filter((s) => s.thread === t).map((s) => s.label.length),
      ),
    ),
  );
  const colW = chars.map((c) => Math.ceil(c * CH + 3 * PAD));
  const colX: number[] = [];
  let x = STEP_W;
  for (const w of colW) {
    colX.push(x);
    x += w;
  }
  const k = trace.loopStart;
  const n = trace.steps.length;
  const loopTexts =
    k === undefined
      ? null
      : {
          start:
            k === n
              ? "↻ loop starts here: no step is enabled, the last state repeats forever"
              : `↻ loop starts here (${k === 0 ? "the initial state" : `the state after step ${k}`})`,
          end: k === n ? null : `↺ back to the loop start: steps ${k + 1}..${n} repeat forever`,
        };
  const loopChars = loopTexts
    ? Math.max(loopTexts.start.length, loopTexts.end?.length ?? 0) + 2
    : 0;
  const width = Math.ceil(Math.max(x, 420, STEP_W + loopChars * CH));
  const deltaChars = Math.floor((width - STEP_W - PAD) / SMALL_CH);
  const wideChars = Math.floor((width - 2 * PAD) / CH);
  const body: string[] = [];
  let y = HEADER_H;

  // The initial state: a row of its own, so that it can be inspected too.
  body.push(
    `<g class="step init" data-step="0" data-testid="initial-state" tabindex="0" role="button" aria-label="initial state">`,
    `<rect class="row-bg" x="0" y="${y}" width="${width}" height="${LINE + 8}"/>`,
    svgText(PAD, y + 4 + FONT, "0", "num"),
    svgText(STEP_W, y + 4 + FONT, "initial state", "init-label"),
    svgText(2, y + 4 + FONT, "▶", "cursor"),
    `</g>`,
  );
  y += LINE + 8;
  let loopY: number | null = null;

  const loopMarker = (text: string, testid: string) => {
    body.push(
      `<g class="loop" data-testid="${testid}">`,
      `<line x1="0" x2="${width}" y1="${y + 11}" y2="${y + 11}" class="loop-line"/>`,
      `<rect x="${STEP_W - 4}" y="${y + 2}" width="${(text.length + 1) * CH}" height="18" class="loop-bg"/>`,
      svgText(STEP_W, y + 15, text, "loop-text"),
      `</g>`,
    );
    y += 24;
  };

  trace.steps.forEach((step, i) => {
    if (loopTexts && k === i) {
      loopY = y;
      loopMarker(loopTexts.start, "loop-start");
    }
    const num = i + 1;
    const col = threads.indexOf(step.thread);
    const labelLines = wrap(step.label, chars[col]!);
    const changes = states[num]!.changes;
    const deltaLines = changes.length > 0 ? wrap(changes.join(", "), deltaChars) : [];
    const boxH = labelLines.length * LINE + 6;
    const h = 4 + boxH + deltaLines.length * SMALL_LINE + 6;
    const color = PALETTE[colors[step.thread]!]!;
    body.push(
      `<g class="step" data-step="${num}" data-testid="step-${num}" data-thread="${escapeHtml(step.thread)}" tabindex="0" role="button" aria-label="${escapeHtml(`step ${num}, ${step.thread}: ${step.label}`)}">`,
      `<rect class="row-bg" x="0" y="${y}" width="${width}" height="${h}"/>`,
      svgText(PAD + 4, y + 4 + 3 + FONT, String(num), "num"),
      svgText(2, y + 4 + 3 + FONT, "▶", "cursor"),
      `<rect class="box" x="${colX[col]! + 4}" y="${y + 4}" width="${colW[col]! - 8}" height="${boxH}" rx="3" style="fill:${color};stroke:${color}"/>`,
      `<rect x="${colX[col]! + 4}" y="${y + 4}" width="3" height="${boxH}" style="fill:${color}"/>`,
      ...labelLines.map((line, l) =>
        svgText(colX[col]! + 4 + PAD + 2, y + 4 + 3 + FONT + l * LINE, line, "label"),
      ),
      ...deltaLines.map((line, l) =>
        svgText(STEP_W + 6, y + 4 + boxH + SMALL_LINE - 2 + l * SMALL_LINE, line, "delta"),
      ),
      `</g>`,
    );
    y += h;
  });

  if (loopTexts) {
    if (loopTexts.end === null) {
      loopY = y;
      loopMarker(loopTexts.start, "loop-start");
    } else {
      loopMarker(loopTexts.end, "loop-end");
    }
    // A bar in the step column along the loop, from its start marker to its end marker.
    const bx = STEP_W - 8;
    body.push(
      `<line x1="${bx}" x2="${bx}" y1="${loopY! + 11}" y2="${y - 13}" class="loop-bracket"/>`,
    );
  }
  const rowsEnd = y;

  const violation = [
    ...wrap(`✗ ${headline(run)}`, wideChars).map((line) => ({ line, cls: "violation" })),
    ...(run.result.explanation
      ? wrap(`  ${run.result.explanation}`, wideChars).map((line) => ({ line, cls: "explain" }))
      : []),
  ];
  y += 8;
  body.push(`<g data-testid="violation">`);
  for (const { line, cls } of violation) {
    body.push(svgText(PAD, y + FONT, line, cls));
    y += LINE;
  }
  body.push(`</g>`);
  y += 8;

  const head = threads.map((t, c) => {
    const color = PALETTE[colors[t]!]!;
    return [
      `<rect x="${colX[c]! + 4}" y="${HEADER_H - 6}" width="${colW[c]! - 8}" height="3" style="fill:${color}"/>`,
      svgText(colX[c]! + 4 + PAD, HEADER_H - 12, t, "thread", ` style="fill:${color}"`),
    ].join("");
  });
  const lanes = colX.map(
    (cx) => `<line x1="${cx}" x2="${cx}" y1="${HEADER_H - 20}" y2="${rowsEnd}" class="lane"/>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="swimlane" data-testid="swimlane" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" role="group" aria-label="counterexample swimlane">`,
    svgText(PAD, HEADER_H - 12, "#", "thread"),
    ...lanes,
    `<line x1="${colX[colX.length - 1]! + colW[colW.length - 1]!}" x2="${colX[colX.length - 1]! + colW[colW.length - 1]!}" y1="${HEADER_H - 20}" y2="${rowsEnd}" class="lane"/>`,
    ...head,
    ...body,
    `</svg>`,
  ].join("\n");
}

/* ----------------------------------------------------------------- page -- */

function words(key: string): string {
  return key.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
}

function verdictText(result: SearchResult<unknown>): string {
  if (result.verdict === "incomplete") return `incomplete (${result.incompleteReason})`;
  return result.verdict;
}

function probability(result: SearchResult<unknown>): string {
  const p = result.stats.collisionProbability;
  if (result.stats.exact) return "0 (exact)";
  return p === 0 ? "0" : p.toExponential(1);
}

function paramsText(params: HtmlRun["params"]): string {
  return Object.entries(params)
    .map(([k, v]) => `${words(k)} ${v}`)
    .join(", ");
}

function runsTable(runs: readonly HtmlRun[]): string {
  const head = [
    "run",
    "parameters",
    "verdict",
    "property",
    "length",
    "distinct states",
    "transitions",
    "depth",
    "seconds",
    "P(collision)",
  ];
  const rows = runs.map((run, i) => {
    const { result } = run;
    const cells = [
      `<td><a href="#run-${i}">${escapeHtml(run.title)}</a></td>`,
      `<td class="params">${escapeHtml(paramsText(run.params) || "-")}</td>`,
      `<td><span class="verdict v-${result.verdict}" data-testid="verdict-${i}">${escapeHtml(verdictText(result))}</span></td>`,
      `<td>${escapeHtml(result.property ?? "-")}</td>`,
      `<td class="n">${result.trace ? result.trace.steps.length : "-"}</td>`,
      `<td class="n">${result.stats.distinctStates}</td>`,
      `<td class="n">${result.stats.transitions}</td>`,
      `<td class="n">${result.stats.depth}</td>`,
      `<td class="n">${result.stats.seconds.toFixed(2)}</td>`,
      `<td class="n">${escapeHtml(probability(result))}</td>`,
    ];
    return `<tr data-testid="run-row-${i}">${cells.join("")}</tr>`;
  });
  return [
    `<table class="runs" data-testid="runs">`,
    `<thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead>`,
    `<tbody>${rows.join("\n")}</tbody>`,
    `</table>`,
  ].join("\n");
}

function noTraceText(result: SearchResult<unknown>, checked: Checked | undefined): string {
  const n = result.stats.distinctStates;
  switch (result.verdict) {
    case "holds":
      return checked
        ? `holds in all ${n} reachable states (complete search); checked: ${checkedText(checked)}.`
        : `holds: every property checked holds in all ${n} reachable states (complete search).`;
    case "incomplete":
      return `incomplete (${result.incompleteReason}): the search stopped at a bound after ${n} states; nothing is proved.`;
    default:
      return `${result.verdict}${result.property ? `: ${result.property}` : ""} (no trace recorded).`;
  }
}

function runSection(run: HtmlRun, i: number, data: RunData | null): string {
  const { result } = run;
  const trace = result.trace;
  const parts = [
    `<section class="run" id="run-${i}" data-testid="run-${i}" data-run="${i}">`,
    `<h2>${escapeHtml(run.title)} <span class="verdict v-${result.verdict}">${escapeHtml(verdictText(result))}</span>${result.property ? ` <span class="prop">${escapeHtml(result.property)}</span>` : ""}</h2>`,
  ];
  if (run.checked) {
    parts.push(
      `<p class="checked" data-testid="checked-${i}">checked: ${escapeHtml(checkedText(run.checked))}</p>`,
    );
  }
  if (trace && data) {
    const kind = trace.loopStart === undefined ? "shortest" : "lasso";
    const switches =
      trace.switches === undefined
        ? ""
        : `, ${trace.switches} context ${trace.switches === 1 ? "switch" : "switches"}`;
    parts.push(
      `<p class="hint">${kind} counterexample: ${trace.steps.length} steps${switches}. Click a step (or focus one and use ↑ ↓) to inspect the state after it; changed variables are marked ●.</p>`,
      `<div class="trace">`,
      `<div class="lane-wrap">${swimlaneSvg(run, trace, data.states)}</div>`,
      `<aside class="inspector" data-testid="inspector" aria-live="polite"><noscript>The state inspector needs JavaScript.</noscript></aside>`,
      `</div>`,
    );
  } else {
    parts.push(
      `<p class="no-trace" data-testid="no-trace">${escapeHtml(noTraceText(result, run.checked))}</p>`,
    );
  }
  parts.push(`</section>`);
  return parts.join("\n");
}

const CSS = `
:root { color-scheme: light; --fg: #1b1b1b; --muted: #5c5c5c; --line: #d8d8d8; --sel: #fff1b8; --chg: #ffe08a; }
* { box-sizing: border-box; }
body { margin: 0; padding: 16px 20px 40px; font: 13px/1.45 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; color: var(--fg); background: #fff; }
h1 { font-size: 18px; margin: 0 0 2px; }
h1 .tool { font-weight: normal; color: var(--muted); font-size: 13px; }
h2 { font-size: 15px; margin: 28px 0 4px; padding-top: 10px; border-top: 2px solid var(--fg); }
h3 { font-size: 13px; margin: 0 0 6px; }
h4 { font-size: 12px; margin: 10px 0 2px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
table { border-collapse: collapse; }
th, td { text-align: left; padding: 2px 8px 2px 0; vertical-align: top; }
th { border-bottom: 1px solid var(--fg); }
.runs { margin-top: 10px; }
.runs td { border-bottom: 1px solid var(--line); }
.runs .n { text-align: right; padding-right: 14px; }
.runs .params { max-width: 44ch; color: var(--muted); }
.verdict { font-weight: bold; padding: 0 4px; border: 1px solid currentColor; border-radius: 3px; }
.v-holds { color: #1a7f37; }
.v-violated, .v-deadlock { color: #b3261e; }
.v-incomplete { color: #8a5a00; }
.prop { font-weight: normal; }
.hint { color: var(--muted); margin: 4px 0 8px; }
.trace { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.lane-wrap { overflow-x: auto; max-width: 100%; }
.swimlane { display: block; font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; }
.swimlane text { white-space: pre; fill: var(--fg); }
.swimlane .thread { font-weight: bold; }
.swimlane .lane { stroke: var(--line); }
.swimlane .row-bg { fill: transparent; }
.swimlane .step { cursor: pointer; outline: none; }
.swimlane .step:hover .row-bg { fill: #f3f3f3; }
.swimlane .step:focus-visible .row-bg { stroke: #0072B2; stroke-dasharray: 4 2; }
.swimlane .step.selected .row-bg { fill: var(--sel); stroke: var(--fg); stroke-width: 1.5; }
.swimlane .step .cursor { display: none; font-size: 10px; }
.swimlane .step.selected .cursor { display: inline; }
.swimlane .step.selected .num { font-weight: bold; }
.swimlane .num { fill: var(--muted); }
.swimlane .box { fill-opacity: .10; stroke-opacity: .55; }
.swimlane .delta { font-size: 11px; fill: var(--muted); }
.swimlane .init-label { font-style: italic; fill: var(--muted); }
.swimlane .violation { fill: #b3261e; font-weight: bold; }
.swimlane .loop-line { stroke: #8a5a00; stroke-dasharray: 6 3; stroke-width: 1.5; }
.swimlane .loop-bg { fill: #fff; }
.swimlane .loop-text { fill: #8a5a00; font-weight: bold; }
.swimlane .loop-bracket { stroke: #8a5a00; stroke-width: 3; }
.inspector { flex: 1 1 420px; min-width: 340px; max-width: 760px; position: sticky; top: 8px; max-height: calc(100vh - 16px); overflow: auto; border: 1px solid var(--fg); padding: 8px 12px 10px; background: #fcfcfc; }
.inspector .thread-chip { font-weight: bold; }
.inspector .changes { margin: 0 0 4px; color: var(--muted); font-size: 12px; }
.inspector .vars { columns: 2 230px; column-gap: 20px; font-size: 12px; }
.inspector .var { display: flex; gap: 4px; break-inside: avoid; padding: 1px 0; }
.inspector .name { flex: 0 0 9ch; color: var(--muted); white-space: nowrap; }
.inspector .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(270px, 1fr)); gap: 8px; font-size: 12px; }
.inspector .card { border: 1px solid var(--line); border-radius: 3px; padding: 3px 6px; background: #fff; }
.inspector .card-name { font-weight: bold; border-bottom: 1px solid var(--line); margin-bottom: 2px; }
.inspector .card .name { flex-basis: 9ch; }
.inspector .cell { flex: 1 1 auto; min-width: 0; overflow-wrap: anywhere; padding: 0 3px; }
.inspector .mark { flex: 0 0 1.1em; color: #b3261e; }
.inspector .changed { background: var(--chg); font-weight: bold; outline: 1px dashed var(--fg); }
.inspector .was { font-weight: normal; color: var(--muted); margin-left: .6em; }
.inspector .gone .cell { text-decoration: line-through; }
`;

/** The page's script: reads the JSON block, fills the inspector, nothing else. */
const SCRIPT = `
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("swapcheck-data").textContent);
  var PALETTE = ${JSON.stringify(PALETTE)};
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) for (var k in attrs) node.setAttribute(k, attrs[k]);
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }
  /** A value, with a break opportunity after each "|" of a flag set. */
  function valueText(text) {
    var parts = [];
    text.split("|").forEach(function (p, i) {
      if (i > 0) parts.push("|", el("wbr"));
      parts.push(p);
    });
    return parts;
  }
  /** One variable: a mark if the step changed it, its name, its value (and the old one). */
  function varRow(v, st, name) {
    var changed = st.changed.indexOf(v.name) >= 0;
    var kids = [el("span", { class: "val", "data-var": v.name }, valueText(v.value))];
    if (changed) kids.push(el("span", { class: "was" }, [v.name in st.was ? "was " + st.was[v.name] : "new"]));
    var attrs = changed ? { class: "cell changed", "data-changed": "true", title: "changed by this step" } : { class: "cell" };
    return el("div", { class: "var" }, [
      el("span", { class: "mark", "aria-label": changed ? "changed" : "" }, [changed ? "\\u25cf" : ""]),
      el("span", { class: "name" }, [name]),
      el("span", attrs, kids)
    ]);
  }
  function render(run, i) {
    var st = run.states[i];
    var box = document.querySelector('[data-run="' + run.index + '"] [data-testid="inspector"]');
    box.textContent = "";
    var title = [st.title];
    if (st.thread !== null) {
      var chip = el("span", { class: "thread-chip" }, [st.thread]);
      chip.style.color = PALETTE[run.colors[st.thread]];
      title = [st.title + " \\u00b7 ", chip, ": " + st.label];
    }
    box.appendChild(el("h3", { "data-testid": "inspector-title" }, title));
    if (i > 0) {
      var what = st.changes.length ? "changed: " + st.changes.join(", ")
        : st.changed.length ? "changed: only thread state" : "nothing changed";
      box.appendChild(el("p", { class: "changes" }, [what]));
    }
    if (st.picture) {
      // Built and escaped in TypeScript (picture.ts), like the swimlane's SVG.
      var pic = el("div", { class: "picture-wrap" });
      pic.innerHTML = st.picture;
      box.appendChild(pic);
    }
    var objects = [], fields = [], plain = [], locals = [];
    var rows = {};
    st.vars.forEach(function (v) {
      var m = /^([^.\\s]+)\\.(\\S+)$/.exec(v.name);
      if (v.local) locals.push(v);
      else if (m) {
        if (!(m[1] in rows)) { rows[m[1]] = {}; objects.push(m[1]); }
        if (fields.indexOf(m[2]) < 0) fields.push(m[2]);
        rows[m[1]][m[2]] = v;
      } else plain.push(v);
    });
    function list(heading, vars) {
      if (!vars.length) return;
      box.appendChild(el("h4", null, [heading]));
      box.appendChild(el("div", { class: "vars" }, vars.map(function (v) { return varRow(v, st, v.name); })));
    }
    list("variables", plain);
    if (objects.length) {
      box.appendChild(el("h4", null, ["objects"]));
      box.appendChild(el("div", { class: "cards" }, objects.map(function (o) {
        return el("div", { class: "card", "data-object": o }, [el("div", { class: "card-name" }, [o])].concat(
          fields.filter(function (f) { return rows[o][f]; }).map(function (f) { return varRow(rows[o][f], st, f); })));
      })));
    }
    list("threads", locals);
    if (st.gone.length) {
      box.appendChild(el("h4", null, ["removed by this step"]));
      box.appendChild(el("div", { class: "vars gone" }, st.gone.map(function (g) {
        return el("div", { class: "var" }, [el("span", { class: "name" }, [g.name]), el("span", { class: "cell" }, [g.value])]);
      })));
    }
  }
  function select(section, run, i, focus) {
    section.querySelectorAll(".step").forEach(function (g) {
      var on = Number(g.getAttribute("data-step")) === i;
      g.classList.toggle("selected", on);
      g.setAttribute("aria-pressed", on ? "true" : "false");
      if (on && focus) g.focus();
    });
    render(run, i);
  }
  data.runs.forEach(function (run) {
    if (!run) return;
    var section = document.querySelector('[data-run="' + run.index + '"]');
    var current = run.states.length - 1;
    section.querySelectorAll(".step").forEach(function (g) {
      var i = Number(g.getAttribute("data-step"));
      g.addEventListener("click", function () { current = i; select(section, run, i, false); });
      g.addEventListener("keydown", function (e) {
        var next = current;
        if (e.key === "Enter" || e.key === " ") next = i;
        else if (e.key === "ArrowDown" || e.key === "j") next = Math.min(current + 1, run.states.length - 1);
        else if (e.key === "ArrowUp" || e.key === "k") next = Math.max(current - 1, 0);
        else return;
        e.preventDefault();
        current = next;
        select(section, run, next, true);
      });
    });
    select(section, run, current, false);
  });
})();
`;

/** The whole report: one self-contained HTML document for `runs` of one model. */
export function htmlReport(runs: readonly HtmlRun[], meta: HtmlMeta): string {
  const data = runs.map((run, index) => {
    const trace = run.result.trace;
    if (!trace) return null;
    const threads = laneThreads(run.model, trace);
    return {
      index,
      colors: threadColors(run.model, threads),
      // The xarray's tree needs the chunk shift: from the run's parameters, when it has one.
      states: traceData(
        run.model,
        trace,
        typeof run.params.chunkShift === "number" ? run.params.chunkShift : null,
      ),
    };
  });
  const title = `${meta.model} — ${meta.tool}`;
  const violated = runs.filter((r) => r.result.trace).length;
  const summary = `${runs.length} run(s), ${violated} with a counterexample`;
  return [
    `<!DOCTYPE html>`,
    `<html lang="en">`,
    `<head>`,
    `<meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    `<link rel="icon" href="data:,">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${CSS}${PICTURE_CSS}</style>`,
    `</head>`,
    `<body>`,
    `<header data-testid="header">`,
    `<h1><span data-testid="model">${escapeHtml(meta.model)}</span> <span class="tool" data-testid="tool">${escapeHtml(meta.tool)}</span></h1>`,
    `<p class="hint">${escapeHtml(summary)}</p>`,
    runsTable(runs),
    `</header>`,
    `<main>`,
    ...runs.map((run, i) => runSection(run, i, data[i] ?? null)),
    `</main>`,
    `<script type="application/json" id="swapcheck-data">${scriptJson({ runs: data })}</script>`,
    `<script>${SCRIPT}</script>`,
    `</body>`,
    `</html>`,
    ``,
  ].join("\n");
}
