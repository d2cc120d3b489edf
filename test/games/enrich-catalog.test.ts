import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { openDatabase, type Db } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { enrichCatalog, type EnrichOptions } from '../../src/games/enrich.js'
import type { IgdbGame } from '../../src/games/igdb.js'
import { insertGame } from '../../src/games/repository.js'
import { createTestDatabase, describeEachDatabase, testedDatabases } from '../helpers/app.js'
import { call } from '../helpers/client.js'
import { directoryPerTest, runCommand } from '../helpers/command.js'
import { CLIENT_ID, CLIENT_SECRET, clientOf, useFakeIgdb, type FakeIgdb } from '../helpers/fake-igdb.js'

const cover = (imageId: string) => `https://images.igdb.com/igdb/image/upload/t_cover_big/${imageId}.jpg`

// What IGDB holds: the games of the catalog below, and one a slug names that is another game (a later remake).
const CELESTE: IgdbGame = { id: 26226, name: 'Celeste', slug: 'celeste', summary: 'Help Madeline survive her inner demons.', first_release_date: 1516665600, cover: { image_id: 'co3byy' } }
const HADES: IgdbGame = { id: 113112, name: 'Hades', slug: 'hades', summary: 'Defy the god of the dead.', first_release_date: 1600300800, cover: { image_id: 'co39vc' } }
const DOOM_2016: IgdbGame = { id: 7351, name: 'Doom', slug: 'doom', summary: 'The 2016 reboot.', first_release_date: 1463097600, cover: { image_id: 'co1nmw' } }
const NIGHT_IN_THE_WOODS: IgdbGame = { id: 14589, name: 'Night in the Woods', summary: 'Mae returns home.', first_release_date: 1487635200, cover: { image_id: 'co1ktg' } }
const TETRIS: IgdbGame = { id: 2, name: 'Tetris', slug: 'tetris', summary: 'Falling blocks.', first_release_date: 455587200 }
const IGDB_GAMES = [CELESTE, HADES, DOOM_2016, NIGHT_IN_THE_WOODS, TETRIS]

/** The catalog: shipped games (no IGDB id, matched by slug) and one added by IGDB id; Hades has its own summary. */
async function seedCatalog(db: Db) {
  return {
    celeste: await insertGame(db, { name: 'Celeste', release_year: 2018 }),
    hades: await insertGame(db, { name: 'Hades', release_year: 2020, summary: 'Our own summary.' }),
    doom: await insertGame(db, { name: 'Doom', release_year: 1993 }),
    nightInTheWoods: await insertGame(db, { igdb: '14589', name: 'Night in the Woods' }, { provisional: true }),
    giantBomb: await insertGame(db, { igdb: '3030-1', name: 'Kept By Another Id' }),
  }
}

