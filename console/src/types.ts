import type { DeadLetterQueue, StoredFact } from "../../shared/src/contract/reads";

export type { MonitorInput } from "../../client/src/types";
/**
 * The shapes the console reads from the fabric's routes (as /openapi.json documents them), typed
 * once here; the explain shapes come from shared/src/contract/explain.ts.
 */
export type {
  DeadLetterQueue,
  MatchRead as Match,
  MonitorRead as Monitor,
  MonitorState,
  MonitorStatus,
  RebuildStatus,
  StoredFact,
  StreamRead,
} from "../../shared/src/contract/reads";
export { DEAD_LETTER_QUEUES } from "../../shared/src/contract/reads";

export type StreamRef = { kind: string; subject: Record<string, string> };

export type FactsPage = { streamKey: string; facts: StoredFact[]; nextCursor: string | null };

export type ShardStats = Record<string, number | null>;

export type FabricStats = {
  totals: {
    factsApplied: number;
    factsStale: number;
    duplicates: number;
    matches: number;
    outboxBacklog: number;
    oldestUndeliveredAgeMs: number | null;
  };
  shards: ShardStats[];
  queues: Record<string, { lagMs: number; lastBatchSize: number; lastBatchAt: number }>;
  wakes: {
    pending: number;
    oldestAgeMs: number | null;
    ratePerSecond: number | null;
    heldUntil: number | null;
    rateLimited: number;
    /** Wakes handed to sessions, and matches that rode in another match's wake (coalesced). */
    sessionWakes?: number;
    coalesced?: number;
  };
  deadLetters: Record<DeadLetterQueue, number>;
  /** How notify-trigger-match answers the outboxes (absent from a fabric older than it). */
  delivery?: {
    delivered: number;
    refused: number;
    failedAttempts: number;
    lastFailure: DeliveryNote | null;
    lastRefusal: DeliveryNote | null;
    /** Absent from fabrics older than it. */
    lastDeliveredAt?: number | null;
  };
  /** Whether the projector (Queue "events") fails its batches (absent from a fabric older than it). */
  projector?: {
    failingSince: number | null;
    failedBatches: number;
    lastFailure: { at: number; error: string; attempts: number; hint: string } | null;
  };
};

/** A notify answer that was not a delivery: its shard, status (0: no answer), reason and what to do. */
export type DeliveryNote = { shard: number; matchId: string; status: number; reason: string; at: number; hint: string };

export type DeadLetter = {
  id: string;
  source_queue: string;
  reason: string;
  attempts: number;
  failed_at: number;
  replayed_at: number | null;
  replay_count: number;
};
