import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe } from 'node:test'
import { buildApp, type App } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { openDatabase, type Db } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { createTestDatabase, NO_RATE_LIMITS, testedDatabases, type DatabaseKind } from './app.js'
import { call, type ApiResponse } from './client.js'

/** Reads an answer that must be there (200), as `token`'s owner or anonymously. */
export async function read(app: App, url: string, token?: string): Promise<ApiResponse> {
  const response = await call(app, 'GET', url, { token })
  assert.equal(response.status, 200, `GET ${url}: ${response.text}`)
  return response
}

/**
 * Reads an answer (so that the server keeps it), makes a write, and reads it again: the bodies before and after.
 * The answer after must carry a new ETag, since its version moved.
 */
export async function readAroundWrite(
  app: App,
  url: string,
  write: () => Promise<unknown>,
  { token, afterUrl = url }: { token?: string; afterUrl?: string } = {},
): Promise<{ before: any; after: any }> {
  const before = await read(app, url, token)
  await write()
  // Over HTTP, the next request reaches the server in a later turn of its event loop (inject answers within
  // one), and reads within one turn share a SQLite snapshot (src/db/database.ts).
  await new Promise((resolve) => setImmediate(resolve))
  const after = await read(app, afterUrl, token)
  assert.notEqual(after.headers.etag, before.headers.etag, `a new ETag for ${afterUrl} after the write`)
  return { before: before.body, after: after.body }
}

/** A write that must succeed (2xx), through any app. */
export async function write(app: App, method: string, url: string, token: string, body?: unknown): Promise<any> {
  const response = await call(app, method, url, { token, body })
  assert.ok(response.status >= 200 && response.status < 300, `${method} ${url}: ${response.status} ${response.text}`)
  return response.body
}

export interface TwoApps {
  /** The app whose answers are read (and kept). */
  a: App
  /** Another app on the same database: another server process, as far as A can tell. */
  b: App
  /** A connection of its own, for writes made without any app (a script, psql). */
  db: Db
  close(): Promise<void>
}

/**
 * Two apps on one database, as two server processes would be: a SQLite file both open, or one PostgreSQL schema.
 * Neither can learn of the other's writes but through the database.
 */
export async function twoAppsOnOneDatabase(kind: DatabaseKind): Promise<TwoApps> {
  let url: string
  let drop: () => Promise<void>
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'overworld-answers-'))
    url = `sqlite:${path.join(dir, 'overworld.db')}`
    drop = async () => fs.rmSync(dir, { recursive: true, force: true })
  } else {
    const database = await createTestDatabase(kind)
    url = database.url
    drop = database.drop
  }
  const db = openDatabase(url)
  await migrateToLatest(db)
  const config = { ...loadConfig({}), databaseUrl: url, rateLimits: NO_RATE_LIMITS }
  const a = await buildApp({ config, db: openDatabase(url), webDist: null })
  const b = await buildApp({ config, db: openDatabase(url), webDist: null })
  await Promise.all([a.ready(), b.ready()])
  return {
    a,
    b,
    db,
    close: async () => {
      await Promise.all([a.close(), b.close(), db.destroy()])
      await drop()
    },
  }
}

/** Declares a suite once per tested database; each test gets two new apps on one fresh database. */
export function describeOnTwoApps(name: string, suite: (current: () => TwoApps) => void, kinds: DatabaseKind[] = testedDatabases): void {
  for (const kind of testedDatabases.filter((tested) => kinds.includes(tested))) {
    describe(`${name} [${kind}]`, () => {
      let apps: TwoApps | undefined
      beforeEach(async () => {
        apps = await twoAppsOnOneDatabase(kind)
      })
      afterEach(async () => {
        await apps?.close()
        apps = undefined
      })
      suite(() => {
        if (!apps) throw new Error('no apps: current() is only available inside a test')
        return apps
      })
    })
  }
}
