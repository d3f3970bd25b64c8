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
 * When the bench is interrupted (Ctrl-C, SIGTERM), SIGKILL the runtime it started on `persistTo`
 * (every process group whose command line names that folder: wrangler runs detached in its own
 * group, with workerd, and would otherwise outlive the bench), remove the folder and exit. Set up
 * before the runtime starts, so an interrupt during its start-up is covered too. Returns the
 * function that removes the handlers.
 *
 * @example const unwatch = onInterrupt(persistTo); try { … } finally { unwatch(); }
 */
export function onInterrupt(persistTo: string): () => void {
  const handler = (signal: NodeJS.Signals) => {
    try {
      for (const group of groupsNaming(persistTo)) {
        try {
          process.kill(-group, "SIGKILL");
        } catch {}
      }
      rmSync(persistTo, { recursive: true, force: true });
    } finally {
      process.exit(signal === "SIGINT" ? 130 : 143);
    }
  };
  process.once("SIGINT", handler);
  process.once("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
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
