/**
 * The divergences found so far (cases.ts), replayed on lib/xarray.c and on the port: both must
 * print the same, ending in the same kernel BUG (or both normally). Skips without the kernel
 * package like differential.test.ts (which fails under CI=true in that case).
 */
import { describe, expect, test } from "vitest";
import { KERNEL_CASES } from "./cases.js";
import { runPort } from "./driver.js";
import { buildKernelDrivers, runKernel } from "./kernel.js";

const build = buildKernelDrivers();

describe.runIf(build.ok)("known divergences, port vs lib/xarray.c", () => {
  const dir = build.ok ? build.dir : "";
  test.each(KERNEL_CASES)("$name", ({ S, ops, ending }) => {
    const [kernel] = runKernel(dir, S, [ops]);
    expect(kernel!.trimEnd().split("\n").pop()).toMatch(
      ending === null ? /^L[ \d\-:a-z]*$/ : new RegExp(` -> ! ${escapeRegExp(ending)}$`),
    );
    expect(runPort(S, ops)).toBe(kernel);
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
