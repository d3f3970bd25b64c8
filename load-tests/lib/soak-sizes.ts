import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { DatabaseSync } from "node:sqlite";

/**
 * What `npm run soak` measures each minute: the row count of every table of every SQLite file the
 * local runtime keeps under its state folder (D1, every Durable Object instance, Workflows), summed
 * per store (the Durable Object class or database, then the table), plus the bytes on disk per
 * store and workerd's resident memory. Read-only, from outside the runtime: it sees what a
 * deployed fabric would keep, whatever route exists or not to count it.
 *
 * @example const sizes = sampleSizes(fabric.persistTo, fabric.process.pid);  // { "MatcherShard.facts": 1200, … }
 */
export type Sizes = Record<string, number>;

/** The store a SQLite file belongs to, named by its folder under v3/ (e.g. `fabric-matcher-MatcherShard`). */
function storeOf(root: string, file: string): string {
  const parts = relative(root, file).split("/");
  // v3/do/<script>-<Class>/<id>.sqlite, v3/d1/miniflare-D1DatabaseObject/<id>.sqlite, …
  const folder = parts.length >= 3 ? (parts[parts.length - 2] ?? "?") : (parts[0] ?? "?");
  return folder.replace(/^fabric-/, "").replace(/^miniflare-D1DatabaseObject$/, "D1");
}

function sqliteFiles(dir: string, out: string[] = []): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === "bundles") continue;
    const path = join(dir, name);
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(path);
    } catch {
      continue;
    }
    if (st.isDirectory()) sqliteFiles(path, out);
    else if (name.endsWith(".sqlite")) out.push(path);
  }
  return out;
}

function fileBytes(path: string): number {
  let n = 0;
  for (const suffix of ["", "-wal"]) {
    try {
      n += statSync(path + suffix).size;
    } catch {}
  }
  return n;
}

/** Row counts per `store.table`, `store.instances` and `store.bytes`, summed over the store's files. */
export function sampleStores(persistTo: string): Sizes {
  const sizes: Sizes = {};
  const add = (key: string, n: number) => {
    sizes[key] = (sizes[key] ?? 0) + n;
  };
  for (const file of sqliteFiles(join(persistTo, "v3"))) {
    const store = storeOf(persistTo, file);
    add(`${store}.instances`, 1);
    add(`${store}.bytes`, fileBytes(file));
    let db: DatabaseSync | undefined;
    try {
      db = new DatabaseSync(file, { readOnly: true });
      const tables = db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
        )
        .all() as { name: string }[];
      for (const { name } of tables) {
        const row = db.prepare(`SELECT COUNT(*) AS n FROM "${name.replaceAll('"', '""')}"`).get() as { n: number };
        add(`${store}.${name}`, Number(row.n));
      }
      // D1's event log by event type: which kinds of events make it grow.
      if (tables.some((t) => t.name === "event_log")) {
        const byType = db.prepare("SELECT type, COUNT(*) AS n FROM event_log GROUP BY type").all() as {
          type: string;
          n: number;
        }[];
        for (const { type, n } of byType) add(`${store}.event_log[${type}]`, Number(n));
      }
    } catch {
      // A file being created or checkpointed at this instant: counted at the next sample.
    } finally {
      db?.close();
    }
  }
  return sizes;
}

/** Resident memory (KiB) of the workerd processes in the runtime's process group. */
export function workerdRssKiB(pgid: number | undefined): number {
  if (!pgid) return 0;
  const ps = spawnSync("ps", ["-eo", "pgid=,rss=,comm="], { encoding: "utf8" });
  let kib = 0;
  for (const line of ps.stdout.split("\n")) {
    const [group, rss, comm] = line.trim().split(/\s+/);
    if (Number(group) === pgid && comm?.includes("workerd")) kib += Number(rss) || 0;
  }
  return kib;
}
