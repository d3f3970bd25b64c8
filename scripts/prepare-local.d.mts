export const WORKERS: readonly ["ingest", "monitor-runtime", "matcher", "projector"];
export const quietEnv: NodeJS.ProcessEnv;
export function prepareLocal(
  persistTo: string,
  opts?: { inherit?: boolean; env?: NodeJS.ProcessEnv },
): { status: number | null; output: string };
