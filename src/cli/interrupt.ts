/**
 * SIGINT / SIGTERM: the first one asks the running search to stop (it then
 * reports `incomplete` with what it explored, exit 130 / 143); a second
 * one exits at once. Installed only by the real entry point, so in-process
 * tests are unaffected.
 */

export type StopSignal = "SIGINT" | "SIGTERM";

let received: StopSignal | null = null;

export const SIGNAL_EXIT: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

export function installSignalHandlers(): void {
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.on(sig, () => {
      if (received !== null) process.exit(SIGNAL_EXIT[sig]);
      received = sig;
      process.stderr.write(`\nswapcheck: ${sig}: stopping the search (again to quit at once)\n`);
    });
  }
}

/** The signal that asked the search to stop, if any. */
export function stopSignal(): StopSignal | null {
  return received;
}
