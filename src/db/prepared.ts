import { sql, type Compilable, type CompiledQuery, type Expression } from 'kysely'
import { postgresHandleOf, sqliteHandleOf, type Db, type PostgresHandle } from './database.js'

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
  const statement = handle?.prepareRead(compiled.sql)
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

/** The column under which a batched read gives the key each row answers. */
const BATCH_KEY = 'overworld_batch_key'

/**
 * A read of at most one row per key (a token's digest, a username's key), compiled once. `build` receives the
 * key as an expression to compare a unique column with.
 *
 * On SQLite it is a prepared query, answered at once. On PostgreSQL, where a query's round trip costs both
 * processes far more CPU than finding one row (bench/results/2026-12-05.md), the keys asked for while the event
 * loop handles one batch of ready connections are read together in ONE query, sent as soon as that batch is done
 * (setImmediate runs right after the poll phase): the query runs once per key in a lateral join over the array
 * of keys. Each key is read after it was asked for, so a batched read sees every write committed before its
 * request arrived, as a query of its own would. Inside a transaction it is a query of its own.
 */
export function prepareKeyedRead<K extends string | number, R>(
  db: Db,
  keyType: 'text' | 'int8',
  build: (key: Expression<K>) => Buildable<R>,
): (key: K) => MaybePromise<R | undefined> {
  const single = prepareQuery<{ key: K }, R>(db, (param) => build(sql.val(param('key'))))
  const pool = postgresHandleOf(db)
  if (!pool) return (key) => single.first({ key })
  const perKey = (build(sql.ref<K>('batch.key')) as { compile(db: Db): CompiledQuery<R> }).compile(db)
  const keysAt = perKey.parameters.length + 1
  const text =
    `select batch.key as ${BATCH_KEY}, answer.* from unnest($${keysAt}::${keyType}[]) as batch(key) ` +
    `cross join lateral (${perKey.sql}) as answer`
  return batchedReads<K, R>(pool, text, perKey.parameters, (key) => single.first({ key }))
}

interface Waiting<R> {
  resolve(row: R | undefined): void
  reject(error: unknown): void
}

function batchedReads<K, R>(
  pool: PostgresHandle,
  text: string,
  constants: ReadonlyArray<unknown>,
  readOne: (key: K) => MaybePromise<R | undefined>,
) {
  let waiting: Map<K, Waiting<R>[]> | undefined
  const send = () => {
    const batch = waiting as Map<K, Waiting<R>[]>
    waiting = undefined
    pool.query(text, [...constants, [...batch.keys()]]).then(
      (rows) => {
        const byKey = new Map<unknown, R>()
        for (const row of rows as Record<string, unknown>[]) {
          const { [BATCH_KEY]: key, ...answer } = row
          byKey.set(key, answer as R)
        }
        for (const [key, waiters] of batch) for (const waiter of waiters) waiter.resolve(byKey.get(key))
      },
      (error: unknown) => {
        if (!refusedValue(error)) {
          for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error)
          return
        }
        // One key the database refuses must fail its own read only, not those that shared its batch.
        for (const [key, waiters] of batch) {
          Promise.resolve()
            .then(() => readOne(key))
            .then(
              (row) => waiters.forEach((waiter) => waiter.resolve(row)),
              (error: unknown) => waiters.forEach((waiter) => waiter.reject(error)),
            )
        }
      },
    )
  }
  return (key: K) =>
    new Promise<R | undefined>((resolve, reject) => {
      if (!waiting) {
        waiting = new Map()
        setImmediate(send)
      }
      const waiters = waiting.get(key)
      if (waiters) waiters.push({ resolve, reject })
      else waiting.set(key, [{ resolve, reject }])
    })
}

/**
 * Whether PostgreSQL refused a value sent (SQLSTATE class 22, data exception: a NUL byte in a text, say), which
 * is worth finding out key by key. Anything else (a timeout, a lost connection) would only fail again, later.
 */
function refusedValue(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.length === 5 && code.startsWith('22')
}
