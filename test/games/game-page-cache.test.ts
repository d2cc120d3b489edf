import assert from 'node:assert/strict'
import { beforeEach, describe, it } from 'node:test'
import { sql } from 'kysely'
import type { App } from '../../src/app.js'
import type { Db } from '../../src/db/database.js'
import { importGames } from '../../src/games/import.js'
import type { ViewerState } from '../../src/games/schemas.js'
import { describeEachDatabase } from '../helpers/app.js'
import { describeOnTwoApps, read, readAroundWrite, write } from '../helpers/answers.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'

// A game page is kept serialized by the version of everything it shows; these tests read it once (so that it is
// kept), make one kind of write, and read it again: the write must show on the very next read.

const PORTAL = { id: 71, name: 'Portal', summary: 'A puzzle game.', genres: [{ id: 9, name: 'Puzzle' }], cover: { image_id: 'p1' } }

/** A game imported from its IGDB record, as `npm run import-games` does; its id. */
async function importGame(db: Db, record: { id: number; name: string } = PORTAL): Promise<number> {
  await importGames(db, [record])
  return (await db.selectFrom('games').select('id').where('igdb', '=', String(record.id)).executeTakeFirstOrThrow()).id
}

const act = (app: App, user: RegisteredUser, action: string, body: Record<string, unknown>) =>
  write(app, 'POST', `/api/actions/${action}/`, user.token, body)

describeEachDatabase('a kept game page', (current) => {
  const app = () => current().app
  let game: number
  let alice: RegisteredUser
  let bob: RegisteredUser
  beforeEach(async () => {
    game = await importGame(current().db)
    alice = await registerUser(app(), 'alice')
    bob = await registerUser(app(), 'bob')
  })

  describe('after each kind of write that changes it', () => {
    const pageAroundWrite = (change: () => Promise<unknown>) => readAroundWrite(app(), `/api/games/${game}`, change)

    const COUNTS = { log: 'players', like: 'likes', backlog: 'backlogs', wishlist: 'wishlists' } as const
    for (const [action, count] of Object.entries(COUNTS)) {
      it(`counts anyone's ${action} added, then taken back (community.${count})`, async () => {
        await act(app(), alice, action, { game, value: true })

        const added = await pageAroundWrite(() => act(app(), bob, action, { game, value: true }))
        assert.equal(added.after.community[count], 2)

        const removed = await pageAroundWrite(() => act(app(), alice, action, { game, value: false }))
        assert.equal(removed.after.community[count], 1)
      })
    }

    it('counts ratings set, changed and removed, in the histogram and the average', async () => {
      const set = await pageAroundWrite(() => act(app(), alice, 'ratings', { game, rating: 4 }))
      assert.deepEqual([set.after.community.ratings, set.after.community.average_rating], [1, 4])
      assert.equal(set.after.community.histogram[7], 1)

      const second = await pageAroundWrite(() => act(app(), bob, 'ratings', { game, rating: 1 }))
      assert.deepEqual([second.after.community.ratings, second.after.community.average_rating], [2, 2.5])

      const changed = await pageAroundWrite(() => act(app(), bob, 'ratings', { game, rating: 5 }))
      assert.equal(changed.after.community.average_rating, 4.5)
      assert.deepEqual([changed.after.community.histogram[0], changed.after.community.histogram[9]], [0, 1])

      const removed = await pageAroundWrite(() => act(app(), alice, 'ratings', { game, rating: null }))
      assert.deepEqual([removed.after.community.ratings, removed.after.community.average_rating], [1, 5])
    })

    it('counts a review written, emptied and deleted', async () => {
      // Already played: the journal entry itself is then the only thing that changes.
      await act(app(), alice, 'log', { game, value: true })
      const journal = '/api/actions/journal/'
      let entryId = 0

      const written = await pageAroundWrite(async () => {
        entryId = (await write(app(), 'POST', journal, alice.token, { game, date: '2024-03-17', entry_type: 'played', review: 'Cake.' })).id
      })
      assert.equal(written.after.community.reviews, 1)

      const emptied = await pageAroundWrite(() => write(app(), 'PATCH', `${journal}${entryId}`, alice.token, { review: '' }))
      assert.equal(emptied.after.community.reviews, 0)

      await write(app(), 'PATCH', `${journal}${entryId}`, alice.token, { review: 'The cake is a lie.' })
      const deleted = await pageAroundWrite(() => write(app(), 'DELETE', `${journal}${entryId}`, alice.token))
      assert.equal(deleted.after.community.reviews, 0)
    })

    it('counts what a journal entry does to the library: a rating, a like, a play', async () => {
      const { after } = await pageAroundWrite(() =>
        write(app(), 'POST', '/api/actions/journal/', bob.token, { game, date: '2024-03-17', entry_type: 'finished', rating: 3, liked: true }),
      )

      assert.deepEqual([after.community.players, after.community.likes, after.community.ratings, after.community.average_rating], [1, 1, 1, 3])
    })

    it('drops what a player did when they delete their account', async () => {
      await act(app(), alice, 'log', { game, value: true })
      await act(app(), alice, 'like', { game, value: true })
      await act(app(), alice, 'ratings', { game, rating: 4 })
      await write(app(), 'POST', '/api/actions/journal/', alice.token, { game, date: '2024-03-17', entry_type: 'played', review: 'Cake.' })
      await act(app(), bob, 'log', { game, value: true })

      const { before, after } = await pageAroundWrite(() => write(app(), 'DELETE', '/api/users/user/', alice.token, { password: alice.password }))

      assert.deepEqual([before.community.players, before.community.likes, before.community.ratings, before.community.reviews], [2, 1, 1, 1])
      assert.deepEqual([after.community.players, after.community.likes, after.community.ratings, after.community.reviews], [1, 0, 0, 0])
      assert.equal(after.community.average_rating, null)
    })

    it("shows the game's own row as the catalog import changes it (read by its slug)", async () => {
      const changed = { ...PORTAL, name: 'Portal (2007)', summary: 'Now with cake.', platforms: [{ id: 6, name: 'PC' }], cover: { image_id: 'p2' } }
      const { after } = await readAroundWrite(app(), '/api/games/portal', () => importGames(current().db, [changed]))

      assert.equal(after.name, 'Portal (2007)')
      assert.equal(after.summary, 'Now with cake.')
      assert.deepEqual(after.platforms, ['PC'])
      assert.equal(after.cover_url, 'https://images.igdb.com/igdb/image/upload/t_cover_big/p2.jpg')
      assert.equal(after.slug, 'portal')
    })

    it('answers 404 once a game an account added by hand is dropped, nobody using it any more', async () => {
      await act(app(), alice, 'wishlist', { igdb: '1942', name: 'Celest 2 (typo)', value: true })
      const added = await read(app(), '/api/games/celest-2-typo')

      await act(app(), alice, 'wishlist', { game: added.body.id, value: false })

      assert.equal((await call(app(), 'GET', '/api/games/celest-2-typo')).status, 404)
      assert.equal((await call(app(), 'GET', `/api/games/${added.body.id}`)).status, 404)
    })

    it('keeps its ETag through writes it does not show: a favorite, a list, another game played', async () => {
      const hades = await importGame(current().db, { id: 1113, name: 'Hades' })
      const before = await read(app(), `/api/games/${game}`)

      await act(app(), alice, 'favorites/add', { game })
      await write(app(), 'POST', '/api/lists/', alice.token, { title: 'Puzzles', games: [{ game }] })
      await act(app(), alice, 'log', { game: hades, value: true })

      const after = await read(app(), `/api/games/${game}`)
      assert.equal(after.headers.etag, before.headers.etag)
      assert.equal(after.text, before.text)
    })

    it("keeps its ETag when a review of it is liked: the page shows no review's likes", async () => {
      const review = await write(app(), 'POST', '/api/actions/journal/', alice.token, { game, date: '2024-03-17', entry_type: 'played', review: 'Cake.' })
      const before = await read(app(), `/api/games/${game}`)

      await write(app(), 'POST', `/api/reviews/${review.id}/like`, bob.token)

      const after = await read(app(), `/api/games/${game}`)
      assert.equal(after.headers.etag, before.headers.etag)
    })
  })

  describe("never shows one viewer's part to another", () => {
    beforeEach(async () => {
      await act(app(), alice, 'ratings', { game, rating: 4.5 })
      await act(app(), alice, 'favorites/add', { game })
      await act(app(), bob, 'ratings', { game, rating: 1 })
      await act(app(), bob, 'wishlist', { game, value: true })
    })

    const NOTHING: ViewerState = { played: false, liked: false, backlog: false, wishlist: false, favorite: false, rating: null }
    const aliceSees = { ...NOTHING, favorite: true, rating: 4.5 }
    const bobSees = { ...NOTHING, wishlist: true, rating: 1 }
    const assertViewer = async (viewer: RegisteredUser | null, expected: ViewerState | undefined) => {
      const { body } = await read(app(), `/api/games/${game}`, viewer?.token)
      assert.deepEqual(body.viewer, expected)
      assert.equal(body.community.ratings, 2)
    }

    it('a signed-in viewer reads first; then an anonymous reader has no viewer part, another viewer their own', async () => {
      await assertViewer(alice, aliceSees)
      await assertViewer(null, undefined)
      await assertViewer(bob, bobSees)
    })

    it('an anonymous reader reads first; then each viewer gets their own part', async () => {
      await assertViewer(null, undefined)
      await assertViewer(bob, bobSees)
      await assertViewer(alice, aliceSees)
      await assertViewer(null, undefined)
    })

    it("shows a viewer's own change the page does not count (a favorite) to them at once, and to no one else", async () => {
      await assertViewer(bob, bobSees)
      await act(app(), bob, 'favorites/add', { game })
      await assertViewer(bob, { ...bobSees, favorite: true })
      await assertViewer(alice, aliceSees)
      await assertViewer(null, undefined)
    })
  })
})

