import { OpenAPIHono } from "@hono/zod-openapi";
import { bearerToken } from "../../shared/src/auth";
import { onError } from "../../shared/src/http/errors";
import { rejectMalformedUrl } from "../../shared/src/http/malformed-url";
import { allowedMethods, methodNotAllowed, routeNotFound } from "../../shared/src/http/route-not-found";
import { publicLocalTokenRefusal } from "../../shared/src/local-tokens";
import { ProblemError, problem } from "../../shared/src/problem";
import { docsPage } from "./docs-page";
import type { IngestEnv } from "./env";
import { forwardToOwner, health, mergedOpenApi } from "./gateway";
import { registerIngestDocs } from "./openapi";
import { authenticateProducer, type Producer } from "./producers";
import { pushFacts } from "./push-facts";

/**
 * The ingest app: `POST /v1/facts` plus the local one-origin gateway (`/healthz`, `/openapi.json`,
 * `/docs`, and forwarding of every other path to the Worker that owns it).
 */
export const app = new OpenAPIHono<{ Bindings: IngestEnv; Variables: { producer: Producer } }>();
app.onError(onError);
app.notFound(routeNotFound(app));
app.use("*", rejectMalformedUrl);

app.post("/v1/facts", async (c) => {
  const token = bearerToken(c.req.header("authorization"));
  const refusal = token ? publicLocalTokenRefusal(token, c.req.url) : undefined;
  const producer = refusal ? undefined : await authenticateProducer(token, c.env.PRODUCER_TOKENS);
  if (!producer) {
    throw new ProblemError(problem("unauthorized", refusal ?? "A valid producer bearer token is required"), {
      "www-authenticate": 'Bearer realm="producers"',
    });
  }
  if (c.env.RATE_LIMITER) {
    const { success } = await c.env.RATE_LIMITER.limit({ key: producer.producerId });
    if (!success) {
      throw new ProblemError(problem("rate_limited", `producer ${producer.producerId} is over its rate limit`), {
        "retry-after": "10",
      });
    }
  }
  const result = await pushFacts(c.req.raw, c.env, producer);
  return c.json(result, 202);
});

registerIngestDocs(app);
app.get("/openapi.json", async (c) => c.json(await mergedOpenApi(app, c.env)));
app.get("/docs", (c) => {
  const page = docsPage("/openapi.json");
  return c.html(page.html, 200, page.headers);
});
app.get("/healthz", (c) => health(c.env));
// A path ingest serves under another method (GET /v1/facts) is its 405; every other path is its owner's.
app.all("*", (c) => {
  const allowed = allowedMethods(app.routes, c.req.path);
  return allowed.length > 0 ? methodNotAllowed(c, allowed) : forwardToOwner(c.req.raw, c.env);
});
