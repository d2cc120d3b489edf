import type { ColumnDefinitionBuilder, Kysely } from 'kysely'
import { isPostgres } from '../database.js'

export { isPostgres }

/** An auto-generated integer primary key, in each database's own idiom. */
export function idColumn(db: Kysely<unknown>) {
  return (column: ColumnDefinitionBuilder) =>
    isPostgres(db)
      ? column.primaryKey().generatedByDefaultAsIdentity()
      : column.primaryKey().autoIncrement()
}

/** timestamptz on PostgreSQL; ISO-8601 text on SQLite (which sorts and compares correctly as text). */
export function timestampType(db: Kysely<unknown>) {
  return isPostgres(db) ? 'timestamptz' : 'text'
}
