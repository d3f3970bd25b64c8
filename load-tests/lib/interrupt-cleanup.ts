import { rmSync } from "node:fs";

/**
 * Cleanups that must run however a bench ends: Ctrl-C (SIGINT), SIGTERM, SIGHUP, or an exit that
 * skipped its `finally` blocks. Why: `wrangler dev` runs detached in its own process group (so a
 * stop can signal wrangler and workerd together), which also means a Ctrl-C at the terminal does
 * not reach it; without these, an interrupted bench left workerd running and its state directory
 * in /dev/shm. A cleanup must be synchronous (it may run inside the `exit` event).
 *
 * @example const forget = onInterrupt(() => killGroupAndRemove(child.pid, persistTo)); …; forget();
 */
const cleanups = new Set<() => void>();
const EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
let installed = false;

/** Registers `cleanup` until the returned function is called (after the bench cleaned up itself). */
export function onInterrupt(cleanup: () => void): () => void {
  install();
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}

/** Runs every registered cleanup once, each even when another throws. */
export function runCleanups(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {}
  }
}

/** SIGKILLs a process group (wrangler and its workerd) and removes a state directory, if given. */
export function killGroupAndRemove(pgid: number | undefined, dir?: string): void {
  if (pgid) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {}
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/**
 * Lets a pending Ctrl-C run its cleanup. A signal handler runs only when the event loop turns, and
 * an `await` of an already settled promise (node:sqlite, the pure engine) never turns it: a bench
 * made of such steps calls this between them.
 */
export function letSignalsIn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * After a child run with spawnSync: a null status means a signal ended it, which here is the
 * user's Ctrl-C (it reaches every process of the terminal's group). The bench stops as interrupted
 * (cleanups, exit 130) instead of reporting the step as a failure and overwriting its results.
 */
export function exitIfInterrupted(status: number | null): void {
  if (status !== null) return;
  if (cleanups.size > 0) console.error("\ninterrupted: stopping what this bench started and removing its state");
  runCleanups();
  process.exit(130);
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const [signal, code] of Object.entries(EXIT_CODES)) {
    process.on(signal, () => {
      if (cleanups.size > 0) console.error(`\n${signal}: stopping what this bench started and removing its state`);
      runCleanups();
      process.exit(code);
    });
  }
  process.on("exit", runCleanups);
}
