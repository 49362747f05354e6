/**
 * --max-memory (and the default bound below V8's heap limit) counts what a
 * search holds, not the garbage an earlier search of the same process left
 * behind: check --variant a,b,c runs its searches one after the other, and
 * a big first search once cut every later one at once.
 */
import { expect, it } from "vitest";
import { memoryInUse, memoryReaches } from "../../src/engine/breadth-first.js";

it("a bound reached only by garbage is not reached; one below what is live is", () => {
  const before = memoryInUse();
  let junk: number[][] | null = [];
  for (let i = 0; i < 40; i++) junk.push(new Array(1_000_000).fill(i));
  const during = memoryInUse();
  expect(junk.length).toBe(40);
  junk = null;
  // Halfway between what was live before and what the junk added.
  const bound = before + (during - before) / 2;
  expect(during).toBeGreaterThan(bound);
  expect(memoryReaches(bound)).toBe(false);
  expect(memoryReaches(before / 2)).toBe(true);
});
