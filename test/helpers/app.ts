import { randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe } from 'node:test'
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

/** A new, empty database: an in-memory SQLite, or a PostgreSQL schema of its own that is dropped afterwards. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'sqlite') return { url: 'sqlite::memory:', drop: async () => {} }
  const baseUrl = process.env.TEST_DATABASE_URL as string
  const schema = `test_${randomBytes(6).toString('hex')}`
  await withPgClient(baseUrl, async (client) => {
    await client.query(`create schema ${schema}`)
    await ensurePgTrgm(client)
  })
  const url = new URL(baseUrl)
  // public stays on the path for the pg_trgm extension, which a database holds once, in public.
  url.searchParams.set('options', `-c search_path=${schema},public`)
  return {
    url: url.toString(),
    drop: () => withPgClient(baseUrl, (client) => client.query(`drop schema ${schema} cascade`)).then(() => {}),
  }
}

/** Creates pg_trgm up front: test processes migrating at once would otherwise race to create it. */
async function ensurePgTrgm(client: pg.Client): Promise<void> {
  try {
    await client.query('create extension if not exists pg_trgm with schema public')
  } catch (error) {
    if ((error as { code?: string }).code !== '23505') throw error
  }
}

async function withPgClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

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
  const config = { ...loadConfig({}), databaseUrl: database.url, ...overrides }
  const app = await buildApp({ config, db })
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
): void {
  for (const kind of testedDatabases) {
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
