import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { it } from 'node:test'
import { timestamp } from '../../src/db/time.js'
import { addBigLists, addGames } from '../helpers/big-account.js'
import { describeEachDatabase, NO_RATE_LIMITS, type TestApp } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'
import { waitFor } from '../helpers/server-process.js'

const ALREADY_RUNNING = { detail: 'An export of your account is already running: wait for it to finish.' }

const exportOf = (current: () => TestApp, user: RegisteredUser, format = 'json') =>
  call(current().app, 'GET', `/api/users/me/export?format=${format}`, { token: user.token })

/** The CSV export's rows as arrays of fields (test data holds no quotes, commas or line breaks). */
const csvRows = (text: string) =>
  text
    .split('\r\n')
    .filter(Boolean)
    .map((line) => line.split(','))

describeEachDatabase('GET /api/users/me/export: list positions', (current) => {
  it('numbers list games as the API and the web app do (1 for the first), in JSON and CSV', async () => {
    const alice = await registerUser(current().app, 'alice')
    const [first, second, third] = await addGames(current().db, 3)
    const games = [first, second, third].map((game) => ({ game }))
    const created = await call(current().app, 'POST', '/api/lists/', { token: alice.token, body: { title: 'Ranked', ranked: true, games } })
    assert.equal(created.status, 201, created.text)
    const edited = await call(current().app, 'PATCH', `/api/lists/${created.body.id}`, {
      token: alice.token,
      body: { games: [...games].reverse() },
    })
    assert.equal(edited.status, 200, edited.text)

    const shown = (await call(current().app, 'GET', `/api/lists/${created.body.id}`)).body.games
    const byApi = shown.map((item: { position: number; game: { id: number } }) => [item.position, item.game.id])
    assert.deepEqual(byApi, [
      [1, third],
      [2, second],
      [3, first],
    ])

    const json = (await exportOf(current, alice)).body
    assert.deepEqual(
      json.lists[0].games.map((item: { position: number; game: { id: number } }) => [item.position, item.game.id]),
      byApi,
    )
    const [header, ...rows] = csvRows((await exportOf(current, alice, 'csv')).text)
    const column = (name: string) => header!.indexOf(name)
    assert.deepEqual(
      rows.filter((row) => row[0] === 'list_item').map((row) => [Number(row[column('position')]), Number(row[column('game_id')])]),
      byApi,
    )
  })
})

describeEachDatabase('GET /api/users/me/export: read a page at a time', (current) => {
  it('exports every row once, in order, when a section spans several pages and rows tie on their time', async () => {
    const db = current().db
    const alice = await registerUser(current().app, 'alice')
    const bob = await registerUser(current().app, 'bob')
    const gameIds = await addGames(db, 450)
    const sameTime = timestamp()
    // Every status and rating at one instant: the page boundaries fall inside a tie.
    await db
      .insertInto('game_statuses')
      .values(gameIds.map((game_id) => ({ user_id: alice.id, game_id, status: 'played' as const, created_at: sameTime })))
      .execute()
    await db
      .insertInto('ratings')
      .values(gameIds.map((game_id, i) => ({ user_id: alice.id, game_id, half_stars: (i % 10) + 1, created_at: sameTime, updated_at: sameTime })))
      .execute()
    await db.insertInto('ratings').values({ user_id: bob.id, game_id: gameIds[0]!, half_stars: 1, created_at: sameTime, updated_at: sameTime }).execute()
    const [bigList, emptyList, lastList] = await addBigLists(db, alice.id, gameIds, 3, 5)
    await db.deleteFrom('list_items').where('list_id', '=', emptyList!).execute()
    // Gaps in the stored positions (games removed from the catalog leave them): numbered as read all the same.
    await db.deleteFrom('list_items').where('list_id', '=', lastList!).where('position', '<=', 225).execute()

    const response = await exportOf(current, alice)
    assert.equal(response.status, 200)
    const json = response.body

    const game = (id: number, n: number) => ({ id, igdb: null, name: `Filler ${n}`, slug: `filler-${n}` })
    assert.deepEqual(
      json.statuses,
      gameIds.map((id, i) => ({ status: 'played', game: game(id, i + 1), added_at: sameTime })),
    )
    assert.deepEqual(
      json.ratings,
      gameIds.map((id, i) => ({ game: game(id, i + 1), rating: ((i % 10) + 1) / 2, rated_at: sameTime })),
    )
    assert.deepEqual(
      json.lists.map((list: { id: number; games: unknown[] }) => [list.id, list.games.length]),
      [
        [bigList, 450],
        [emptyList, 0],
        [lastList, 225],
      ],
    )
    const note = 'n'.repeat(5)
    assert.deepEqual(
      json.lists[0].games,
      gameIds.map((id, i) => ({ position: i + 1, game: game(id, i + 1), note })),
    )
    assert.deepEqual(
      json.lists[2].games,
      gameIds.slice(225).map((id, i) => ({ position: i + 1, game: game(id, 226 + i), note })),
    )

    const [header, ...rows] = csvRows((await exportOf(current, alice, 'csv')).text)
    const kinds = new Map<string, number>()
    for (const row of rows) kinds.set(row[0]!, (kinds.get(row[0]!) ?? 0) + 1)
    assert.deepEqual(Object.fromEntries(kinds), { profile: 1, status: 450, rating: 450, list: 3, list_item: 675 })
    const ratingGames = rows.filter((row) => row[0] === 'rating').map((row) => Number(row[header!.indexOf('game_id')]))
    assert.deepEqual(ratingGames, gameIds)
    const lastListPositions = rows
      .filter((row) => row[0] === 'list_item' && Number(row[header!.indexOf('list_id')]) === lastList)
      .map((row) => Number(row[header!.indexOf('position')]))
    assert.deepEqual(lastListPositions, Array.from({ length: 225 }, (_, i) => i + 1))
  })
})

