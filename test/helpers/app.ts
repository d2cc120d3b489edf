import { randomBytes } from 'node:crypto'
import { after, afterEach, beforeEach, describe } from 'node:test'
import pg from 'pg'
import { buildApp, type App } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { openDatabase, type Db } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'

export type DatabaseKind = 'sqlite' | 'postgres'

/** SQLite always; PostgreSQL too when TEST_DATABASE_URL names one (CI sets it). */
export const testedDatabases: DatabaseKind[] = process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite']

export interface TestDatabase {
  url: string
  drop(): Promise<void>
}

/**
 * This test process's own PostgreSQL database, created on first use and dropped when the process ends: test
 * files run in parallel processes, and Kysely's migrator looks at every schema of its database, so processes
 * sharing one database would trip over each other's schemas coming and going.
 */
let processDatabase: Promise<string> | undefined
const processDatabaseName = `overworld_test_${process.pid}_${randomBytes(3).toString('hex')}`

// Registered at load, so it runs once, after every test of the file.
after(async () => {
  if (!processDatabase) return
  await withPgClient(process.env.TEST_DATABASE_URL as string, (client) =>
    client.query(`drop database if exists ${processDatabaseName} with (force)`),
  )
})

function postgresForThisProcess(): Promise<string> {
  processDatabase ??= (async () => {
    const baseUrl = process.env.TEST_DATABASE_URL as string
    const name = processDatabaseName
    await withPgClient(baseUrl, (client) => client.query(`create database ${name}`))
    const url = new URL(baseUrl)
    url.pathname = `/${name}`
    await withPgClient(url.toString(), (client) => client.query('create extension if not exists pg_trgm with schema public'))
    return url.toString()
  })()
  return processDatabase
}

/** A new, empty database: an in-memory SQLite, or a PostgreSQL schema of its own that is dropped afterwards. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'sqlite') return { url: 'sqlite::memory:', drop: async () => {} }
  const databaseUrl = await postgresForThisProcess()
  const schema = `test_${randomBytes(6).toString('hex')}`
  await withPgClient(databaseUrl, (client) => client.query(`create schema ${schema}`))
  const url = new URL(databaseUrl)
  // public stays on the path for the pg_trgm extension, which a database holds once, in public.
  url.searchParams.set('options', `-c search_path=${schema},public`)
  return {
    url: url.toString(),
    drop: () => withPgClient(databaseUrl, (client) => client.query(`drop schema ${schema} cascade`)).then(() => {}),
  }
}

export async function withPgClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

export const NO_RATE_LIMITS = { authPerMinute: 0, writesPerMinute: 0, readsPerMinute: 0, exportsPerHour: 0 }

export interface TestApp {
  app: App
  db: Db
  config: Config
  close(): Promise<void>
}

/** The real application on a fresh, migrated database, built exactly as the server builds it. */
export async function buildTestApp(kind: DatabaseKind, overrides: Partial<Config> = {}): Promise<TestApp> {
  const database = await createTestDatabase(kind)
  const db = openDatabase(database.url)
  await migrateToLatest(db)
  // Suites make more sign-ins a minute than a person would: limits are off unless a test turns them on.
  const config = { ...loadConfig({}), databaseUrl: database.url, rateLimits: NO_RATE_LIMITS, ...overrides }
  // The API alone, whether or not this checkout has built the web app (test/web covers serving it).
  const app = await buildApp({ config, db, webDist: null })
  await app.ready()
  return {
    app,
    db,
    config,
    close: async () => {
      await app.close()
      await database.drop()
    },
  }
}

/**
 * Declares a suite once per tested database; each test gets a new app on a fresh database.
 * `current()` returns the app of the running test.
 */
export function describeEachDatabase(
  name: string,
  suite: (current: () => TestApp) => void,
  overrides: Partial<Config> = {},
  kinds: DatabaseKind[] = testedDatabases,
): void {
  for (const kind of testedDatabases.filter((tested) => kinds.includes(tested))) {
    describe(`${name} [${kind}]`, () => {
      let testApp: TestApp | undefined
      beforeEach(async () => {
        testApp = await buildTestApp(kind, overrides)
      })
      afterEach(async () => {
        await testApp?.close()
        testApp = undefined
      })
      suite(() => {
        if (!testApp) throw new Error('no test app: current() is only available inside a test')
        return testApp
      })
    })
  }
}
