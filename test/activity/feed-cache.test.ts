import assert from 'node:assert/strict'
import { beforeEach, it } from 'node:test'
import { insertGame } from '../../src/games/repository.js'
import { describeEachDatabase } from '../helpers/app.js'
import { describeOnTwoApps, read, readAroundWrite, write } from '../helpers/answers.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'

// A reader's feed page is kept serialized by the version of everything it shows (migrations 0018 and 0019, with
// the people's and the catalog's versions); these tests read it once (so that it is kept), make one kind of
// write, and read it again: the write must show on the very next read.

const FEED = '/api/feed/'

type Item = { type: string; user: { username: string }; game: { name: string } | null; entry: { review: string | null; spoilers: boolean } | null; list: { title: string } | null }

describeEachDatabase('a kept feed page, after each kind of write that changes it', (current) => {
  const app = () => current().app
  let reader: RegisteredUser
  let madeline: RegisteredUser
  let game: number
  beforeEach(async () => {
    reader = await registerUser(app(), 'reader')
    madeline = await registerUser(app(), 'madeline')
    game = await insertGame(current().db, { name: 'Celeste' })
    await write(app(), 'POST', '/api/users/follow/', reader.token, { username: 'madeline' })
  })

  const feedAroundWrite = (change: () => Promise<unknown>) => readAroundWrite(app(), FEED, change, { token: reader.token })
  const itemsOf = (page: { results: Item[] }) => page.results
  const review = (text: string) =>
    write(app(), 'POST', '/api/actions/journal/', madeline.token, { game, date: '2024-01-02', entry_type: 'played', review: text })

  it('shows a new activity of someone followed, and drops an undone one', async () => {
    const logged = await feedAroundWrite(() => write(app(), 'POST', '/api/actions/log/', madeline.token, { game, value: true }))
    assert.deepEqual(itemsOf(logged.after).map((item) => [item.type, item.game?.name]), [['played', 'Celeste']])

    const undone = await feedAroundWrite(() => write(app(), 'POST', '/api/actions/log/', madeline.token, { game, value: false }))
    assert.deepEqual(itemsOf(undone.after), [])
  })

  it('shows an edited review and its spoiler flag, and drops a deleted one', async () => {
    const entry = await review('Hard.')
    const edited = await feedAroundWrite(() =>
      write(app(), 'PATCH', `/api/actions/journal/${entry.id}`, madeline.token, { review: 'Hard, and kind.', spoilers: true }),
    )
    const shown = itemsOf(edited.after).find((item) => item.entry !== null)
    assert.deepEqual([shown?.entry?.review, shown?.entry?.spoilers], ['Hard, and kind.', true])

    const deleted = await feedAroundWrite(() => write(app(), 'DELETE', `/api/actions/journal/${entry.id}`, madeline.token))
    assert.equal(itemsOf(deleted.after).filter((item) => item.entry !== null).length, 0)
  })

  it("shows a list's new title, the author's new name and the game's new name", async () => {
    const list = await write(app(), 'POST', '/api/lists/', madeline.token, { title: 'Climbs', games: [{ game }] })
    const retitled = await feedAroundWrite(() => write(app(), 'PATCH', `/api/lists/${list.id}`, madeline.token, { title: 'Summits' }))
    assert.equal(itemsOf(retitled.after).find((item) => item.list !== null)?.list?.title, 'Summits')

    const renamed = await feedAroundWrite(() => write(app(), 'PATCH', '/api/users/profile/madeline', madeline.token, { username: 'maddy' }))
    assert.deepEqual([...new Set(itemsOf(renamed.after).map((item) => item.user.username))], ['maddy'])

    await write(app(), 'POST', '/api/actions/log/', madeline.token, { game, value: true })
    // The catalog's own change (an IGDB refresh, say) is not made through the API.
    const gameRenamed = await feedAroundWrite(() => current().db.updateTable('games').set({ name: 'Celeste (2018)' }).where('id', '=', game).execute())
    assert.equal(itemsOf(gameRenamed.after).find((item) => item.game !== null)?.game?.name, 'Celeste (2018)')
  })

  it('drops what someone did on an unfollow, and shows it again on a follow', async () => {
    await write(app(), 'POST', '/api/actions/log/', madeline.token, { game, value: true })
    const unfollowed = await feedAroundWrite(() => write(app(), 'POST', '/api/users/unfollow/', reader.token, { username: 'madeline' }))
    assert.deepEqual(itemsOf(unfollowed.after), [])

    const followed = await feedAroundWrite(() => write(app(), 'POST', '/api/users/follow/', reader.token, { username: 'madeline' }))
    assert.equal(itemsOf(followed.after).length, 1)
  })

  it("never gives one reader's page to another, and marks it for one reader only", async () => {
    const other = await registerUser(app(), 'other')
    await write(app(), 'POST', '/api/actions/log/', madeline.token, { game, value: true })
    const readers = await read(app(), FEED, reader.token)
    const others = await read(app(), FEED, other.token)

    assert.equal(readers.body.results.length, 1)
    assert.deepEqual(others.body.results, [], 'other follows nobody')
    assert.equal(readers.headers['cache-control'], 'private, no-cache')
    assert.notEqual(readers.headers.etag, others.headers.etag)
    const withOthersTag = await call(app(), 'GET', FEED, { token: reader.token, headers: { 'if-none-match': String(others.headers.etag) } })
    assert.equal(withOthersTag.status, 200)
    const revalidated = await call(app(), 'GET', FEED, { token: reader.token, headers: { 'if-none-match': String(readers.headers.etag) } })
    assert.equal(revalidated.status, 304)
  })
})

describeOnTwoApps('a kept feed page, after a write by another process', (current) => {
  it('shows on app A an activity recorded through app B', async () => {
    const reader = await registerUser(current().b, 'reader')
    const madeline = await registerUser(current().b, 'madeline')
    const game = await insertGame(current().db, { name: 'Celeste' })
    await write(current().b, 'POST', '/api/users/follow/', reader.token, { username: 'madeline' })

    const logged = await readAroundWrite(current().a, FEED, () => write(current().b, 'POST', '/api/actions/log/', madeline.token, { game, value: true }), {
      token: reader.token,
    })
    assert.equal(logged.after.results[0].game.name, 'Celeste')
  })
})
