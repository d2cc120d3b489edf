import type { Compilable, CompiledQuery } from 'kysely'
import { postgresHandleOf, sqliteHandleOf, type Db } from './database.js'

const PARAMETER_MARK = '\u0000overworld-parameter:'

/** A value now (a SQLite read made at once), or later. */
export type MaybePromise<T> = T | Promise<T>

/**
 * `next(value)` at once when the value is there (a SQLite read), else when its promise settles: the hottest
 * reads (src/http/fast-reads.ts) then answer within the request's own callback, without a promise or a
 * microtask in between, which cost them more CPU than the read itself (bench/results/2026-12-04-night.md).
 */
export function andThen<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(next) : next(value)
}

/**
 * A query built and compiled once, at start, and bound per call: a hot read pays neither Kysely's query
 * building nor its SQL compiling. `build` receives `param(name)`, which stands for a value given at each call.
 *
 * On SQLite, a call made while no write transaction is open runs the cached statement at once, in the shared
 * read snapshot (see SqliteHandle.enterReadSnapshot), and gives its rows without a promise; during a write
 * transaction it waits its turn through Kysely like every other query, so a read never sees another request's
 * uncommitted writes. On PostgreSQL it is one named, prepared statement, sent straight to the pool outside a
 * transaction. Either way, a SQLite error may be thrown at once rather than as a rejected promise.
 */
export interface PreparedQuery<P, R> {
  all(parameters: P): MaybePromise<R[]>
  first(parameters: P): MaybePromise<R | undefined>
  /** The SQL text, for tests and EXPLAIN. */
  readonly sql: string
}

type ParameterOf<P> = <K extends keyof P & string>(name: K) => P[K]

/** A query builder, or a raw `sql` template (which compiles against a database). */
type Buildable<R> = Compilable<R> | { compile(db: Db): CompiledQuery<R> }

export function prepareQuery<P extends Record<string, unknown>, R>(
  db: Db,
  build: (param: ParameterOf<P>) => Buildable<R>,
): PreparedQuery<P, R> {
  const param = ((name: string) => `${PARAMETER_MARK}${name}`) as ParameterOf<P>
  // A builder's compile() takes no argument and ignores this one.
  const compiled = (build(param) as { compile(db: Db): CompiledQuery<R> }).compile(db)
  // For each bound value: the name of the call's parameter it stands for, or the constant it is.
  const slots = compiled.parameters.map((value) =>
    typeof value === 'string' && value.startsWith(PARAMETER_MARK) ? { name: value.slice(PARAMETER_MARK.length) } : { value },
  )
  const bind = (parameters: P): unknown[] =>
    slots.map((slot) => ('name' in slot ? parameters[slot.name as keyof P] : slot.value))
  const handle = sqliteHandleOf(db)
  const statement = handle?.prepare(compiled.sql)
  const pool = postgresHandleOf(db)

  // PostgreSQL outside a transaction: straight to the pool, without Kysely's layers of connection handling
  // (their promises and objects cost this process more than pg itself does for a small read).
  const viaDriver = pool
    ? async (parameters: P): Promise<R[]> => (await pool.query(compiled.sql, bind(parameters))) as R[]
    : async (parameters: P): Promise<R[]> => {
        const query: CompiledQuery<R> = { ...compiled, parameters: bind(parameters) } as CompiledQuery<R>
        return (await db.executeQuery(query)).rows
      }
  return {
    sql: compiled.sql,
    all(parameters) {
      if (handle && statement && handle.enterReadSnapshot()) return statement.all(bind(parameters)) as R[]
      return viaDriver(parameters)
    },
    first(parameters) {
      if (handle && statement && handle.enterReadSnapshot()) return statement.get(bind(parameters)) as R | undefined
      return viaDriver(parameters).then((rows) => rows[0])
    },
  }
}
