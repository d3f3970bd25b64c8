import { readdirSync, readFileSync, rmSync } from "node:fs";
import { onInterrupt } from "./interrupt-cleanup";

/** The local runtimes load:burst starts, seen from outside (/proc): stopping them when the bench is interrupted. */
export { runtimeCpuSeconds } from "./runtime-cpu";

/**
 * Guards a runtime the bench starts on `persistTo` (its own folder, named on wrangler's command
 * line): when the bench is interrupted (Ctrl-C, SIGTERM), when the machine's available memory
 * falls below `minAvailableMb`, or when a runtime process has used 90 % of its file descriptors,
 * it SIGKILLs every process group whose command line names that folder (wrangler runs detached in
 * its own group, with workerd, and would otherwise outlive the bench). On an interrupt it also
 * removes the folder and exits (lib/interrupt-cleanup.ts); otherwise it leaves `reason` set for the run to fail with. Set up
 * before the runtime starts, so start-up is covered too.
 *
 * Why: the local runtime keeps every Durable Object and Workflow instance it has touched open and
 * resident. Measured 2026-12: ~2.4 file descriptors per instance (its SQLite files), so one
 * workerd under `ulimit -n` 20000 fails past ~8,000 of them with SQLITE_CANTOPEN (the floor's
 * createBatch then answered "internal error"); ~0.4 MB of RSS per registered monitor and
 * ~0.9–1.6 MB per wake-up. The run stops itself with the reason rather than fail obscurely or
 * let the kernel pick what to kill.
 *
 * @example const guard = guardRuntime(persistTo); try { … } finally { guard.release(); }
 */
export type RuntimeGuard = {
  readonly reason: string | undefined;
  /** SIGKILL the runtime now (a failed start-up must not leave it running). */
  kill: () => void;
  release: () => void;
};

export function guardRuntime(persistTo: string, minAvailableMb = 2048): RuntimeGuard {
  let reason: string | undefined;
  const killAll = () => {
    for (const group of groupsNaming(persistTo)) {
      try {
        process.kill(-group, "SIGKILL");
      } catch {}
    }
  };
  const timer = setInterval(() => {
    if (reason) return;
    const available = availableMb();
    const files = runtimeFiles(persistTo);
    if (available < minAvailableMb) {
      const rss = runtimeRssMb(persistTo);
      reason = `stopped the local runtime: the machine had ${available} MB of memory left (runtime RSS ${rss} MB, floor ${minAvailableMb} MB; BURST_MIN_FREE_MB sets it)`;
    } else if (files && files.open > 0.9 * files.limit) {
      reason = `stopped the local runtime: a runtime process had ${files.open} of its ${files.limit} file descriptors open (ulimit -n). Locally every Durable Object and Workflow instance keeps its SQLite files open (~2.4 descriptors each): raise ulimit -n where allowed, or run a smaller N (FLOOR_K for the floor)`;
    }
    if (reason) killAll();
  }, 1000);
  timer.unref();
  // Interrupted (or exiting before release): every group naming the folder, and the folder.
  const forget = onInterrupt(() => {
    killAll();
    rmSync(persistTo, { recursive: true, force: true });
  });
  return {
    get reason() {
      return reason;
    },
    kill: killAll,
    release: () => {
      clearInterval(timer);
      forget();
    },
  };
}

/** MemAvailable from /proc/meminfo, in MB. */
function availableMb(): number {
  const kb = /MemAvailable:\s+(\d+)/.exec(readFileSync("/proc/meminfo", "utf8"))?.[1];
  return Math.round(Number(kb ?? 0) / 1024);
}

/** The runtime process with the most file descriptors open: how many, and its soft limit. */
function runtimeFiles(persistTo: string): { open: number; limit: number } | undefined {
  const groups = groupsNaming(persistTo);
  let worst: { open: number; limit: number } | undefined;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (!groups.has(groupOf(readFileSync(`/proc/${pid}/stat`, "utf8")))) continue;
      const open = readdirSync(`/proc/${pid}/fd`).length;
      const limit = Number(/Max open files\s+(\d+)/.exec(readFileSync(`/proc/${pid}/limits`, "utf8"))?.[1]);
      if (Number.isFinite(limit) && (!worst || open / limit > worst.open / worst.limit)) worst = { open, limit };
    } catch {}
  }
  return worst;
}

/** Resident memory of the runtime's process groups, in MB. */
function runtimeRssMb(persistTo: string): number {
  const groups = groupsNaming(persistTo);
  let kb = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (!groups.has(groupOf(readFileSync(`/proc/${pid}/stat`, "utf8")))) continue;
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {}
  }
  return Math.round(kb / 1024);
}

/** The process groups of the processes whose command line contains `marker`. */
function groupsNaming(marker: string): Set<number> {
  const groups = new Set<number>();
  const own = groupOf(readFileSync("/proc/self/stat", "utf8"));
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker)) continue;
      const group = groupOf(readFileSync(`/proc/${pid}/stat`, "utf8"));
      // Never our own group (a migration run by spawnSync is in it): only the runtime's detached one.
      if (group > 1 && group !== own) groups.add(group);
    } catch {
      // The process ended between listing and reading.
    }
  }
  return groups;
}

/** The process group in a /proc/<pid>/stat line (the third field after the command name). */
function groupOf(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
}
