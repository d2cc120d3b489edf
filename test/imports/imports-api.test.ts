import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { Db } from '../../src/db/database.js'
import { loadCatalogIfEmpty } from '../../src/games/catalog.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser } from '../helpers/client.js'
import { importFixtureFile, settledImport, uploadImport } from '../helpers/import-api.js'
import { INLINE_PARSE_BYTES } from '../../src/imports/parse-worker.js'
import { MAX_UPLOAD_BYTES } from '../../src/imports/schemas.js'
import { importFixture } from '../helpers/import-files.js'

/** Everything a person's import can write, counted. */
async function libraryCounts(db: Db, userId: number) {
  const count = async (table: 'game_statuses' | 'ratings' | 'playthroughs' | 'journal_entries' | 'lists') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow()).n)
  const sessions = await db
    .selectFrom('play_sessions')
    .innerJoin('playthroughs', 'playthroughs.id', 'play_sessions.playthrough_id')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('playthroughs.user_id', '=', userId)
    .executeTakeFirstOrThrow()
  return {
    statuses: await count('game_statuses'),
    ratings: await count('ratings'),
    playthroughs: await count('playthroughs'),
    entries: await count('journal_entries'),
    lists: await count('lists'),
    sessions: Number(sessions.n),
  }
}

async function playthroughOf(db: Db, userId: number, slug: string) {
  const rows = await db
    .selectFrom('playthroughs')
    .innerJoin('games', 'games.id', 'playthroughs.game_id')
    .select(['playthroughs.id', 'playthroughs.status', 'playthroughs.platform', 'playthroughs.storefront', 'playthroughs.adjustment_minutes'])
    .where('playthroughs.user_id', '=', userId)
    .where('games.slug', '=', slug)
    .execute()
  assert.equal(rows.length, 1, `one playthrough of ${slug}`)
  const sessions = await db.selectFrom('play_sessions').select(['played_on', 'minutes', 'source']).where('playthrough_id', '=', rows[0]!.id).orderBy('id').execute()
  const minutes = sessions.reduce((sum, session) => sum + session.minutes, rows[0]!.adjustment_minutes)
  return { ...rows[0]!, sessions, minutes }
}

