import { exports } from "cloudflare:workers";

/**
 * The Worker under test, as a Fetcher. One tsconfig spans four Workers, so the per-Worker
 * `GlobalProps.mainModule` typing of `exports` cannot be declared; this names the one export used.
 */
export function self(): Fetcher {
  return (exports as unknown as { default: Fetcher }).default;
}
