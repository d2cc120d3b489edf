import assert from 'node:assert/strict'
import { it } from 'node:test'
import { insertGame } from '../../src/games/repository.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'

const ISO_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/

interface Item {
  id: number
  created_at: string
  kind: string
  read: boolean
  actors: { id: number; username: string }[]
  actor_count: number
  count: number
  review: { id: number; game: { slug: string } } | null
  list: { id: number; title: string } | null
}

describeEachDatabase('notifications', (current) => {
  const app = () => current().app

  const notificationsOf = async (user: RegisteredUser, query = ''): Promise<{ results: Item[]; next: string | null }> => {
    const response = await call(app(), 'GET', `/api/notifications/${query}`, { token: user.token })
    assert.equal(response.status, 200, response.text)
    return response.body
  }
  const unreadOf = async (user: RegisteredUser): Promise<number> => {
    const response = await call(app(), 'GET', '/api/notifications/unread-count', { token: user.token })
    assert.equal(response.status, 200, response.text)
    return response.body.unread
  }
  const markRead = (user: RegisteredUser, body: unknown = {}) => call(app(), 'POST', '/api/notifications/read', { token: user.token, body })

  /** Each item as "kind by actor, actor (actor_count/count)", newest first, with an * when unread. */
  const summary = (items: Item[]) =>
    items.map(
      (item) => `${item.read ? '' : '*'}${item.kind} by ${item.actors.map((a) => a.username).join(', ')} (${item.actor_count}/${item.count})`,
    )

  const follow = (user: RegisteredUser, username: string) =>
    call(app(), 'POST', '/api/users/follow/', { token: user.token, body: { username } })
  const unfollow = (user: RegisteredUser, username: string) =>
    call(app(), 'POST', '/api/users/unfollow/', { token: user.token, body: { username } })
  const likeReview = (user: RegisteredUser, id: number) => call(app(), 'POST', `/api/reviews/${id}/like`, { token: user.token })
  const unlikeReview = (user: RegisteredUser, id: number) => call(app(), 'DELETE', `/api/reviews/${id}/like`, { token: user.token })
  const commentOnReview = async (user: RegisteredUser, id: number, body = 'Nice review') => {
    const response = await call(app(), 'POST', `/api/reviews/${id}/comments`, { token: user.token, body: { body } })
    assert.equal(response.status, 201, response.text)
    return response.body as { id: number }
  }
  const likeList = (user: RegisteredUser, id: number) => call(app(), 'POST', `/api/lists/${id}/like`, { token: user.token })
  const unlikeList = (user: RegisteredUser, id: number) => call(app(), 'DELETE', `/api/lists/${id}/like`, { token: user.token })
  const commentOnList = async (user: RegisteredUser, id: number, body = 'Nice list') => {
    const response = await call(app(), 'POST', `/api/lists/${id}/comments`, { token: user.token, body: { body } })
    assert.equal(response.status, 201, response.text)
    return response.body as { id: number }
  }

  const review = async (user: RegisteredUser, gameName: string) => {
    const game = await insertGame(current().db, { name: gameName })
    const body = { game, date: '2024-01-02', entry_type: 'finished', review: `About ${gameName}` }
    const response = await call(app(), 'POST', '/api/actions/journal/', { token: user.token, body })
    assert.equal(response.status, 201, response.text)
    return response.body as { id: number; game: { slug: string } }
  }
  const list = async (user: RegisteredUser, title: string) => {
    const response = await call(app(), 'POST', '/api/lists/', { token: user.token, body: { title } })
    assert.equal(response.status, 201, response.text)
    return response.body as { id: number; title: string }
  }

  const people = async <Names extends string[]>(...names: Names) =>
    (await Promise.all(names.map((name) => registerUser(app(), name)))) as { [K in keyof Names]: RegisteredUser }

  it('tells people of follows, and of likes and comments on their reviews and lists, newest first, with where to go', async () => {
    const [alice, bob] = await people('alice', 'bob')
    const outerWilds = await review(alice, 'Outer Wilds')
    const space = await list(alice, 'Space games')
    await follow(bob, 'alice')
    await likeReview(bob, outerWilds.id)
    await commentOnReview(bob, outerWilds.id)
    await likeList(bob, space.id)
    await commentOnList(bob, space.id)

    const { results, next } = await notificationsOf(alice)
    assert.deepEqual(summary(results), [
      '*list_comment by bob (1/1)',
      '*list_like by bob (1/1)',
      '*review_comment by bob (1/1)',
      '*review_like by bob (1/1)',
      '*follow by bob (1/1)',
    ])
    assert.equal(next, null)
    for (const item of results.slice(0, 2)) {
      assert.deepEqual(item.list, { id: space.id, title: 'Space games' })
      assert.equal(item.review, null)
    }
    for (const item of results.slice(2, 4)) {
      assert.deepEqual([item.review?.id, item.review?.game.slug], [outerWilds.id, outerWilds.game.slug])
      assert.equal(item.list, null)
    }
    assert.deepEqual([results[4]?.review, results[4]?.list], [null, null])
    for (const item of results) assert.match(item.created_at, ISO_TIMESTAMP)
    assert.ok(results.every((item, index) => index === 0 || item.id < (results[index - 1] as Item).id), 'newest first')
    assert.equal(await unreadOf(alice), 5)
    assert.deepEqual((await notificationsOf(bob)).results, [])
  })

  it('never tells people of their own doing', async () => {
    const [alice] = await people('alice')
    const own = await review(alice, 'Celeste')
    const ownList = await list(alice, 'Mine')
    await likeReview(alice, own.id)
    await commentOnReview(alice, own.id)
    await likeList(alice, ownList.id)
    await commentOnList(alice, ownList.id)
    assert.deepEqual((await notificationsOf(alice)).results, [])
    assert.equal(await unreadOf(alice), 0)
  })

  it('groups a burst of one kind about one thing into one item with the latest people and the counts', async () => {
    const [alice, bob, carol, dave, erin] = await people('alice', 'bob', 'carol', 'dave', 'erin')
    const celeste = await review(alice, 'Celeste')
    const hades = await review(alice, 'Hades')
    for (const liker of [bob, carol, dave, erin]) await likeReview(liker, celeste.id)
    await likeReview(bob, hades.id)
    await commentOnReview(carol, celeste.id, 'First!')
    await commentOnReview(bob, celeste.id)
    await commentOnReview(carol, celeste.id, 'Again')
    for (const follower of [bob, carol]) await follow(follower, 'alice')

    const { results } = await notificationsOf(alice)
    assert.deepEqual(summary(results), [
      '*follow by carol, bob (2/2)',
      '*review_comment by carol, bob (2/3)',
      '*review_like by bob (1/1)',
      '*review_like by erin, dave, carol (4/4)',
    ])
    assert.deepEqual([results[2]?.review?.id, results[3]?.review?.id], [hades.id, celeste.id])
    assert.equal(await unreadOf(alice), 4)
  })

  it('marks all read: new notifications then make items of their own, unread, until they are read too', async () => {
    const [alice, bob, carol] = await people('alice', 'bob', 'carol')
    const celeste = await review(alice, 'Celeste')
    await likeReview(bob, celeste.id)
    const marked = await markRead(alice)
    assert.deepEqual([marked.status, marked.body], [200, { unread: 0 }])
    await likeReview(carol, celeste.id)

    assert.deepEqual(summary((await notificationsOf(alice)).results), ['*review_like by carol (1/1)', 'review_like by bob (1/1)'])
    assert.equal(await unreadOf(alice), 1)
    assert.deepEqual((await markRead(alice)).body, { unread: 0 })
    assert.deepEqual(summary((await notificationsOf(alice)).results), ['review_like by carol, bob (2/2)'])
  })

  it('marks read up to an id, leaving later ones unread; the mark never moves back nor past the newest', async () => {
    const [alice, bob, carol, dave] = await people('alice', 'bob', 'carol', 'dave')
    await follow(bob, 'alice')
    const hades = await review(alice, 'Hades')
    await likeReview(carol, hades.id)
    const space = await list(alice, 'Space')
    await likeList(dave, space.id)
    const [listLike, reviewLike, followed] = (await notificationsOf(alice)).results as [Item, Item, Item]

    assert.deepEqual((await markRead(alice, { up_to: reviewLike.id })).body, { unread: 1 })
    assert.deepEqual(summary((await notificationsOf(alice)).results), [
      '*list_like by dave (1/1)',
      'review_like by carol (1/1)',
      'follow by bob (1/1)',
    ])
    assert.deepEqual((await markRead(alice, { up_to: followed.id })).body, { unread: 1 }, 'an older mark changes nothing')

    assert.deepEqual((await markRead(alice, { up_to: 2_000_000_000 })).body, { unread: 0 })
    assert.equal((await notificationsOf(alice)).results[0]?.id, listLike.id)
    await commentOnList(bob, space.id)
    assert.equal(await unreadOf(alice), 1, 'a notification made after the mark is unread, whatever id the mark named')
  })

  it('takes back the notification of a like taken back, an unfollow and a deleted comment, read or not', async () => {
    const [alice, bob, carol] = await people('alice', 'bob', 'carol')
    const celeste = await review(alice, 'Celeste')
    const space = await list(alice, 'Space')
    await follow(bob, 'alice')
    await likeReview(bob, celeste.id)
    await likeList(bob, space.id)
    const onReview = await commentOnReview(bob, celeste.id)
    const onList = await commentOnList(carol, space.id)
    await markRead(alice)
    await likeReview(carol, celeste.id)

    await unfollow(bob, 'alice')
    await unlikeReview(bob, celeste.id)
    await unlikeList(bob, space.id)
    assert.equal((await call(app(), 'DELETE', `/api/reviews/${celeste.id}/comments/${onReview.id}`, { token: bob.token })).status, 204)
    assert.equal((await call(app(), 'DELETE', `/api/lists/${space.id}/comments/${onList.id}`, { token: alice.token })).status, 204)
    assert.deepEqual(summary((await notificationsOf(alice)).results), ['*review_like by carol (1/1)'])

    await unlikeReview(carol, celeste.id)
    assert.deepEqual((await notificationsOf(alice)).results, [])
    assert.equal(await unreadOf(alice), 0)
  })

  it('forgets what a deleted account did, and what was done to a deleted review or list', async () => {
    const [alice, bob, carol] = await people('alice', 'bob', 'carol')
    const celeste = await review(alice, 'Celeste')
    const space = await list(alice, 'Space')
    await follow(bob, 'alice')
    await likeReview(bob, celeste.id)
    await likeReview(carol, celeste.id)
    await commentOnList(bob, space.id)
    assert.equal(await unreadOf(alice), 3)

    const deleted = await call(app(), 'DELETE', '/api/users/user/', { token: bob.token, body: { password: bob.password } })
    assert.equal(deleted.status, 204, deleted.text)
    assert.deepEqual(summary((await notificationsOf(alice)).results), ['*review_like by carol (1/1)'])
    assert.equal(await unreadOf(alice), 1)

    assert.equal((await call(app(), 'DELETE', `/api/actions/journal/${celeste.id}`, { token: alice.token })).status, 204)
    assert.deepEqual((await notificationsOf(alice)).results, [])
  })

  it('pages through the items with the cursor', async () => {
    const [alice, ...others] = await people('alice', 'p1', 'p2', 'p3', 'p4', 'p5')
    const lists = []
    for (const title of ['L1', 'L2', 'L3']) lists.push(await list(alice, title))
    for (const [index, person] of others.entries()) await likeList(person, (lists[index % 3] as { id: number }).id)

    const first = await notificationsOf(alice, '?limit=2')
    assert.deepEqual(first.results.map((item) => item.list?.title), ['L2', 'L1'])
    const second = await notificationsOf(alice, `?limit=2&cursor=${first.next}`)
    assert.deepEqual(second.results.map((item) => [item.list?.title, item.actor_count]), [['L3', 1]])
    assert.equal(second.next, null)
  })

  it('is only for the signed-in person, and refuses bad input', async () => {
    const [alice] = await people('alice')
    assert.equal((await call(app(), 'GET', '/api/notifications/')).status, 401)
    assert.equal((await call(app(), 'GET', '/api/notifications/unread-count')).status, 401)
    assert.equal((await call(app(), 'POST', '/api/notifications/read', { body: {} })).status, 401)
    for (const body of [{ up_to: 0 }, { up_to: 'all' }, { up_to: 1.5 }, { all: true }]) {
      assert.equal((await markRead(alice, body)).status, 400, JSON.stringify(body))
    }
    assert.equal((await call(app(), 'GET', '/api/notifications/?cursor=bogus', { token: alice.token })).status, 400)
    assert.equal((await call(app(), 'GET', '/api/notifications/?limit=0', { token: alice.token })).status, 400)
  })
})
