import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { openDatabase } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { loadCatalogIfEmpty } from '../../src/games/catalog.js'
import { createTestDatabase, NO_RATE_LIMITS, testedDatabases, type DatabaseKind, type TestDatabase } from '../helpers/app.js'
import { registerUser } from '../helpers/client.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const FIXTURES = 'test/fixtures/imports'

/** A database another process can open: a file for SQLite, a schema of its own for PostgreSQL. */
async function sharedDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'postgres') return createTestDatabase(kind)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'overworld-import-cli-'))
  return { url: `sqlite:${path.join(dir, 'overworld.db')}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) }
}

/** `npm run import -- <args>` on that database, as an operator runs it. */
async function runImport(databaseUrl: string, args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl }
  delete env.NODE_TEST_CONTEXT
  const child = spawn('npm', ['run', '--silent', 'import', '--', ...args], { cwd: ROOT, env })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const [code] = (await once(child, 'exit')) as [number | null]
  return { code, stdout, stderr }
}

for (const kind of testedDatabases) {
  describe(`npm run import [${kind}]`, () => {
    let database: TestDatabase
    before(async () => {
      database = await sharedDatabase(kind)
      // The server's first start: migrations, the shipped catalog; then mira signs up.
      const db = openDatabase(database.url)
      await migrateToLatest(db)
      await loadCatalogIfEmpty(db)
      const app = await buildApp({ config: { ...loadConfig({}), databaseUrl: database.url, rateLimits: NO_RATE_LIMITS }, db, webDist: null })
      await registerUser(app, 'mira')
      await app.close()
      await db.destroy()
    })
    after(() => database.drop())

    it('imports a file for an account and prints the summary and what was not imported; again, it adds nothing', async () => {
      const args = ['--user', 'mira', '--source', 'steam', `${FIXTURES}/steam-basic.json`]
      const first = await runImport(database.url, args)
      assert.equal(first.code, 0, first.stderr)
      const [summary, ...notImported] = first.stdout.trimEnd().split('\n')
      assert.equal(summary, 'added 11, updated 0, unchanged 0, unmatched 2, skipped 0, failed 0, rounded 0')
      assert.deepEqual(
        notImported.map((line) => line.trim().split(' — ')[0]),
        ['Hollow Knight: Silksong', 'Wallpaper Engine'],
      )
      assert.ok(notImported.every((line) => line.includes('unmatched: No game of this name in the catalog.')), first.stdout)

      const again = await runImport(database.url, args)
      assert.equal(again.code, 0, again.stderr)
      assert.equal(again.stdout.split('\n')[0], 'added 0, updated 0, unchanged 11, unmatched 2, skipped 0, failed 0, rounded 0')
    })

    it('reads a CSV by its name, with the README’s summary (ratings rounded)', async () => {
      const run = await runImport(database.url, ['--user', 'mira', '--source', 'hltb', `${FIXTURES}/hltb-basic.csv`])
      assert.equal(run.code, 0, run.stderr)
      assert.equal(run.stdout.split('\n')[0], 'added 12, updated 0, unchanged 0, unmatched 2, skipped 0, failed 0, rounded 6')
    })

    it('refuses a malformed file with its line and column', async () => {
      const run = await runImport(database.url, ['--user', 'mira', '--source', 'hltb', `${FIXTURES}/hltb-malformed.csv`])
      assert.equal(run.code, 1)
      assert.equal(run.stdout, '')
      assert.match(run.stderr, /hltb-malformed\.csv cannot be read \(line 4, column 55\)/)
    })
  })
}
