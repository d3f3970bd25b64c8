import type { OpenAPIHono } from "@hono/zod-openapi";

type Doc = { paths?: Record<string, unknown>; components?: Record<string, Record<string, unknown> | undefined> };

/**
 * This Worker's OpenAPI document, merged from each sub-app's own. A sub-app whose schemas cannot be
 * rendered (the generator fails, e.g. on a recursive schema) contributes nothing and is named in
 * `x-omitted`, instead of taking the whole document down with it.
 *
 * @example app.get("/openapi.json", (c) => c.json(openApiDocument({ registry: registryApp, runtime: runtimeApp })));
 */
export function openApiDocument(
  parts: Record<string, Pick<OpenAPIHono, "getOpenAPI31Document">>,
): Doc & Record<string, unknown> {
  const doc = {
    openapi: "3.1.0",
    info: { title: "Trigger-matcher fabric: monitor runtime", version: "1.0.0" },
    paths: {} as Record<string, unknown>,
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } } as Record<
      string,
      Record<string, unknown>
    >,
    "x-omitted": [] as string[],
  };
  for (const [name, app] of Object.entries(parts)) {
    try {
      const part = app.getOpenAPI31Document({ openapi: "3.1.0", info: doc.info }) as Doc;
      Object.assign(doc.paths, part.paths);
      for (const [kind, entries] of Object.entries(part.components ?? {})) {
        doc.components[kind] = { ...doc.components[kind], ...entries };
      }
    } catch (err) {
      doc["x-omitted"].push(name);
      console.error(
        JSON.stringify({ level: "error", msg: "openapi generation failed", part: name, error: String(err) }),
      );
    }
  }
  return doc;
}
