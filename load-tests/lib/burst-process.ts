import { readdirSync, readFileSync, rmSync } from "node:fs";

/**
 * The local runtimes load:burst starts, seen from outside (/proc): what they cost, and stopping
 * them when the bench is interrupted.
 *
 * CPU seconds (user + system) of every process in a runtime's process group (wrangler, workerd):
 * steadier than wall time on a shared machine. (The same reading as bench:ingest's own copy.)
 *
 * @example const cpu0 = runtimeCpuSeconds(fabric.process?.pid); …; runtimeCpuSeconds(pid) - cpu0
 */
export function runtimeCpuSeconds(pgid: number | undefined): number {
  if (pgid === undefined) return 0;
  let ticks = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the parenthesised command name: state ppid pgrp … utime(14) stime(15).
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(f[2]) === pgid) ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // The process ended between listing and reading.
    }
  }
  return ticks / 100;
}

/**
 * Guards a runtime the bench starts on `persistTo` (its own folder, named on wrangler's command
 * line): when the bench is interrupted (Ctrl-C, SIGTERM), or when the machine's available memory
 * falls below `minAvailableMb`, it SIGKILLs every process group whose command line names that
 * folder (wrangler runs detached in its own group, with workerd, and would otherwise outlive the
 * bench). On an interrupt it also removes the folder and exits; on low memory it leaves `reason`
 * set for the run to fail with. Set up before the runtime starts, so start-up is covered too.
 *
 * Why a memory guard: every wake-up leaves Durable Objects (agents, a workflow engine) resident in
 * the local runtime, ~1.6 MB of workerd RSS per wake and ~0.5 MB per registered monitor at
 * N=300 (2026-12), so N=10,000 would need ~21 GB plus its state in /dev/shm: more than a shared
 * 24 GB machine has. The run stops itself rather than let the kernel pick what to kill.
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
  const onSignal = (signal: NodeJS.Signals) => {
    try {
      killAll();
      rmSync(persistTo, { recursive: true, force: true });
    } finally {
      process.exit(signal === "SIGINT" ? 130 : 143);
    }
  };
  const timer = setInterval(() => {
    const available = availableMb();
    if (reason || available >= minAvailableMb) return;
    const rss = runtimeRssMb(persistTo);
    reason = `stopped the local runtime: the machine had ${available} MB of memory left (runtime RSS ${rss} MB, floor ${minAvailableMb} MB; BURST_MIN_FREE_MB sets it)`;
    killAll();
  }, 1000);
  timer.unref();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return {
    get reason() {
      return reason;
    },
    kill: killAll,
    release: () => {
      clearInterval(timer);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

/** MemAvailable from /proc/meminfo, in MB. */
function availableMb(): number {
  const kb = /MemAvailable:\s+(\d+)/.exec(readFileSync("/proc/meminfo", "utf8"))?.[1];
  return Math.round(Number(kb ?? 0) / 1024);
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
