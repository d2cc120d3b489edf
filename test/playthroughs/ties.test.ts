import assert from 'node:assert/strict'
import { it } from 'node:test'
import { importGames } from '../../src/games/import.js'
import { insertGame } from '../../src/games/repository.js'
import type { GameSummary } from '../../src/games/schemas.js'
import { latestDateOnEarth } from '../../src/journal/input.js'
import { describeEachDatabase } from '../helpers/app.js'
import { read, readAroundWrite, write } from '../helpers/answers.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'

const PLAYTHROUGHS = '/api/playthroughs/'
const JOURNAL = '/api/actions/journal/'
const utcToday = () => new Date().toISOString().slice(0, 10)

// How playthroughs tie into what was there before: the profile's playing shelf and counts, the library, the
// journal, the export, provisional games and deleted accounts.
describeEachDatabase('playthroughs and the rest of an account', (current) => {
  const app = () => current().app
  const db = () => current().db

  const addGame = async (name: string): Promise<GameSummary> => {
    const id = await insertGame(db(), { name })
    return db().selectFrom('games').select(['id', 'igdb', 'name', 'slug', 'cover_url']).where('id', '=', id).executeTakeFirstOrThrow()
  }

  const start = (user: RegisteredUser, body: Record<string, unknown>) => write(app(), 'POST', PLAYTHROUGHS, user.token, body)
  const edit = (user: RegisteredUser, id: number, body: Record<string, unknown>) =>
    write(app(), 'PATCH', `${PLAYTHROUGHS}${id}`, user.token, body)
  const act = (user: RegisteredUser, action: string, body: Record<string, unknown>) =>
    write(app(), 'POST', `/api/actions/${action}/`, user.token, body)
  const journalOf = async (username: string) => (await read(app(), `/api/users/profile/${username}/activity`)).body.results
  const profileAroundWrite = (change: () => Promise<unknown>) => readAroundWrite(app(), '/api/users/alice', change)

  it('puts a started game on the playing shelf and counts it, on the very next read of the profile', async () => {
    const alice = await registerUser(app(), 'alice')
    const celeste = await addGame('Celeste')
    const hades = await addGame('Hades')

    const started = await profileAroundWrite(() => start(alice, { game: celeste.id }))
    assert.deepEqual(started.before.playing, [])
    assert.deepEqual(started.after.playing, [celeste])
    assert.equal(started.after.stats.playing, 1)

    // A game played twice at once shows once; the newest playthrough's game first.
    await start(alice, { game: hades.id })
    const again = await profileAroundWrite(() => start(alice, { game: celeste.id, replay: true }))
    assert.deepEqual(again.after.playing, [celeste, hades])
    assert.equal(again.after.stats.playing, 2)
    assert.deepEqual((await read(app(), '/api/users/alice/stats')).body.counts.playing, 2)

    // Shelving and starting other than `playing` leave the shelf.
    const shelved = await start(alice, { game: hades.id, status: 'shelved' })
    assert.equal(shelved.status, 'shelved')
    assert.deepEqual((await read(app(), '/api/users/alice')).body.playing, [celeste, hades])
  })

  it('takes a finished game off the playing shelf, marks it played and off the backlog, on the next read', async () => {
    const alice = await registerUser(app(), 'alice')
    const celeste = await addGame('Celeste')
    await act(alice, 'backlog', { game: celeste.id, value: true })
    const playthrough = await start(alice, { game: celeste.id, platform: 'PC' })

    const { before, after } = await profileAroundWrite(() =>
      edit(alice, playthrough.id, { status: 'finished', finished_on: '2024-06-30', completion: 'main' }),
    )

    assert.deepEqual([before.playing, before.backlog, before.played], [[celeste], [celeste], []])
    assert.deepEqual([after.playing, after.backlog, after.played], [[], [], [celeste]])
    assert.deepEqual([after.stats.playing, after.stats.played, after.stats.completed], [0, 1, 1])
  })

  it('writes the journal entry of a finish: finished, with the platform and the day it ended, about the playthrough', async () => {
    const alice = await registerUser(app(), 'alice')
    const celeste = await addGame('Celeste')
    const playthrough = await start(alice, { game: celeste.id, platform: 'Nintendo Switch', started_on: '2024-06-01' })
    assert.deepEqual(await journalOf('alice'), [])

    await edit(alice, playthrough.id, { status: 'finished', finished_on: '2024-06-30' })
    // Edits that do not end it again write nothing more.
    await edit(alice, playthrough.id, { completion: 'completionist', notes: 'Golden strawberries next' })
    await edit(alice, playthrough.id, { status: 'finished' })

    const entries = await journalOf('alice')
    assert.equal(entries.length, 1)
    const [entry] = entries
    assert.deepEqual(
      { date: entry.date, entry_type: entry.entry_type, platform: entry.platform, playthrough: entry.playthrough, game: entry.game },
      { date: '2024-06-30', entry_type: 'finished', platform: 'Nintendo Switch', playthrough: playthrough.id, game: celeste },
    )
    assert.deepEqual([entry.review, entry.rating, entry.liked], [null, null, false])
    const activities = await db().selectFrom('activities').select(['type', 'entry_id']).where('user_id', '=', alice.id).execute()
    assert.deepEqual(activities, [{ type: 'journal', entry_id: entry.id }])
  })

  it('logs a playthrough created finished or abandoned, dated today when it has no end date; a shelved one logs nothing', async () => {
    const alice = await registerUser(app(), 'alice')
    const celeste = await addGame('Celeste')
    const hades = await addGame('Hades')
    const tunic = await addGame('Tunic')

    const finished = await start(alice, { game: celeste.id, status: 'finished', completion: 'main_extras' })
    const abandoned = await start(alice, { game: hades.id, status: 'abandoned', platform: 'PlayStation 5', finished_on: '2023-01-02' })
    await start(alice, { game: tunic.id, status: 'shelved' })
    const dropped = await start(alice, { game: tunic.id })
    await edit(alice, dropped.id, { status: 'abandoned' })

    const entries = (await journalOf('alice')).map((e: { game: GameSummary; entry_type: string; date: string; platform: string | null; playthrough: number }) => [
      e.game.name,
      e.entry_type,
      e.date,
      e.platform,
      e.playthrough,
    ])
    assert.deepEqual(
      entries.sort((a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]))),
      [
        ['Celeste', 'finished', utcToday(), null, finished.id],
        ['Hades', 'abandoned', '2023-01-02', 'PlayStation 5', abandoned.id],
        ['Tunic', 'abandoned', utcToday(), null, dropped.id],
      ],
    )
    const played = (await read(app(), '/api/users/alice')).body.played.map((game: GameSummary) => game.name).sort()
    assert.deepEqual(played, ['Celeste', 'Hades', 'Tunic'])
  })

  it('dates the entry of a finish with no end date on the day it started, when that is still tomorrow in UTC', async () => {
    const alice = await registerUser(app(), 'alice')
    const celeste = await addGame('Celeste')
    const startedOn = latestDateOnEarth()

    const playthrough = await start(alice, { game: celeste.id, started_on: startedOn, status: 'finished' })

    const [entry] = await journalOf('alice')
    assert.deepEqual([entry.date, entry.playthrough], [startedOn > utcToday() ? startedOn : utcToday(), playthrough.id])
  })

  it('lets a journal entry name one of its author’s own playthroughs of the same game, and no other', async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const celeste = await addGame('Celeste')
    const hades = await addGame('Hades')
    const own = await start(alice, { game: celeste.id })
    const otherGame = await start(alice, { game: hades.id })
    const bobs = await start(bob, { game: celeste.id })

    const entry = await write(app(), 'POST', JOURNAL, alice.token, {
      game: celeste.id,
      date: '2024-01-02',
      entry_type: 'played',
      review: 'Chapter 7 is something.',
      playthrough: own.id,
    })
    assert.equal(entry.playthrough, own.id)

    const refusal = { playthrough: ['Name one of your own playthroughs of this game.'] }
    for (const playthrough of [bobs.id, otherGame.id, bobs.id + 100]) {
      const created = await call(app(), 'POST', JOURNAL, {
        token: alice.token,
        body: { game: celeste.id, date: '2024-01-02', entry_type: 'started', playthrough },
      })
      assert.deepEqual([created.status, created.body], [400, refusal])
      const edited = await call(app(), 'PATCH', `${JOURNAL}${entry.id}`, { token: alice.token, body: { playthrough } })
      assert.deepEqual([edited.status, edited.body], [400, refusal])
    }
    assert.equal((await call(app(), 'GET', `/api/users/alice/reviews`)).body.results[0].playthrough, own.id)

    const cleared = await write(app(), 'PATCH', `${JOURNAL}${entry.id}`, alice.token, { playthrough: null })
    assert.equal(cleared.playthrough, null)
    const named = await write(app(), 'PATCH', `${JOURNAL}${entry.id}`, alice.token, { playthrough: own.id, review: 'Edited.' })
    assert.deepEqual([named.playthrough, named.review], [own.id, 'Edited.'])
    const countEntries = await db().selectFrom('journal_entries').select('id').execute()
    assert.equal(countEntries.length, 1)
  })

  it('exports playthroughs and their sessions, in JSON and CSV, and nothing of anyone else’s', async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const celeste = await addGame('Celeste')
    const playthrough = await start(alice, { game: celeste.id, platform: 'PC', storefront: 'steam', started_on: '2024-01-01', notes: 'B-sides too' })
    const { session } = await write(app(), 'POST', `${PLAYTHROUGHS}${playthrough.id}/sessions`, alice.token, {
      date: '2024-01-02',
      minutes: 95,
      note: 'Forsaken City',
    })
    const finished = await edit(alice, playthrough.id, { status: 'finished', finished_on: '2024-01-05', completion: 'main', adjustment_minutes: 5 })
    const bobs = await start(bob, { game: celeste.id, notes: 'Bob note' })
    await write(app(), 'POST', `${PLAYTHROUGHS}${bobs.id}/sessions`, bob.token, { date: '2024-01-02', minutes: 7, note: 'Bob session' })

    const json = await call(app(), 'GET', '/api/users/me/export', { token: alice.token })
    assert.equal(json.status, 200, json.text)
    const exportedGame = { id: celeste.id, igdb: null, name: 'Celeste', slug: 'celeste' }
    assert.deepEqual(json.body.playthroughs, [
      {
        id: playthrough.id,
        game: exportedGame,
        platform: 'PC',
        storefront: 'steam',
        status: 'finished',
        completion: 'main',
        started_on: '2024-01-01',
        finished_on: '2024-01-05',
        replay: false,
        difficulty: null,
        notes: 'B-sides too',
        adjustment_minutes: 5,
        minutes: 100,
        created_at: playthrough.created_at,
        updated_at: finished.updated_at,
      },
    ])
    assert.deepEqual(json.body.play_sessions, [
      {
        id: session.id,
        playthrough: playthrough.id,
        game: celeste.id,
        date: '2024-01-02',
        minutes: 95,
        note: 'Forsaken City',
        source: 'manual',
        created_at: session.created_at,
      },
    ])
    assert.deepEqual(
      json.body.journal.map((e: { entry_type: string; playthrough: number }) => [e.entry_type, e.playthrough]),
      [['finished', playthrough.id]],
    )
    for (const foreign of ['Bob note', 'Bob session']) assert.ok(!json.text.includes(foreign), foreign)

    const csv = await call(app(), 'GET', '/api/users/me/export?format=csv', { token: alice.token })
    assert.equal(csv.status, 200, csv.text)
    const [header, ...lines] = csv.text.trim().split('\r\n').map((line) => line.split(','))
    const rowOf = (record: string) => {
      const line = lines.find((fields) => fields[0] === record) as string[]
      return Object.fromEntries((header as string[]).map((column, i) => [column, line[i]]).filter(([, value]) => value !== ''))
    }
    assert.deepEqual(rowOf('playthrough'), {
      record: 'playthrough',
      playthrough_id: String(playthrough.id),
      game_id: String(celeste.id),
      game_name: 'Celeste',
      platform: 'PC',
      storefront: 'steam',
      status: 'finished',
      completion: 'main',
      started_on: '2024-01-01',
      finished_on: '2024-01-05',
      replay: 'false',
      adjustment_minutes: '5',
      minutes: '100',
      text: 'B-sides too',
      created_at: playthrough.created_at,
    })
    assert.deepEqual(rowOf('play_session'), {
      record: 'play_session',
      playthrough_id: String(playthrough.id),
      game_id: String(celeste.id),
      date: '2024-01-02',
      minutes: '95',
      note: 'Forsaken City',
      source: 'manual',
      created_at: session.created_at,
    })
    assert.equal(rowOf('journal').playthrough_id, String(playthrough.id))
    for (const foreign of ['Bob note', 'Bob session']) assert.ok(!csv.text.includes(foreign), foreign)
  })

  it('keeps a provisional game a playthrough uses, and drops it with the last playthrough', async () => {
    const alice = await registerUser(app(), 'alice')
    const playthrough = await start(alice, { igdb: '1942', name: 'Celeste 2' })
    const gameId = playthrough.game.id
    // A journal entry about it comes and goes: the playthrough still uses the game.
    const entry = await write(app(), 'POST', JOURNAL, alice.token, { game: gameId, date: '2024-01-01', entry_type: 'started' })
    await write(app(), 'DELETE', `${JOURNAL}${entry.id}`, alice.token)
    assert.equal((await call(app(), 'GET', `/api/games/${gameId}`)).status, 200)

    await write(app(), 'DELETE', `${PLAYTHROUGHS}${playthrough.id}`, alice.token)

    assert.equal((await call(app(), 'GET', `/api/games/${gameId}`)).status, 404)
  })

  it('deletes the playthroughs and sessions of a deleted account, and the provisional games only they used', async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const celeste = await addGame('Celeste')
    const mine = await start(alice, { igdb: '1942', name: 'Celeste 2' })
    const playthrough = await start(alice, { game: celeste.id })
    await write(app(), 'POST', `${PLAYTHROUGHS}${playthrough.id}/sessions`, alice.token, { date: '2024-01-02', minutes: 30 })
    const bobs = await start(bob, { game: celeste.id })

    await write(app(), 'DELETE', '/api/users/user/', alice.token, { password: alice.password })

    const left = await db().selectFrom('playthroughs').select('id').execute()
    assert.deepEqual(left, [{ id: bobs.id }])
    assert.equal((await db().selectFrom('play_sessions').select('id').execute()).length, 0)
    assert.equal((await call(app(), 'GET', `/api/games/${mine.game.id}`)).status, 404)
    assert.equal((await call(app(), 'GET', `/api/games/${celeste.id}`)).status, 200)
  })

  it("shows a renamed game's new name on the playing shelf on the very next read", async () => {
    const alice = await registerUser(app(), 'alice')
    await importGames(db(), [{ id: 71, name: 'Portal', cover: { image_id: 'old' } }])
    const portal = await db().selectFrom('games').select('id').where('igdb', '=', '71').executeTakeFirstOrThrow()
    await start(alice, { game: portal.id })

    const { after } = await profileAroundWrite(() => importGames(db(), [{ id: 71, name: 'Portal: Still Alive', cover: { image_id: 'new' } }]))

    assert.deepEqual(after.playing.map((game: GameSummary) => game.name), ['Portal: Still Alive'])
  })
})
