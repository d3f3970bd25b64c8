import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU seconds (user + system) of every process in a local runtime's process group (wrangler,
 * workerd), read from /proc: steadier than wall time on a shared machine. bench:ingest and
 * load:burst report the runtime's CPU per push or per wake with it.
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
