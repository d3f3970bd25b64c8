import type { Placement } from "../../../shared/src/contract/placement";
import type { LogEntry } from "../../../shared/src/contract/shard-rpc";
import type { AcceptedFact } from "../../../shared/src/facts";

/** What following needs of the shards and the follower table (index-in-shards.ts binds them to RPCs). */
export type FollowPorts = {
  /** Up to `limit` logged facts of a stream on shard `owner` after its log position `afterSeq`. */
  readLog(owner: number, streamKey: string, afterSeq: number, limit: number): Promise<LogEntry[]>;
  /** Applies copied facts on shard `follower` like delivered ones (it drops what it already has). */
  importFacts(follower: number, facts: AcceptedFact[]): Promise<unknown>;
  /** Makes the facts consumer route these streams' facts to `home` as well, from its next batch. */
  setFollows(home: number, streamKeys: string[]): Promise<unknown>;
};

/** Facts copied per call: one owner read and one follower transaction, well under the RPC size limit. */
export const COPY_CHUNK = 2000;

/**
 * Makes a monitor's home shard hold every stream it reads that another shard owns: copy, then
 * follow, then catch up. The home applies a stream's history before any live fact of it is routed
 * there: a live fact applied first would make every older fact of the copy stale on the home
 * (logged, never a sample), and the monitor's indicators and windows on that stream would start
 * empty. What the owner logs between the copy and the follow taking effect is copied after it,
 * and a facts batch already in flight when the follow is set is sent to the home by the consumer
 * once it sees the new follower map (matcher/src/route-facts.ts newlyRouted). A fact of that short
 * gap can still reach the home after a newer live one and be stale there: logged, never lost. `touchRoutes` is false when neither this version nor the one before
 * follows anything (most monitors): then the follower table is not written.
 *
 * @example await followStreams(ports, placementOf(def, 8), true)
 */
export async function followStreams(ports: FollowPorts, place: Placement, touchRoutes: boolean): Promise<void> {
  const copied: number[] = [];
  for (const f of place.followed) copied.push(await copyStream(ports, f.owner, place.home, f.streamKey, 0));
  if (touchRoutes)
    await ports.setFollows(
      place.home,
      place.followed.map((f) => f.streamKey),
    );
  for (const [i, f] of place.followed.entries())
    await copyStream(ports, f.owner, place.home, f.streamKey, copied[i] ?? 0);
}

/** Copies a stream's facts after owner position `afterSeq`, a chunk at a time; the position copied up to. */
async function copyStream(
  ports: FollowPorts,
  owner: number,
  follower: number,
  streamKey: string,
  afterSeq: number,
): Promise<number> {
  let upTo = afterSeq;
  for (;;) {
    const chunk = await ports.readLog(owner, streamKey, upTo, COPY_CHUNK);
    const last = chunk.at(-1);
    if (!last) return upTo;
    await ports.importFacts(
      follower,
      chunk.map((e) => e.fact),
    );
    upTo = last.seq;
  }
}
