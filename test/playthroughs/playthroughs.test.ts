import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { Tables } from '../../src/db/tables.js'
import { timestamp } from '../../src/db/time.js'
import { insertGame } from '../../src/games/repository.js'
import { MAX_PLAYTHROUGHS, MAX_SESSIONS } from '../../src/playthroughs/schemas.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'

const PLAYTHROUGHS = '/api/playthroughs/'
const DAY_MS = 86_400_000
const ISO_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/

const daysFromNow = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10)

describeEachDatabase('playthroughs: /api/playthroughs/ and their sessions', (current) => {
  const app = () => current().app
  const db = () => current().db

  const addGame = (name: string) => insertGame(db(), { name })

  const create = (user: RegisteredUser | null, body: Record<string, unknown>) =>
    call(app(), 'POST', PLAYTHROUGHS, { token: user?.token, body })

  /** Creates a playthrough that must succeed, and returns it. */
  const created = async (user: RegisteredUser, body: Record<string, unknown>) => {
    const response = await create(user, body)
    assert.equal(response.status, 201, response.text)
    return response.body
  }

  const edit = (user: RegisteredUser | null, id: number, body: Record<string, unknown>) =>
    call(app(), 'PATCH', `${PLAYTHROUGHS}${id}`, { token: user?.token, body })

  const show = (id: number) => call(app(), 'GET', `${PLAYTHROUGHS}${id}`)

  const addSession = (user: RegisteredUser | null, id: number, body: Record<string, unknown>) =>
    call(app(), 'POST', `${PLAYTHROUGHS}${id}/sessions`, { token: user?.token, body })

  const addedSession = async (user: RegisteredUser, id: number, body: Record<string, unknown>) => {
    const response = await addSession(user, id, body)
    assert.equal(response.status, 201, response.text)
    return response.body
  }

  const deleteSession = (user: RegisteredUser | null, id: number, sessionId: number) =>
    call(app(), 'DELETE', `${PLAYTHROUGHS}${id}/sessions/${sessionId}`, { token: user?.token })

  const countRows = async (table: keyof Tables) => {
    const row = await db()
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }

  it('starts a playthrough: 201 with the whole playthrough, its person, its game, no time yet', async () => {
    const alice = await registerUser(app(), 'alice')
    const gameId = await addGame('Hollow Knight')

    const response = await create(alice, {
      game: gameId,
      platform: 'Nintendo Switch',
      storefront: 'nintendo',
      started_on: '2024-03-01',
      difficulty: '  Steel Soul  ',
      notes: 'Going for the true ending.',
    })

    assert.equal(response.status, 201, response.text)
    const { id, created_at, updated_at, user, ...playthrough } = response.body
    assert.equal(typeof id, 'number')
    assert.match(created_at, ISO_TIMESTAMP)
    assert.equal(updated_at, created_at)
    assert.deepEqual({ id: user.id, username: user.username }, { id: alice.id, username: 'alice' })
    assert.deepEqual(playthrough, {
      game: { id: gameId, igdb: null, name: 'Hollow Knight', slug: 'hollow-knight', cover_url: null },
      platform: 'Nintendo Switch',
      storefront: 'nintendo',
      status: 'playing',
      completion: null,
      started_on: '2024-03-01',
      finished_on: null,
      replay: false,
      difficulty: 'Steel Soul',
      notes: 'Going for the true ending.',
      adjustment_minutes: 0,
      minutes: 0,
      session_count: 0,
      sessions: [],
    })
  })

  it('shows a playthrough to anyone, signed in or not; an unknown one is a 404', async () => {
    const alice = await registerUser(app(), 'alice')
    const playthrough = await created(alice, { game: await addGame('Celeste') })

    const anonymous = await show(playthrough.id)
    assert.equal(anonymous.status, 200, anonymous.text)
    assert.deepEqual(anonymous.body, playthrough)
    assert.equal((await show(playthrough.id + 1)).status, 404)
    assert.equal((await call(app(), 'GET', `${PLAYTHROUGHS}abc`)).status, 400)
  })

  it('names the game by IGDB id and name, adding it provisionally, like journal entries', async () => {
    const alice = await registerUser(app(), 'alice')

    const playthrough = await created(alice, { igdb: '1942', name: 'Celeste 2' })

    assert.deepEqual([playthrough.game.igdb, playthrough.game.name], ['1942', 'Celeste 2'])
    const game = await db().selectFrom('games').select('provisional').where('igdb', '=', '1942').executeTakeFirstOrThrow()
    assert.equal(!!game.provisional, true)
    const unknown = await create(alice, { igdb: '777' })
    assert.equal(unknown.status, 404, unknown.text)
    assert.deepEqual(await create(alice, {}).then((r) => r.body), { game: ['Either "game" or "igdb" is required.'] })
  })

  it('requires a token to start, edit or delete a playthrough or its sessions', async () => {
    const alice = await registerUser(app(), 'alice')
    const gameId = await addGame('Celeste')
    const playthrough = await created(alice, { game: gameId })
    const session = (await addedSession(alice, playthrough.id, { date: '2024-01-01', minutes: 30 })).session

    assert.equal((await create(null, { game: gameId })).status, 401)
    assert.equal((await edit(null, playthrough.id, { status: 'shelved' })).status, 401)
    assert.equal((await call(app(), 'DELETE', `${PLAYTHROUGHS}${playthrough.id}`)).status, 401)
    assert.equal((await addSession(null, playthrough.id, { date: '2024-01-01', minutes: 30 })).status, 401)
    assert.equal((await deleteSession(null, playthrough.id, session.id)).status, 401)
    assert.deepEqual((await show(playthrough.id)).body, { ...playthrough, minutes: 30, session_count: 1, sessions: [session] })
  })

  it("forbids changing someone else's playthrough or its sessions (403), and changes nothing", async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const playthrough = await created(alice, { game: await addGame('Celeste') })
    const { session } = await addedSession(alice, playthrough.id, { date: '2024-01-01', minutes: 30 })
    const before = (await show(playthrough.id)).body

    const forbidden = { detail: 'You do not have permission to perform this action.' }
    for (const response of [
      await edit(bob, playthrough.id, { status: 'finished' }),
      await call(app(), 'DELETE', `${PLAYTHROUGHS}${playthrough.id}`, { token: bob.token }),
      await addSession(bob, playthrough.id, { date: '2024-01-02', minutes: 60 }),
      await deleteSession(bob, playthrough.id, session.id),
    ]) {
      assert.equal(response.status, 403, response.text)
      assert.deepEqual(response.body, forbidden)
    }
    assert.deepEqual((await show(playthrough.id)).body, before)
    assert.equal(await countRows('journal_entries'), 0)
    assert.equal((await edit(bob, playthrough.id + 1, { status: 'finished' })).status, 404)
    assert.equal((await addSession(bob, playthrough.id + 1, { date: '2024-01-02', minutes: 60 })).status, 404)
  })

  it('takes dates that are real days, not in the future anywhere on Earth, the finish not before the start', async () => {
    const alice = await registerUser(app(), 'alice')
    const gameId = await addGame('Celeste')

    const refusals: [Record<string, unknown>, Record<string, string[]>][] = [
      [{ started_on: '2023-02-30' }, { started_on: ['Enter a real calendar date.'] }],
      [{ finished_on: daysFromNow(2), status: 'finished' }, { finished_on: ['Date cannot be in the future.'] }],
      [{ started_on: daysFromNow(2) }, { started_on: ['Date cannot be in the future.'] }],
      [{ started_on: '2024-05-02', finished_on: '2024-05-01' }, { finished_on: ['A playthrough cannot end before it starts.'] }],
      [{ started_on: '1 May 2024' }, { started_on: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'] }],
    ]
    for (const [body, errors] of refusals) {
      const response = await create(alice, { game: gameId, ...body })
      assert.equal(response.status, 400, JSON.stringify(body))
      assert.deepEqual(response.body, errors)
    }
    assert.equal(await countRows('playthroughs'), 0)

    // Tomorrow in UTC is today somewhere (UTC+14); finishing on the day it started is fine.
    const today = await created(alice, { game: gameId, started_on: daysFromNow(0), finished_on: daysFromNow(0), status: 'finished' })
    assert.equal(today.finished_on, today.started_on)
    const playthrough = await created(alice, { game: gameId, started_on: '2024-05-01', finished_on: '2024-05-10', status: 'finished' })

    const moved = await edit(alice, playthrough.id, { started_on: '2024-05-11' })
    assert.equal(moved.status, 400)
    assert.deepEqual(moved.body, { started_on: ['A playthrough cannot end before it starts.'] })
    const cleared = await edit(alice, playthrough.id, { finished_on: null, started_on: '2024-05-11' })
    assert.equal(cleared.status, 200, cleared.text)
    assert.deepEqual([cleared.body.started_on, cleared.body.finished_on], ['2024-05-11', null])
  })

  it('takes only the platform names of the list, and refuses any other naming the field', async () => {
    const alice = await registerUser(app(), 'alice')
    const gameId = await addGame('Celeste')

    for (const platform of ['PC', 'Xbox Series X|S', 'Nintendo Switch 2', null]) {
      assert.equal((await created(alice, { game: gameId, platform })).platform, platform)
    }
    for (const platform of ['Commodore 64', 'pc', 'PlayStation 6', '']) {
      const response = await create(alice, { game: gameId, platform })
      assert.equal(response.status, 400, platform)
      assert.deepEqual(response.body, { platform: [`"${platform}" is not a valid choice.`] })
    }
    const playthrough = await created(alice, { game: gameId })
    const refused = await edit(alice, playthrough.id, { platform: 'Sega Dreamcast 2' })
    assert.deepEqual([refused.status, Object.keys(refused.body)], [400, ['platform']])
    assert.deepEqual((await create(alice, { game: gameId, storefront: 'humble' })).body, { storefront: ['"humble" is not a valid choice.'] })
  })

  it('takes a completion only for a finished playthrough, and clears it when it is no longer finished', async () => {
    const alice = await registerUser(app(), 'alice')
    const gameId = await addGame('Celeste')
    const onlyFinished = { completion: ['Only a finished playthrough has a completion.'] }

    assert.deepEqual((await create(alice, { game: gameId, completion: 'main' })).body, onlyFinished)
    assert.deepEqual((await create(alice, { game: gameId, status: 'shelved', completion: 'main' })).body, onlyFinished)
    const playing = await created(alice, { game: gameId })
    assert.deepEqual((await edit(alice, playing.id, { completion: 'mastered' })).body, onlyFinished)

    const finished = await edit(alice, playing.id, { status: 'finished', completion: 'completionist' })
    assert.equal(finished.status, 200, finished.text)
    assert.deepEqual([finished.body.status, finished.body.completion], ['finished', 'completionist'])
    const upgraded = await edit(alice, playing.id, { completion: 'mastered' })
    assert.equal(upgraded.body.completion, 'mastered')
    assert.deepEqual((await edit(alice, playing.id, { status: 'playing', completion: 'main' })).body, onlyFinished)

    const replaying = await edit(alice, playing.id, { status: 'playing' })
    assert.equal(replaying.status, 200, replaying.text)
    assert.deepEqual([replaying.body.status, replaying.body.completion], ['playing', null])
  })

  it("adds sessions to the playthrough's time, newest first, and takes a deleted one's time away", async () => {
    const alice = await registerUser(app(), 'alice')
    const playthrough = await created(alice, { game: await addGame('Celeste') })

    const first = await addSession(alice, playthrough.id, { date: '2024-01-01', minutes: 90, note: 'Chapter 1' })
    assert.equal(first.status, 201, first.text)
    const { id, created_at, ...session } = first.body.session
    assert.match(created_at, ISO_TIMESTAMP)
    assert.deepEqual(session, { date: '2024-01-01', minutes: 90, note: 'Chapter 1', source: 'manual' })
    assert.deepEqual([first.body.playthrough.id, first.body.playthrough.minutes, first.body.playthrough.session_count], [playthrough.id, 90, 1])

    const later = await addedSession(alice, playthrough.id, { date: '2024-01-03', minutes: 45, note: '  ' })
    const between = await addedSession(alice, playthrough.id, { date: '2024-01-02', minutes: 1440 })
    assert.equal(later.session.note, null)
    assert.deepEqual([between.playthrough.minutes, between.playthrough.session_count], [90 + 45 + 1440, 3])

    const shown = (await show(playthrough.id)).body
    assert.deepEqual(shown.sessions.map((s: { date: string }) => s.date), ['2024-01-03', '2024-01-02', '2024-01-01'])
    assert.equal(shown.minutes, 1575)

    const deleted = await deleteSession(alice, playthrough.id, between.session.id)
    assert.equal(deleted.status, 204, deleted.text)
    assert.deepEqual([(await show(playthrough.id)).body.minutes, (await show(playthrough.id)).body.session_count], [135, 2])
    assert.equal((await deleteSession(alice, playthrough.id, between.session.id)).status, 404)
  })

  it('keeps session minutes between 1 and 1,440 and their day real and not in the future', async () => {
    const alice = await registerUser(app(), 'alice')
    const playthrough = await created(alice, { game: await addGame('Celeste') })

    const refusals: [Record<string, unknown>, Record<string, string[]>][] = [
      [{ date: '2024-01-01', minutes: 0 }, { minutes: ['Ensure this value is greater than or equal to 1.'] }],
      [{ date: '2024-01-01', minutes: 1441 }, { minutes: ['Ensure this value is less than or equal to 1440.'] }],
      [{ date: '2024-01-01', minutes: 1.5 }, { minutes: ['A valid integer is required.'] }],
      [{ date: daysFromNow(2), minutes: 30 }, { date: ['Date cannot be in the future.'] }],
      [{ date: '2024-02-30', minutes: 30 }, { date: ['Enter a real calendar date.'] }],
      [{ minutes: 30 }, { date: ['This field is required.'] }],
      [{ date: '2024-01-01', minutes: 30, source: 'steam' }, { source: ['Unexpected field: not accepted here.'] }],
    ]
    for (const [body, errors] of refusals) {
      const response = await addSession(alice, playthrough.id, body)
      assert.equal(response.status, 400, JSON.stringify(body))
      assert.deepEqual(response.body, errors)
    }
    assert.equal(await countRows('play_sessions'), 0)
    assert.equal((await addedSession(alice, playthrough.id, { date: '2024-01-01', minutes: 1 })).playthrough.minutes, 1)
  })

  it('adds a manual adjustment to the sessions, and never lets the total go below 0', async () => {
    const alice = await registerUser(app(), 'alice')
    const gameId = await addGame('Celeste')
    const belowZero = { adjustment_minutes: ["The playthrough's time cannot go below 0: its sessions and adjustment must add up to 0 or more."] }

    assert.deepEqual((await create(alice, { game: gameId, adjustment_minutes: -1 })).body, belowZero)
    const imported = await created(alice, { game: gameId, adjustment_minutes: 600 })
    assert.deepEqual([imported.minutes, imported.adjustment_minutes], [600, 600])

    const playthrough = await created(alice, { game: gameId })
    const { session } = await addedSession(alice, playthrough.id, { date: '2024-01-01', minutes: 30 })
    const adjusted = await edit(alice, playthrough.id, { adjustment_minutes: -20 })
    assert.equal(adjusted.status, 200, adjusted.text)
    assert.deepEqual([adjusted.body.minutes, adjusted.body.adjustment_minutes], [10, -20])
    assert.deepEqual((await edit(alice, playthrough.id, { adjustment_minutes: -31 })).body, belowZero)

    const refused = await deleteSession(alice, playthrough.id, session.id)
    assert.equal(refused.status, 400, refused.text)
    assert.deepEqual(refused.body, { detail: "Without this session the playthrough's time would go below 0: raise its adjustment_minutes first." })
    assert.equal((await show(playthrough.id)).body.minutes, 10)

    for (const adjustment of [100_001, -100_001]) {
      assert.equal((await edit(alice, playthrough.id, { adjustment_minutes: adjustment })).status, 400)
    }
    assert.equal((await edit(alice, playthrough.id, { adjustment_minutes: 100_000 })).body.minutes, 100_030)
  })

  it('refuses unknown keys and too-long text with field errors, and changes nothing', async () => {
    const alice = await registerUser(app(), 'alice')
    const gameId = await addGame('Celeste')
    const playthrough = await created(alice, { game: gameId })

    for (const key of ['user', 'user_id', 'minutes', 'id', 'sessions']) {
      const createResponse = await create(alice, { game: gameId, [key]: 1 })
      assert.deepEqual([createResponse.status, createResponse.body], [400, { [key]: ['Unexpected field: not accepted here.'] }])
      const editResponse = await edit(alice, playthrough.id, { [key]: 1 })
      assert.deepEqual([editResponse.status, editResponse.body], [400, { [key]: ['Unexpected field: not accepted here.'] }])
    }
    assert.deepEqual((await edit(alice, playthrough.id, { game: gameId })).body, { game: ['Unexpected field: not accepted here.'] })
    assert.deepEqual((await edit(alice, playthrough.id, { difficulty: 'x'.repeat(101) })).body, {
      difficulty: ['Ensure this field has no more than 100 characters.'],
    })
    assert.deepEqual((await edit(alice, playthrough.id, { notes: 'x'.repeat(5_001) })).body, {
      notes: ['Ensure this field has no more than 5000 characters.'],
    })
    assert.deepEqual((await edit(alice, playthrough.id, { status: 'paused' })).body, { status: ['"paused" is not a valid choice.'] })
    assert.equal(await countRows('playthroughs'), 1)
    assert.deepEqual((await show(playthrough.id)).body, playthrough)
  })

  it('deletes a playthrough with its sessions; the journal entries about it stay, about none', async () => {
    const alice = await registerUser(app(), 'alice')
    const playthrough = await created(alice, { game: await addGame('Celeste'), status: 'finished', finished_on: '2024-02-01' })
    await addedSession(alice, playthrough.id, { date: '2024-01-01', minutes: 30 })

    const response = await call(app(), 'DELETE', `${PLAYTHROUGHS}${playthrough.id}`, { token: alice.token })

    assert.equal(response.status, 204, response.text)
    assert.equal((await show(playthrough.id)).status, 404)
    assert.equal(await countRows('play_sessions'), 0)
    const entries = await db().selectFrom('journal_entries').select(['entry_type', 'playthrough_id']).execute()
    assert.deepEqual(entries, [{ entry_type: 'finished', playthrough_id: null }])
    assert.equal((await call(app(), 'DELETE', `${PLAYTHROUGHS}${playthrough.id}`, { token: alice.token })).status, 404)
  })

  it("lists a person's playthroughs newest first, a page at a time, of one game or status if asked", async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const celeste = await addGame('Celeste')
    const hades = await addGame('Hades')
    const first = await created(alice, { game: celeste, status: 'finished' })
    const second = await created(alice, { game: hades })
    const third = await created(alice, { game: celeste, replay: true })
    await created(bob, { game: celeste })
    await addedSession(alice, third.id, { date: '2024-01-01', minutes: 50 })

    const ids = (response: { body: { results: { id: number }[] } }) => response.body.results.map((p) => p.id)
    const all = await call(app(), 'GET', '/api/users/alice/playthroughs')
    assert.equal(all.status, 200, all.text)
    assert.deepEqual(ids(all), [third.id, second.id, first.id])
    assert.equal(all.body.next, null)
    assert.deepEqual([all.body.results[0].minutes, all.body.results[0].session_count, all.body.results[0].replay], [50, 1, true])
    assert.equal('sessions' in all.body.results[0], false)

    const page1 = await call(app(), 'GET', '/api/users/ALICE/playthroughs?limit=2')
    assert.deepEqual(ids(page1), [third.id, second.id])
    const page2 = await call(app(), 'GET', `/api/users/alice/playthroughs?limit=2&cursor=${page1.body.next}`)
    assert.deepEqual([ids(page2), page2.body.next], [[first.id], null])

    assert.deepEqual(ids(await call(app(), 'GET', `/api/users/alice/playthroughs?game=${celeste}`)), [third.id, first.id])
    assert.deepEqual(ids(await call(app(), 'GET', '/api/users/alice/playthroughs?status=finished')), [first.id])
    assert.deepEqual(ids(await call(app(), 'GET', `/api/users/alice/playthroughs?game=${hades}&status=finished`)), [])

    const playing = await call(app(), 'GET', '/api/users/alice/playing')
    assert.equal(playing.status, 200, playing.text)
    assert.deepEqual(ids(playing), [third.id, second.id])
    assert.deepEqual(playing.body.results.map((p: { game: { name: string } }) => p.game.name), ['Celeste', 'Hades'])

    assert.equal((await call(app(), 'GET', '/api/users/nobody/playthroughs')).status, 404)
    assert.equal((await call(app(), 'GET', '/api/users/nobody/playing')).status, 404)
    assert.equal((await call(app(), 'GET', '/api/users/alice/playthroughs?cursor=abc')).status, 400)
    assert.equal((await call(app(), 'GET', '/api/users/alice/playthroughs?status=paused')).status, 400)
    assert.equal((await call(app(), 'GET', '/api/users/alice/playing?status=finished')).status, 400)
  })

  it(`bounds an account to ${MAX_PLAYTHROUGHS.toLocaleString('en')} playthroughs`, async () => {
    const alice = await registerUser(app(), 'alice')
    const gameId = await addGame('Celeste')
    const now = timestamp()
    const row = { user_id: alice.id, game_id: gameId, status: 'shelved' as const, replay: false, created_at: now, updated_at: now }
    for (let start = 1; start < MAX_PLAYTHROUGHS; start += 500) {
      const count = Math.min(500, MAX_PLAYTHROUGHS - start)
      await db().insertInto('playthroughs').values(Array.from({ length: count }, () => row)).execute()
    }

    await created(alice, { game: gameId })
    const refused = await create(alice, { game: gameId, status: 'finished' })

    assert.equal(refused.status, 400, refused.text)
    assert.deepEqual(refused.body, { detail: 'You have 10,000 playthroughs, the most an account may have: delete some to add more.' })
    assert.equal(await countRows('playthroughs'), MAX_PLAYTHROUGHS)
    assert.equal(await countRows('journal_entries'), 0)
  })

  it(`bounds a playthrough to ${MAX_SESSIONS.toLocaleString('en')} sessions`, async () => {
    const alice = await registerUser(app(), 'alice')
    const playthrough = await created(alice, { game: await addGame('Celeste') })
    const row = { playthrough_id: playthrough.id, played_on: '2024-01-01', minutes: 1, created_at: timestamp() }
    for (let start = 1; start < MAX_SESSIONS; start += 500) {
      const count = Math.min(500, MAX_SESSIONS - start)
      await db().insertInto('play_sessions').values(Array.from({ length: count }, () => row)).execute()
    }

    const last = await addedSession(alice, playthrough.id, { date: '2024-01-02', minutes: 10 })
    assert.deepEqual([last.playthrough.session_count, last.playthrough.minutes], [MAX_SESSIONS, MAX_SESSIONS - 1 + 10])
    const refused = await addSession(alice, playthrough.id, { date: '2024-01-02', minutes: 10 })

    assert.equal(refused.status, 400, refused.text)
    assert.deepEqual(refused.body, { detail: 'This playthrough has 5,000 sessions, the most one may have.' })
    assert.equal(await countRows('play_sessions'), MAX_SESSIONS)
  })
})
