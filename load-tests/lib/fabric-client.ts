import { FabricClient, type FabricClientOptions } from "../../client/src/index";

/**
 * The load generators talk to the fabric through its own client library (client/), as a producer
 * or an operator would: pushes split, retried and kept in order by the client, admin calls typed.
 * Raw HTTP stays only where a tool measures the raw wire: bench:ingest's raw baseline run and its
 * floor Worker, and load:burst's route sampler (it records each answer's status, which a retrying
 * client would hide).
 *
 * @example const fabric = devClient(base); await fabric.facts.push(facts);
 */
export const DEV_ADMIN_TOKEN = "dev-admin-token";
export const DEV_PRODUCER_TOKEN = "dev-producer-token";

export function devClient(baseUrl: string, options: Partial<FabricClientOptions> = {}): FabricClient {
  return new FabricClient({ baseUrl, token: DEV_ADMIN_TOKEN, producerToken: DEV_PRODUCER_TOKEN, ...options });
}
