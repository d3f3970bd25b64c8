import type { TestProject } from "vitest/node";
import { startDevFabric } from "./dev-fabric";

/**
 * globalSetup of the "readme" project: one `npm run dev` fabric (test-fixtures/dev-fabric.ts) for
 * all its files, the README walkthrough and the OpenAPI document checks, instead of one each (a
 * fabric takes seconds of both cores to start). Files read its origin with `inject("devFabricBase")`.
 *
 * @example const base = inject("devFabricBase"); await fetch(`${base}/healthz`);
 */
declare module "vitest" {
  export interface ProvidedContext {
    devFabricBase: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fabric = await startDevFabric({ readyTimeoutMs: 90_000 });
  project.provide("devFabricBase", fabric.base);
  return () => fabric.stop();
}
