import { execFile } from "node:child_process";
import { join, resolve } from "node:path";

export type Ran = { code: number; stdout: string; stderr: string };

export const root = resolve(import.meta.dirname, "../../..");

/**
 * Runs `node cli/fabric.mjs …` (the package's bin) as a person would, against `base` with the dev
 * admin token unless `env` says otherwise; stdin from `input` when given.
 *
 * @example const r = await fabric(base, ["stats", "--json"]); // { code: 0, stdout: "{…}", stderr: "" }
 */
export function fabric(base: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<Ran> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [join(root, "cli/fabric.mjs"), ...args],
      {
        cwd: root,
        env: { ...process.env, FABRIC_URL: base, FABRIC_TOKEN: "dev-admin-token", ...env },
        timeout: 60_000,
      },
      (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Calls `attempt` until `done` holds for its answer or `ms` pass; answers the last one. */
export async function until<T>(attempt: () => Promise<T>, done: (t: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const got = await attempt();
    if (done(got) || Date.now() > end) return got;
    await new Promise((r) => setTimeout(r, 300));
  }
}
