import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  sql,
  type DatabaseConnection,
  type PostgresPool,
  type PostgresPoolClient,
  type SqliteDatabase,
  type SqliteDialectConfig,
  type SqliteStatement,
} from 'kysely'
import pg from 'pg'
import type { Tables } from './tables.js'

export type Db = Kysely<Tables>

export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter
}
export type DatabaseKind = 'sqlite' | 'postgres'

export function databaseKind(url: string): DatabaseKind {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return 'postgres'
  if (url.startsWith('sqlite:')) return 'sqlite'
  throw new Error(`DATABASE_URL must start with sqlite:, postgres:// or postgresql://, got "${url}"`)
}

/** Which database a URL names, for people to read: never its user or password. */
export function describeDatabase(url: string): string {
  if (databaseKind(url) === 'sqlite') {
    const file = url.slice('sqlite:'.length)
    return file === ':memory:' ? 'SQLite in memory, gone when the server stops' : `SQLite ${file}`
  }
  const { host, pathname } = new URL(url)
  return `PostgreSQL ${host}${pathname}`
}

export interface DatabaseOptions {
  pgPoolSize?: number
  /** How long a PostgreSQL query may take before it fails (a 503 for a request); 0: no limit, for migrations. */
  queryTimeoutMs?: number
}

/** Opens the database named by a DATABASE_URL; the caller owns it and must `destroy()` it. */
export function openDatabase(url: string, { pgPoolSize = 10, queryTimeoutMs = 5_000 }: DatabaseOptions = {}): Db {
  return databaseKind(url) === 'postgres'
    ? openPostgres(url, pgPoolSize, queryTimeoutMs)
    : openSqlite(url.slice('sqlite:'.length))
}

function openSqlite(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
  const sqlite = new SQLite(file)
  // WAL lets readers run beside the writer; NORMAL sync keeps every committed transaction through a crash
  // of the process (kill -9), losing at most the last ones only on an OS crash or power cut.
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  // Deleted rows are overwritten with zeros, not left readable in free space (see eraseDeletedData).
  sqlite.pragma('secure_delete = ON')
  const snapshot = createReadSnapshot(sqlite)
  const statements = withStatementCache(sqlite, snapshot)
  const db = new Kysely<Tables>({ dialect: new WriteTransactionSqliteDialect({ database: statements }) })
  sqliteHandles.set(db, {
    sqlite,
    prepareRead: (text) => prepareRead(sqlite, text),
    enterReadSnapshot: snapshot.enter,
  })
  return db
}

export interface ReadStatement {
  get(parameters: ReadonlyArray<unknown>): unknown
  all(parameters: ReadonlyArray<unknown>): unknown[]
}

export interface SqliteHandle {
  sqlite: SQLite.Database
  /** A prepared statement of its own for a query text, its rows made as fast as V8 makes objects. */
  prepareRead(text: string): ReadStatement
  /**
   * Opens the shared read snapshot unless it is open already: true when a read may run at once, false while a
   * write transaction holds the connection (the read must wait its turn through Kysely).
   */
  enterReadSnapshot(): boolean
}

const sqliteHandles = new WeakMap<Db, SqliteHandle>()

/**
 * The better-sqlite3 connection under a SQLite Db, for reads that may run synchronously (see prepared.ts);
 * undefined for PostgreSQL and for a transaction's Db.
 */
export function sqliteHandleOf(db: Db): SqliteHandle | undefined {
  return sqliteHandles.get(db)
}

interface ReadSnapshot {
  enter(): boolean
  /** Ends the snapshot, if open: before every statement Kysely runs, so that no write runs inside it. */
  end(): void
}

/**
 * Every read outside a transaction makes SQLite take and drop a WAL read lock and look at the database file:
 * three system calls, more CPU than the read itself for a hot read (bench/results/2026-12-04-night.md). So the
 * direct reads (prepared.ts) made while the event loop handles one batch of ready connections share one read
 * transaction, ended as soon as that batch is done (setImmediate runs right after the poll phase).
 *
 * Why no reader sees less than it should: a request read in this batch was sent before the batch began, so
 * whatever its sender had seen committed (by any process) was committed before the snapshot was taken, and is
 * in it. Our own writes end the snapshot first (Kysely's statements go through `end`), and the reads after them
 * open a new one. One caveat, from libuv: when 1,024 connections are ready at once it polls again within the
 * same phase, and a request read in that second batch may have been sent after the snapshot was taken.
 */
