import assert from 'node:assert/strict'
import { it } from 'node:test'
import { insertGame } from '../../src/games/repository.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'

/** A review whose owner empties its text: the likes and comments others left on it stay theirs. */
describeEachDatabase('a review whose text is removed', (current) => {
  const app = () => current().app

  const like = (user: RegisteredUser, id: number) => call(app(), 'POST', `/api/reviews/${id}/like`, { token: user.token })
  const unlike = (user: RegisteredUser, id: number) => call(app(), 'DELETE', `/api/reviews/${id}/like`, { token: user.token })
  const comment = (user: RegisteredUser, id: number, body: string) =>
    call(app(), 'POST', `/api/reviews/${id}/comments`, { token: user.token, body: { body } })
  const deleteComment = (user: RegisteredUser, id: number, commentId: number) =>
    call(app(), 'DELETE', `/api/reviews/${id}/comments/${commentId}`, { token: user.token })
  const commentsOf = (id: number) => call(app(), 'GET', `/api/reviews/${id}/comments`)
  const setText = async (owner: RegisteredUser, id: number, review: string) => {
    const response = await call(app(), 'PATCH', `/api/actions/journal/${id}`, { token: owner.token, body: { review } })
    assert.equal(response.status, 200, response.text)
  }

  const storedLikes = async (id: number) => {
    const { db } = current()
    const entry = await db.selectFrom('journal_entries').select('like_count').where('id', '=', id).executeTakeFirstOrThrow()
    const likes = await db.selectFrom('review_likes').select('user_id').where('entry_id', '=', id).execute()
    const activities = await db.selectFrom('activities').select('user_id').where('type', '=', 'review_like').where('entry_id', '=', id).execute()
    return { count: entry.like_count, likers: likes.map((row) => row.user_id), activities: activities.map((row) => row.user_id) }
  }

  /** alice's review, liked by bob and carol, with a comment from each; then alice empties its text. */
  const emptiedReview = async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const carol = await registerUser(app(), 'carol')
    const game = await insertGame(current().db, { name: 'Outer Wilds' })
    const created = await call(app(), 'POST', '/api/actions/journal/', {
      token: alice.token,
      body: { game, date: '2024-01-02', entry_type: 'played', review: 'A masterpiece.' },
    })
    assert.equal(created.status, 201, created.text)
    const id: number = created.body.id
    for (const user of [bob, carol]) assert.equal((await like(user, id)).status, 200)
    const byBob = (await comment(bob, id, 'by bob')).body
    const byCarol = (await comment(carol, id, 'by carol')).body
    await setText(alice, id, '')
    return { alice, bob, carol, id, byBob, byCarol }
  }

  it("lets a like's author take it back", async () => {
    const { bob, carol, id } = await emptiedReview()
    const response = await unlike(bob, id)
    assert.equal(response.status, 200, response.text)
    assert.deepEqual(response.body, { review: id, liked: false, like_count: 1 })
    assert.deepEqual(await storedLikes(id), { count: 1, likers: [carol.id], activities: [carol.id] })
  })

  it("lets a comment's author delete it, and the entry's owner delete any, but nobody else", async () => {
    const { alice, bob, carol, id, byBob, byCarol } = await emptiedReview()
    assert.deepEqual((await commentsOf(id)).body.results.map((item: { id: number }) => item.id), [byBob.id, byCarol.id])

    const stranger = await deleteComment(carol, id, byBob.id)
    assert.equal(stranger.status, 403)
    const byAuthor = await deleteComment(bob, id, byBob.id)
    assert.equal(byAuthor.status, 204, byAuthor.text)
    assert.deepEqual((await commentsOf(id)).body.results.map((item: { id: number }) => item.id), [byCarol.id])
    const byOwner = await deleteComment(alice, id, byCarol.id)
    assert.equal(byOwner.status, 204, byOwner.text)
  })

  it('takes no new likes or comments while it has no text, and shows the old ones again with new text', async () => {
    const { alice, bob, carol, id, byBob, byCarol } = await emptiedReview()
    const dave = await registerUser(app(), 'dave')
    assert.equal((await like(dave, id)).status, 404)
    assert.equal((await comment(dave, id, 'hello?')).status, 404)
    assert.deepEqual(await storedLikes(id), { count: 2, likers: [bob.id, carol.id], activities: [bob.id, carol.id] })

    await setText(alice, id, 'A masterpiece, still.')
    const review = await call(app(), 'GET', '/api/users/alice/reviews')
    assert.equal(review.body.results[0].like_count, 2)
    assert.equal(review.body.results[0].comment_count, 2)
    assert.deepEqual((await commentsOf(id)).body.results.map((item: { id: number }) => item.id), [byBob.id, byCarol.id])
  })

  it('is an entry like any other once its last like and comment are gone', async () => {
    const { alice, bob, carol, id, byBob, byCarol } = await emptiedReview()
    for (const user of [bob, carol]) assert.equal((await unlike(user, id)).status, 200)
    assert.equal((await deleteComment(bob, id, byBob.id)).status, 204)
    assert.equal((await deleteComment(alice, id, byCarol.id)).status, 204)
    for (const response of [await commentsOf(id), await unlike(bob, id)]) {
      assert.equal(response.status, 404)
      assert.deepEqual(response.body, { detail: 'Not found.' })
    }
  })
})
