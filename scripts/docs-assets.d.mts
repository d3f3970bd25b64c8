export const ASSETS_DIR: string;
export function copyDocsAssets(): string;