const gameRow = (db: Db, id: number) =>
  db
    .selectFrom('games')
    .select(['igdb', 'slug', 'summary', 'cover_url', 'first_release_date', 'release_year', 'version'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()

/** Fast enough for tests, within the bounds the run keeps. */
const enrich = (db: Db, fake: FakeIgdb, options: EnrichOptions = {}) => enrichCatalog(db, clientOf(fake), { maxPerSecond: 20, ...options })

describeEachDatabase('npm run enrich-catalog: enrichCatalog', (current) => {
  const fake = useFakeIgdb(IGDB_GAMES)
  const db = () => current().db

  it('fills in what games lack, by IGDB id or by slug when the year agrees, keeping what they have', async () => {
    const ids = await seedCatalog(db())

    const summary = await enrich(db(), fake())

    assert.deepEqual(summary, { asked: 4, updated: 3, covers: 3, summaries: 2, releaseDates: 3, linked: 2, notFound: 1 })
    const { version: _v1, ...celeste } = await gameRow(db(), ids.celeste)
    assert.deepEqual(celeste, {
      igdb: '26226',
      slug: 'celeste',
      summary: 'Help Madeline survive her inner demons.',
      cover_url: cover('co3byy'),
      first_release_date: '2018-01-23',
      release_year: 2018,
    })
    const { version: _v2, ...hades } = await gameRow(db(), ids.hades)
    assert.deepEqual(hades, { igdb: '113112', slug: 'hades', summary: 'Our own summary.', cover_url: cover('co39vc'), first_release_date: '2020-09-17', release_year: 2020 })
    const { version: _v3, ...night } = await gameRow(db(), ids.nightInTheWoods)
    assert.deepEqual(night, {
      igdb: '14589',
      slug: 'night-in-the-woods',
      summary: 'Mae returns home.',
      cover_url: cover('co1ktg'),
      first_release_date: '2017-02-21',
      release_year: 2017,
    })
    // IGDB's "doom" is the 2016 game, not the catalog's of 1993; an id that is not IGDB's is not asked about.
    const { version: _v4, ...doom } = await gameRow(db(), ids.doom)
    assert.deepEqual(doom, { igdb: null, slug: 'doom', summary: null, cover_url: null, first_release_date: null, release_year: 1993 })
    assert.deepEqual(
      fake().lookups.map(({ field, values }) => ({ field, values })),
      [
        { field: 'id', values: [14589] },
        { field: 'slug', values: ['celeste', 'hades', 'doom'] },
      ],
    )
  })

  it('takes a game whose year neither knows to be IGDB\'s only when the names agree', async () => {
    const tetris = await insertGame(db(), { name: 'Tetris' })
    const celeste = await insertGame(db(), { name: 'Celeste!', slug: 'celeste' })
    fake().games = [{ ...TETRIS, first_release_date: undefined }, { ...CELESTE, name: 'Celeste Classic', first_release_date: undefined }]

    const summary = await enrich(db(), fake())

    assert.equal(summary.notFound, 1)
    assert.equal((await gameRow(db(), tetris)).summary, 'Falling blocks.')
    assert.equal((await gameRow(db(), celeste)).summary, null)
  })

  it('bumps the version of each game it changes, so its cached page changes; a second run changes nothing', async () => {
    const ids = await seedCatalog(db())
    const before = await call(current().app, 'GET', '/api/games/celeste')
    assert.equal(before.body.summary, null)
    const versions = async () => Promise.all(Object.values(ids).map(async (id) => (await gameRow(db(), id)).version))
    const [celeste, hades, doom, night, giantBomb] = await versions()

    await enrich(db(), fake())

    assert.deepEqual(await versions(), [celeste! + 1, hades! + 1, doom, night! + 1, giantBomb])
    const after = await call(current().app, 'GET', '/api/games/celeste', { headers: { 'if-none-match': String(before.headers.etag) } })
    assert.equal(after.status, 200)
    assert.equal(after.body.summary, 'Help Madeline survive her inner demons.')
    assert.notEqual(after.headers.etag, before.headers.etag)

    const again = await enrich(db(), fake())
    assert.equal(again.updated, 0)
    assert.deepEqual(await versions(), [celeste! + 1, hades! + 1, doom, night! + 1, giantBomb])
  })

  it('asks in batches of batchSize, starting no more than maxPerSecond requests in any second, and says how far it got', async () => {
    for (let n = 1; n <= 5; n++) await insertGame(db(), { igdb: String(900 + n), name: `Game ${n}` })
    fake().games = Array.from({ length: 5 }, (_, i) => ({ id: 901 + i, name: `Game ${i + 1}`, summary: `Summary ${i + 1}.` }))
    const progress: string[] = []
    // When each request starts, as the run makes it (the first reaches IGDB later: a token is fetched first).
    const starts: number[] = []
    const client = clientOf(fake())
    const timed = { ...client, gamesByIds: (ids: number[]) => (starts.push(Date.now()), client.gamesByIds(ids)) }

    const summary = await enrichCatalog(db(), timed, { batchSize: 2, maxPerSecond: 2, onProgress: (line) => progress.push(line) })

    assert.equal(summary.summaries, 5)
    assert.deepEqual(
      fake().lookups.map(({ values, limit }) => ({ values, limit })),
      [
        { values: [901, 902], limit: 2 },
        { values: [903, 904], limit: 2 },
        { values: [905], limit: 1 },
      ],
    )
    const [first, , third] = starts
    assert.ok(third! - first! >= 1000, `3 requests started in ${third! - first!} ms`)
    assert.deepEqual(progress, [
      'by IGDB id: 2/5 asked; in this batch 2 updated, 0 not found',
      'by IGDB id: 4/5 asked; in this batch 2 updated, 0 not found',
      'by IGDB id: 5/5 asked; in this batch 1 updated, 0 not found',
    ])
  })

  it('waits out a 429 and asks again; stops after repeated failures, keeping the batches written before', async () => {
    await insertGame(db(), { igdb: '14589', name: 'Night in the Woods' })
    await insertGame(db(), { igdb: '26226', name: 'Celeste' })
    fake().scripted.push({ status: 429, body: { message: 'Too Many Requests' }, headers: { 'retry-after': '1' } })
    assert.equal((await enrich(db(), fake(), { batchSize: 1 })).updated, 2)

    await db().updateTable('games').set({ summary: null }).execute()
    const failure = { status: 500, body: { message: 'Internal Server Error' } }
    fake().scripted.push({ status: 200, body: [NIGHT_IN_THE_WOODS] }, failure, failure)
    await assert.rejects(enrich(db(), fake(), { batchSize: 1, maxAttempts: 2 }), /status 500/)
    const summaries = await db().selectFrom('games').select('summary').orderBy('id').execute()
    assert.deepEqual(summaries, [{ summary: 'Mae returns home.' }, { summary: null }])
  })
})

describe('npm run enrich-catalog: the command', () => {
  const fake = useFakeIgdb(IGDB_GAMES)
  const directory = directoryPerTest('enrich-catalog-')
  const NO_IGDB = { IGDB_CLIENT_ID: '', IGDB_CLIENT_SECRET: '' }

  it('without IGDB configured says so and exits 1, touching nothing (not even creating the database)', async () => {
    const file = path.join(directory(), 'overworld.db')

    const result = await runCommand('src/games/enrich.ts', [], { databaseUrl: `sqlite:${file}`, env: NO_IGDB })

    assert.equal(result.code, 1)
    assert.match(result.stderr, /IGDB is not configured: set IGDB_CLIENT_ID and IGDB_CLIENT_SECRET/)
    assert.equal(fs.existsSync(file), false)
  })

  for (const kind of testedDatabases) {
    it(`fills in the catalog, printing progress and a summary [${kind}]`, async () => {
      const database = kind === 'sqlite' ? { url: `sqlite:${path.join(directory(), 'overworld.db')}`, drop: async () => {} } : await createTestDatabase(kind)
      try {
        const db = openDatabase(database.url)
        try {
          await migrateToLatest(db)
          await seedCatalog(db)
        } finally {
          await db.destroy()
        }
        const env = { IGDB_CLIENT_ID: CLIENT_ID, IGDB_CLIENT_SECRET: CLIENT_SECRET, IGDB_TOKEN_URL: fake().tokenUrl, IGDB_API_URL: fake().apiUrl }

        const result = await runCommand('src/games/enrich.ts', [], { databaseUrl: database.url, env })

        assert.equal(result.code, 0, result.stderr)
        assert.equal(
          result.stdout,
          'asked IGDB about 4 games lacking a cover, summary or release date: updated 3 ' +
            '(covers 3, summaries 2, release dates 3, linked to IGDB 2), not found on IGDB 1\n',
        )
        assert.equal(result.stderr, 'by IGDB id: 1/1 asked; in this batch 1 updated, 0 not found\nby IGDB slug: 3/3 asked; in this batch 2 updated, 1 not found\n')
      } finally {
        await database.drop()
      }
    })
  }
})
