import { sql, type RawBuilder, type SelectQueryBuilder, type Simplify } from 'kysely'
import { jsonArrayFrom as postgresJsonArrayFrom } from 'kysely/helpers/postgres'
import { jsonArrayFrom as sqliteJsonArrayFrom } from 'kysely/helpers/sqlite'
import { isPostgres, type Db } from './database.js'

/** A JSON aggregate as it comes back: text from SQLite, already parsed from PostgreSQL. */
export type JsonColumn<T> = string | T

export function parseJson<T>(value: JsonColumn<T>): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value
}

/**
 * Subqueries that aggregate rows into one JSON array, in each database's idiom, so that a read with lists in it
 * is one query. `from` is the subquery's FROM and WHERE (trusted SQL text, never user input); values are bound
 * by the outer query.
 */
export function jsonAggregates(db: Db) {
  const postgres = isPostgres(db)
  return {
    /** An array of objects with the given keys, each the SQL expression named, in the given order. */
    objects(fields: Record<string, string>, from: string, orderBy: string): RawBuilder<unknown> {
      const pairs = (value: (key: string, expression: string) => string) =>
        Object.entries(fields)
          .map(([key, expression]) => `'${key}', ${value(key, expression)}`)
          .join(', ')
      if (postgres) {
        return sql.raw(`(select coalesce(json_agg(json_build_object(${pairs((_, e) => e)}) order by ${orderBy}), '[]') ${from})`)
      }
      // SQLite aggregates in the order of its input: order the rows in an inner query.
      const columns = Object.entries(fields).map(([key, expression]) => `${expression} as ${key}`).join(', ')
      return sql.raw(
        `(select coalesce(json_group_array(json_object(${pairs((key) => `agg.${key}`)})), '[]') from (select ${columns} ${from} order by ${orderBy}) as agg)`,
      )
    },
    /** An array of one value per row, in the given order. */
    values(expression: string, from: string, orderBy: string): RawBuilder<unknown> {
      if (postgres) return sql.raw(`(select coalesce(json_agg(${expression} order by ${orderBy}), '[]') ${from})`)
      return sql.raw(`(select coalesce(json_group_array(agg.value), '[]') from (select ${expression} as value ${from} order by ${orderBy}) as agg)`)
    },
    /** An array of arrays, one per row of `subquery` (whose columns are named), in no particular order. */
    arrays(columns: string[], subquery: string): RawBuilder<unknown> {
      const list = columns.map((column) => `agg.${column}`).join(', ')
      return postgres
        ? sql.raw(`(select coalesce(json_agg(json_build_array(${list})), '[]') from (${subquery}) as agg)`)
        : sql.raw(`(select coalesce(json_group_array(json_array(${list})), '[]') from (${subquery}) as agg)`)
    },
  }
}

/**
 * A Kysely subquery's rows as one JSON array column (`json_agg` on PostgreSQL, `json_group_array` on SQLite), in
 * the subquery's order; unlike `jsonAggregates`, the subquery may hold values bound per call (a page's cursor and
 * size). Read the column with `parseJson`. Inside JSON, PostgreSQL writes timestamps its own way: select them with
 * `isoTimestamp`.
 */
export function jsonArrayFrom<O>(db: Db, subquery: SelectQueryBuilder<any, any, O>): RawBuilder<JsonColumn<Simplify<O>[]>> {
  return (isPostgres(db) ? postgresJsonArrayFrom(subquery) : sqliteJsonArrayFrom(subquery)) as RawBuilder<JsonColumn<Simplify<O>[]>>
}

/**
 * A timestamp column as our timestamps read everywhere else (`2026-11-25T15:44:47.123400Z`, see
 * parseUtcTimestamp): PostgreSQL's type parser never sees the values inside a JSON column, so they are formatted
 * in SQL; SQLite stores them as that text already.
 */
export function isoTimestamp(db: Db, column: string): RawBuilder<string> {
  const ref = sql.ref(column)
  return isPostgres(db) ? sql<string>`to_char(${ref} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` : sql<string>`${ref}`
}
