/**
 * The HTML report (`src/cli/report/html.ts`): the string-level checks run
 * everywhere; the page itself is opened in headless Chromium (playwright-core
 * with the system's /usr/bin/chromium), and those tests are skipped, with a
 * warning, on a machine without it.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findModel } from "../../models/registry.js";
import { spinlockModel } from "../../models/toy/index.js";
import {
  escapeHtml,
  type HtmlRun,
  htmlReport,
  scriptJson,
  stateVariables,
} from "../../src/cli/report/html.js";
import { pictureParts, statePicture } from "../../src/cli/report/picture.js";
import { checkLiveness, type SearchResult, search } from "../../src/engine/index.js";

/** The browser: Debian's `chromium` package, or SWAPCHECK_CHROMIUM. */
const CHROMIUM = process.env.SWAPCHECK_CHROMIUM ?? "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `html-report.test.ts: ${CHROMIUM} is missing, the browser tests are skipped; ` +
      "install it with `apt-get update && apt-get install -y chromium`",
  );
}

/** Set SWAPCHECK_HTML_SCREENSHOTS=/tmp to keep screenshots of the pages (report.png, lasso.png). */
const SCREENSHOTS = process.env.SWAPCHECK_HTML_SCREENSHOTS;

const META = { tool: "swapcheck test", model: "migrate-swapcache" };

function runsOf(model: string, raw: Record<string, string> = {}): HtmlRun[] {
  return findModel(model)!
    .configure(raw)
    .map((run) => ({ ...run, result: search(run.model, {}) }));
}

/** The `xas_store` run of the seed's race: 16 steps, slot 4 goes from A to B. */
const headOnly = runsOf("migrate-swapcache", { variant: "head-only" });
const naive = runsOf("naive-mutex");
const fixed = runsOf("migrate-swapcache", { variant: "swapcache-check" });
const deadlock = runsOf("lock-order");

describe("htmlReport (text)", () => {
  it("escapes model text and keeps the JSON block closed", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
    );
    const json = scriptJson({ s: "</script><!-- x" });
    expect(json).not.toMatch(/<\/|<!--/);
    expect(JSON.parse(json)).toEqual({ s: "</script><!-- x" });
    const run = naive[0]!;
    const html = htmlReport([{ ...run, title: "<b>evil</b> </script>" }], META);
    expect(html).toContain("&lt;b&gt;evil&lt;/b&gt; &lt;/script&gt;");
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });

  it("is self-contained: no external resources", () => {
    const html = htmlReport(headOnly, META);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/@import|url\(/);
  });

  it("shows a toy's state as its fields", () => {
    const run = naive[0]!;
    const names = stateVariables(run.model, run.result.trace!.init).map((v) => v.name);
    expect(names).toEqual(["pc[0]", "pc[1]", "locked"]);
  });
});

