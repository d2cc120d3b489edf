import assert from 'node:assert/strict'
import { it } from 'node:test'
import { insertGame } from '../../src/games/repository.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type ApiResponse, type RegisteredUser } from '../helpers/client.js'

/**
 * Many requests at once on the same rows: follows, ratings, list edits, review likes, journal entries. Whatever
 * order they run in, no request may fail with a 5xx and the data must end consistent. The random choices come from
 * a seeded generator; set CONCURRENCY_SEED to replay a failure (every failure message names its seed).
 */

const SEED = Number(process.env.CONCURRENCY_SEED ?? Math.floor(Math.random() * 2 ** 31))

/** mulberry32: a small seeded generator, so that a failing mix of requests can be replayed. */
function randomSource(seed: number) {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (max: number) => Math.floor(next() * max)
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T
  const shuffle = <T>(items: readonly T[]): T[] => {
    const copy = [...items]
    for (let i = copy.length - 1; i > 0; i--) {
      const j = int(i + 1)
      ;[copy[i], copy[j]] = [copy[j] as T, copy[i] as T]
    }
    return copy
  }
  return { next, int, pick, shuffle }
}

const STARS = [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5] as const

const seedNote = `(CONCURRENCY_SEED=${SEED})`

/** Every response settled; none may be a 5xx. `labels` name the requests in the failure message. */
async function settle(requests: Promise<ApiResponse>[], labels: string[] = []): Promise<ApiResponse[]> {
  const responses = await Promise.all(requests)
  const failures = responses.flatMap((response, i) =>
    response.status >= 500 ? [`${labels[i] ?? `request ${i}`}: ${response.status} ${response.text}`] : [],
  )
  assert.deepEqual(failures, [], `server errors under concurrent load ${seedNote}`)
  return responses
}

const hasDuplicates = (values: unknown[]) => new Set(values.map((value) => JSON.stringify(value))).size !== values.length

