export const QUEUES: string[];
export const DATABASE: string;
export const PLACEHOLDER_DATABASE_ID: string;
export const REQUIRED_SECRETS: Record<string, string[]>;
export const DEPLOY_ORDER: string[];
export function deployPlan(found: {
  queues: string[];
  databaseId: string | null;
  configDatabaseId: string;
  secrets: Record<string, string[]>;
}): { steps: { what: string; command: string[] | null }[]; missingSecrets: string[] };