describe.skipIf(!hasChromium)("htmlReport in Chromium", () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM });
    dir = mkdtempSync(join(tmpdir(), "swapcheck-html-"));
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the report; the returned `problems` collects console errors, page errors, requests. */
  async function open(name: string, runs: HtmlRun[]) {
    const file = join(dir, `${name}.html`);
    writeFileSync(file, htmlReport(runs, META));
    const url = pathToFileURL(file).href;
    const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`console: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("request", (r) => {
      if (r.url() !== url) problems.push(`request: ${r.url()}`);
    });
    await page.goto(url, { waitUntil: "load" });
    return { page, problems };
  }

  /** Clicks step n of run `runIndex` and returns the inspector's value of `name`. */
  async function inspect(page: Page, runIndex: number, n: number, name: string) {
    const run = page.getByTestId(`run-${runIndex}`);
    await run.getByTestId(`step-${n}`).click();
    const cell = run.getByTestId("inspector").locator(`[data-var="${name}"]`);
    return { text: await cell.textContent(), cell };
  }

  it("the seed's race: every step, and the state after each", async () => {
    const run = headOnly[0]!;
    const trace = run.result.trace!;
    const { page, problems } = await open("head-only", headOnly);
    const section = page.getByTestId("run-0");
    await expect(page.getByTestId("verdict-0").textContent()).resolves.toBe("violated");
    await expect(page.getByTestId("header").textContent()).resolves.toContain("cache-integrity");
    // One step element per step, labelled as in the trace.
    const steps = section.locator('[data-testid^="step-"]');
    expect(await steps.count()).toBe(trace.steps.length);
    for (const [i, step] of trace.steps.entries()) {
      const text = await section.getByTestId(`step-${i + 1}`).textContent();
      expect(text?.replace(/\s+/g, "")).toContain(step.label.split(" ")[0]);
    }
    await expect(section.getByTestId("violation").textContent()).resolves.toContain(
      "violated: cache-integrity",
    );
    // Click the xas_store step: slot 4 now points to B, and is marked as changed.
    const n = trace.steps.findIndex((s) => s.name === "xas_store") + 1;
    expect(n).toBeGreaterThan(0);
    const after = run.model.variables!(trace.steps[n - 1]!.state);
    const before = run.model.variables!(trace.steps[n - 2]!.state);
    const slot = after.find((v) => v.name === "slot 4")!;
    expect(slot.value).not.toBe(before.find((v) => v.name === "slot 4")!.value);
    const { text, cell } = await inspect(page, 0, n, "slot 4");
    expect(text).toBe(slot.value);
    expect(await cell.locator("xpath=..").getAttribute("data-changed")).toBe("true");
    // The picture beside the variables, redrawn for this step: slot 4 now B, highlighted.
    const picture = section.getByTestId("inspector").getByTestId("picture");
    const picSlot = picture.getByTestId("pic-slot-4");
    expect(await picSlot.getAttribute("data-value")).toBe(slot.value);
    expect(await picSlot.getAttribute("data-changed")).toBe("true");
    expect(await picture.getByTestId("pic-slot-5").getAttribute("data-changed")).toBe("false");
    expect(await picture.getByTestId("pic-folio-A").isVisible()).toBe(true);
    expect(await picture.getByTestId("pic-pte-0").isVisible()).toBe(true);
    await expect(
      section.getByTestId("inspector").getByTestId("inspector-title").textContent(),
    ).resolves.toContain(`after step ${n}`);
    expect(await section.getByTestId(`step-${n}`).getAttribute("class")).toContain("selected");
    // Another kind of variable, at another step: a folio's refcount after the freeze.
    const freeze = trace.steps.findIndex((s) => s.label.includes("folio_ref_freeze")) + 1;
    const ref = run.model.variables!(trace.steps[freeze - 1]!.state).find(
      (v) => v.name === "A.refcount",
    )!;
    expect((await inspect(page, 0, freeze, "A.refcount")).text).toBe(ref.value);
    const picRef = section.getByTestId("picture").getByTestId("pic-A.refcount");
    expect(await picRef.getAttribute("data-value")).toBe(ref.value);
    expect(await picRef.getAttribute("data-changed")).toBe("true");
    // The keyboard moves the selection too.
    await section.getByTestId(`step-${freeze}`).press("ArrowDown");
    expect(await section.getByTestId(`step-${freeze + 1}`).getAttribute("class")).toContain(
      "selected",
    );
    await section.getByTestId(`step-${freeze}`).click();
    if (SCREENSHOTS)
      await page.screenshot({ path: join(SCREENSHOTS, "report.png"), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it("a toy model without variables: the inspector shows its fields", async () => {
    const run = naive[0]!;
    const trace = run.result.trace!;
    const { page, problems } = await open("naive-mutex", [...naive, ...deadlock]);
    await expect(
      page.getByTestId("run-1").getByTestId("violation").textContent(),
    ).resolves.toContain("deadlock: no thread can take a step");
    const section = page.getByTestId("run-0");
    expect(await section.locator('[data-testid^="step-"]').count()).toBe(trace.steps.length);
    // Nothing to draw: no picture.
    expect(await section.getByTestId("picture").count()).toBe(0);
    for (const [i, step] of trace.steps.entries()) {
      const vars = stateVariables(run.model, step.state);
      const prev = stateVariables(run.model, i === 0 ? trace.init : trace.steps[i - 1]!.state);
      const changed = vars.find((v, j) => v.value !== prev[j]!.value)!;
      const { text, cell } = await inspect(page, 0, i + 1, changed.name);
      expect(text).toBe(changed.value);
      expect(await cell.locator("xpath=..").getAttribute("data-changed")).toBe("true");
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it("runs that hold: no trace, the page says holds", async () => {
    const { page, problems } = await open("holds", fixed);
    await expect(page.getByTestId("verdict-0").textContent()).resolves.toBe("holds");
    await expect(page.getByTestId("no-trace").textContent()).resolves.toMatch(/^holds/);
    expect(await page.locator('[data-testid^="step-"]').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("a lasso shows where the loop starts", async () => {
    const model = spinlockModel() as unknown as HtmlRun["model"];
    const result = checkLiveness(model, { fairness: "none", properties: ["B-not-spinning"] });
    const trace = result.trace!;
    expect(trace.loopStart).toBeDefined();
    const runs: HtmlRun[] = [
      { title: "spinlock", params: { fairness: "none" }, model, result },
      ...naive,
    ];
    const { page, problems } = await open("lasso", runs);
    const section = page.getByTestId("run-0");
    await expect(section.getByTestId("loop-start").textContent()).resolves.toContain(
      "loop starts here",
    );
    // The marker sits just above the first step of the loop.
    const marker = await section.getByTestId("loop-start").boundingBox();
    const first = await section.getByTestId(`step-${trace.loopStart! + 1}`).boundingBox();
    expect(marker!.y).toBeLessThan(first!.y);
    if (trace.loopStart! > 0) {
      const last = await section.getByTestId(`step-${trace.loopStart!}`).boundingBox();
      expect(marker!.y).toBeGreaterThan(last!.y);
    }
    // Two runs with a trace: each has its own steps and inspector.
    expect(await page.getByTestId("run-1").locator('[data-testid^="step-"]').count()).toBe(
      (naive[0]!.result as SearchResult<unknown>).trace!.steps.length,
    );
    if (SCREENSHOTS)
      await page.screenshot({ path: join(SCREENSHOTS, "lasso.png"), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe("the state as a picture (from the variables only)", () => {
  const vars = [
    { name: "slot 4", value: "B" },
    { name: "slot 5", value: "A (freed!)" },
    { name: "slot 8..11", value: "A" },
    { name: "slot 12..15", value: "sibling(2)" },
    { name: "A.refcount", value: "0 (frozen)" },
    { name: "A.flags", value: "locked|swapcache", set: true },
    { name: "B.refcount", value: "5" },
    { name: "pte 0", value: "migr(B[0])" },
    { name: "pte 1", value: "swp(5)" },
    { name: "xa_lock", value: "migrate" },
    { name: "migrate", value: "Store", local: true },
  ];

  it("finds the slots, PTEs, folios and the lock by their names", () => {
    const parts = pictureParts(vars)!;
    expect(parts.slots.map((s) => [s.first, s.last])).toEqual([
      [4, 4],
      [5, 5],
      [8, 11],
      [12, 15],
    ]);
    expect(parts.ptes.map((p) => p.value)).toEqual(["migr(B[0])", "swp(5)"]);
    expect(parts.folios.map((f) => f.name)).toEqual(["A", "B"]);
    expect(parts.lock?.value).toBe("migrate");
  });

  it("marks what the step changed, and nothing else", () => {
    const svg = statePicture(vars, ["slot 4", "A.refcount"], 2)!;
    expect(svg).toMatch(/data-testid="pic-slot-4" data-changed="true" data-value="B"/);
    expect(svg).toMatch(/data-testid="pic-A.refcount" data-changed="true"/);
    expect(svg).toMatch(/data-testid="pic-slot-5" data-changed="false"/);
    expect(svg).toMatch(/data-testid="pic-pte-0" data-changed="false" data-value="migr\(B\[0\]\)"/);
    expect(svg).toContain('data-testid="pic-folio-B"');
    // The tree: slots 4 and 5 in a leaf, the 8..11 entry in a node above the leaves.
    expect(svg).toContain("leaf 4..5");
    expect(svg).toMatch(/node 0\.\.15|node 4\.\.15/);
    expect(svg).not.toContain("leaf 8..11");
  });

  it("escapes the model's text", () => {
    const svg = statePicture([{ name: "slot 1", value: '<b>"x"</b>' }], [], null)!;
    expect(svg).not.toContain("<b>");
    expect(svg).toContain("&lt;b&gt;&quot;x&quot;&lt;/b&gt;");
  });

  it("a toy model's state has no picture", () => {
    expect(
      statePicture(
        [
          { name: "pc[0]", value: "1" },
          { name: "lock", value: "0" },
        ],
        [],
        null,
      ),
    ).toBeNull();
  });
});