describeEachDatabase(
  'GET /api/users/me/export: a few an hour',
  (current) => {
    it('lets an account export twice an hour here, then answers 429 with Retry-After; others are not held up', async () => {
      const alice = await registerUser(current().app, 'alice')
      const bob = await registerUser(current().app, 'bob')

      assert.equal((await exportOf(current, alice)).status, 200)
      assert.equal((await exportOf(current, alice, 'csv')).status, 200)
      const refused = await exportOf(current, alice)

      assert.equal(refused.status, 429)
      assert.match(refused.body.detail, /^Request was throttled\. Expected available in \d+ seconds\.$/)
      const retryAfter = Number(refused.headers['retry-after'])
      assert.ok(retryAfter > 3000 && retryAfter <= 3600, `retry-after ${retryAfter}`)
      assert.equal((await exportOf(current, bob)).status, 200)
    })

    it('answers HEAD 404 without running an export (Fastify would run it unseen) or counting one', async () => {
      const alice = await registerUser(current().app, 'alice')
      for (let i = 0; i < 3; i++) {
        const head = await call(current().app, 'HEAD', '/api/users/me/export', { token: alice.token })
        assert.equal(head.status, 404)
      }
      assert.equal((await exportOf(current, alice)).status, 200)
      assert.equal((await exportOf(current, alice)).status, 200)
    })
  },
  { rateLimits: { ...NO_RATE_LIMITS, exportsPerHour: 2 } },
)

describeEachDatabase('GET /api/users/me/export: streamed, one at a time', (current) => {
  /** About 12 MB of export: far more than the sockets between server and client hold. */
  const LISTS = 12
  const GAMES_PER_LIST = 1000
  const NOTE_LENGTH = 900

  const listen = async () => {
    await current().app.listen({ port: 0, host: '127.0.0.1' })
    return (current().app.server.address() as AddressInfo).port
  }

  const startExport = (port: number, user: RegisteredUser, signal?: AbortSignal) =>
    fetch(`http://127.0.0.1:${port}/api/users/me/export`, { headers: { authorization: `Token ${user.token}` }, signal })

  const seedBigAccount = async (user: RegisteredUser) => {
    const gameIds = await addGames(current().db, GAMES_PER_LIST)
    return addBigLists(current().db, user.id, gameIds, LISTS, NOTE_LENGTH)
  }

  it('runs one export per account at a time: a second is refused with 429 until the first is read or dropped', async () => {
    const alice = await registerUser(current().app, 'alice')
    const bob = await registerUser(current().app, 'bob')
    await seedBigAccount(alice)
    const port = await listen()

    // The first download has begun, and the client reads no further for now.
    const first = await startExport(port, alice)
    assert.equal(first.status, 200)
    const reader = first.body!.getReader()
    await reader.read()

    for (const format of ['json', 'csv']) {
      const second = await exportOf(current, alice, format)
      assert.equal(second.status, 429, format)
      assert.deepEqual(second.body, ALREADY_RUNNING)
    }
    assert.equal((await exportOf(current, bob)).status, 200, 'another account exports meanwhile')

    // Read to the end: the account may export again.
    let rest = ''
    const decoder = new TextDecoder()
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += decoder.decode(chunk.value, { stream: true })
    assert.ok(rest.endsWith(']}'))
    await waitFor('the finished export to free the account', async () => (await exportOf(current, alice)).status === 200, 5000)

    // A client that goes away mid-download frees it too.
    const dropped = new AbortController()
    const third = await startExport(port, alice, dropped.signal)
    await third.body!.getReader().read()
    assert.deepEqual((await exportOf(current, alice)).body, ALREADY_RUNNING)
    dropped.abort()
    await waitFor('the dropped export to free the account', async () => (await exportOf(current, alice)).status === 200, 5000)
  })

  it('writes the export as it reads it: a row changed after the download began, near its end, shows in it', async () => {
    const alice = await registerUser(current().app, 'alice')
    const listIds = await seedBigAccount(alice)
    const port = await listen()

    const response = await startExport(port, alice)
    const reader = response.body!.getReader()
    const decoder = new TextDecoder()
    let text = decoder.decode((await reader.read()).value, { stream: true })

    // The server has read no more than the sockets hold: the last list's last note is still to come.
    const lastList = listIds[listIds.length - 1]!
    await current()
      .db.updateTable('list_items')
      .set({ note: 'changed while the download ran' })
      .where('list_id', '=', lastList)
      .where('position', '=', GAMES_PER_LIST)
      .execute()
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value, { stream: true })

    assert.ok(text.length > LISTS * GAMES_PER_LIST * NOTE_LENGTH, `${text.length} characters`)
    const json = JSON.parse(text)
    assert.equal(json.lists.length, LISTS)
    const last = json.lists[LISTS - 1]
    assert.equal(last.id, lastList)
    assert.deepEqual(last.games[GAMES_PER_LIST - 1].note, 'changed while the download ran')
    assert.equal(last.games[GAMES_PER_LIST - 2].note, 'n'.repeat(NOTE_LENGTH))
  })
})
