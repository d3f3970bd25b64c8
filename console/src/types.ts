import type { MonitorDefinition } from "../../shared/src/monitor";

/**
 * The shapes the console reads from the fabric's routes (as /openapi.json documents them), typed
 * once here; the explain shapes come from shared/src/contract/explain.ts.
 */
export type MonitorState = {
  matchCount: number;
  lastMatchId: string | null;
  lastMatchedAt: number | null;
  tickCount: number;
  lastTickAt: number | null;
  lastTickReason: string | null;
};

export type Monitor = MonitorDefinition & { state: MonitorState; status?: string };

export type StreamRef = { kind: string; subject: Record<string, string> };

export type Match = {
  matchId: string;
  monitorId: string;
  monitorVersion: number;
  eventId: string;
  observedAt: number;
  workflowId: string;
  portfolioId: string | null;
  triggerEvent?: StreamRef & { observedAt: number; data: Record<string, unknown>; eventId?: string };
};

export type StoredFact = StreamRef & { observedAt: number; data: Record<string, unknown>; eventId: string };

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
};

export const DEAD_LETTER_QUEUES = ["facts", "events", "wakes"] as const;
export type DeadLetterQueue = (typeof DEAD_LETTER_QUEUES)[number];

export type DeadLetter = {
  id: string;
  source_queue: string;
  reason: string;
  attempts: number;
  failed_at: number;
  replayed_at: number | null;
  replay_count: number;
};

export type RebuildStatus = {
  rebuildId: string;
  status: "running" | "complete" | "failed";
  eventsApplied: number;
  startedAt: number;
  completedAt?: number;
  error?: string;
};
