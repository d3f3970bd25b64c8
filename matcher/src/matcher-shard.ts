import { DurableObject } from "cloudflare:workers";

export class MatcherShard extends DurableObject {}
