import assert from 'node:assert/strict'
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, it } from 'node:test'
import type { App } from '../../src/app.js'
import { hoursFromNow } from '../../src/db/time.js'
import { loadCatalogIfEmpty } from '../../src/games/catalog.js'
import { createImportWork } from '../../src/imports/jobs.js'
import { claimImport, dropExpiredImports, findImport, findUnheldImports } from '../../src/imports/repository.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser } from '../helpers/client.js'
import { importFixture } from '../helpers/import-files.js'

const STEAM_KEY = 'FEEDFACEFEEDFACEFEEDFACEFEEDFACE'
const STEAM_ID = '76561197960287930'

/** Steam's GetOwnedGames, for one key and one profile. */
const steam = http.createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://steam.test')
  if (url.pathname !== '/IPlayerService/GetOwnedGames/v1/' || url.searchParams.get('key') !== STEAM_KEY) {
    response.writeHead(403).end('Forbidden')
    return
  }
  response.writeHead(200, { 'content-type': 'application/json' }).end(url.searchParams.get('steamid') === STEAM_ID ? importFixture('steam-basic.json') : '{"response":{}}')
})
let steamUrl = ''
before(async () => {
  steam.listen(0, '127.0.0.1')
  await once(steam, 'listening')
  steamUrl = `http://127.0.0.1:${(steam.address() as AddressInfo).port}`
})
after(() => steam.close())

async function waitFor(app: App, token: string, id: number, status: string) {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    const response = await call(app, 'GET', `/api/imports/${id}`, { token })
    if (response.body.status === status) return response.body
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error(`import ${id} never became ${status}`)
}

describeEachDatabase('Imports: Steam fetch, expiry and work taken over', (current) => {
  it('fetches a Steam library with a key used for that request only, and says what is wrong when Steam refuses', async () => {
    const { app, db, config } = current()
    config.steamApiUrl = steamUrl
    await loadCatalogIfEmpty(db)
    const mira = await registerUser(app, 'mira')
    const refused = await call(app, 'POST', '/api/imports/steam', { token: mira.token, body: { key: 'wrong', steam_id: STEAM_ID } })
    assert.equal(refused.status, 400, refused.text)
    assert.doesNotMatch(refused.text, /wrong/)
    const hidden = await call(app, 'POST', '/api/imports/steam', { token: mira.token, body: { key: STEAM_KEY, steam_id: '76561197960287999' } })
    assert.equal(hidden.status, 400)
    assert.match(hidden.body.detail, /public|private/i)
    assert.equal((await call(app, 'POST', '/api/imports/steam', { token: mira.token, body: { key: STEAM_KEY, steam_id: '123' } })).status, 400)

    const fetched = await call(app, 'POST', '/api/imports/steam', { token: mira.token, body: { key: STEAM_KEY, steam_id: STEAM_ID } })
    assert.equal(fetched.status, 202, fetched.text)
    const ready = await waitFor(app, mira.token, fetched.body.id, 'ready')
    assert.equal(ready.source, 'steam')
    assert.equal(ready.summary.added, 11)
    const stored = await db.selectFrom('imports').selectAll().execute()
    assert.doesNotMatch(JSON.stringify(stored), new RegExp(STEAM_KEY))
  })

  it('forgets an upload not committed within a day, and frees its owner to import again', async () => {
    const { app, db } = current()
    const mira = await registerUser(app, 'mira')
    const uploaded = await call(app, 'POST', '/api/imports/?source=playnite', { token: mira.token, body: importFixture('playnite-basic.csv'), headers: { 'content-type': 'text/csv' } })
    await waitFor(app, mira.token, uploaded.body.id, 'ready')
    await dropExpiredImports(db)
    assert.ok(await findImport(db, uploaded.body.id), 'kept within the day')
    await db.updateTable('imports').set({ expires_at: hoursFromNow(-1) }).execute()
    // Past its day it no longer holds its owner back, even before the sweep comes by.
    const next = await call(app, 'POST', '/api/imports/?source=playnite', { token: mira.token, body: importFixture('playnite-basic.csv'), headers: { 'content-type': 'text/csv' } })
    assert.equal(next.status, 202)
    await dropExpiredImports(db)
    assert.equal(await findImport(db, uploaded.body.id), undefined)
    assert.deepEqual(await db.selectFrom('import_rows').select('position').where('import_id', '=', uploaded.body.id).execute(), [])
    assert.ok(await findImport(db, next.body.id))
  })

  it('lets one process hold an import at a time, and another take over the work of one that stopped', async () => {
    const { app, db, config } = current()
    await loadCatalogIfEmpty(db)
    const mira = await registerUser(app, 'mira')
    const uploaded = await call(app, 'POST', '/api/imports/?source=steam', { token: mira.token, body: importFixture('steam-basic.json'), headers: { 'content-type': 'application/json' } })
    await waitFor(app, mira.token, uploaded.body.id, 'ready')
    // A commit acknowledged by a process that stopped before doing any of it: its hold is still on.
    await db.updateTable('imports').set({ status: 'committing', done: 0, lease_until: hoursFromNow(1) }).execute()
    assert.equal(await claimImport(db, uploaded.body.id, hoursFromNow(1)), false)
    assert.deepEqual(await findUnheldImports(db), [])
    // Its hold lapses: the next process to look takes the work over and finishes it.
    await db.updateTable('imports').set({ lease_until: hoursFromNow(-1) }).execute()
    assert.deepEqual(await findUnheldImports(db), [uploaded.body.id])
    const other = createImportWork(db, { newGames: config.newGames, log: console, sweep: false })
    await other.run(uploaded.body.id)
    await other.close()
    const done = await findImport(db, uploaded.body.id)
    assert.equal(done?.status, 'done')
    assert.equal(done?.summary.added, 11)
    const statuses = await db.selectFrom('game_statuses').select('game_id').where('user_id', '=', mira.id).execute()
    assert.equal(statuses.length, 11)
  })

  it('adds games new to the catalog within the account\'s allowance, and says which rows went over it', async () => {
    const { app, db, config } = current()
    Object.assign(config.newGames, { perRequest: 5, perDay: 1 })
    await loadCatalogIfEmpty(db)
    const mira = await registerUser(app, 'mira')
    const uploaded = await call(app, 'POST', '/api/imports/?source=steam', { token: mira.token, body: importFixture('steam-basic.json'), headers: { 'content-type': 'application/json' } })
    await waitFor(app, mira.token, uploaded.body.id, 'ready')
    const commit = await call(app, 'POST', `/api/imports/${uploaded.body.id}/commit`, { token: mira.token, body: { matches: { '1030300': 'new', '431960': 'new' } } })
    assert.equal(commit.status, 202, commit.text)
    const done = await waitFor(app, mira.token, uploaded.body.id, 'done')
    assert.equal(done.summary.added, 12)
    assert.equal(done.summary.failed, 1)
    const failed = done.rows.find((row: { outcome: string }) => row.outcome === 'failed')
    assert.equal(failed.title, 'Wallpaper Engine')
    assert.match(failed.reason, /throttled|available/i)
    const added = await db.selectFrom('games').select(['name', 'provisional']).where('provisional', '=', true).execute()
    assert.deepEqual(added.map((game) => game.name), ['Hollow Knight: Silksong'])
  })
})
