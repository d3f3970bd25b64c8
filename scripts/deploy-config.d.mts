export function deployConfigPath(worker: string): string;
export function readJsonc(text: string): Record<string, unknown>;
export function deployConfig(text: string, databaseId: string): Record<string, unknown>;
