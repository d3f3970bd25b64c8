import { parse as parseYaml } from "yaml";
import type { MonitorInput } from "../../client/src/index";
import type { Deps } from "./deps";
import { UsageError } from "./deps";
import { parseJson, readInput } from "./input";

/** Whether a command's argument names a definition file (or - for stdin) rather than a monitor id. */
export function isDefinitionFile(arg: string): boolean {
  return arg === "-" || /\.(json|ya?ml)$/i.test(arg);
}

/**
 * A monitor body from a file or stdin: JSON for `.json`, YAML otherwise (`.yaml`, `.yml`, stdin;
 * YAML 1.2 reads JSON too). It must be one object with a predicate object; the fabric checks the rest.
 *
 * @example await readMonitorBody(deps, "monitor.yaml") // { workflowId: "wf_1", predicate: {...}, ... }
 */
export async function readMonitorBody(deps: Deps, file: string | undefined): Promise<MonitorInput> {
  const { text, name } = await readInput(deps, file);
  const body = /\.json$/i.test(name) ? parseJson(text, name) : yaml(text, name);
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new UsageError(`${name} must hold one monitor object ({ workflowId, ownerUserId, predicate, ... })`);
  }
  const predicate = (body as { predicate?: unknown }).predicate;
  if (!predicate || typeof predicate !== "object") throw new UsageError(`${name} has no predicate object`);
  return body as MonitorInput;
}

function yaml(text: string, name: string): unknown {
  try {
    return parseYaml(text);
  } catch (e) {
    const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
    throw new UsageError(`${name} is neither JSON nor YAML (${why})`);
  }
}
