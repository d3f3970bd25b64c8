import { OpenAPIHono } from "@hono/zod-openapi";
import type { RuntimeEnv } from "../env";

/** The monitor registry routes (`/v1/monitors/*`), mounted by the runtime app. Filled in by the registry work. */
export const registryApp = new OpenAPIHono<{ Bindings: RuntimeEnv }>();
