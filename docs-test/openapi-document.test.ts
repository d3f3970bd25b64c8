import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { scopeFor } from "../shared/src/http/admin-scopes";
import { readmeRoutes } from "./readme-routes";
import { TYPED_CLIENT } from "./typed-client";

/**
 * The public OpenAPI document as a third party meets it: fetched from `npm run dev` itself
 * (the project's one fabric, test-fixtures/dev-fabric-setup.ts), then held to `@redocly/cli lint` with its recommended rules and to
 * the README's API table. The document is generated from the Workers' route schemas, so a route
 * added without operationId, tags, security or problem responses fails here.
 */
const run = promisify(execFile);
type Media = { example?: unknown; schema?: unknown };
type Operation = {
  operationId?: string;
  tags?: string[];
  security?: unknown[];
  requestBody?: { content?: Record<string, Media> };
  responses?: Record<string, { content?: Record<string, Media> }>;
  parameters?: { example?: unknown; schema?: { example?: unknown } }[];
};
type OpenApi = { paths: Record<string, Record<string, Operation>> };
const METHODS = ["get", "put", "post", "delete", "patch"];

let dir = "";
let docPath = "";
let doc: OpenApi = { paths: {} };

beforeAll(async () => {
  const res = await fetch(`${inject("devFabricBase")}/openapi.json`);
  doc = (await res.json()) as OpenApi;
  dir = mkdtempSync(join(tmpdir(), "fabric-openapi-"));
  docPath = join(dir, "openapi.json");
  writeFileSync(docPath, JSON.stringify(doc, null, 2));
}, 30_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => m in item).map((m) => ({ method: m.toUpperCase(), path, op: item[m] as Operation })),
  );

describe("the public OpenAPI document", () => {
  it("passes @redocly/cli lint (recommended rules) with no error and no warning", async () => {
    // No telemetry or update check: the test must not need the network.
    const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" };
    const lint = await run("npx", ["redocly", "lint", docPath, "--format=json"], { env }).catch(
      (err: { stdout?: string }) => ({ stdout: err.stdout ?? "" }),
    );
    const report = JSON.parse(lint.stdout) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; message: string; location: { pointer: string }[] }[];
    };
    const found = report.problems.map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
    expect(found).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 60_000);

  it("gives every operation a unique camelCase operationId, a tag, a security entry and an example", () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(20);
    for (const { method, path, op } of ops) {
      expect(op.operationId, `${method} ${path}`).toMatch(/^[a-z][a-zA-Z0-9]*$/);
      expect(op.tags?.length, `${method} ${path} tags`).toBeGreaterThan(0);
      expect(Array.isArray(op.security), `${method} ${path} security`).toBe(true);
      if (path.startsWith("/v1/") && path !== "/v1/facts") {
        const scope = scopeFor(method, path);
        expect(op.security, `${method} ${path} names its admin scope`).toEqual([{ bearer: scope ? [scope] : [] }]);
      }
      const media = [
        ...Object.values(op.requestBody?.content ?? {}),
        ...Object.entries(op.responses ?? {})
          .filter(([status]) => status.startsWith("2"))
          .flatMap(([, r]) => Object.values(r.content ?? {})),
      ];
      const examples = [
        ...media.map((m) => m.example),
        ...(op.parameters ?? []).map((p) => p.example ?? p.schema?.example),
      ].filter((e) => e !== undefined);
      expect(examples.length, `${method} ${path} examples`).toBeGreaterThan(0);
    }
    const ids = ops.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("documents the predicate's indicators, operands and expiresAt (DESIGN §8), omitting no sub-app", () => {
    const text = JSON.stringify(doc);
    expect((doc as { "x-omitted"?: string[] })["x-omitted"] ?? []).toEqual([]);
    for (const form of ['"bollinger_upper"', '"description":"indicator"', '"description":"operand"', '"expiresAt"']) {
      expect(text).toContain(form);
    }
  });

  it("lists exactly the routes of the README's API table", () => {
    const normalise = (path: string) => path.replace(/\{[^}]+\}/g, "{}");
    const documented = operations()
      .map(({ method, path }) => `${method} ${normalise(path)}`)
      .sort();
    const readme = readmeRoutes(readFileSync("README.md", "utf8"))
      .map(({ method, path }) => `${method} ${normalise(path)}`)
      .sort();
    expect(readme).toEqual(documented);
  });

  it("types a client (openapi-typescript + openapi-fetch): a nested predicate compiles, deep mistakes do not", async () => {
    const types = astToString(await openapiTS(doc as unknown as Parameters<typeof openapiTS>[0]));
    writeFileSync(join(dir, "api.d.ts"), types);
    const client = join(dir, "client.ts");
    writeFileSync(client, TYPED_CLIENT);
    symlinkSync(resolve("node_modules"), join(dir, "node_modules"), "dir");
    const program = ts.createProgram([client], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
      types: [],
      skipLibCheck: true,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
      return `${d.file?.fileName.split("/").pop()}:${where} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    });
    expect(diagnostics).toEqual([]);
  }, 60_000);
});
