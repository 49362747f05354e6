/**
 * The kernel side of the differential: builds driver.c against Debian's linux-source
 * (build.sh) and runs sequences through it.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Op, sequenceInput } from "./driver.js";

const here = dirname(fileURLToPath(import.meta.url));

/** Chunk shifts the differential covers (1 as well: the kernel's code builds and runs with it). */
export const SHIFTS = [1, 2, 3, 4, 6] as const;

export type Build = { ok: true; dir: string } | { ok: false; message: string };

let built: Build | undefined;

/** Builds the drivers once per process (build.sh caches them across runs). */
export function buildKernelDrivers(): Build {
  if (built !== undefined) return built;
  const r = spawnSync("bash", [join(here, "build.sh")], {
    encoding: "utf8",
    timeout: 600_000,
    env: { ...process.env, XARRAY_KERNEL_SHIFTS: SHIFTS.join(" ") },
  });
  if (r.status === 0) {
    built = { ok: true, dir: r.stdout.trim().split("\n").pop()! };
  } else {
    const why = (r.stderr || r.stdout || String(r.error ?? ""))
      .trim()
      .replace(/^xarray-kernel: /gm, "")
      .split("\n");
    built = {
      ok: false,
      message: `xarray-kernel: cannot build lib/xarray.c in userspace: ${why.slice(-3).join(" / ")}`,
    };
  }
  return built;
}

function driverPath(dir: string, S: number): string {
  return join(dir, `build-S${S}`, `driver-S${S}`);
}

/** Runs sequences through the kernel's code at chunk shift S: one output per sequence. */
export function runKernel(dir: string, S: number, seqs: readonly (readonly Op[])[]): string[] {
  const input = seqs.map(sequenceInput).join("");
  const out = execFileSync(driverPath(dir, S), {
    input,
    maxBuffer: 1 << 30,
    timeout: 600_000,
  }).toString();
  const header = `S ${S}\n`;
  if (!out.startsWith(header))
    throw new Error(`driver-S${S}: unexpected header ${out.slice(0, 20)}`);
  const parts = out.slice(header.length).split(/^seq \d+\n/m);
  parts.shift();
  if (parts.length !== seqs.length) {
    throw new Error(`driver-S${S}: ${parts.length} outputs for ${seqs.length} sequences`);
  }
  return parts.map((p) => {
    if (!p.endsWith("end\n")) throw new Error(`driver-S${S}: output not ended: ${p.slice(-80)}`);
    // A crash or a timeout is printed after an empty line.
    return p.slice(0, -"end\n".length).replace(/^\n(?=! crash)/m, "");
  });
}

/** The first line where two outputs differ, with both versions. */
export function firstDifference(kernel: string, port: string): string | null {
  if (kernel === port) return null;
  const k = kernel.split("\n");
  const p = port.split("\n");
  for (let i = 0; i < Math.max(k.length, p.length); i++) {
    if (k[i] !== p[i]) {
      return `line ${i + 1}:\n  kernel: ${k[i] ?? "(none)"}\n  port:   ${p[i] ?? "(none)"}`;
    }
  }
  return null;
}
