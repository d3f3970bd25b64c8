/**
 * The routes of README.md's "## API" table as method + path pairs: a cell may hold several methods
 * (`GET/POST`) and several backticked paths, each method going with each path; a path's query
 * string is dropped.
 *
 * @example readmeRoutes(readme) // [{ method: "GET", path: "/healthz" }, …]
 */
export type ReadmeRoute = { method: string; path: string };

export function readmeRoutes(readme: string): ReadmeRoute[] {
  const section = readme.split(/^## API\s*$/m)[1]?.split(/^## /m)[0] ?? "";
  const routes: ReadmeRoute[] = [];
  for (const line of section.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    const [, methodCell, pathCell] = cells;
    if (!methodCell || !pathCell || !/^[A-Z/]+$/.test(methodCell) || methodCell === "method") continue;
    const paths = [...pathCell.matchAll(/`([^`]+)`/g)].map((m) => (m[1] ?? "").split("?")[0] ?? "");
    for (const method of methodCell.split("/")) {
      for (const path of paths) routes.push({ method, path });
    }
  }
  return routes;
}