function createReadSnapshot(sqlite: SQLite.Database): ReadSnapshot {
  const begin = sqlite.prepare('begin')
  const commit = sqlite.prepare('commit')
  let open = false
  const end = () => {
    if (!open) return
    open = false
    if (sqlite.open && sqlite.inTransaction) commit.run()
  }
  return {
    enter() {
      if (open) return true
      if (sqlite.inTransaction) return false
      begin.run()
      open = true
      setImmediate(end)
      return true
    },
    end,
  }
}

/**
 * Kysely begins SQLite transactions with a plain (deferred) BEGIN: one that reads and then writes, while another
 * process (WORKERS > 1) has written in between, cannot upgrade its lock and fails at once with SQLITE_BUSY
 * instead of waiting. Our transactions are there to write, so they take the write lock up front (BEGIN
 * IMMEDIATE), which waits up to busy_timeout for another process's write to finish.
 */
class WriteTransactionSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }
}

class WriteTransactionSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig

  constructor(config: SqliteDialectConfig) {
    super(config)
    this.#config = config
  }

  override createDriver(): SqliteDriver {
    return new WriteTransactionSqliteDriver(this.#config)
  }
}

const STATEMENT_CACHE_SIZE = 500

/**
 * Kysely prepares every query anew; compiling SQL is most of a small query's cost in SQLite, so keep the
 * prepared statements of the queries we run again and again (our SQL text is stable, values are bound).
 */
function withStatementCache(sqlite: SQLite.Database, snapshot: ReadSnapshot): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>()
  return {
    prepare(sql) {
      snapshot.end()
      let statement = cache.get(sql)
      if (!statement) {
        statement = withBooleanParameters(sqlite.prepare(sql))
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string)
        cache.set(sql, statement)
      }
      return statement
    },
    close() {
      snapshot.end()
      cache.clear()
      sqlite.close()
    },
  }
}

/**
 * better-sqlite3 makes a row object by setting its columns one by one through V8's API. So a hot read's statement
 * gives its rows as arrays, and an object literal of the statement's columns, compiled once, makes each row an
 * object: the session read (six columns) takes 1.18 µs instead of 1.55 on the bench machine
 * (bench/results/2026-12-05.md). Column names come from our own SQL; they are quoted all the same.
 */
function prepareRead(sqlite: SQLite.Database, text: string): ReadStatement {
  const prepared = sqlite.prepare(text)
  const columns = prepared.columns().map((column) => column.name)
  prepared.raw(true)
  const rowOf = new Function('values', `return { ${columns.map((name, i) => `${JSON.stringify(name)}: values[${i}]`).join(', ')} }`) as (
    values: unknown[],
  ) => unknown
  return {
    get(parameters) {
      const values = prepared.get(sqliteValues(parameters)) as unknown[] | undefined
      return values === undefined ? undefined : rowOf(values)
    },
    all: (parameters) => (prepared.all(sqliteValues(parameters)) as unknown[][]).map(rowOf),
  }
}

/** SQLite cannot bind booleans: they are stored as 1 and 0. */
function sqliteValues(parameters: ReadonlyArray<unknown>): ReadonlyArray<unknown> {
  return parameters.some((value) => typeof value === 'boolean')
    ? parameters.map((value) => (typeof value === 'boolean' ? Number(value) : value))
    : parameters
}

function withBooleanParameters(statement: SQLite.Statement): SqliteStatement {
  return {
    reader: statement.reader,
    all: (parameters) => statement.all(sqliteValues(parameters)),
    run: (parameters) => statement.run(sqliteValues(parameters)),
    iterate: (parameters) => statement.iterate(sqliteValues(parameters)),
  } as SqliteStatement
}

const TIMESTAMPTZ_OID = 1184
const INT8_OID = 20
const PG_UTC_TIMESTAMP = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?\+00$/

/** PostgreSQL's `2026-11-25 15:44:47.1234+00` as `2026-11-25T15:44:47.123400Z`, microseconds kept. */
function parseUtcTimestamp(value: string): string {
  const match = PG_UTC_TIMESTAMP.exec(value)
  if (!match) return new Date(value).toISOString()
  return `${match[1]}T${match[2]}.${(match[3] ?? '').padEnd(6, '0')}Z`
}

