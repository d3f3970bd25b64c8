/**
 * The local development tokens are public: they are in the README and in every checkout's
 * `.dev.vars.example`. A deployed fabric whose secrets were set to them (copied from the README,
 * say) would let anyone in. `npm run deploy` cannot read secret values to catch that, so the
 * Workers refuse these tokens on any request that did not come to a local host: a deployed
 * Worker is only ever reached by a public hostname (workers.dev or a zone), never by an IP
 * literal, a name without a dot or a reserved test name, which is what local runs and tests use.
 *
 * @example publicLocalTokenRefusal("dev-admin-token", "https://api.example.com/v1/monitors") // a detail string
 */
export const PUBLIC_LOCAL_TOKENS: ReadonlySet<string> = new Set([
  "dev-producer-token",
  "dev-market-token",
  "dev-signed-token",
  "dev-admin-token",
  "dev-read-token-local",
  "dev-write-token-local",
  "dev-control-token-local",
]);

/**
 * Names no public Worker route can have: reserved (RFC 2606, RFC 6761), a LAN's own (mDNS `.local`,
 * RFC 6762; `.home.arpa`, RFC 8375; ICANN's private-use `.internal`) and the undelegated `.lan`
 * home routers use, so a dev fabric opened from another machine by its LAN name still takes them.
 */
const RESERVED_SUFFIXES = [".localhost", ".test", ".example", ".invalid", ".local", ".home.arpa", ".internal", ".lan"];

/**
 * Is this hostname one only a local run reaches: an IP literal (Cloudflare's edge refuses direct IP
 * access), a single label (`localhost`, a service binding's `http://monitor-runtime`), or a reserved name?
 */
export function isLocalHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host.startsWith("[")) return true; // IPv6 literal
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return true;
  if (!host.includes(".")) return true;
  return RESERVED_SUFFIXES.some((s) => host.endsWith(s));
}

/**
 * Why a presented token is refused, or undefined when it may be compared as usual: one of the
 * public local tokens, presented to a Worker reached at a public hostname.
 */
export function publicLocalTokenRefusal(token: string, url: string): string | undefined {
  if (!PUBLIC_LOCAL_TOKENS.has(token)) return undefined;
  const host = new URL(url).hostname;
  if (isLocalHost(host)) return undefined;
  return `${token} is a public local-development token, accepted only on a local host (127.0.0.1, localhost); this fabric was reached at ${host}, where only tokens of its own secrets count: set ADMIN_AUTH_SECRET_TOKEN or PRODUCER_TOKENS to values of your own (README, Deploy)`;
}
