export const CONSOLE_HEADERS: string;
export function buildConsole(assetsDir: string): string;
