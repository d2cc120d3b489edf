import { sql, type RawBuilder } from 'kysely'
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