describeEachDatabase('Imports: upload, preview, commit', (current) => {
  async function signedIn(name = 'mira') {
    await loadCatalogIfEmpty(current().db)
    return registerUser(current().app, name)
  }

  it('previews a Steam library without writing anything, then commits it: times, last-played sessions, backlog', async () => {
    const { app, db } = current()
    const mira = await signedIn()
    const uploaded = await uploadImport(app, mira.token, 'steam', importFixture('steam-basic.json'))
    assert.equal(uploaded.status, 202, uploaded.text)
    assert.deepEqual(Object.keys(uploaded.body).sort(), ['id', 'status'])
    const preview = await settledImport(app, mira.token, uploaded.body.id)
    assert.equal(preview.body.status, 'ready')
    assert.deepEqual(preview.body.progress, { done: 13, total: 13 })
    assert.deepEqual(preview.body.summary, { added: 11, updated: 0, unchanged: 0, unmatched: 2, skipped: 0, failed: 0, rounded: 0 })
    const silksong = preview.body.rows.find((row: { title: string }) => row.title === 'Hollow Knight: Silksong')
    assert.equal(silksong.outcome, 'unmatched')
    assert.ok(silksong.reason)
    const celeste = preview.body.rows.find((row: { title: string }) => row.title === 'Celeste')
    assert.equal(celeste.game.slug, 'celeste')
    assert.equal(celeste.matched_by, 'steam')
    assert.deepEqual(celeste.changes, ['mark played', 'add a shelved playthrough (PC, 23 h 52 min)'])
    assert.deepEqual(await libraryCounts(db, mira.id), { statuses: 0, ratings: 0, playthroughs: 0, entries: 0, lists: 0, sessions: 0 })

    const commit = await call(app, 'POST', `/api/imports/${uploaded.body.id}/commit`, { token: mira.token, body: {} })
    assert.equal(commit.status, 202, commit.text)
    const done = await settledImport(app, mira.token, uploaded.body.id)
    assert.equal(done.body.status, 'done')
    assert.deepEqual(done.body.summary, { added: 11, updated: 0, unchanged: 0, unmatched: 2, skipped: 0, failed: 0, rounded: 0 })
    // Only the rows that were not imported are kept, to say why.
    assert.deepEqual(done.body.rows.map((row: { title: string }) => row.title).sort(), ['Hollow Knight: Silksong', 'Wallpaper Engine'])

    const celesteRun = await playthroughOf(db, mira.id, 'celeste')
    assert.deepEqual(
      { status: celesteRun.status, platform: celesteRun.platform, storefront: celesteRun.storefront, minutes: celesteRun.minutes },
      { status: 'shelved', platform: 'PC', storefront: 'steam', minutes: 1432 },
    )
    assert.deepEqual(celesteRun.sessions, [{ played_on: '2023-02-11', minutes: 1432, source: 'steam' }])
    // More than a day's worth: a day on the last-played date, the rest undated.
    const witcher = await playthroughOf(db, mira.id, 'the-witcher-3-wild-hunt')
    assert.equal(witcher.minutes, 6120)
    assert.deepEqual(witcher.sessions, [{ played_on: '2022-08-19', minutes: 1440, source: 'steam' }])
    assert.equal((await playthroughOf(db, mira.id, 'hades')).status, 'playing')
    const library = await call(app, 'GET', '/api/users/mira/games?status=backlog', { token: mira.token })
    assert.deepEqual(library.body.results.map((item: { game: { slug: string } }) => item.game.slug).sort(), ['the-elder-scrolls-v-skyrim', 'vampire-survivors'])
  })

  it('changes nothing when the same file is imported again, and brings only what changed from a newer one', async () => {
    const { app, db } = current()
    const mira = await signedIn()
    await importFixtureFile(app, mira.token, 'steam', 'steam-basic.json')
    const before = await libraryCounts(db, mira.id)

    const again = await importFixtureFile(app, mira.token, 'steam', 'steam-basic.json')
    assert.deepEqual(again.preview.summary, { added: 0, updated: 0, unchanged: 11, unmatched: 2, skipped: 0, failed: 0, rounded: 0 })
    assert.deepEqual(await libraryCounts(db, mira.id), before)

    const newer = await importFixtureFile(app, mira.token, 'steam', 'steam-newer.json')
    assert.deepEqual(newer.preview.summary, { added: 1, updated: 3, unchanged: 8, unmatched: 2, skipped: 0, failed: 0, rounded: 0 })
    const celeste = await playthroughOf(db, mira.id, 'celeste')
    assert.equal(celeste.minutes, 1519)
    assert.deepEqual(celeste.sessions.at(-1), { played_on: '2024-06-20', minutes: 87, source: 'steam' })
    assert.equal((await playthroughOf(db, mira.id, 'stardew-valley')).minutes, 9960)
    assert.equal((await playthroughOf(db, mira.id, 'inscryption')).status, 'playing')
    const after = await libraryCounts(db, mira.id)
    assert.equal(after.playthroughs, before.playthroughs + 1, 'no playthrough twice')
  })

  it('refuses a malformed file with its line, and keeps nothing', async () => {
    const { app, db } = current()
    const mira = await signedIn()
    const refused = await uploadImport(app, mira.token, 'steam', importFixture('steam-malformed.json'))
    assert.equal(refused.status, 400)
    assert.ok([44, 45].includes(refused.body.line), refused.text)
    assert.match(refused.body.detail, /^Line 4[45], column \d+: /)
    const csv = await uploadImport(app, mira.token, 'hltb', importFixture('hltb-malformed.csv'))
    assert.equal(csv.status, 400)
    assert.deepEqual([csv.body.line, csv.body.column], [4, 55])
    assert.equal((await db.selectFrom('imports').select('id').execute()).length, 0)
  })

  it('runs one import at a time per person; a cancelled one makes way and is forgotten', async () => {
    const { app, db } = current()
    const mira = await signedIn()
    const first = await uploadImport(app, mira.token, 'playnite', importFixture('playnite-basic.csv'))
    await settledImport(app, mira.token, first.body.id)
    const second = await uploadImport(app, mira.token, 'steam', importFixture('steam-basic.json'))
    assert.equal(second.status, 409)
    assert.equal(second.body.id, first.body.id)
    // Someone else is not held up.
    const jonas = await registerUser(app, 'jonas')
    assert.equal((await uploadImport(app, jonas.token, 'steam', importFixture('steam-basic.json'))).status, 202)

    assert.equal((await call(app, 'DELETE', `/api/imports/${first.body.id}`, { token: mira.token })).status, 204)
    const cancelled = await call(app, 'GET', `/api/imports/${first.body.id}`, { token: mira.token })
    assert.equal(cancelled.body.status, 'cancelled')
    assert.deepEqual(cancelled.body.rows, [])
    assert.equal((await call(app, 'POST', `/api/imports/${first.body.id}/commit`, { token: mira.token, body: {} })).status, 409)
    assert.equal((await uploadImport(app, mira.token, 'steam', importFixture('steam-basic.json'))).status, 202)
    assert.equal(await db.selectFrom('game_statuses').select('user_id').where('user_id', '=', mira.id).executeTakeFirst(), undefined)
  })

  it("shows and changes an import only to its owner", async () => {
    const { app } = current()
    const mira = await signedIn()
    const uploaded = await uploadImport(app, mira.token, 'steam', importFixture('steam-basic.json'))
    await settledImport(app, mira.token, uploaded.body.id)
    const jonas = await registerUser(app, 'jonas')
    for (const [method, url, body] of [
      ['GET', `/api/imports/${uploaded.body.id}`, undefined],
      ['PUT', `/api/imports/${uploaded.body.id}/rows/1`, { game: null }],
      ['POST', `/api/imports/${uploaded.body.id}/commit`, {}],
      ['DELETE', `/api/imports/${uploaded.body.id}`, undefined],
    ] as const) {
      assert.equal((await call(app, method, url, { token: jonas.token, body })).status, 404, `${method} ${url}`)
    }
    assert.equal((await call(app, 'GET', `/api/imports/${uploaded.body.id}`)).status, 401)
    assert.deepEqual((await call(app, 'GET', '/api/imports/', { token: jonas.token })).body.results, [])
    const mine = await call(app, 'GET', '/api/imports/', { token: mira.token })
    assert.deepEqual(mine.body.results.map((item: { id: number }) => item.id), [uploaded.body.id])
  })

  it('lets the person pick the game of an unmatched row, or add it to the catalog, and leave out a matched one', async () => {
    const { app, db } = current()
    const mira = await signedIn()
    const uploaded = await uploadImport(app, mira.token, 'steam', importFixture('steam-basic.json'))
    const preview = await settledImport(app, mira.token, uploaded.body.id)
    const position = (title: string) => preview.body.rows.find((row: { title: string }) => row.title === title).position
    const hollowKnight = await db.selectFrom('games').select('id').where('slug', '=', 'hollow-knight').executeTakeFirstOrThrow()

    const picked = await call(app, 'PUT', `/api/imports/${uploaded.body.id}/rows/${position('Wallpaper Engine')}`, { token: mira.token, body: { game: hollowKnight.id } })
    assert.equal(picked.status, 200, picked.text)
    assert.equal(picked.body.matched_by, 'picked')
    assert.equal(picked.body.game.slug, 'hollow-knight')
    // Hollow Knight is already in the file: the picked row would add nothing the other row does not.
    const added = await call(app, 'PUT', `/api/imports/${uploaded.body.id}/rows/${position('Hollow Knight: Silksong')}`, { token: mira.token, body: { game: 'new' } })
    assert.equal(added.body.outcome, 'added')
    assert.equal(added.body.matched_by, 'new')
    const left = await call(app, 'PUT', `/api/imports/${uploaded.body.id}/rows/${position('Portal 2')}`, { token: mira.token, body: { game: null } })
    assert.equal(left.body.outcome, 'unmatched')
    const summary = (await call(app, 'GET', `/api/imports/${uploaded.body.id}`, { token: mira.token })).body.summary
    assert.equal(summary.unmatched, 1)
    assert.equal((await call(app, 'PUT', `/api/imports/${uploaded.body.id}/rows/1`, { token: mira.token, body: { game: 999999 } })).status, 400)

    await call(app, 'POST', `/api/imports/${uploaded.body.id}/commit`, { token: mira.token, body: {} })
    await settledImport(app, mira.token, uploaded.body.id)
    const silksong = await db.selectFrom('games').select(['id', 'provisional']).where('name', '=', 'Hollow Knight: Silksong').executeTakeFirstOrThrow()
    assert.equal(!!silksong.provisional, true)
    // Never played on Steam: it goes to the backlog.
    const silksongStatuses = await db.selectFrom('game_statuses').select('status').where('user_id', '=', mira.id).where('game_id', '=', silksong.id).execute()
    assert.deepEqual(silksongStatuses, [{ status: 'backlog' }])
    const portal = await db.selectFrom('playthroughs').innerJoin('games', 'games.id', 'playthroughs.game_id').select('playthroughs.id').where('games.slug', '=', 'portal-2').execute()
    assert.deepEqual(portal, [])
  })

  it('takes game choices and the backlog choice with the commit', async () => {
    const { app, db } = current()
    const mira = await signedIn()
    const uploaded = await uploadImport(app, mira.token, 'steam', importFixture('steam-basic.json'))
    await settledImport(app, mira.token, uploaded.body.id)
    const celeste = await db.selectFrom('games').select('id').where('slug', '=', 'celeste').executeTakeFirstOrThrow()
    const refused = await call(app, 'POST', `/api/imports/${uploaded.body.id}/commit`, { token: mira.token, body: { matches: { nope: celeste.id } } })
    assert.equal(refused.status, 400)
    const commit = await call(app, 'POST', `/api/imports/${uploaded.body.id}/commit`, { token: mira.token, body: { matches: { '431960': null }, backlog_unplayed: false } })
    assert.equal(commit.status, 202, commit.text)
    const done = await settledImport(app, mira.token, uploaded.body.id)
    assert.equal(done.body.options.backlog_unplayed, false)
    assert.equal(await db.selectFrom('game_statuses').select('game_id').where('user_id', '=', mira.id).where('status', '=', 'backlog').executeTakeFirst(), undefined)
  })

  it('reads a big file on a worker thread, refusing it there with its line when it is malformed', async () => {
    const { app } = current()
    const mira = await signedIn()
    // Few rows (matching each takes a search) made big by a field the importer ignores.
    const games = Array.from({ length: 600 }, (_, i) => ({ appid: 9_000_000 + i, name: `Imaginary Game Number ${i}`, playtime_forever: i, rtime_last_played: 1_700_000_000, img_icon_url: 'f'.repeat(500) }))
    const text = JSON.stringify({ response: { game_count: games.length, games } }, null, 1)
    assert.ok(text.length > INLINE_PARSE_BYTES, 'big enough for the worker')
    const broken = text.replace('"appid": 9000007,', '"appid": 9000007,,')
    const refused = await uploadImport(app, mira.token, 'steam', broken)
    assert.equal(refused.status, 400, refused.text)
    assert.equal(refused.body.line, text.slice(0, text.indexOf('"appid": 9000007,')).split('\n').length)
    const uploaded = await uploadImport(app, mira.token, 'steam', text)
    assert.equal(uploaded.status, 202, uploaded.text)
    const preview = await settledImport(app, mira.token, uploaded.body.id)
    assert.deepEqual(preview.body.progress, { done: 600, total: 600 })
    assert.equal(preview.body.summary.unmatched, 600)
    assert.equal(preview.body.rows.length, 200)
    const next = await call(app, 'GET', `/api/imports/${uploaded.body.id}?limit=200&cursor=${preview.body.next}`, { token: mira.token })
    assert.equal(next.body.rows[0].position, 201)
  })

  it('takes files up to 20 MB on the upload route only', async () => {
    const { app } = current()
    const mira = await signedIn()
    const tooBig = await uploadImport(app, mira.token, 'backloggd', 'x'.repeat(MAX_UPLOAD_BYTES + 1))
    assert.equal(tooBig.status, 413)
    // Every other route keeps its small bound, whatever the type of its body.
    const bigJson = await call(app, 'POST', '/api/imports/steam', { token: mira.token, body: { key: 'k'.repeat(200_000), steam_id: '76561197960287930' } })
    assert.equal(bigJson.status, 413)
    const csvElsewhere = await call(app, 'POST', '/api/playthroughs/', { token: mira.token, body: 'a,b', headers: { 'content-type': 'text/csv' } })
    assert.equal(csvElsewhere.status, 415)
  })

  it('takes the same Backloggd history as CSV then JSON (or the other way) without doubling a playthrough or its time', async () => {
    const { app, db } = current()
    const celesteRuns = async (userId: number) => {
      const runs = await db
        .selectFrom('playthroughs')
        .innerJoin('games', 'games.id', 'playthroughs.game_id')
        .select(['playthroughs.id', 'playthroughs.platform', 'playthroughs.adjustment_minutes'])
        .where('playthroughs.user_id', '=', userId)
        .where('games.slug', '=', 'celeste')
        .orderBy('playthroughs.id')
        .execute()
      const minutes = []
      for (const run of runs) {
        const sessions = await db.selectFrom('play_sessions').select('minutes').where('playthrough_id', '=', run.id).execute()
        minutes.push(sessions.reduce((sum, session) => sum + session.minutes, run.adjustment_minutes))
      }
      return minutes
    }
    const mira = await signedIn()
    await importFixtureFile(app, mira.token, 'backloggd', 'backloggd-basic.csv')
    assert.deepEqual(await celesteRuns(mira.id), [860])
    // The JSON has every playthrough: the first is the CSV's (860 minutes), the B-sides run is new (360).
    await importFixtureFile(app, mira.token, 'backloggd', 'backloggd-basic.json')
    assert.deepEqual(await celesteRuns(mira.id), [860, 360])

    const jonas = await registerUser(app, 'jonas')
    await importFixtureFile(app, jonas.token, 'backloggd', 'backloggd-basic.json')
    await importFixtureFile(app, jonas.token, 'backloggd', 'backloggd-basic.csv')
    assert.deepEqual(await celesteRuns(jonas.id), [860, 360])
  })
})
