import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { SqlExecutor, SqlStatement, SqlValue } from "./sql";

/**
 * `node:sqlite` (Node ≥ 22) as an executor, for tests and benches: `batch` is one transaction,
 * rolled back whole on any error, as a D1 batch is. Prepared statements are cached by SQL text.
 * `failAfter` makes the next batch throw after that many statements (partial-failure tests).
 *
 * @example const db = sqliteExecutor(new DatabaseSync(":memory:"));
 */
export type SqliteExecutor = SqlExecutor & { db: DatabaseSync; failAfter?: number };

export function sqliteExecutor(db: DatabaseSync): SqliteExecutor {
  const cache = new Map<string, StatementSync>();
  const prepare = (sql: string) => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
  const executor: SqliteExecutor = {
    db,
    async all<T>(s: SqlStatement): Promise<T[]> {
      return prepare(s.sql).all(...s.params) as T[];
    },
    async batch(statements: SqlStatement[]): Promise<void> {
      const failAfter = executor.failAfter;
      executor.failAfter = undefined;
      // DDL (rename/drop) invalidates cached statements; SQLite re-prepares them transparently.
      db.exec("BEGIN");
      try {
        statements.forEach((s, i) => {
          if (failAfter !== undefined && i >= failAfter) throw new Error(`injected failure at statement ${i}`);
          prepare(s.sql).run(...(s.params as SqlValue[]));
        });
        db.exec("COMMIT");
      } catch (error) {
        db.exec("ROLLBACK");
        throw error;
      }
    },
  };
  return executor;
}
