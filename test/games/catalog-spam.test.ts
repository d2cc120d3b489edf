import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CompiledQuery, createQueryId, type KyselyPlugin, type RootOperationNode } from 'kysely'
import { loadConfig } from '../../src/config.js'
import { isPostgres } from '../../src/db/database.js'
import { loadCatalogIfEmpty } from '../../src/games/catalog.js'
import { importGames } from '../../src/games/import.js'
import { insertGame, resolveGameId } from '../../src/games/repository.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'

const DAY_SECONDS = 86_400

/** `count` games the catalog lacks, as a request names them: IGDB ids from `from`, each with a name. */
const newGames = (count: number, from = 1) =>
  Array.from({ length: count }, (_, i) => ({ igdb: `spam-${from + i}`, name: `Spam Game ${from + i}` }))

describeEachDatabase('catalog spam: games accounts add', (current) => {
  const app = () => current().app
  const db = () => current().db

  const createList = (user: RegisteredUser, games: unknown[], title = 'Mine') =>
    call(app(), 'POST', '/api/lists/', { token: user.token, body: { title, games } })
  const act = (user: RegisteredUser, path: string, body: unknown) =>
    call(app(), 'POST', `/api/actions/${path}`, { token: user.token, body })
  const gameByIgdb = (igdb: string) => db().selectFrom('games').select(['id', 'name', 'slug']).where('igdb', '=', igdb).executeTakeFirst()
  const isProvisional = async (igdb: string) =>
    !!(await db().selectFrom('games').select('provisional').where('igdb', '=', igdb).executeTakeFirstOrThrow()).provisional
  const rowCount = async (table: 'games' | 'lists' | 'list_items' | 'game_statuses' | 'game_additions') => {
    const row = await db().selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    return Number(row.n)
  }
  const counts = async () => ({
    games: await rowCount('games'),
    lists: await rowCount('lists'),
    list_items: await rowCount('list_items'),
    game_statuses: await rowCount('game_statuses'),
  })
  const gameExists = async (id: number) => (await call(app(), 'GET', `/api/games/${id}`)).status === 200

  describe('how many new games one account may add', () => {
    it('a request adds at most 20; the 21st is a 400 naming the items past the bound, and nothing is written', async () => {
      const alice = await registerUser(app(), 'alice')
      const known = await insertGame(db(), { name: 'Known Game' })
      const before = await counts()

      // 21 new games (one named twice), and a game we have: only new ones count, each IGDB id once.
      const items = [{ game: known }, ...newGames(20), { igdb: 'spam-3', name: 'Spam Game 3' }, ...newGames(1, 21)]
      const refused = await createList(alice, items)

      assert.equal(refused.status, 400)
      assert.deepEqual(refused.body, {
        'games.22': ['At most 20 games new to the catalog may be added in one request: add this one in another.'],
      })
      assert.deepEqual(await counts(), before)

      const accepted = await createList(alice, [{ game: known }, ...newGames(20)])
      assert.equal(accepted.status, 201, accepted.text)
      assert.equal(accepted.body.game_count, 21)
    })

    it('an account adds at most 100 a day: then a 429 with Retry-After, nothing written, other accounts unaffected', async () => {
      const [alice, bob] = await Promise.all([registerUser(app(), 'alice'), registerUser(app(), 'bob')])
      for (let n = 0; n < 5; n++) {
        const response = await createList(alice, newGames(20, 1 + 20 * n))
        assert.equal(response.status, 201, response.text)
      }
      const before = await counts()

      const list = await createList(alice, newGames(1, 101))
      const status = await act(alice, 'log/', { igdb: 'spam-102', name: 'One More', value: true })
      for (const refused of [list, status]) {
        assert.equal(refused.status, 429)
        const retryAfter = Number(refused.headers['retry-after'])
        assert.ok(retryAfter > DAY_SECONDS - 600 && retryAfter <= DAY_SECONDS, `Retry-After ${retryAfter}`)
      }
      assert.deepEqual(await counts(), before)

      // Games already in the catalog cost nothing, and the allowance is the account's own.
      assert.equal((await act(alice, 'log/', { igdb: 'spam-1', value: true })).status, 200)
      assert.equal((await createList(bob, newGames(20, 201))).status, 201)
    })

    it('games that went away again still count: deleting what one added does not refill the day', async () => {
      const alice = await registerUser(app(), 'alice')
      for (let n = 0; n < 5; n++) {
        const response = await createList(alice, newGames(20, 1 + 20 * n))
        assert.equal(response.status, 201, response.text)
        assert.equal((await call(app(), 'DELETE', `/api/lists/${response.body.id}`, { token: alice.token })).status, 204)
      }
      assert.equal(await gameByIgdb('spam-1'), undefined, 'unused, the games went')

      assert.equal((await createList(alice, newGames(1, 101))).status, 429)

      // A day later the additions no longer count.
      const dayAgo = new Date(Date.now() - (DAY_SECONDS + 1) * 1000).toISOString()
      await db().updateTable('game_additions').set({ created_at: dayAgo }).execute()
      assert.equal((await createList(alice, newGames(20, 101))).status, 201)
      assert.equal(await rowCount('game_additions'), 20, 'additions older than a day are forgotten')
    })

    it('holds for requests of one account at the same moment', async () => {
      const alice = await registerUser(app(), 'alice')

      const responses = await Promise.all(
        Array.from({ length: 6 }, (_, n) => createList(alice, newGames(20, 1 + 20 * n), `List ${n}`)),
      )

      assert.deepEqual(responses.map((response) => response.status).sort(), [201, 201, 201, 201, 201, 429])
      assert.equal(await db().selectFrom('games').select('id').where('provisional', '=', true).execute().then((rows) => rows.length), 100)
    })
  })

  describe('slugs', () => {
    it('stays correct with many games of one name, looking up a fixed number of slugs', async () => {
      await db()
        .insertInto('games')
        .values(
          ['celeste', ...Array.from({ length: 600 }, (_, i) => `celeste-${i + 2}`)].map((slug) => ({
            slug,
            name: 'Celeste',
            search_name: 'celeste',
            platforms: '[]',
            genres: '[]',
            developers: '[]',
            created_at: new Date().toISOString(),
          })),
        )
        .execute()
      const alice = await registerUser(app(), 'alice')

      const slugs: string[] = []
      for (let n = 0; n < 3; n++) {
        const response = await act(alice, 'log/', { igdb: `celeste-fake-${n}`, name: 'Celeste', value: true })
        assert.equal(response.status, 200, response.text)
        slugs.push((await gameByIgdb(`celeste-fake-${n}`))!.slug)
      }
      for (const slug of slugs) assert.match(slug, /^celeste-[0-9a-f]{8}$/)
      assert.equal(new Set(slugs).size, 3)

      // A free numbered slug is still taken first.
      await db().deleteFrom('games').where('slug', '=', 'celeste-7').execute()
      await act(alice, 'log/', { igdb: 'celeste-fake-3', name: 'Celeste', value: true })
      assert.equal((await gameByIgdb('celeste-fake-3'))!.slug, 'celeste-7')
    })

    it('is found with the slug index, not by scanning games (SQLite query plan)', async (t) => {
      if (isPostgres(db())) return t.skip('SQLite only')
      const queries: RootOperationNode[] = []
      const recorder: KyselyPlugin = {
        transformQuery: ({ node }) => {
          if (node.kind === 'SelectQueryNode') queries.push(node)
          return node
        },
        transformResult: async ({ result }) => result,
      }
      await insertGame(db(), { name: 'Celeste' })
      const user = await registerUser(app(), 'alice')

      const recorded = db().withPlugin(recorder)
      await recorded.transaction().execute((trx) =>
        resolveGameId(trx, { igdb: 'new-celeste', name: 'Celeste' }, { userId: user.id, limits: { perRequest: 20, perDay: 100 } }),
      )

      assert.ok(queries.length > 0)
      for (const node of queries) {
        const compiled = db().getExecutor().compileQuery(node, createQueryId())
        const plan = await db().executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]))
        const scans = plan.rows.filter((row) => /^SCAN games\b/.test(row.detail))
        assert.deepEqual(scans, [], `${compiled.sql}\n${plan.rows.map((row) => row.detail).join('\n')}`)
      }
    })
  })

  describe('search', () => {
    it("four accounts' fake Celeste, however played, ranks below the catalog's", async () => {
      await loadCatalogIfEmpty(db())
      for (const name of ['ann', 'ben', 'cat', 'dan']) {
        const user = await registerUser(app(), name)
        for (const action of ['log/', 'like/', 'backlog/', 'wishlist/']) {
          const response = await act(user, action, { igdb: `fake-${name}`, name: 'Celeste', value: true })
          assert.equal(response.status, 200, response.text)
        }
      }

      const hits = (await call(app(), 'GET', '/api/games/search/celeste?limit=5')).body
      assert.deepEqual(
        hits.map((hit: { igdb: string | null; slug: string }) => [hit.igdb, hit.slug]).slice(0, 1),
        [[null, 'celeste']],
      )
      // Still found, below it.
      assert.deepEqual(hits.slice(1).map((hit: { igdb: string }) => hit.igdb).sort(), ['fake-ann', 'fake-ben', 'fake-cat', 'fake-dan'])
    })

    it('any number of provisional games of a name cannot crowd the catalog game out of the candidates', async () => {
      await loadCatalogIfEmpty(db())
      await db()
        .insertInto('games')
        .values(
          Array.from({ length: 300 }, (_, i) => ({
            igdb: `copy-${i}`,
            slug: `celeste-copy-${i}`,
            name: 'Celeste Celeste Celeste',
            search_name: 'celeste celeste celeste',
            platforms: '[]',
            genres: '[]',
            developers: '[]',
            provisional: true,
            popularity: 50,
            created_at: new Date().toISOString(),
          })),
        )
        .execute()

      for (const query of ['celeste', 'celest', 'celste']) {
        const hits = (await call(app(), 'GET', `/api/games/search/${encodeURIComponent(query)}?limit=1`)).body
        assert.deepEqual(hits.map((hit: { slug: string }) => hit.slug), ['celeste'], query)
      }
    })
  })

  describe('provisional games go when nobody uses them', () => {
    it('after the last status, rating, favorite, journal entry or list item is taken away, not before', async () => {
      const [alice, bob] = await Promise.all([registerUser(app(), 'alice'), registerUser(app(), 'bob')])

      // A list item shared with a rating: the game stays until both are gone.
      const list = await createList(alice, [{ igdb: 'p-list', name: 'Listed' }])
      const listed = (await gameByIgdb('p-list'))!
      assert.equal((await act(bob, 'ratings/', { igdb: 'p-list', rating: 4 })).status, 200)
      assert.equal((await call(app(), 'DELETE', `/api/lists/${list.body.id}`, { token: alice.token })).status, 204)
      assert.equal(await gameExists(listed.id), true, 'bob still rates it')
      assert.equal((await act(bob, 'ratings/', { igdb: 'p-list', rating: null })).status, 200)
      assert.equal(await gameExists(listed.id), false)

      // A status toggled off; a removal that names a game we lack leaves nothing behind.
      await act(alice, 'backlog/', { igdb: 'p-status', name: 'Backlogged', value: true })
      const backlogged = (await gameByIgdb('p-status'))!
      await act(alice, 'backlog/', { igdb: 'p-status' })
      assert.equal(await gameExists(backlogged.id), false)
      assert.equal((await act(alice, 'wishlist/', { igdb: 'p-never', name: 'Never', value: false })).status, 200)
      assert.equal(await gameByIgdb('p-never'), undefined)

      // A favorite, taken out by the action and by the profile.
      await act(alice, 'favorites/add/', { igdb: 'p-fav', name: 'Favorite' })
      const favorite = (await gameByIgdb('p-fav'))!
      await act(alice, 'favorites/remove/', { igdb: 'p-fav' })
      assert.equal(await gameExists(favorite.id), false)
      await act(alice, 'favorites/add/', { igdb: 'p-fav-2', name: 'Favorite Two' })
      const favoriteTwo = (await gameByIgdb('p-fav-2'))!
      const profile = await call(app(), 'PATCH', '/api/users/profile/alice', { token: alice.token, body: { favorites: [] } })
      assert.equal(profile.status, 200, profile.text)
      assert.equal(await gameExists(favoriteTwo.id), false)

      // A journal entry (one that changes nothing else in the library).
      const entry = await call(app(), 'POST', '/api/actions/journal/', {
        token: alice.token,
        body: { igdb: 'p-entry', name: 'Journaled', date: '2024-03-01', entry_type: 'started' },
      })
      assert.equal(entry.status, 201, entry.text)
      await call(app(), 'DELETE', `/api/actions/journal/${entry.body.id}`, { token: alice.token })
      assert.equal(await gameExists(entry.body.game.id), false)

      // A list edited: the game it no longer names goes, the one it keeps stays.
      const edited = await createList(alice, [{ igdb: 'p-old', name: 'Old' }, { igdb: 'p-kept', name: 'Kept' }])
      const old = (await gameByIgdb('p-old'))!
      const patched = await call(app(), 'PATCH', `/api/lists/${edited.body.id}`, { token: alice.token, body: { games: [{ igdb: 'p-kept' }] } })
      assert.equal(patched.status, 200, patched.text)
      assert.equal(await gameExists(old.id), false)
      assert.equal(await gameExists((await gameByIgdb('p-kept'))!.id), true)
    })

    it("after the adder's account is deleted, unless someone else uses them; catalog games always stay", async () => {
      const [alice, bob] = await Promise.all([registerUser(app(), 'alice'), registerUser(app(), 'bob')])
      const catalogGame = await insertGame(db(), { name: 'Catalog Game' })
      await createList(alice, [{ igdb: 'p-alone', name: 'Alone' }, { igdb: 'p-shared', name: 'Shared' }, { game: catalogGame }])
      await act(alice, 'log/', { igdb: 'p-played', name: 'Played', value: true })
      await act(bob, 'wishlist/', { igdb: 'p-shared', value: true })
      const [alone, shared, played] = await Promise.all(['p-alone', 'p-shared', 'p-played'].map((igdb) => gameByIgdb(igdb)))

      const deleted = await call(app(), 'DELETE', '/api/users/user/', { token: alice.token, body: { password: alice.password } })
      assert.equal(deleted.status, 204, deleted.text)

      assert.equal(await gameExists(alone!.id), false)
      assert.equal(await gameExists(played!.id), false)
      assert.equal(await gameExists(shared!.id), true)
      assert.equal(await isProvisional('p-shared'), true)
      assert.equal(await gameExists(catalogGame), true)
    })

    it('a game IGDB has since confirmed is catalog data: it stays when nobody uses it', async () => {
      const alice = await registerUser(app(), 'alice')
      await act(alice, 'log/', { igdb: '1942', name: 'Tunic', value: true })
      assert.equal(await isProvisional('1942'), true)
      await importGames(db(), [{ id: 1942, name: 'Tunic', summary: 'A fox.' }])
      assert.equal(await isProvisional('1942'), false)

      await act(alice, 'log/', { igdb: '1942', value: false })
      assert.equal((await gameByIgdb('1942'))?.name, 'Tunic')
    })
  })

  describe('names of added games', () => {
    it('are trimmed; blank ones and ones with control or text-direction characters are a 400 that writes nothing', async () => {
      const alice = await registerUser(app(), 'alice')
      const trimmed = await act(alice, 'log/', { igdb: 'named', name: '  Night in the Woods \n', value: true })
      assert.equal(trimmed.status, 200, trimmed.text)
      assert.equal((await gameByIgdb('named'))!.name, 'Night in the Woods')
      const before = await counts()

      const blank = { name: ['This field may not be blank.'] }
      const bidi = { name: ['Remove the control and text-direction characters from the name.'] }
      const cases: [body: Record<string, unknown>, expected: unknown][] = [
        [{ igdb: 'x1', name: '   ' }, blank],
        [{ igdb: 'x2', name: 'Celeste\u202E' }, bidi],
        [{ igdb: 'x3', name: '\u2067Celeste' }, bidi],
        [{ igdb: 'x4', name: 'Cele\u200Fste' }, bidi],
        [{ igdb: 'x5', name: 'Cele\u061Cste' }, bidi],
        [{ igdb: 'x6', name: 'Cele\u0007ste' }, bidi],
      ]
      for (const [body, expected] of cases) {
        for (const path of ['log/', 'ratings/', 'favorites/add/']) {
          const response = await act(alice, path, path === 'ratings/' ? { ...body, rating: 3 } : path === 'log/' ? { ...body, value: true } : body)
          assert.equal(response.status, 400, `${path} ${JSON.stringify(body)}: ${response.text}`)
          assert.deepEqual(response.body, expected)
        }
        const journal = await call(app(), 'POST', '/api/actions/journal/', {
          token: alice.token,
          body: { ...body, date: '2024-03-01', entry_type: 'played' },
        })
        assert.equal(journal.status, 400)
        assert.deepEqual(journal.body, expected)
      }
      const list = await createList(alice, [{ igdb: 'ok', name: 'Fine' }, { igdb: 'x2', name: 'Celeste\u202E' }, { igdb: 'x1', name: ' ' }])
      assert.equal(list.status, 400)
      assert.deepEqual(list.body, { 'games.1.name': bidi.name, 'games.2.name': blank.name })

      assert.deepEqual(await counts(), before)
    })
  })
})

describe('NEW_GAMES_PER_REQUEST and NEW_GAMES_PER_DAY', () => {
  it('default to 20 and 100, and a per-request bound above the daily one is refused at start', () => {
    assert.deepEqual(loadConfig({}).newGames, { perRequest: 20, perDay: 100 })
    assert.deepEqual(loadConfig({ NEW_GAMES_PER_REQUEST: '5', NEW_GAMES_PER_DAY: '10' }).newGames, { perRequest: 5, perDay: 10 })
    assert.throws(() => loadConfig({ NEW_GAMES_PER_REQUEST: '50', NEW_GAMES_PER_DAY: '10' }), /NEW_GAMES_PER_REQUEST/)
    assert.throws(() => loadConfig({ NEW_GAMES_PER_DAY: '0' }), /NEW_GAMES_PER_DAY/)
  })
})
