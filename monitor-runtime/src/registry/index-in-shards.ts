import { placementOf } from "../../../shared/src/contract/placement";
import { ROUTES_NAME, shardCount, shardName } from "../../../shared/src/contract/topology";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import type { RuntimeEnv } from "../env";
import type { RegistryEvent } from "./decider";
import { type FollowPorts, followStreams } from "./follow-streams";

/**
 * Applies a registry event to the matcher shards by RPC, so that a monitor's version is indexed
 * before the registry answers (DESIGN §8: any fact pushed after the response is matched against it).
 * Shards ignore versions older than the one they hold, so replaying this is harmless.
 */
export async function indexEvent(
  env: RuntimeEnv,
  event: RegistryEvent,
  previous: MonitorDefinition | undefined,
): Promise<void> {
  const shards = shardCount(env);
  const shard = (n: number) => env.SHARDS.get(env.SHARDS.idFromName(shardName(n)));
  const routes = env.ROUTES.get(env.ROUTES.idFromName(ROUTES_NAME));
  // Expiry changes no index: the shards already skip facts observed at or after expiresAt.
  if (event.type === "monitor_expired") return;
  const monitorId = event.aggregateId;
  const before = previous ? placementOf(previous, shards) : undefined;

  if (event.type === "monitor_removed") {
    if (!before) return;
    await shard(before.home).removeMonitor(monitorId, event.aggregateVersion);
    if (before.followed.length) await routes.setFollows(monitorId, before.home, []);
    return;
  }

  const def = event.data;
  const now = placementOf(def, shards);
  const home = shard(now.home);
  const ports: FollowPorts = {
    readLog: (owner, streamKey, afterSeq, limit) => shard(owner).readLog([streamKey], afterSeq, limit),
    importFacts: (follower, facts) => shard(follower).importFacts(facts),
    setFollows: (at, streamKeys) => routes.setFollows(monitorId, at, streamKeys),
  };
  await followStreams(ports, now, now.followed.length > 0 || (before?.followed.length ?? 0) > 0);
  await home.upsertMonitor(def);
  if (before && before.home !== now.home) await shard(before.home).removeMonitor(monitorId, def.version);
}
