import type { DeliveryNote, DeliveryNotes } from "../../../shared/src/contract/shard-rpc";

/**
 * The last notify failure (will retry) and the last refusal (dropped) of a shard's outbox, kept so
 * that `GET /v1/admin/stats` can say why matches pile up or vanish, not only how many: an operator
 * paged at night sees "401 … invalid token" there, not in a log they would have to search.
 * One row per kind, overwritten by each delivery round that had one.
 *
 * @example const notes = sqliteDeliveryNotes(ctx.storage.sql); notes.record("failure", note); notes.read()
 */
export type DeliveryNoteStore = {
  /** A "delivery" note keeps only its time (and the last match delivered, for a person reading the table). */
  record(kind: "failure" | "refusal" | "delivery", note: DeliveryNote): void;
  read(): DeliveryNotes;
};

export function sqliteDeliveryNotes(sql: SqlStorage): DeliveryNoteStore {
  sql.exec(`CREATE TABLE IF NOT EXISTS delivery_notes (kind TEXT PRIMARY KEY, match_id TEXT NOT NULL,
    status INTEGER NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL)`);
  return {
    record(kind, note) {
      sql.exec(
        `INSERT INTO delivery_notes (kind, match_id, status, reason, at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (kind) DO UPDATE SET match_id = excluded.match_id, status = excluded.status,
           reason = excluded.reason, at = excluded.at`,
        kind,
        note.matchId,
        note.status,
        note.reason.slice(0, 500),
        note.at,
      );
    },
    read() {
      const out: DeliveryNotes = { lastFailure: null, lastRefusal: null, lastDeliveredAt: null };
      const rows = sql.exec<{ kind: string; match_id: string; status: number; reason: string; at: number }>(
        "SELECT kind, match_id, status, reason, at FROM delivery_notes",
      );
      for (const r of rows) {
        const note = { matchId: r.match_id, status: r.status, reason: r.reason, at: r.at };
        if (r.kind === "failure") out.lastFailure = note;
        else if (r.kind === "refusal") out.lastRefusal = note;
        else if (r.kind === "delivery") out.lastDeliveredAt = r.at;
      }
      return out;
    },
  };
}
