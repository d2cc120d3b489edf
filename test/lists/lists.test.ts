import assert from 'node:assert/strict'
import { it } from 'node:test'
import { encodeCursor } from '../../src/http/cursor.js'
import { insertGame } from '../../src/games/repository.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'

interface Game {
  id: number
  igdb: string | null
  name: string
  slug: string
  cover_url: null
}

const ISO_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/
const NO_PERMISSION = { detail: 'You do not have permission to perform this action.' }
const NOT_FOUND = { detail: 'Not found.' }
const NO_CREDENTIALS = { detail: 'Authentication credentials were not provided.' }

describeEachDatabase('lists', (current) => {
  const app = () => current().app
  const db = () => current().db

  /** Games named "Game 1", "Game 2"… with slugs game-1, game-2… and no IGDB id. */
  const addGames = async (count: number, from = 1): Promise<Game[]> => {
    const games: Game[] = []
    await db()
      .transaction()
      .execute(async (trx) => {
        for (let n = from; n < from + count; n++) {
          const name = `Game ${n}`
          const id = await insertGame(trx, { name, slug: `game-${n}` })
          games.push({ id, igdb: null, name, slug: `game-${n}`, cover_url: null })
        }
      })
    return games
  }

  const createList = (user: RegisteredUser | null, body: unknown) => call(app(), 'POST', '/api/lists/', { token: user?.token, body })
  const getList = (id: number | string, user?: RegisteredUser) => call(app(), 'GET', `/api/lists/${id}`, { token: user?.token })
  const patchList = (user: RegisteredUser | null, id: number | string, body: unknown) =>
    call(app(), 'PATCH', `/api/lists/${id}`, { token: user?.token, body })
  const deleteList = (user: RegisteredUser | null, id: number | string) =>
    call(app(), 'DELETE', `/api/lists/${id}`, { token: user?.token })
  const userLists = (username: string, query = '') => call(app(), 'GET', `/api/users/${username}/lists${query}`)

  /** Creates a list that must succeed, and returns its body. */
  const created = async (user: RegisteredUser, body: Record<string, unknown>) => {
    const response = await createList(user, body)
    assert.equal(response.status, 201, response.text)
    return response.body
  }

  const rowCount = async (table: 'lists' | 'list_items' | 'activities' | 'games') => {
    const row = await db().selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    return Number(row.n)
  }

  const assertNothingCreated = async () => {
    assert.equal(await rowCount('lists'), 0)
    assert.equal(await rowCount('list_items'), 0)
    assert.equal(await rowCount('activities'), 0)
  }

  /** The stored items of a list, as [position, game_id, note]. */
  const storedItems = async (listId: number) => {
    const rows = await db()
      .selectFrom('list_items')
      .select(['position', 'game_id', 'note'])
      .where('list_id', '=', listId)
      .orderBy('position')
      .execute()
    return rows.map((row) => [row.position, row.game_id, row.note])
  }

  const item = (position: number, game: Game, note: string | null = null) => ({ position, note, game })

  it('creates a list: 201 with the list, its owner and its games in order with their notes', async () => {
    const alice = await registerUser(app(), 'alice')
    const [g1, g2, g3] = await addGames(3)

    const response = await createList(alice, {
      title: 'Best of the best',
      description: 'My favourite games ever.',
      ranked: true,
      games: [{ game: g3!.id, note: 'Still the one.' }, { game: g1!.id }, { game: g2!.id, note: null }],
    })

    assert.equal(response.status, 201, response.text)
    const { id, created_at, updated_at, user, ...rest } = response.body
    assert.ok(Number.isInteger(id) && id > 0)
    assert.match(created_at, ISO_TIMESTAMP)
    assert.equal(updated_at, created_at)
    assert.deepEqual(user, { id: alice.id, username: 'alice', gravatar: user.gravatar })
    assert.match(user.gravatar, /^https:\/\/secure\.gravatar\.com\/avatar\/[0-9a-f]{32}\?/)
    assert.deepEqual(rest, {
      title: 'Best of the best',
      description: 'My favourite games ever.',
      ranked: true,
      games: [item(1, g3!, 'Still the one.'), item(2, g1!), item(3, g2!)],
      game_count: 3,
      like_count: 0,
      comment_count: 0,
    })
    assert.deepEqual(await storedItems(id), [
      [1, g3!.id, 'Still the one.'],
      [2, g1!.id, null],
      [3, g2!.id, null],
    ])
    assert.deepEqual((await getList(id)).body, response.body)
  })

  it('creates an unranked, empty list without a description by default', async () => {
    const alice = await registerUser(app(), 'alice')

    const body = await created(alice, { title: 'Someday' })

    assert.equal(body.ranked, false)
    assert.equal(body.description, null)
    assert.deepEqual(body.games, [])
    assert.equal(body.game_count, 0)
  })

  it('stores an empty description or note as null and trims the title', async () => {
    const alice = await registerUser(app(), 'alice')
    const [g1] = await addGames(1)

    const body = await created(alice, { title: '  Cozy  ', description: '', games: [{ game: g1!.id, note: '' }] })

    assert.equal(body.title, 'Cozy')
    assert.equal(body.description, null)
    assert.deepEqual(body.games, [item(1, g1!)])
  })

  it('records a "list" activity for the new list', async () => {
    const alice = await registerUser(app(), 'alice')

    const body = await created(alice, { title: 'Mine' })

    const rows = await db().selectFrom('activities').select(['user_id', 'type', 'list_id', 'game_id']).execute()
    assert.deepEqual(rows, [{ user_id: alice.id, type: 'list', list_id: body.id, game_id: null }])
  })

  it('adds a game named by igdb and name that the catalog lacks, and finds it by igdb afterwards', async () => {
    const alice = await registerUser(app(), 'alice')
    const [g1] = await addGames(1)

    const first = await created(alice, { title: 'Indies', games: [{ igdb: '3030-68907', name: 'Tiny Quest' }, { game: g1!.id }] })

    const added = await db().selectFrom('games').select(['id', 'igdb', 'name', 'slug']).where('igdb', '=', '3030-68907').execute()
    assert.equal(added.length, 1)
    const tinyQuest = { id: added[0]!.id, igdb: '3030-68907', name: 'Tiny Quest', slug: 'tiny-quest', cover_url: null }
    assert.deepEqual(first.games, [item(1, tinyQuest), item(2, g1!)])

    const second = await created(alice, { title: 'Again', games: [{ igdb: '3030-68907' }] })
    assert.deepEqual(second.games, [item(1, tinyQuest)])
    assert.equal(await rowCount('games'), 2)
  })

  it('refuses the same game twice with a 400 on the repeated item, and creates nothing', async () => {
    const alice = await registerUser(app(), 'alice')
    const [g1, g2] = await addGames(2)
    await db().updateTable('games').set({ igdb: '1020' }).where('id', '=', g2!.id).execute()

    const byId = await createList(alice, { title: 'Twice', games: [{ game: g1!.id }, { game: g2!.id }, { game: g1!.id }] })
    assert.equal(byId.status, 400)
    assert.deepEqual(byId.body, { 'games.2': ['This game is already in the list.'] })

    // The same game, once by our id and once by its IGDB id.
    const mixed = await createList(alice, { title: 'Twice', games: [{ game: g2!.id }, { igdb: '1020' }] })
    assert.equal(mixed.status, 400)
    assert.deepEqual(mixed.body, { 'games.1': ['This game is already in the list.'] })

    // A new game named twice: refused, and the game it would have added is not left behind.
    const newTwice = await createList(alice, {
      title: 'Twice',
      games: [{ igdb: '777', name: 'Brand New' }, { igdb: '777', name: 'Brand New' }],
    })
    assert.equal(newTwice.status, 400)
    assert.deepEqual(newTwice.body, { 'games.1': ['This game is already in the list.'] })
    assert.equal(await rowCount('games'), 2)
    await assertNothingCreated()
  })

  it('refuses an unknown game with 404 and creates nothing, not even the games named before it', async () => {
    const alice = await registerUser(app(), 'alice')
    const [g1] = await addGames(1)

    const unknownId = await createList(alice, {
      title: 'Lost',
      games: [{ igdb: '555', name: 'New Game' }, { game: g1!.id }, { game: g1!.id + 1000 }],
    })
    assert.equal(unknownId.status, 404)
    assert.deepEqual(unknownId.body, { detail: 'Game not found.' })

    const unknownIgdb = await createList(alice, { title: 'Lost', games: [{ igdb: '999999' }] })
    assert.equal(unknownIgdb.status, 404)
    assert.deepEqual(unknownIgdb.body, { detail: 'Game not found. Send its "name" with the "igdb" id to add it.' })

    assert.equal(await rowCount('games'), 1)
    await assertNothingCreated()
  })

  it('adds a new game once when several people list it at the same moment', async () => {
    const users = await Promise.all(['ann', 'ben', 'cat', 'dan', 'eve'].map((name) => registerUser(app(), name)))

    const responses = await Promise.all(
      users.map((user) => createList(user, { title: 'New release', games: [{ igdb: '2024', name: 'Hot New Game' }] })),
    )

    assert.deepEqual(
      responses.map((response) => response.status),
      users.map(() => 201),
    )
    const added = await db().selectFrom('games').select('id').where('igdb', '=', '2024').execute()
    assert.equal(added.length, 1)
    for (const response of responses) assert.equal(response.body.games[0].game.id, added[0]!.id)
    assert.equal(await rowCount('list_items'), 5)
  })

  it('refuses an item that names no game with a 400 on that item', async () => {
    const alice = await registerUser(app(), 'alice')
    const [g1] = await addGames(1)

    const response = await createList(alice, { title: 'Vague', games: [{ game: g1!.id }, { note: 'which one?' }] })

    assert.equal(response.status, 400)
    assert.deepEqual(response.body, { 'games.1.game': ['Either "game" or "igdb" is required.'] })
    await assertNothingCreated()
  })

  it('accepts 1,000 games and refuses 1,001 with a 400', async () => {
    const alice = await registerUser(app(), 'alice')
    const games = await addGames(1001)

    const tooMany = await createList(alice, { title: 'Everything', games: games.map((game) => ({ game: game.id })) })
    assert.equal(tooMany.status, 400)
    assert.deepEqual(tooMany.body, { games: ['Ensure this field has no more than 1000 elements.'] })
    await assertNothingCreated()

    const full = await created(alice, { title: 'Everything', games: games.slice(0, 1000).map((game) => ({ game: game.id })) })
    assert.equal(full.game_count, 1000)
    assert.deepEqual(full.games[999], item(1000, games[999]!))

    const patchTooMany = await patchList(alice, full.id, { games: games.map((game) => ({ game: game.id })) })
    assert.equal(patchTooMany.status, 400)
    assert.deepEqual(patchTooMany.body, { games: ['Ensure this field has no more than 1000 elements.'] })
    assert.equal(await rowCount('list_items'), 1000)
  })

  it('refuses unknown keys, in the list and in an item, with a 400 naming them', async () => {
    const alice = await registerUser(app(), 'alice')
    const [g1] = await addGames(1)

    const topLevel = await createList(alice, { title: 'Keys', colour: 'red' })
    assert.equal(topLevel.status, 400)
    assert.deepEqual(topLevel.body, { colour: ['Unexpected field: not accepted here.'] })

    const inItem = await createList(alice, { title: 'Keys', games: [{ game: g1!.id, rank: 1 }] })
    assert.equal(inItem.status, 400)
    assert.deepEqual(inItem.body, { 'games.0.rank': ['Unexpected field: not accepted here.'] })
    await assertNothingCreated()

    const list = await created(alice, { title: 'Keys' })
    const patch = await patchList(alice, list.id, { title: 'Changed', user: 2 })
    assert.equal(patch.status, 400)
    assert.deepEqual(patch.body, { user: ['Unexpected field: not accepted here.'] })
    assert.equal((await getList(list.id)).body.title, 'Keys')
  })

  it('validates the title, description, ranked and notes with field errors', async () => {
    const alice = await registerUser(app(), 'alice')
    const [g1] = await addGames(1)

    const cases: [body: unknown, errors: Record<string, string[]>][] = [
      [{}, { title: ['This field is required.'] }],
      [{ title: '' }, { title: ['This field may not be blank.'] }],
      [{ title: '   ' }, { title: ['This field may not be blank.'] }],
      [{ title: 'x'.repeat(201) }, { title: ['Ensure this field has no more than 200 characters.'] }],
      [{ title: 'ok', description: 'x'.repeat(5001) }, { description: ['Ensure this field has no more than 5000 characters.'] }],
      [{ title: 'ok', ranked: 'yes' }, { ranked: ['Must be a valid boolean.'] }],
      [{ title: 'ok', games: { game: g1!.id } }, { games: ['Expected a list of items.'] }],
      [
        { title: 'ok', games: [{ game: g1!.id, note: 'x'.repeat(1001) }] },
        { 'games.0.note': ['Ensure this field has no more than 1000 characters.'] },
      ],
      [{ title: 'ok', games: [{ game: 'one' }] }, { 'games.0.game': ['A valid integer is required.'] }],
      [{ title: 'ok', games: [{ game: 2147483648 }] }, { 'games.0.game': ['Ensure this value is less than or equal to 2147483647.'] }],
      [{ title: 'ok', games: [null] }, { 'games.0': ['This field may not be null.'] }],
      [
        { title: 'a\u0000b', description: '\u0000', games: [{ game: g1!.id, note: 'x\u0000' }] },
        {
          title: ['Null characters are not allowed.'],
          description: ['Null characters are not allowed.'],
          'games.0.note': ['Null characters are not allowed.'],
        },
      ],
    ]
    for (const [body, errors] of cases) {
      const response = await createList(alice, body)
      assert.equal(response.status, 400, JSON.stringify(body))
      assert.deepEqual(response.body, errors, JSON.stringify(body))
    }
    await assertNothingCreated()

    const atLimits = await created(alice, {
      title: 'x'.repeat(200),
      description: 'y'.repeat(5000),
      games: [{ game: g1!.id, note: 'z'.repeat(1000) }],
    })
    assert.equal(atLimits.title.length, 200)
    assert.equal(atLimits.description.length, 5000)
    assert.equal(atLimits.games[0].note.length, 1000)
  })

  it('requires a token to create, edit or delete, and changes nothing without one', async () => {
    const alice = await registerUser(app(), 'alice')
    const list = await created(alice, { title: 'Mine' })

    for (const response of [
      await createList(null, { title: 'Anonymous' }),
      await patchList(null, list.id, { title: 'Hijacked' }),
      await deleteList(null, list.id),
    ]) {
      assert.equal(response.status, 401)
      assert.deepEqual(response.body, NO_CREDENTIALS)
    }
    assert.deepEqual((await getList(list.id)).body, list)
    assert.equal(await rowCount('lists'), 1)
  })

  it('shows a list to anyone: without a token, or with someone else’s', async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const [g1] = await addGames(1)
    const list = await created(alice, { title: 'Public', games: [{ game: g1!.id, note: 'Look' }] })

    for (const viewer of [undefined, bob, alice]) {
      const response = await getList(list.id, viewer)
      assert.equal(response.status, 200)
      assert.deepEqual(response.body, viewer ? { ...list, liked_by_me: false } : list)
    }
  })

  it('answers 404 {"detail": "Not found."} for a list that does not exist or an id that cannot be one', async () => {
    const alice = await registerUser(app(), 'alice')
    const list = await created(alice, { title: 'Real' })

    for (const id of [list.id + 1, 'abc', '0', '-1', '1.5', '99999999999', '2147483648', `${list.id}abc`]) {
      for (const response of [
        await getList(id),
        await patchList(alice, id, { title: 'x' }),
        await deleteList(alice, id),
      ]) {
        assert.equal(response.status, 404, `${id}: ${response.text}`)
        assert.deepEqual(response.body, NOT_FOUND, String(id))
      }
    }
    assert.deepEqual((await getList(list.id)).body, list)
  })

  it('lets the owner edit the title, description and ranking, keeping the games', async () => {
    const alice = await registerUser(app(), 'alice')
    const [g1, g2] = await addGames(2)
    const list = await created(alice, {
      title: 'Old',
      description: 'Before',
      games: [{ game: g1!.id, note: 'one' }, { game: g2!.id }],
    })

    const response = await patchList(alice, list.id, { title: 'New', description: 'After', ranked: true })

    assert.equal(response.status, 200, response.text)
    const { updated_at, ...rest } = response.body
    const { updated_at: before, ...unchanged } = list
    assert.ok(updated_at > before, 'updated_at moves forward')
    assert.deepEqual(rest, { ...unchanged, title: 'New', description: 'After', ranked: true })
    assert.deepEqual((await getList(list.id)).body, response.body)

    const cleared = await patchList(alice, list.id, { description: '' })
    assert.equal(cleared.status, 200)
    assert.equal(cleared.body.description, null)
    const nulled = await patchList(alice, list.id, { description: 'Again' })
    assert.equal(nulled.body.description, 'Again')
    assert.equal((await patchList(alice, list.id, { description: null })).body.description, null)
    assert.equal((await patchList(alice, list.id, { ranked: false })).body.ranked, false)
    assert.deepEqual((await getList(list.id)).body.games, [item(1, g1!, 'one'), item(2, g2!)])
  })

  it('lets the owner reorder, add, remove and re-note games by sending the whole new list', async () => {
    const alice = await registerUser(app(), 'alice')
    const [g1, g2, g3, g4] = await addGames(4)
    const list = await created(alice, {
      title: 'Shifting',
      games: [{ game: g1!.id, note: 'first' }, { game: g2!.id }, { game: g3!.id, note: 'third' }],
    })

    const reordered = await patchList(alice, list.id, {
      games: [{ game: g3!.id, note: 'third' }, { game: g1!.id, note: 'first' }, { game: g2!.id }],
    })
    assert.equal(reordered.status, 200, reordered.text)
    assert.deepEqual(reordered.body.games, [item(1, g3!, 'third'), item(2, g1!, 'first'), item(3, g2!)])
    assert.equal(reordered.body.game_count, 3)

    const replaced = await patchList(alice, list.id, {
      games: [{ game: g4!.id, note: 'newcomer' }, { game: g3!.id, note: 'edited' }, { igdb: '4242', name: 'Fresh' }],
    })
    assert.equal(replaced.status, 200, replaced.text)
    const fresh = await db().selectFrom('games').select('id').where('igdb', '=', '4242').executeTakeFirstOrThrow()
    assert.deepEqual(replaced.body.games, [
      item(1, g4!, 'newcomer'),
      item(2, g3!, 'edited'),
      item(3, { id: fresh.id, igdb: '4242', name: 'Fresh', slug: 'fresh', cover_url: null }),
    ])
    assert.equal(replaced.body.title, 'Shifting')
    assert.deepEqual(await storedItems(list.id), [
      [1, g4!.id, 'newcomer'],
      [2, g3!.id, 'edited'],
      [3, fresh.id, null],
    ])
    assert.deepEqual((await getList(list.id)).body, replaced.body)

    const emptied = await patchList(alice, list.id, { games: [] })
    assert.equal(emptied.status, 200)
    assert.deepEqual(emptied.body.games, [])
    assert.equal(emptied.body.game_count, 0)
    assert.deepEqual(await storedItems(list.id), [])
  })

  it('refuses an edit by anyone but the owner with 403 and changes nothing', async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const [g1, g2] = await addGames(2)
    const list = await created(alice, { title: 'Alice’s', games: [{ game: g1!.id }] })

    for (const body of [{ title: 'Bob’s now' }, { games: [{ game: g2!.id }] }, {}]) {
      const response = await patchList(bob, list.id, body)
      assert.equal(response.status, 403)
      assert.deepEqual(response.body, NO_PERMISSION)
    }
    assert.deepEqual((await getList(list.id)).body, list)
  })

  it('applies a failing edit not at all: an unknown or repeated game leaves the list as it was', async () => {
    const alice = await registerUser(app(), 'alice')
    const [g1, g2] = await addGames(2)
    const list = await created(alice, { title: 'Stable', games: [{ game: g1!.id, note: 'keep' }] })
    const gamesBefore = await rowCount('games')

    const unknown = await patchList(alice, list.id, {
      title: 'Changed',
      games: [{ igdb: '8080', name: 'Would be added' }, { game: g2!.id }, { game: g2!.id + 500 }],
    })
    assert.equal(unknown.status, 404)
    assert.deepEqual(unknown.body, { detail: 'Game not found.' })

    const repeated = await patchList(alice, list.id, { ranked: true, games: [{ game: g2!.id }, { game: g2!.id }] })
    assert.equal(repeated.status, 400)
    assert.deepEqual(repeated.body, { 'games.1': ['This game is already in the list.'] })

    assert.deepEqual((await getList(list.id)).body, list)
    assert.deepEqual(await storedItems(list.id), [[1, g1!.id, 'keep']])
    assert.equal(await rowCount('games'), gamesBefore)
  })

  it('deletes a list: 204 with no body, then 404, its items and activity gone', async () => {
    const alice = await registerUser(app(), 'alice')
    const [g1, g2] = await addGames(2)
    const list = await created(alice, { title: 'Doomed', games: [{ game: g1!.id }, { game: g2!.id }] })
    const kept = await created(alice, { title: 'Kept', games: [{ game: g1!.id }] })

    const response = await deleteList(alice, list.id)

    assert.equal(response.status, 204)
    assert.equal(response.text, '')
    assert.deepEqual((await getList(list.id)).body, NOT_FOUND)
    assert.equal((await getList(list.id)).status, 404)
    assert.deepEqual(await storedItems(list.id), [])
    const activities = await db().selectFrom('activities').select('list_id').execute()
    assert.deepEqual(activities, [{ list_id: kept.id }])
    assert.deepEqual((await getList(kept.id)).body, kept)
    assert.equal(await rowCount('games'), 2)

    const again = await deleteList(alice, list.id)
    assert.equal(again.status, 404)
    assert.deepEqual(again.body, NOT_FOUND)
  })

  it('refuses a delete by anyone but the owner with 403 and keeps the list', async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const [g1] = await addGames(1)
    const list = await created(alice, { title: 'Alice’s', games: [{ game: g1!.id }] })

    const response = await deleteList(bob, list.id)

    assert.equal(response.status, 403)
    assert.deepEqual(response.body, NO_PERMISSION)
    assert.deepEqual((await getList(list.id)).body, list)
    assert.equal(await rowCount('activities'), 1)
  })

  it("pages a user's lists newest first with a cursor, and only theirs", async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const ids: number[] = []
    for (let n = 1; n <= 5; n++) {
      ids.push((await created(alice, { title: `List ${n}` })).id)
      await created(bob, { title: `Bob ${n}` })
    }

    const titles: string[][] = []
    let query = '?limit=2'
    const nexts: (string | null)[] = []
    for (;;) {
      const response = await userLists('alice', query)
      assert.equal(response.status, 200, response.text)
      titles.push(response.body.results.map((list: { title: string }) => list.title))
      nexts.push(response.body.next)
      if (response.body.next === null) break
      assert.ok(titles.length < 5, 'the pages end')
      query = `?limit=2&cursor=${encodeURIComponent(response.body.next)}`
    }
    assert.deepEqual(titles, [['List 5', 'List 4'], ['List 3', 'List 2'], ['List 1']])
    assert.equal(nexts.length, 3)
    assert.equal(typeof nexts[0], 'string')
    assert.equal(typeof nexts[1], 'string')
    assert.equal(nexts[2], null)

    const all = await userLists('alice')
    assert.deepEqual(all.body.results.map((list: { id: number }) => list.id), [...ids].reverse())
    assert.equal(all.body.next, null)
  })

  it("matches the username in any case, answers 404 for an unknown user and [] for one without lists", async () => {
    const alice = await registerUser(app(), 'Alice')
    await registerUser(app(), 'bob')
    await created(alice, { title: 'Only one' })

    const anyCase = await userLists('aLiCe')
    assert.equal(anyCase.status, 200)
    assert.deepEqual(anyCase.body.results.map((list: { title: string }) => list.title), ['Only one'])

    const unknown = await userLists('nobody')
    assert.equal(unknown.status, 404)
    assert.deepEqual(unknown.body, NOT_FOUND)

    const none = await userLists('bob')
    assert.equal(none.status, 200)
    assert.deepEqual(none.body, { results: [], next: null })
  })

  it('refuses a bad cursor or limit with a 400', async () => {
    const alice = await registerUser(app(), 'alice')
    await created(alice, { title: 'One' })

    for (const cursor of ['garbage', encodeCursor(['text']), encodeCursor([1, 2]), encodeCursor([99999999999]), encodeCursor([-1])]) {
      const response = await userLists('alice', `?cursor=${encodeURIComponent(cursor)}`)
      assert.equal(response.status, 400, cursor)
      assert.deepEqual(response.body, { cursor: ['Invalid cursor.'] }, cursor)
    }
    const badLimit = await userLists('alice', '?limit=0')
    assert.equal(badLimit.status, 400)
    assert.deepEqual(badLimit.body, { limit: ['Ensure this value is greater than or equal to 1.'] })
    const unknownParameter = await userLists('alice', '?sort=old')
    assert.equal(unknownParameter.status, 400)
    assert.deepEqual(unknownParameter.body, { sort: ['Unexpected field: not accepted here.'] })
  })

  it('gives each list of a page its number of games and its first five games in order', async () => {
    const alice = await registerUser(app(), 'alice')
    const games = await addGames(8)
    const g = (n: number) => games[n - 1]!
    const big = await created(alice, {
      title: 'Big',
      ranked: true,
      description: 'Eight games',
      games: [8, 3, 5, 1, 7, 2, 6].map((n) => ({ game: g(n).id })),
    })
    const small = await created(alice, { title: 'Small', games: [{ game: g(4).id }, { game: g(3).id }] })
    const empty = await created(alice, { title: 'Empty' })

    const response = await userLists('alice')

    assert.equal(response.status, 200)
    const summaryOf = (list: Record<string, unknown>) => {
      const { games: _games, user: _user, ...fields } = list
      return fields
    }
    assert.deepEqual(response.body, {
      results: [
        { ...summaryOf(empty), game_count: 0, preview: [] },
        { ...summaryOf(small), game_count: 2, preview: [g(4), g(3)] },
        { ...summaryOf(big), game_count: 7, preview: [g(8), g(3), g(5), g(1), g(7)] },
      ],
      next: null,
    })
  })

  it('reads a page of lists in the same few queries however many lists it holds', async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const games = await addGames(6)
    for (let n = 0; n < 12; n++) await created(alice, { title: `A${n}`, games: games.map((game) => ({ game: game.id })) })
    await created(bob, { title: 'B', games: [{ game: games[0]!.id }] })

    const queriesFor = async (username: string, limit: number) => {
      const executor = db().getExecutor()
      const original = executor.executeQuery
      let count = 0
      executor.executeQuery = function (this: unknown, ...args: Parameters<typeof original>) {
        count++
        return original.apply(executor, args)
      } as typeof original
      try {
        const response = await userLists(username, `?limit=${limit}`)
        assert.equal(response.status, 200)
      } finally {
        executor.executeQuery = original
      }
      return count
    }

    const forOne = await queriesFor('bob', 1)
    assert.equal(forOne, 3)
    assert.equal(await queriesFor('alice', 10), forOne)
  })

  it('ends concurrent edits of one list in the state of exactly one of them, with no server error', async () => {
    const alice = await registerUser(app(), 'alice')
    const games = await addGames(6)
    const list = await created(alice, { title: 'Contested', games: games.map((game) => ({ game: game.id })) })

    // Each edit rotates the games differently and names itself in the title and the notes.
    const edits = Array.from({ length: 8 }, (_, n) => ({
      title: `Edit ${n}`,
      games: [...games.slice(n % 6), ...games.slice(0, n % 6)].slice(0, 3 + (n % 4)).map((game) => ({ game: game.id, note: `edit ${n}` })),
    }))
    const responses = await Promise.all(edits.map((body) => patchList(alice, list.id, body)))

    assert.deepEqual(
      responses.map((response) => response.status),
      edits.map(() => 200),
    )
    const final = (await getList(list.id)).body
    const winner = Number(/^Edit (\d)$/.exec(final.title)![1])
    const expectedGames = edits[winner]!.games.map((entry, index) =>
      item(index + 1, games.find((game) => game.id === entry.game)!, `edit ${winner}`),
    )
    assert.deepEqual(final.games, expectedGames)
    assert.deepEqual(
      await storedItems(list.id),
      expectedGames.map((expected) => [expected.position, expected.game.id, `edit ${winner}`]),
    )
  })

  it('ends an edit racing a delete with the list gone and no server error', async () => {
    const alice = await registerUser(app(), 'alice')
    const games = await addGames(3)
    const list = await created(alice, { title: 'Racing', games: [{ game: games[0]!.id }] })

    const [edit, removal] = await Promise.all([
      patchList(alice, list.id, { games: games.map((game) => ({ game: game.id })) }),
      deleteList(alice, list.id),
    ])

    assert.ok([200, 404].includes(edit.status), edit.text)
    assert.equal(removal.status, 204)
    assert.equal((await getList(list.id)).status, 404)
    assert.equal(await rowCount('list_items'), 0)
    assert.equal(await rowCount('lists'), 0)
  })

  it('documents every lists route in the OpenAPI document under the "lists" tag', async () => {
    const response = await call(app(), 'GET', '/openapi.json')
    const paths = response.body.paths
    const operations = {
      '/api/lists/': ['post'],
      '/api/lists/{id}': ['delete', 'get', 'patch'],
      '/api/users/{username}/lists': ['get'],
    }
    for (const [path, methods] of Object.entries(operations)) {
      assert.deepEqual(Object.keys(paths[path] ?? {}).sort(), methods, path)
      for (const method of methods) assert.deepEqual(paths[path][method].tags, ['lists'], `${method} ${path}`)
    }
    assert.deepEqual(paths['/api/lists/'].post.security, [{ token: [] }])
    assert.deepEqual(Object.keys(paths['/api/lists/{id}'].patch.responses).sort(), ['200', '400', '401', '403', '404'])
  })
})
