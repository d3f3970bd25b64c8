import type { SqlExecutor, SqlStatement, SqlValue } from "../../projector/src/projections/sql";

/**
 * The projector's SqlExecutor over a D1 binding: `batch` is one D1 batch (one transaction).
 *
 * @example await applyEvents(d1Executor(env.DB), events);
 */
export function d1Executor(db: D1Database): SqlExecutor {
  const prepare = (s: SqlStatement) => db.prepare(s.sql).bind(...s.params);
  return {
    async all<T = Record<string, SqlValue>>(s: SqlStatement): Promise<T[]> {
      return (await prepare(s).all<T>()).results;
    },
    async batch(statements: SqlStatement[]): Promise<void> {
      if (statements.length > 0) await db.batch(statements.map(prepare));
    },
  };
}
