import type { Context } from "hono";
import { problem, problemResponse } from "../problem";

type Route = { method: string; path: string };

/**
 * The methods an app's routes take on `path` (a route's `:param` matches one segment, `*` the rest;
 * middleware, registered for every method, is not a route). HEAD comes with GET: Hono answers it
 * from the GET handler.
 *
 * @example allowedMethods(app.routes, "/v1/monitors/btc-100k") // ["DELETE", "GET", "HEAD", "PUT"]
 */
export function allowedMethods(routes: readonly Route[], path: string): string[] {
  const wanted = path.split("/");
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === "ALL" || !pathMatches(route.path.split("/"), wanted)) continue;
    methods.add(route.method);
    if (route.method === "GET") methods.add("HEAD");
  }
  return [...methods].sort();
}

function pathMatches(pattern: string[], wanted: string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const segment = pattern[i] ?? "";
    if (segment === "*") return true;
    const part = wanted[i];
    if (part === undefined) return false;
    if (segment.startsWith(":") ? part === "" : segment !== part) return false;
  }
  return pattern.length === wanted.length;
}

/** 405 with `Allow`: the path exists, the method is not one it takes. */
export function methodNotAllowed(c: Context, allowed: readonly string[]): Response {
  const detail = `${c.req.method} is not allowed on ${c.req.path}; it takes ${allowed.join(", ")}`;
  return problemResponse(problem("method_not_allowed", detail), { allow: allowed.join(", ") });
}

/**
 * The not-found handler of an app: a path the app serves under other methods is a 405 naming them
 * (RFC 9110 §15.5.6), any other a 404. Reads the app's routes when a request comes, so routes
 * mounted after it is installed count.
 *
 * @example app.notFound(routeNotFound(app));
 */
export function routeNotFound(app: { routes: readonly Route[] }) {
  return (c: Context): Response => {
    const allowed = allowedMethods(app.routes, c.req.path);
    if (allowed.length > 0) return methodNotAllowed(c, allowed);
    return problemResponse(problem("not_found", `No route for ${c.req.method} ${c.req.path}`));
  };
}
