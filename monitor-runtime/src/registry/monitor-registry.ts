import { DurableObject } from "cloudflare:workers";

/** Per-monitor write model (event store + decider). Filled in by the registry work. */
export class MonitorRegistry extends DurableObject {}
