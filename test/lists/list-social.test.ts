import assert from 'node:assert/strict'
import { it } from 'node:test'
import { insertGame } from '../../src/games/repository.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'

const NO_PERMISSION = { detail: 'You do not have permission to perform this action.' }
const NOT_FOUND = { detail: 'Not found.' }

describeEachDatabase('lists: likes and comments', (current) => {
  const app = () => current().app

  const like = (user: RegisteredUser | null, listId: number | string) =>
    call(app(), 'POST', `/api/lists/${listId}/like`, { token: user?.token })
  const unlike = (user: RegisteredUser | null, listId: number | string) =>
    call(app(), 'DELETE', `/api/lists/${listId}/like`, { token: user?.token })
  const comment = (user: RegisteredUser | null, listId: number | string, body: unknown) =>
    call(app(), 'POST', `/api/lists/${listId}/comments`, { token: user?.token, body })
  const commentsOf = (listId: number | string, query = '') => call(app(), 'GET', `/api/lists/${listId}/comments${query}`)
  const deleteComment = (user: RegisteredUser | null, listId: number | string, commentId: number | string) =>
    call(app(), 'DELETE', `/api/lists/${listId}/comments/${commentId}`, { token: user?.token })
  const getList = (listId: number, user?: RegisteredUser) => call(app(), 'GET', `/api/lists/${listId}`, { token: user?.token })
  const userLists = (username: string) => call(app(), 'GET', `/api/users/${username}/lists`)

  /** A comment that must be accepted; returns it. */
  const commented = async (user: RegisteredUser, listId: number, body: string) => {
    const response = await comment(user, listId, { body })
    assert.equal(response.status, 201, response.text)
    return response.body
  }

  /** alice's list of one game, and bob and carol, who look at it. */
  const aliceList = async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const carol = await registerUser(app(), 'carol')
    const game = await insertGame(current().db, { name: 'Outer Wilds' })
    const response = await call(app(), 'POST', '/api/lists/', { token: alice.token, body: { title: 'Space', games: [{ game }] } })
    assert.equal(response.status, 201, response.text)
    return { alice, bob, carol, list: response.body as { id: number; like_count: number; comment_count: number } }
  }

  it('starts a list with no likes and no comments', async () => {
    const { alice, list } = await aliceList()
    assert.equal(list.like_count, 0)
    assert.equal(list.comment_count, 0)
    assert.equal((await getList(list.id, alice)).body.liked_by_me, false)
    assert.equal('liked_by_me' in (await getList(list.id)).body, false)
  })

  it('likes a list once however often asked, and counts each person once', async () => {
    const { alice, bob, carol, list } = await aliceList()
    assert.deepEqual((await like(bob, list.id)).body, { list: list.id, liked: true, like_count: 1 })
    assert.deepEqual((await like(bob, list.id)).body, { list: list.id, liked: true, like_count: 1 })
    const simultaneous = await Promise.all(Array.from({ length: 10 }, () => like(carol, list.id)))
    for (const response of simultaneous) assert.deepEqual([response.status, response.body.like_count], [200, 2])
    assert.equal((await like(alice, list.id)).body.like_count, 3, 'owners may like their own list')

    const asBob = await getList(list.id, bob)
    assert.equal(asBob.body.like_count, 3)
    assert.equal(asBob.body.liked_by_me, true)
    const stored = await current().db.selectFrom('list_likes').select('user_id').where('list_id', '=', list.id).execute()
    assert.equal(stored.length, 3)
  })

  it('takes a like back; taking back a like never given changes nothing', async () => {
    const { bob, carol, list } = await aliceList()
    await like(bob, list.id)
    await like(carol, list.id)
    assert.deepEqual((await unlike(bob, list.id)).body, { list: list.id, liked: false, like_count: 1 })
    assert.deepEqual((await unlike(bob, list.id)).body, { list: list.id, liked: false, like_count: 1 })
    assert.equal((await getList(list.id, bob)).body.liked_by_me, false)
    assert.equal((await getList(list.id, carol)).body.liked_by_me, true)
  })

  it('shows the counts in the list page and in the person’s lists', async () => {
    const { alice, bob, carol, list } = await aliceList()
    await like(bob, list.id)
    await like(carol, list.id)
    await commented(bob, list.id, 'Great picks.')
    await commented(carol, list.id, 'Needs more Hollow Knight.')
    await commented(bob, list.id, 'Agreed!')
    const page = await getList(list.id)
    assert.deepEqual([page.body.like_count, page.body.comment_count], [2, 3])
    const lists = await userLists(alice.username)
    assert.deepEqual(
      lists.body.results.map((summary: { like_count: number; comment_count: number }) => [summary.like_count, summary.comment_count]),
      [[2, 3]],
    )
  })

  it('lists comments oldest first, a page at a time, with their authors', async () => {
    const { bob, carol, list } = await aliceList()
    const first = await commented(bob, list.id, 'One')
    await commented(carol, list.id, 'Two')
    await commented(bob, list.id, 'Three')
    assert.deepEqual(first.user, { id: bob.id, username: 'bob', gravatar: first.user.gravatar })

    const page1 = await commentsOf(list.id, '?limit=2')
    assert.equal(page1.status, 200)
    assert.deepEqual(page1.body.results.map((c: { body: string }) => c.body), ['One', 'Two'])
    const page2 = await commentsOf(list.id, `?limit=2&cursor=${page1.body.next}`)
    assert.deepEqual(page2.body.results.map((c: { body: string }) => c.body), ['Three'])
    assert.equal(page2.body.next, null)
  })

  it('lets the author and the list’s owner delete a comment, and nobody else', async () => {
    const { alice, bob, carol, list } = await aliceList()
    const byBob = await commented(bob, list.id, 'Mine')
    const byCarol = await commented(carol, list.id, 'Hers')
    const byCarolToo = await commented(carol, list.id, 'Hers again')

    const byOther = await deleteComment(carol, list.id, byBob.id)
    assert.deepEqual([byOther.status, byOther.body], [403, NO_PERMISSION])
    assert.equal((await deleteComment(null, list.id, byBob.id)).status, 401)
    assert.equal((await deleteComment(bob, list.id, byBob.id)).status, 204, 'its author')
    assert.equal((await deleteComment(alice, list.id, byCarol.id)).status, 204, 'the list’s owner')
    assert.deepEqual((await commentsOf(list.id)).body.results.map((c: { id: number }) => c.id), [byCarolToo.id])
    assert.equal((await getList(list.id)).body.comment_count, 1)
  })

  it('answers 404 for a comment that is gone or belongs to another list, and for a list that does not exist', async () => {
    const { alice, bob, list } = await aliceList()
    const other = await call(app(), 'POST', '/api/lists/', { token: bob.token, body: { title: 'Other' } })
    const onOther = await commented(alice, other.body.id, 'Elsewhere')
    const byBob = await commented(bob, list.id, 'Here')
    assert.deepEqual((await deleteComment(alice, list.id, onOther.id)).body, NOT_FOUND, 'not a comment of this list')
    await deleteComment(bob, list.id, byBob.id)
    assert.equal((await deleteComment(bob, list.id, byBob.id)).status, 404)
    for (const missing of [999999, 'nope']) {
      assert.equal((await like(bob, missing)).status, 404)
      assert.equal((await unlike(bob, missing)).status, 404)
      assert.equal((await comment(bob, missing, { body: 'Hi' })).status, 404)
      assert.equal((await commentsOf(missing)).status, 404)
    }
  })

  it('refuses bad input with a 400 and changes nothing', async () => {
    const { bob, list } = await aliceList()
    for (const body of [{ body: '' }, { body: '   \n ' }, { body: 'x'.repeat(5001) }, { body: 'Hi', extra: 1 }, { body: 7 }, {}]) {
      const response = await comment(bob, list.id, body)
      assert.equal(response.status, 400, `${JSON.stringify(body).slice(0, 40)}: ${response.text}`)
    }
    assert.equal((await commented(bob, list.id, 'x'.repeat(5000))).body.length, 5000)
    assert.equal((await deleteComment(bob, list.id, 'abc')).status, 400)
    assert.equal((await commentsOf(list.id, '?cursor=bogus')).status, 400)
    assert.equal((await getList(list.id)).body.comment_count, 1)
  })

  it('requires a token to like and to comment', async () => {
    const { list } = await aliceList()
    assert.equal((await like(null, list.id)).status, 401)
    assert.equal((await unlike(null, list.id)).status, 401)
    assert.equal((await comment(null, list.id, { body: 'Hi' })).status, 401)
  })

  it('takes a deleted account’s likes and comments off the counts', async () => {
    const { bob, carol, list } = await aliceList()
    await like(bob, list.id)
    await like(carol, list.id)
    await commented(bob, list.id, 'Bye')
    const deleted = await call(app(), 'DELETE', '/api/users/user/', { token: bob.token, body: { password: bob.password } })
    assert.equal(deleted.status, 204, deleted.text)
    const page = await getList(list.id)
    assert.deepEqual([page.body.like_count, page.body.comment_count], [1, 0])
  })

  it('deletes a list with its likes and comments', async () => {
    const { alice, bob, list } = await aliceList()
    await like(bob, list.id)
    await commented(bob, list.id, 'Nice')
    assert.equal((await call(app(), 'DELETE', `/api/lists/${list.id}`, { token: alice.token })).status, 204)
    const { db } = current()
    assert.equal((await db.selectFrom('list_likes').selectAll().execute()).length, 0)
    assert.equal((await db.selectFrom('list_comments').selectAll().execute()).length, 0)
  })
})