describeEachDatabase('concurrency', (current) => {
  const app = () => current().app
  const db = () => current().db

  const registerMany = async (count: number, prefix = 'player') => {
    const users: RegisteredUser[] = []
    for (let i = 0; i < count; i++) users.push(await registerUser(app(), `${prefix}${i}`))
    return users
  }

  const followAction = (action: 'follow' | 'unfollow', from: RegisteredUser, to: RegisteredUser) =>
    call(app(), 'POST', `/api/users/${action}/`, { token: from.token, body: { username: to.username } })

  it('parallel follows and unfollows of the same pairs leave profiles, rows and the activity log consistent, without duplicates', async () => {
    const random = randomSource(SEED)
    const users = await registerMany(5)
    type Mode = 'follow only' | 'unfollow only' | 'mixed'
    const modes: Mode[] = ['follow only', 'unfollow only', 'mixed', 'mixed']

    // A few rounds on the same users: the races are in the timing, so each round is another chance to hit one.
    for (let round = 0; round < 5; round++) {
      const label = `round ${round} ${seedNote}`
      const pairs: { from: RegisteredUser; to: RegisteredUser; mode: Mode }[] = []
      for (const from of users) for (const to of users) if (from !== to) pairs.push({ from, to, mode: random.pick(modes) })
      // Pairs that will only be unfollowed start out followed; mixed ones either way.
      for (const pair of pairs) {
        const start = pair.mode === 'unfollow only' || (pair.mode === 'mixed' && random.next() < 0.5) ? 'follow' : 'unfollow'
        assert.equal((await followAction(start, pair.from, pair.to)).status, 200)
      }

      const operations = random.shuffle(
        pairs.flatMap((pair) =>
          Array.from({ length: 8 }, () => {
            const action = pair.mode === 'follow only' ? 'follow' : pair.mode === 'unfollow only' ? 'unfollow' : random.pick(['follow', 'unfollow'] as const)
            return { ...pair, action }
          }),
        ),
      )
      const responses = await settle(operations.map(({ action, from, to }) => followAction(action, from, to)))
      responses.forEach((response, i) => assert.deepEqual([response.status, response.body], [200, []], `${operations[i]?.action}: ${response.text} ${label}`))

      const rows = await db().selectFrom('follows').select(['follower_id', 'followee_id']).execute()
      const edges = rows.map((row) => `${row.follower_id}->${row.followee_id}`)
      assert.ok(!hasDuplicates(edges), `duplicate follow rows: ${edges.join(', ')} ${label}`)
      for (const pair of pairs) {
        const present = edges.includes(`${pair.from.id}->${pair.to.id}`)
        if (pair.mode === 'follow only') assert.ok(present, `${pair.from.username} only ever followed ${pair.to.username} ${label}`)
        if (pair.mode === 'unfollow only') assert.ok(!present, `${pair.from.username} only ever unfollowed ${pair.to.username} ${label}`)
      }

      // Every profile's lists agree with each other and with the rows, and name nobody twice.
      const profiles = new Map<number, { following: number[]; followers: number[] }>()
      for (const user of users) {
        const response = await call(app(), 'GET', `/api/users/${user.username}`)
        assert.equal(response.status, 200)
        const { following, followers } = response.body as { following: number[]; followers: number[] }
        assert.ok(!hasDuplicates(following) && !hasDuplicates(followers), `${user.username}: ${response.text} ${label}`)
        profiles.set(user.id, { following, followers })
      }
      for (const a of users) {
        for (const b of users) {
          if (a === b) continue
          const follows = edges.includes(`${a.id}->${b.id}`)
          assert.equal(profiles.get(a.id)?.following.includes(b.id), follows, `${a.username}'s following vs the rows ${label}`)
          assert.equal(profiles.get(b.id)?.followers.includes(a.id), follows, `${b.username}'s followers vs the rows ${label}`)
        }
      }

      // The activity log (and so the feed) holds one follow per edge that stands, and none for an edge that is gone.
      const activities = await db().selectFrom('activities').select(['user_id', 'target_user_id']).where('type', '=', 'follow').execute()
      const logged = activities.map((row) => `${row.user_id}->${row.target_user_id}`).sort()
      assert.deepEqual(logged, [...edges].sort(), `follow activities vs follow rows ${label}`)
    }
  })

  it('parallel ratings of one game by the same and different users leave one rating each, and figures that add up', async () => {
    const random = randomSource(SEED + 1)
    const users = await registerMany(6, 'rater')
    const other = await insertGame(db(), { name: 'Hades' })
    const [first] = users as [RegisteredUser]
    assert.equal((await call(app(), 'POST', '/api/actions/ratings/', { token: first.token, body: { game: other, rating: 2 } })).status, 200)

    // A few rounds, a game each: the races are in the timing, so each round is another chance to hit one.
    for (let round = 0; round < 4; round++) {
      const game = await insertGame(db(), { name: `Hollow Knight ${round}` })
      const label = `round ${round} ${seedNote}`

      // Every rater sends ratings at once, ten each; the last two send twenty and take theirs back (null) half the time.
      const sent = new Map<number, (number | null)[]>()
      const operations = random.shuffle(
        users.flatMap((user, index) =>
          Array.from({ length: index >= users.length - 2 ? 20 : 10 }, () => {
            const rating = index >= users.length - 2 && random.next() < 0.5 ? null : random.pick(STARS)
            sent.set(user.id, [...(sent.get(user.id) ?? []), rating])
            return { user, rating }
          }),
        ),
      )
      const responses = await settle(
        operations.map(({ user, rating }) => call(app(), 'POST', '/api/actions/ratings/', { token: user.token, body: { game, rating } })),
      )
      responses.forEach((response, i) =>
        assert.deepEqual(
          [response.status, response.body],
          [200, { game, user: operations[i]?.user.id, rating: operations[i]?.rating }],
          `${response.text} ${label}`,
        ),
      )

      const rows = await db().selectFrom('ratings').select(['user_id', 'half_stars']).where('game_id', '=', game).execute()
      assert.ok(!hasDuplicates(rows.map((row) => row.user_id)), `two ratings by one person: ${JSON.stringify(rows)} ${label}`)
      const ratingOf = new Map(rows.map((row) => [row.user_id, row.half_stars / 2]))
      for (const user of users) {
        const values = sent.get(user.id) ?? []
        const stored = ratingOf.get(user.id)
        if (!values.includes(null)) assert.notEqual(stored, undefined, `${user.username} rated and has no rating ${label}`)
        if (stored !== undefined) assert.ok(values.includes(stored), `${user.username}'s rating ${stored} is none of ${JSON.stringify(values)} ${label}`)
        const own = await call(app(), 'GET', `/api/actions/ratings/?game=${game}`, { token: user.token })
        assert.equal(own.status, 200)
        assert.equal(own.body.rating, stored ?? null, `${user.username} reads back their rating ${label}`)
      }

      // The game's community figures are those of the rows.
      const details = await call(app(), 'GET', `/api/games/${game}`)
      assert.equal(details.status, 200)
      const histogram = Array.from({ length: 10 }, (_, i) => rows.filter((row) => row.half_stars === i + 1).length)
      assert.deepEqual(details.body.community.histogram, histogram, `histogram ${label}`)
      assert.equal(details.body.community.ratings, rows.length, `rating count ${label}`)
      const average = rows.length === 0 ? null : rows.reduce((sum, row) => sum + row.half_stars / 2, 0) / rows.length
      if (average === null) assert.equal(details.body.community.average_rating, null)
      else assert.ok(Math.abs(details.body.community.average_rating - average) <= 0.005, `average ${details.body.community.average_rating} vs ${average} ${label}`)

      // One 'rating' activity per rater, for the rating that stands; none for a rating taken back.
      const activities = await db()
        .selectFrom('activities')
        .select(['user_id', 'half_stars'])
        .where('type', '=', 'rating')
        .where('game_id', '=', game)
        .execute()
      assert.deepEqual(
        activities.map((row) => [row.user_id, row.half_stars]).sort(),
        rows.map((row) => [row.user_id, row.half_stars]).sort(),
        `rating activities vs ratings ${label}`,
      )
    }

    // The other game's rating was not touched.
    const untouched = await db().selectFrom('ratings').select(['user_id', 'half_stars']).where('game_id', '=', other).execute()
    assert.deepEqual(untouched, [{ user_id: first.id, half_stars: 4 }])
    const otherActivities = await db().selectFrom('activities').select('id').where('type', '=', 'rating').where('game_id', '=', other).execute()
    assert.equal(otherActivities.length, 1)
  })

  it('parallel edits of one list end in exactly one of the submitted versions, with positions 1..n', async () => {
    const random = randomSource(SEED + 2)
    const [owner] = (await registerMany(1, 'curator')) as [RegisteredUser]
    const games: number[] = []
    for (const name of ['Celeste', 'Hades', 'Inside', 'Limbo', 'Tunic', 'Outer Wilds', 'Fez', 'Braid']) games.push(await insertGame(db(), { name }))
    const created = await call(app(), 'POST', '/api/lists/', {
      token: owner.token,
      body: { title: 'Original', games: games.slice(0, 6).map((game) => ({ game })) },
    })
    assert.equal(created.status, 201, created.text)
    const listId: number = created.body.id

    const versions = Array.from({ length: 12 }, (_, k) => {
      const chosen = random.shuffle(games).slice(0, 2 + random.int(games.length - 1))
      return {
        title: `Version ${k}`,
        ranked: random.next() < 0.5,
        games: chosen.map((game, i) => ({ game, note: random.next() < 0.5 ? `v${k} note ${i}` : null })),
      }
    })
    /** A list as these tests compare it: title, ranking, and its games in order with their notes. */
    const shapeOf = (list: { title: string; ranked: boolean; games: { game: { id: number }; note: string | null; position: number }[] }) => ({
      title: list.title,
      ranked: list.ranked,
      games: list.games.map((item) => ({ game: item.game.id, note: item.note })),
    })

    const responses = await settle(versions.map((version) => call(app(), 'PATCH', `/api/lists/${listId}`, { token: owner.token, body: version })))
    responses.forEach((response, k) => {
      assert.equal(response.status, 200, `${response.text} ${seedNote}`)
      // Each edit answers with the list as it wrote it.
      assert.deepEqual(shapeOf(response.body), versions[k], `edit ${k} answered another version ${seedNote}`)
    })

    const final = await call(app(), 'GET', `/api/lists/${listId}`)
    assert.equal(final.status, 200)
    const finalShape = shapeOf(final.body)
    assert.ok(
      versions.some((version) => JSON.stringify(version) === JSON.stringify(finalShape)),
      `the list is none of the submitted versions: ${JSON.stringify(finalShape)} ${seedNote}`,
    )
    assert.deepEqual(
      final.body.games.map((item: { position: number }) => item.position),
      finalShape.games.map((_, i) => i + 1),
    )
    assert.equal(final.body.game_count, finalShape.games.length)

    const items = await db().selectFrom('list_items').select(['position', 'game_id']).where('list_id', '=', listId).orderBy('position').execute()
    assert.deepEqual(
      items.map((item) => item.position),
      items.map((_, i) => i + 1),
      `stored positions ${seedNote}`,
    )
    assert.deepEqual(
      items.map((item) => item.game_id),
      finalShape.games.map((item) => item.game),
      `stored games ${seedNote}`,
    )
  })

  it('a list read while it is being edited shows one version whole, never the title of one with the games of another', async () => {
    const random = randomSource(SEED + 3)
    const [owner] = (await registerMany(1, 'curator')) as [RegisteredUser]
    const games: number[] = []
    for (const name of ['Celeste', 'Hades', 'Inside', 'Limbo', 'Tunic', 'Outer Wilds']) games.push(await insertGame(db(), { name }))
    const original = { title: 'Original', ranked: false, games: games.slice(0, 3).map((game) => ({ game, note: null })) }
    const created = await call(app(), 'POST', '/api/lists/', { token: owner.token, body: original })
    assert.equal(created.status, 201, created.text)
    const listId: number = created.body.id

    // Each version's title names its games, so a read can tell whether it saw one version whole.
    const versions = Array.from({ length: 20 }, () => {
      const chosen = random.shuffle(games).slice(0, 1 + random.int(games.length))
      return { title: `Games ${chosen.join(',')}`, games: chosen.map((game) => ({ game })) }
    })
    const requests: Promise<ApiResponse>[] = []
    for (const version of versions) {
      requests.push(call(app(), 'PATCH', `/api/lists/${listId}`, { token: owner.token, body: version }))
      for (let i = 0; i < 4; i++) requests.push(call(app(), 'GET', `/api/lists/${listId}`))
    }
    const responses = await settle(requests)
    for (const response of responses) {
      assert.equal(response.status, 200, response.text)
      const ids = response.body.games.map((item: { game: { id: number } }) => item.game.id).join(',')
      const expectedTitle = ids === games.slice(0, 3).join(',') && response.body.title === 'Original' ? 'Original' : `Games ${ids}`
      assert.equal(response.body.title, expectedTitle, `a torn read: title ${JSON.stringify(response.body.title)} with games [${ids}] ${seedNote}`)
    }
  })

  it('parallel likes and unlikes of a review keep like_count equal to its likes, one activity per like', async () => {
    const random = randomSource(SEED + 4)
    const [author, ...fans] = (await registerMany(9, 'fan')) as [RegisteredUser, ...RegisteredUser[]]
    const game = await insertGame(db(), { name: 'Disco Elysium' })
    const entry = (review: string) =>
      call(app(), 'POST', '/api/actions/journal/', { token: author.token, body: { game, date: '2024-01-02', entry_type: 'finished', review } })
    const review = (await entry('A detective story.')).body
    const bystander = (await entry('Played it again.')).body
    assert.ok(review.id && bystander.id)
    const like = (user: RegisteredUser, liked: boolean, id = review.id) =>
      call(app(), liked ? 'POST' : 'DELETE', `/api/reviews/${id}/like`, { token: user.token })

    type Mode = 'like only' | 'unlike only' | 'mixed'
    const modes = new Map<RegisteredUser, Mode>(fans.map((fan) => [fan, random.pick(['like only', 'unlike only', 'mixed'] as const)]))
    for (const [fan, mode] of modes) {
      if (mode === 'unlike only' || (mode === 'mixed' && random.next() < 0.5)) assert.equal((await like(fan, true)).status, 200)
    }
    const operations = random.shuffle(
      fans.flatMap((fan) =>
        Array.from({ length: 6 }, () => {
          const mode = modes.get(fan)
          return { fan, liked: mode === 'like only' ? true : mode === 'unlike only' ? false : random.next() < 0.5 }
        }),
      ),
    )
    const responses = await settle(operations.map(({ fan, liked }) => like(fan, liked)))
    responses.forEach((response, i) => {
      assert.equal(response.status, 200, `${response.text} ${seedNote}`)
      assert.equal(response.body.review, review.id)
      assert.equal(response.body.liked, operations[i]?.liked)
      assert.ok(Number.isInteger(response.body.like_count) && response.body.like_count >= 0, `like_count ${response.body.like_count} ${seedNote}`)
    })

    const likes = await db().selectFrom('review_likes').select('user_id').where('entry_id', '=', review.id).execute()
    const likers = likes.map((row) => row.user_id)
    assert.ok(!hasDuplicates(likers), `duplicate likes ${seedNote}`)
    const stored = await db().selectFrom('journal_entries').select(['id', 'like_count']).where('id', 'in', [review.id, bystander.id]).orderBy('id').execute()
    assert.deepEqual(
      stored.map((row) => row.like_count),
      [likers.length, 0],
      `like_count vs review_likes rows ${seedNote}`,
    )
    for (const [fan, mode] of modes) {
      if (mode === 'like only') assert.ok(likers.includes(fan.id), `${fan.username} only ever liked ${seedNote}`)
      if (mode === 'unlike only') assert.ok(!likers.includes(fan.id), `${fan.username} only ever unliked ${seedNote}`)
    }
    const activities = await db().selectFrom('activities').select(['user_id', 'entry_id']).where('type', '=', 'review_like').execute()
    assert.deepEqual(
      activities.map((row) => [row.user_id, row.entry_id]).sort(),
      likers.map((user) => [user, review.id]).sort(),
      `review_like activities vs likes ${seedNote}`,
    )
    const listed = await call(app(), 'GET', `/api/games/${game}/reviews?sort=popular`)
    assert.equal(listed.status, 200)
    assert.equal(listed.body.results.find((item: { id: number }) => item.id === review.id)?.like_count, likers.length)
  })

  /** A journal entry body with random fields: a review or not, liked or not, rated or not. */
  const randomEntry = (random: ReturnType<typeof randomSource>, game: number, index: number, rated = 0.7) => ({
    game,
    date: `2024-03-${String(1 + (index % 28)).padStart(2, '0')}`,
    entry_type: random.pick(['finished', 'started', 'played', 'abandoned', 'replayed'] as const),
    review: random.next() < 0.6 ? `Entry ${index}` : null,
    liked: random.next() < 0.5,
    rating: random.next() < rated ? random.pick(STARS) : null,
  })
  const logEntry = (user: RegisteredUser, body: object) => call(app(), 'POST', '/api/actions/journal/', { token: user.token, body })

  it('parallel journal entries for one game all succeed, and leave one rating, one liked and one played status', async () => {
    const random = randomSource(SEED + 5)
    const [author] = (await registerMany(1, 'writer')) as [RegisteredUser]

    // A few rounds, a game each: the races are in the timing, so each round is another chance to hit one.
    for (let round = 0; round < 4; round++) {
      const label = `round ${round} ${seedNote}`
      const game = await insertGame(db(), { name: `Return of the Obra Dinn ${round}` })
      // Rated entries take turns on the rating row; the unrated ones race each other for the rest.
      const bodies = Array.from({ length: 16 }, (_, i) => randomEntry(random, game, i, 0.25))
      const created = await settle(
        bodies.map((body) => logEntry(author, body)),
        bodies.map((body) => `POST /api/actions/journal/ ${JSON.stringify(body)}`),
      )
      created.forEach((response) => assert.equal(response.status, 201, `${response.text} ${label}`))
      const ids: number[] = created.map((response) => response.body.id)
      assert.ok(!hasDuplicates(ids))

      // The library follows the entries: one rating (one of those sent), one liked and one played status, and never
      // two activities for them (whether an entry's library changes are logged apart from it is not this test's concern).
      const ofThisGame = { user_id: author.id, game_id: game }
      const sentRatings: number[] = bodies.flatMap((body) => (body.rating === null ? [] : [body.rating]))
      const rating = await db().selectFrom('ratings').select('half_stars').where('user_id', '=', author.id).where('game_id', '=', game).execute()
      assert.equal(rating.length, sentRatings.length > 0 ? 1 : 0, `ratings rows ${label}`)
      if (rating[0]) assert.ok(sentRatings.includes(rating[0].half_stars / 2), `rating ${rating[0].half_stars / 2} is none of ${sentRatings} ${label}`)
      const activitiesOf = (type: 'rating' | 'liked' | 'played') =>
        db()
          .selectFrom('activities')
          .select('half_stars')
          .where('type', '=', type)
          .where('user_id', '=', ofThisGame.user_id)
          .where('game_id', '=', ofThisGame.game_id)
          .execute()
      const ratingActivities = await activitiesOf('rating')
      assert.ok(ratingActivities.length <= 1, `${ratingActivities.length} rating activities ${label}`)
      if (ratingActivities[0]) assert.deepEqual(ratingActivities, rating, `the rating activity is not the rating that stands ${label}`)
      for (const status of ['liked', 'played'] as const) {
        const expected = bodies.some((body) => (status === 'liked' ? body.liked : body.entry_type !== 'started')) ? 1 : 0
        const rows = await db()
          .selectFrom('game_statuses')
          .select('game_id')
          .where('user_id', '=', author.id)
          .where('game_id', '=', game)
          .where('status', '=', status)
          .execute()
        assert.equal(rows.length, expected, `${status} statuses ${label}`)
        const logged = await activitiesOf(status)
        assert.ok(logged.length <= expected, `${logged.length} ${status} activities ${label}`)
      }
      // One journal or review activity per entry.
      const entryActivities = await db()
        .selectFrom('activities')
        .select(['entry_id', 'type'])
        .where('type', 'in', ['journal', 'review'])
        .where('game_id', '=', game)
        .orderBy('entry_id')
        .execute()
      assert.deepEqual(
        entryActivities,
        created.map((response) => ({ entry_id: response.body.id, type: response.body.review === null ? 'journal' : 'review' })).sort((a, b) => a.entry_id - b.entry_id),
        `entry activities ${label}`,
      )
    }
  })

  it('journal entries deleted while being liked and commented, among new entries, leave no trace and no 5xx', async () => {
    const random = randomSource(SEED + 6)
    const [author, ...readers] = (await registerMany(4, 'writer')) as [RegisteredUser, ...RegisteredUser[]]
    const games: number[] = []
    for (let i = 0; i < 12; i++) games.push(await insertGame(db(), { name: `Mystery ${i}` }))

    // Sixteen entries, one after another, most of them reviews.
    const firstIds: number[] = []
    for (let i = 0; i < 16; i++) {
      const response = await logEntry(author, { ...randomEntry(random, games[i % 4] as number, i), review: i % 4 === 3 ? null : `Entry ${i}` })
      assert.equal(response.status, 201, response.text)
      firstIds.push(response.body.id)
    }
    const reviewIds = firstIds.filter((_, i) => i % 4 !== 3)

    // Then, all at once and in a random order: half of them deleted (each twice), eight more logged (each of its own
    // game), and likes and comments by three readers on every review, those being deleted included.
    const doomed = random.shuffle(firstIds).slice(0, 8)
    type Job = { kind: 'delete' | 'create' | 'react'; id?: number; label: string; start: () => Promise<ApiResponse> }
    const jobs: Job[] = random.shuffle([
      ...doomed.flatMap((id) =>
        [id, id].map((same): Job => ({
          kind: 'delete',
          id: same,
          label: `DELETE /api/actions/journal/${same}`,
          start: () => call(app(), 'DELETE', `/api/actions/journal/${same}`, { token: author.token }),
        })),
      ),
      ...Array.from({ length: 8 }, (_, i): Job => {
        const body = randomEntry(random, games[4 + i] as number, 16 + i)
        return { kind: 'create', label: `POST /api/actions/journal/ ${JSON.stringify(body)}`, start: () => logEntry(author, body) }
      }),
      ...reviewIds.flatMap((id) =>
        readers.flatMap((reader): Job[] => [
          { kind: 'react', id, label: `POST /api/reviews/${id}/like`, start: () => call(app(), 'POST', `/api/reviews/${id}/like`, { token: reader.token }) },
          {
            kind: 'react',
            id,
            label: `POST /api/reviews/${id}/comments`,
            start: () => call(app(), 'POST', `/api/reviews/${id}/comments`, { token: reader.token, body: { body: 'Nice one.' } }),
          },
        ]),
      ),
    ])
    const results = await settle(
      jobs.map((job) => job.start()),
      jobs.map((job) => `${job.label}${job.id !== undefined && doomed.includes(job.id) ? ' (its entry being deleted)' : ''}`),
    )
    const answered = (kind: Job['kind']) => results.filter((_, i) => jobs[i]?.kind === kind)
    for (const id of doomed) {
      const statuses = results.filter((_, i) => jobs[i]?.kind === 'delete' && jobs[i]?.id === id).map((response) => response.status)
      assert.ok(statuses.every((status) => status === 204 || status === 404) && statuses.includes(204), `deleting ${id} twice: ${statuses} ${seedNote}`)
    }
    const recreated = answered('create')
    recreated.forEach((response) => assert.equal(response.status, 201, `${response.text} ${seedNote}`))
    results.forEach((response, i) => {
      const job = jobs[i] as Job
      if (job.kind !== 'react') return
      const allowed = job.id !== undefined && doomed.includes(job.id) ? [200, 201, 404] : [200, 201]
      assert.ok(allowed.includes(response.status), `${job.label}: ${response.status} ${response.text} ${seedNote}`)
    })

    // Exactly the entries created and not deleted remain, and nothing refers to a deleted one.
    const remaining = [...firstIds.filter((id) => !doomed.includes(id)), ...recreated.map((response) => response.body.id as number)].sort((a, b) => a - b)
    const rows = await db().selectFrom('journal_entries').select('id').where('user_id', '=', author.id).orderBy('id').execute()
    assert.deepEqual(rows.map((row) => row.id), remaining, `entries left ${seedNote}`)
    for (const table of ['review_likes', 'review_comments', 'activities'] as const) {
      const orphans = await db().selectFrom(table).select('entry_id').where('entry_id', 'in', doomed).execute()
      assert.deepEqual(orphans, [], `${table} still refer to deleted entries ${seedNote}`)
    }
    const journal = await call(app(), 'GET', `/api/users/profile/${author.username}/activity?limit=100`)
    assert.equal(journal.status, 200)
    assert.deepEqual(journal.body.results.map((entry: { id: number }) => entry.id).sort((a: number, b: number) => a - b), remaining)
    const entryActivities = await db()
      .selectFrom('activities')
      .select('entry_id')
      .where('user_id', '=', author.id)
      .where('type', 'in', ['journal', 'review'])
      .orderBy('entry_id')
      .execute()
    assert.deepEqual(entryActivities.map((row) => row.entry_id), remaining, `one journal/review activity per entry ${seedNote}`)
    const counts = await db().selectFrom('journal_entries').select(['id', 'like_count']).where('id', 'in', remaining).execute()
    for (const { id, like_count } of counts) {
      const likes = await db().selectFrom('review_likes').select('user_id').where('entry_id', '=', id).execute()
      assert.equal(like_count, likes.length, `like_count of entry ${id} ${seedNote}`)
    }
  })
})
