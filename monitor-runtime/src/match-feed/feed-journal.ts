import type { RecordedMatch } from "./match-view";
import type { FeedRow, MatchFilters } from "./subscription";

/**
 * The MatchFeed's journal in its own SQLite: one row per recorded match (UNIQUE matchId, so a
 * repeated notice is dropped), numbered by `seq` in the order the feed learned of them. The
 * journal, not D1, orders the stream: D1's trigger_matches is ordered by event time per monitor,
 * and a match recorded later can carry an earlier event time (another stream, another shard), so a
 * cursor over event time would skip it on resume. The newest `retain` matches are kept (RETAIN
 * unless the MATCH_FEED_RETAIN binding says otherwise, as a test configuration does).
 */
export const RETAIN = 100_000;
/**
 * The position before the feed's first match: what a stream opened on an empty feed names as its
 * start, and an `after` meaning "from the feed's beginning". It cannot be a matchId (those are
 * monitorId~version~eventId). Valid only while the journal still holds its first match (seq 1).
 */
export const FEED_START = "~start";

export class FeedJournal {
  constructor(
    private readonly sql: SqlStorage,
    private readonly retain = RETAIN,
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS feed (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, match_id TEXT NOT NULL UNIQUE, monitor_id TEXT NOT NULL,
      workflow_id TEXT NOT NULL, owner_user_id TEXT NOT NULL, view TEXT NOT NULL)`);
    sql.exec("CREATE INDEX IF NOT EXISTS feed_by_monitor ON feed (monitor_id, seq)");
    sql.exec("CREATE INDEX IF NOT EXISTS feed_by_workflow ON feed (workflow_id, seq)");
    sql.exec("CREATE INDEX IF NOT EXISTS feed_by_owner ON feed (owner_user_id, seq)");
  }

  /** Appends the matches not yet in the journal, in the given order; returns those rows. */
  append(matches: readonly RecordedMatch[]): FeedRow[] {
    const added: FeedRow[] = [];
    for (const m of matches) {
      const row = this.sql
        .exec<{ seq: number }>(
          `INSERT INTO feed (match_id, monitor_id, workflow_id, owner_user_id, view) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (match_id) DO NOTHING RETURNING seq`,
          m.matchId,
          m.monitorId,
          m.workflowId,
          m.ownerUserId,
          m.view,
        )
        .toArray()[0];
      if (row) added.push({ seq: row.seq, ...m });
    }
    if (added.length > 0) this.sql.exec("DELETE FROM feed WHERE seq <= ?", this.newest() - this.retain);
    return added;
  }

  /** The seq an `after` names: a match in the journal, FEED_START (0) while nothing was trimmed; else null. */
  seqOf(matchId: string): number | null {
    if (matchId === FEED_START) return this.oldest() <= 1 ? 0 : null;
    return this.sql.exec<{ seq: number }>("SELECT seq FROM feed WHERE match_id = ?", matchId).toArray()[0]?.seq ?? null;
  }

  /** The newest match's id (where a stream without `after` starts), or FEED_START for an empty feed. */
  newestMatchId(): string {
    const row = this.sql.exec<{ match_id: string }>("SELECT match_id FROM feed ORDER BY seq DESC LIMIT 1").toArray()[0];
    return row?.match_id ?? FEED_START;
  }

  /** The oldest seq still held (0 for an empty feed). */
  oldest(): number {
    return this.sql.exec<{ n: number | null }>("SELECT MIN(seq) AS n FROM feed").one().n ?? 0;
  }

  newest(): number {
    return this.sql.exec<{ n: number | null }>("SELECT MAX(seq) AS n FROM feed").one().n ?? 0;
  }

  /** Up to `limit` rows after `cursor` that pass the filters, in seq order. */
  page(filters: MatchFilters, cursor: number, limit: number): FeedRow[] {
    const where = ["seq > ?"];
    const params: (string | number)[] = [cursor];
    const column = { monitorId: "monitor_id", workflowId: "workflow_id", ownerUserId: "owner_user_id" } as const;
    for (const key of ["monitorId", "workflowId", "ownerUserId"] as const) {
      const value = filters[key];
      if (value === undefined) continue;
      where.push(`${column[key]} = ?`);
      params.push(value);
    }
    return this.sql
      .exec<{
        seq: number;
        match_id: string;
        monitor_id: string;
        workflow_id: string;
        owner_user_id: string;
        view: string;
      }>(
        `SELECT seq, match_id, monitor_id, workflow_id, owner_user_id, view FROM feed WHERE ${where.join(" AND ")} ORDER BY seq LIMIT ?`,
        ...params,
        limit,
      )
      .toArray()
      .map((r) => ({
        seq: r.seq,
        matchId: r.match_id,
        monitorId: r.monitor_id,
        workflowId: r.workflow_id,
        ownerUserId: r.owner_user_id,
        view: r.view,
      }));
  }
}
