export const QUEUES: string[];
export const DATABASE: string;
export const PLACEHOLDER_DATABASE_ID: string;
export const REQUIRED_SECRETS: Record<string, string[]>;
export const OPTIONAL_SECRETS: Record<string, string[]>;
export const DEPLOY_ORDER: string[];
export const PATH_ROUTES: Record<"ingest" | "matcher" | "projector" | "monitor-runtime", string[]>;
export function routeOwner(path: string): string | undefined;
export function requiredSecrets(worker: string, vars?: Record<string, string>): string[];
export function deployPlan(
  found: {
    queues: string[];
    databaseId: string | null;
    secrets: Record<string, string[]>;
    vars?: Record<string, Record<string, string>>;
  },
  options?: { zone?: string },
): {
  steps: { what: string; command: string[] | null; action?: "assets" | "configs" }[];
  missingSecrets: string[];
};