describeOnTwoApps('a kept game page, after a write by another process or straight in SQL', (current) => {
  it('shows on app A a rating and a review made through app B', async () => {
    const game = await importGame(current().db)
    const alice = await registerUser(current().b, 'alice')

    const { after } = await readAroundWrite(current().a, `/api/games/${game}`, () =>
      write(current().b, 'POST', '/api/actions/journal/', alice.token, { game, date: '2024-03-17', entry_type: 'played', rating: 4, review: 'Hi' }),
    )

    assert.deepEqual([after.community.players, after.community.ratings, after.community.reviews], [1, 1, 1])
  })

  it('shows a change written straight in SQL, by no app at all', async () => {
    const game = await importGame(current().db)
    const alice = await registerUser(current().a, 'alice')

    const renamed = await readAroundWrite(current().a, `/api/games/${game}`, () =>
      sql`update games set summary = 'Edited in SQL' where id = ${game}`.execute(current().db),
    )
    assert.equal(renamed.after.summary, 'Edited in SQL')

    const rated = await readAroundWrite(current().a, `/api/games/${game}`, () =>
      sql`insert into ratings (user_id, game_id, half_stars, created_at, updated_at)
        values (${alice.id}, ${game}, 6, '2024-01-01T00:00:00.000000Z', '2024-01-01T00:00:00.000000Z')`.execute(current().db),
    )
    assert.deepEqual([rated.after.community.ratings, rated.after.community.average_rating], [1, 3])
  })
})
