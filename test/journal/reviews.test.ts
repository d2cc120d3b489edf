import assert from 'node:assert/strict'
import { it } from 'node:test'
import { insertGame } from '../../src/games/repository.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'

const ISO_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/

describeEachDatabase('reviews: listing, likes and comments', (current) => {
  const app = () => current().app

  const addGame = (name: string) => insertGame(current().db, { name })

  /** Logs an entry (a review when it has text) that must succeed, and returns it. */
  const logged = async (user: RegisteredUser, game: number, fields: Record<string, unknown> = {}) => {
    const body = { game, date: '2024-01-02', entry_type: 'played', ...fields }
    const response = await call(app(), 'POST', '/api/actions/journal/', { token: user.token, body })
    assert.equal(response.status, 201, response.text)
    return response.body
  }

  const reviewsOf = (game: number | string, query = '', user?: RegisteredUser) =>
    call(app(), 'GET', `/api/games/${game}/reviews${query}`, { token: user?.token })

  const idsOf = (response: { body: { results: { id: number }[] } }) => response.body.results.map((entry) => entry.id)

  const like = (user: RegisteredUser | null, reviewId: number) =>
    call(app(), 'POST', `/api/reviews/${reviewId}/like`, { token: user?.token })
  const unlike = (user: RegisteredUser | null, reviewId: number) =>
    call(app(), 'DELETE', `/api/reviews/${reviewId}/like`, { token: user?.token })

  const comment = (user: RegisteredUser | null, reviewId: number, body: unknown) =>
    call(app(), 'POST', `/api/reviews/${reviewId}/comments`, { token: user?.token, body: { body } })
  const commentsOf = (reviewId: number, query = '') => call(app(), 'GET', `/api/reviews/${reviewId}/comments${query}`)
  const deleteComment = (user: RegisteredUser, reviewId: number, commentId: number) =>
    call(app(), 'DELETE', `/api/reviews/${reviewId}/comments/${commentId}`, { token: user.token })

  const storedLikeCount = async (reviewId: number) => {
    const row = await current().db.selectFrom('journal_entries').select('like_count').where('id', '=', reviewId).executeTakeFirstOrThrow()
    return row.like_count
  }

  const reviewLikeActivities = () =>
    current().db.selectFrom('activities').select(['user_id', 'entry_id', 'game_id']).where('type', '=', 'review_like').orderBy('id').execute()

  /** alice's, bob's and carol's reviews of one game (in that order), and a plain entry of dave's. */
  const fourEntries = async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const carol = await registerUser(app(), 'carol')
    const dave = await registerUser(app(), 'dave')
    const gameId = await addGame('Outer Wilds')
    const first = await logged(alice, gameId, { review: 'A masterpiece.' })
    const second = await logged(bob, gameId, { review: 'The ending!', spoilers: true })
    const third = await logged(carol, gameId, { review: 'Too slow for me.' })
    const plain = await logged(dave, gameId)
    return { alice, bob, carol, dave, gameId, first, second, third, plain }
  }

  it("lists a game's reviews newest first, without the entries that have no text", async () => {
    const { gameId, first, second, third } = await fourEntries()

    const response = await reviewsOf(gameId)

    assert.equal(response.status, 200, response.text)
    assert.deepEqual(response.body, { results: [third, second, first], next: null })
  })

  it('flags spoiler reviews and still sends their text', async () => {
    const { gameId, second } = await fourEntries()

    const response = await reviewsOf(gameId)

    const spoiler = response.body.results.find((entry: { id: number }) => entry.id === second.id)
    assert.deepEqual({ spoilers: spoiler.spoilers, review: spoiler.review }, { spoilers: true, review: 'The ending!' })
    assert.deepEqual(
      response.body.results.map((entry: { spoilers: boolean }) => entry.spoilers),
      [false, true, false],
    )
  })

  it('lists them most liked first with sort=popular, newest first among equals', async () => {
    const { alice, bob, carol, dave, gameId, first, second, third } = await fourEntries()
    for (const user of [bob, carol, dave]) assert.equal((await like(user, first.id)).status, 200)
    assert.equal((await like(alice, third.id)).status, 200)

    const popular = await reviewsOf(gameId, '?sort=popular')
    const recent = await reviewsOf(gameId, '?sort=recent')

    assert.equal(popular.status, 200)
    assert.deepEqual(idsOf(popular), [first.id, third.id, second.id])
    assert.deepEqual(
      popular.body.results.map((entry: { like_count: number }) => entry.like_count),
      [3, 1, 0],
    )
    assert.deepEqual(idsOf(recent), [third.id, second.id, first.id])
  })

  it('pages through popular and recent reviews with the cursor', async () => {
    const users = await Promise.all(['u1', 'u2', 'u3', 'u4', 'u5'].map((name) => registerUser(app(), name)))
    const gameId = await addGame('Outer Wilds')
    const reviews: { id: number }[] = []
    for (const user of users) reviews.push(await logged(user, gameId, { review: `By ${user.username}` }))
    const idAt = (index: number) => (reviews[index] as { id: number }).id
    // Likes: review 0 gets 2, review 3 gets 1, others none.
    for (const [liker, review] of [
      [0, 0],
      [1, 0],
      [2, 3],
    ] as const) {
      assert.equal((await like(users[liker] as RegisteredUser, idAt(review))).status, 200)
    }

    for (const [sort, expected] of [
      ['popular', [0, 3, 4, 2, 1].map(idAt)],
      ['recent', [4, 3, 2, 1, 0].map(idAt)],
    ] as const) {
      const seen: number[] = []
      let cursor: string | null = null
      do {
        const query: string = `?sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`
        const response = await reviewsOf(gameId, query)
        assert.equal(response.status, 200, response.text)
        seen.push(...idsOf(response))
        cursor = response.body.next
      } while (cursor !== null)
      assert.deepEqual(seen, expected, sort)
    }
  })

  it('finds the game by slug too, and answers 404 for an unknown game', async () => {
    const { first, second, third } = await fourEntries()

    const bySlug = await reviewsOf('outer-wilds')
    const unknownId = await reviewsOf(999_999)
    const hugeId = await reviewsOf('99999999999')
    const unknownSlug = await reviewsOf('no-such-game')

    assert.deepEqual(idsOf(bySlug), [third.id, second.id, first.id])
    for (const response of [unknownId, hugeId, unknownSlug]) {
      assert.equal(response.status, 404)
      assert.deepEqual(response.body, { detail: 'Not found.' })
    }
  })

  it('says with a token whether the viewer liked each review, and says nothing without one', async () => {
    const { bob, gameId, first, third } = await fourEntries()
    assert.equal((await like(bob, first.id)).status, 200)

    const asBob = await reviewsOf(gameId, '', bob)
    const anonymous = await reviewsOf(gameId)

    assert.deepEqual(
      asBob.body.results.map((entry: { id: number; liked_by_me: boolean }) => [entry.id, entry.liked_by_me]),
      [
        [third.id, false],
        [asBob.body.results[1].id, false],
        [first.id, true],
      ],
    )
    assert.equal(
      anonymous.body.results.some((entry: object) => 'liked_by_me' in entry),
      false,
    )
  })

  it('refuses an unknown sort, and a recent cursor used for popular, with 400', async () => {
    const { gameId } = await fourEntries()
    const page = await reviewsOf(gameId, '?limit=1')

    const badSort = await reviewsOf(gameId, '?sort=best')
    const wrongCursor = await reviewsOf(gameId, `?sort=popular&cursor=${page.body.next}`)

    assert.equal(badSort.status, 400)
    assert.deepEqual(badSort.body, { sort: ['"best" is not a valid choice.'] })
    assert.equal(wrongCursor.status, 400)
    assert.deepEqual(wrongCursor.body, { cursor: ['Invalid cursor.'] })
  })

  it("lists a person's reviews, latest day first, without their entries that have no text", async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const celeste = await addGame('Celeste')
    const hades = await addGame('Hades')
    const tunic = await addGame('Tunic')
    const old = await logged(alice, celeste, { date: '2023-05-01', review: 'Hard and kind.' })
    await logged(alice, hades, { date: '2024-02-01' })
    const recent = await logged(alice, tunic, { date: '2024-03-01', review: 'Read the manual.', spoilers: true })
    await logged(bob, tunic, { date: '2024-04-01', review: 'Foxes!' })

    const response = await call(app(), 'GET', '/api/users/alice/reviews')

    assert.equal(response.status, 200, response.text)
    assert.deepEqual(response.body, { results: [recent, old], next: null })
  })

  it("pages through a person's reviews with the cursor, and says with a token which ones the viewer liked", async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const reviews = []
    for (let day = 1; day <= 5; day++) {
      const game = await addGame(`Game ${day}`)
      reviews.push(await logged(alice, game, { date: `2024-01-0${day}`, review: `Day ${day}.` }))
    }
    assert.equal((await like(bob, reviews[1].id)).status, 200)

    const seen: number[] = []
    let query = '?limit=2'
    for (;;) {
      const page = await call(app(), 'GET', `/api/users/alice/reviews${query}`, { token: bob.token })
      assert.equal(page.status, 200, page.text)
      for (const entry of page.body.results) assert.equal(entry.liked_by_me, entry.id === reviews[1].id)
      seen.push(...idsOf(page))
      if (page.body.next === null) break
      query = `?limit=2&cursor=${page.body.next}`
    }
    assert.deepEqual(seen, reviews.map((review) => review.id).reverse())
    const anonymous = await call(app(), 'GET', '/api/users/alice/reviews')
    assert.equal('liked_by_me' in anonymous.body.results[0], false)
  })

  it("answers 404 for an unknown person's reviews and 400 for a bad cursor", async () => {
    await registerUser(app(), 'alice')
    assert.equal((await call(app(), 'GET', '/api/users/nobody/reviews')).status, 404)
    assert.equal((await call(app(), 'GET', '/api/users/alice/reviews?cursor=bad')).status, 400)
    assert.equal((await call(app(), 'GET', '/api/users/alice/reviews?limit=0')).status, 400)
  })

  it('likes a review once however often asked: like_count 1, one like, one activity', async () => {
    const { bob, gameId, first } = await fourEntries()

    const responses = [await like(bob, first.id), await like(bob, first.id)]

    for (const response of responses) {
      assert.equal(response.status, 200)
      assert.deepEqual(response.body, { review: first.id, liked: true, like_count: 1 })
    }
    assert.equal(await storedLikeCount(first.id), 1)
    assert.deepEqual(await reviewLikeActivities(), [{ user_id: bob.id, entry_id: first.id, game_id: gameId }])
    const listed = await reviewsOf(gameId)
    assert.equal(listed.body.results.find((entry: { id: number }) => entry.id === first.id).like_count, 1)
  })

  it('leaves one like after 20 simultaneous likes by the same person', async () => {
    const { bob, first } = await fourEntries()

    const responses = await Promise.all(Array.from({ length: 20 }, () => like(bob, first.id)))

    assert.deepEqual(
      responses.map((response) => [response.status, response.body]),
      responses.map(() => [200, { review: first.id, liked: true, like_count: 1 }]),
    )
    assert.equal(await storedLikeCount(first.id), 1)
    assert.equal((await reviewLikeActivities()).length, 1)
  })

  it('counts the likes of different people, your own included', async () => {
    const { alice, bob, first } = await fourEntries()

    const own = await like(alice, first.id)
    const other = await like(bob, first.id)

    assert.deepEqual(own.body, { review: first.id, liked: true, like_count: 1 })
    assert.deepEqual(other.body, { review: first.id, liked: true, like_count: 2 })
  })

  it('unlikes: like_count goes back down and the activity goes; unliking again changes nothing', async () => {
    const { bob, carol, gameId, first } = await fourEntries()
    await like(bob, first.id)
    await like(carol, first.id)

    const responses = [await unlike(bob, first.id), await unlike(bob, first.id)]

    for (const response of responses) {
      assert.equal(response.status, 200)
      assert.deepEqual(response.body, { review: first.id, liked: false, like_count: 1 })
    }
    assert.equal(await storedLikeCount(first.id), 1)
    assert.deepEqual(await reviewLikeActivities(), [{ user_id: carol.id, entry_id: first.id, game_id: gameId }])
  })

  it('answers 404 to liking an entry without review text, or no entry at all, and writes nothing', async () => {
    const { bob, plain } = await fourEntries()

    for (const response of [await like(bob, plain.id), await unlike(bob, plain.id), await like(bob, 99_999)]) {
      assert.equal(response.status, 404)
      assert.deepEqual(response.body, { detail: 'Not found.' })
    }
    assert.equal(await storedLikeCount(plain.id), 0)
    assert.deepEqual(await reviewLikeActivities(), [])
  })

  it('requires a token to like or unlike', async () => {
    const { first } = await fourEntries()

    for (const response of [await like(null, first.id), await unlike(null, first.id)]) {
      assert.equal(response.status, 401)
      assert.deepEqual(response.body, { detail: 'Authentication credentials were not provided.' })
    }
    assert.equal(await storedLikeCount(first.id), 0)
  })

  it('counts 10 people liking one review at the same moment: like_count 10, no server error', async () => {
    // The author is one of the ten: liking your own review is allowed.
    const likers = await Promise.all(Array.from({ length: 10 }, (_, i) => registerUser(app(), `fan${i}`)))
    const review = await logged(likers[0] as RegisteredUser, await addGame('Outer Wilds'), { review: 'Go in blind.' })

    const responses = await Promise.all(likers.map((user) => like(user, review.id)))

    assert.deepEqual(
      responses.map((response) => response.status),
      likers.map(() => 200),
    )
    assert.deepEqual(
      responses.map((response) => response.body.like_count).sort((a, b) => a - b),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    )
    assert.equal(await storedLikeCount(review.id), 10)
    assert.equal((await reviewLikeActivities()).length, 10)
  })

  it('adds a comment: 201 with the comment; the review counts it', async () => {
    const { bob, gameId, first } = await fourEntries()
    const gravatar = (await call(app(), 'GET', '/api/users/user/', { token: bob.token })).body.gravatar

    const response = await comment(bob, first.id, 'So true.')

    assert.equal(response.status, 201, response.text)
    const { id, created_at, ...rest } = response.body
    assert.equal(typeof id, 'number')
    assert.match(created_at, ISO_TIMESTAMP)
    assert.deepEqual(rest, { user: { id: bob.id, username: 'bob', gravatar }, body: 'So true.' })
    const listed = await reviewsOf(gameId)
    assert.equal(listed.body.results.find((entry: { id: number }) => entry.id === first.id).comment_count, 1)
  })

  it('lists the comments oldest first to anyone, a page at a time', async () => {
    const { alice, bob, carol, first, second } = await fourEntries()
    const ids: number[] = []
    for (const [user, text] of [
      [bob, 'one'],
      [carol, 'two'],
      [alice, 'three'],
    ] as const) {
      ids.push((await comment(user, first.id, text)).body.id)
    }
    await comment(bob, second.id, 'elsewhere')

    const firstPage = await commentsOf(first.id, '?limit=2')
    const secondPage = await commentsOf(first.id, `?limit=2&cursor=${firstPage.body.next}`)

    assert.equal(firstPage.status, 200)
    assert.deepEqual(
      firstPage.body.results.map((item: { id: number; body: string }) => [item.id, item.body]),
      [
        [ids[0], 'one'],
        [ids[1], 'two'],
      ],
    )
    assert.deepEqual(
      secondPage.body.results.map((item: { id: number; body: string }) => [item.id, item.body]),
      [[ids[2], 'three']],
    )
    assert.equal(secondPage.body.next, null)
  })

  it('refuses a blank, too long or missing comment with 400, and one on a non-review with 404', async () => {
    const { bob, first, plain } = await fourEntries()

    const cases: [body: unknown, errors: object][] = [
      ['', { body: ['This field may not be blank.'] }],
      ['   ', { body: ['This field may not be blank.'] }],
      ['x'.repeat(5_001), { body: ['Ensure this field has no more than 5000 characters.'] }],
      [undefined, { body: ['This field is required.'] }],
    ]
    for (const [body, errors] of cases) {
      const response = await comment(bob, first.id, body)
      assert.equal(response.status, 400, String(body))
      assert.deepEqual(response.body, errors)
    }
    const onPlain = await comment(bob, plain.id, 'Hello?')
    assert.equal(onPlain.status, 404)
    assert.deepEqual(onPlain.body, { detail: 'Not found.' })
    const anonymous = await comment(null, first.id, 'Hi')
    assert.equal(anonymous.status, 401)
    assert.equal((await commentsOf(first.id)).body.results.length, 0)
    assert.equal((await commentsOf(plain.id)).status, 404)
  })

  it("lets a comment's author and the review's owner delete it, and nobody else", async () => {
    const { alice, bob, carol, first } = await fourEntries()
    const byBob = (await comment(bob, first.id, 'by bob')).body
    const byCarol = (await comment(carol, first.id, 'by carol')).body
    const kept = (await comment(carol, first.id, 'kept')).body

    const stranger = await deleteComment(carol, first.id, byBob.id)
    assert.equal(stranger.status, 403)
    assert.deepEqual(stranger.body, { detail: 'You do not have permission to perform this action.' })

    const byAuthor = await deleteComment(bob, first.id, byBob.id)
    const byOwner = await deleteComment(alice, first.id, byCarol.id)

    for (const response of [byAuthor, byOwner]) {
      assert.equal(response.status, 204)
      assert.equal(response.text, '')
    }
    assert.deepEqual(
      (await commentsOf(first.id)).body.results.map((item: { id: number }) => item.id),
      [kept.id],
    )
  })

  it('answers 404 to deleting a comment that is not on that review', async () => {
    const { bob, first, second } = await fourEntries()
    const onSecond = (await comment(bob, second.id, 'here')).body

    for (const response of [await deleteComment(bob, first.id, onSecond.id), await deleteComment(bob, first.id, 99_999)]) {
      assert.equal(response.status, 404)
      assert.deepEqual(response.body, { detail: 'Not found.' })
    }
    assert.equal((await commentsOf(second.id)).body.results.length, 1)
  })
})
