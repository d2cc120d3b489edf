import assert from 'node:assert/strict'
import { it } from 'node:test'
import { insertGame } from '../../src/games/repository.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'

/** What the original Overworld web client sends about a game it found on IGDB itself. */
const HOLLOW_KNIGHT = { igdb: '14593', name: 'Hollow Knight', slug: 'hollow-knight', cover_id: 'co93cr', backdrop_id: 'ar5ta' }
const COVER_URL = 'https://images.igdb.com/igdb/image/upload/t_cover_big/co93cr.jpg'

describeEachDatabase("the original Overworld client's game fields on /api/actions/", (current) => {
  const post = (user: RegisteredUser, path: string, body: unknown) => call(current().app, 'POST', `/api/actions/${path}`, { token: user.token, body })
  const gameRows = async () => {
    const rows = await current().db.selectFrom('games').select(['id', 'igdb', 'name', 'slug', 'cover_url', 'provisional']).orderBy('id').execute()
    return rows.map((row) => ({ ...row, provisional: Boolean(row.provisional) }))
  }

  it('adds a game new to the catalog with the slug and cover the client sent, on the action and rating routes', async () => {
    const alice = await registerUser(current().app, 'alice')

    const logged = await post(alice, 'log/', HOLLOW_KNIGHT)
    const rated = await post(alice, 'ratings/', { igdb: '1026', name: 'The Legend of Zelda: A Link to the Past', slug: 'the-legend-of-zelda-a-link-to-the-past', rating: 5 })

    assert.equal(logged.status, 200, logged.text)
    assert.equal(rated.status, 200, rated.text)
    assert.deepEqual(await gameRows(), [
      { id: logged.body.game, igdb: '14593', name: 'Hollow Knight', slug: 'hollow-knight', cover_url: COVER_URL, provisional: true },
      {
        id: rated.body.game,
        igdb: '1026',
        name: 'The Legend of Zelda: A Link to the Past',
        slug: 'the-legend-of-zelda-a-link-to-the-past',
        cover_url: null,
        provisional: true,
      },
    ])
    const page = await call(current().app, 'GET', '/api/games/hollow-knight')
    assert.equal(page.body.cover_url, COVER_URL)
  })

  it('derives the slug, and leaves out the cover, when what the client sent is not one', async () => {
    const alice = await registerUser(current().app, 'alice')

    const response = await post(alice, 'wishlist/', { ...HOLLOW_KNIGHT, slug: 'Hollow Knight!', cover_id: '../../evil' })

    assert.equal(response.status, 200, response.text)
    assert.deepEqual(
      (await gameRows()).map(({ slug, cover_url }) => ({ slug, cover_url })),
      [{ slug: 'hollow-knight', cover_url: null }],
    )
  })

  it('ignores the slug and cover for a game the catalog has, changing nothing of it', async () => {
    const alice = await registerUser(current().app, 'alice')
    const id = await insertGame(current().db, { igdb: '14593', name: 'Hollow Knight', slug: 'hollow-knight' })
    const before = await gameRows()

    for (const [path, extra] of [['like/', { value: true }], ['ratings/', { rating: 4.5 }], ['favorites/add/', {}]] as const) {
      const response = await post(alice, path, { ...HOLLOW_KNIGHT, slug: 'another-slug', cover_id: 'co0000', ...extra })
      assert.equal(response.status, 200, `${path}: ${response.text}`)
    }

    assert.deepEqual(await gameRows(), before)
    const state = await call(current().app, 'GET', `/api/actions/?game=${id}`, { token: alice.token })
    assert.deepEqual(state.body, { played: false, liked: true, backlog: false, wishlist: false, favorite: true, rating: 4.5 })
  })

  it('still refuses any other field with 400, adding nothing', async () => {
    const alice = await registerUser(current().app, 'alice')
    const before = await gameRows()

    for (const [path, extra] of [['log/', {}], ['ratings/', { rating: 3 }]] as const) {
      const response = await post(alice, path, { ...HOLLOW_KNIGHT, ...extra, summary: 'A bug kingdom.' })
      assert.equal(response.status, 400, path)
      assert.deepEqual(response.body, { summary: ['Unexpected field: not accepted here.'] }, path)
    }
    const wrongType = await post(alice, 'log/', { ...HOLLOW_KNIGHT, igdb: true })
    assert.equal(wrongType.status, 400)

    assert.deepEqual(await gameRows(), before)
  })
})