function openPostgres(url: string, poolSize: number, queryTimeoutMs: number): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // Fail fast while the database is away, or silent behind a broken network, so requests get a 503 instead
    // of hanging: bounded connect and query times, and TCP keepalive to notice dead connections.
    connectionTimeoutMillis: 3000,
    ...(queryTimeoutMs > 0 ? { query_timeout: queryTimeoutMs, statement_timeout: queryTimeoutMs } : {}),
    keepAlive: true,
    types: {
      // Timestamps travel as ISO-8601 strings, exactly as SQLite stores them, so both databases answer alike.
      // COUNT(*) is int8; our counts fit in a JS number.
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === TIMESTAMPTZ_OID) return parseUtcTimestamp
        if (oid === INT8_OID) return (value: string) => Number(value)
        return pg.types.getTypeParser(oid, format as 'text')
      }) as typeof pg.types.getTypeParser,
    },
  })
  // An idle client that loses its connection (database restart) must not crash the process.
  pool.on('error', () => {})
  pool.on('connect', (client) => {
    // A connection lost while checked out must fail its query (answered 503), not crash the process: pg-pool
    // listens for errors only on idle clients.
    client.on('error', () => {})
    // Timestamps come back in UTC, the form parseUtcTimestamp reads. Game search takes names sharing 30% of
    // a query's trigrams as candidates (pg_trgm's default of 60% would miss typos such as "zelad").
    client.query("set time zone 'UTC'; set pg_trgm.word_similarity_threshold = 0.3").catch(() => {})
  })
  const prepared = withPreparedStatements(pool)
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: prepared }) })
  postgresHandles.set(db, {
    query: async (text, values) => (await pool.query({ name: prepared.nameOf(text), text, values: values as unknown[] })).rows,
  })
  return db
}

export interface PostgresHandle {
  /** Runs one query as a named, prepared statement on a pooled connection, and gives its rows. */
  query(text: string, values: ReadonlyArray<unknown>): Promise<unknown[]>
}

const postgresHandles = new WeakMap<Db, PostgresHandle>()

/**
 * The pool under a PostgreSQL Db, for hot reads made outside any transaction (see prepared.ts); undefined for
 * SQLite and for a transaction's Db.
 */
export function postgresHandleOf(db: Db): PostgresHandle | undefined {
  return postgresHandles.get(db)
}

const MAX_PREPARED_STATEMENTS = 1000

/**
 * Kysely sends every query unnamed, so PostgreSQL parses and plans it anew each time. Our SQL text is stable
 * (values are bound), so each distinct query with parameters gets a name: every connection then parses it once
 * and keeps its plan (SQLite's statement cache does the same). The names are capped, so SQL that would vary
 * without bound could never fill the server's memory; queries without parameters (DDL, BEGIN, several
 * statements at once) stay unnamed.
 */
function withPreparedStatements(pool: pg.Pool): PostgresPool & { nameOf(text: string): string | undefined } {
  const names = new Map<string, string>()
  const nameOf = (text: string) => {
    let name = names.get(text)
    if (name === undefined && names.size < MAX_PREPARED_STATEMENTS) {
      name = `overworld_${names.size + 1}`
      names.set(text, name)
    }
    return name
  }
  return {
    nameOf,
    async connect() {
      const client = await pool.connect()
      return {
        // Kysely calls query(sql, parameters) only: it streams with cursors, which we do not use.
        query: ((text: string, values?: unknown[]) =>
          values && values.length > 0
            ? client.query({ name: nameOf(text), text, values })
            : client.query(text, values)) as unknown as PostgresPoolClient['query'],
        release: (destroy?: boolean) => client.release(destroy),
      }
    },
    end: () => pool.end(),
  }
}

/**
 * After data someone asked us to erase is deleted: SQLite's WAL still holds the pages as they were before, so
 * they are copied into the database file (where secure_delete has zeroed the rows) and the WAL is emptied.
 * PostgreSQL reclaims deleted rows with its own (auto)vacuum.
 */
export async function eraseDeletedData(db: Db): Promise<void> {
  if (!isPostgres(db)) await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db)
}

/** The name of the unique index or column a failed insert/update collided with, if that is why it failed. */
export function uniqueViolation(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const { code, constraint, message } = error as { code?: string; constraint?: string; message?: string }
  if (code === '23505') return constraint ?? message
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return message
  return undefined
}

