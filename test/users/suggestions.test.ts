import assert from 'node:assert/strict'
import { it } from 'node:test'
import { hoursFromNow, timestamp } from '../../src/db/time.js'
import { insertGame } from '../../src/games/repository.js'
import { followUser, insertUser } from '../../src/users/repository.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'
import { insertUsers, newUserRow } from '../helpers/fixtures.js'

const SUGGESTIONS = '/api/users/suggestions'

describeEachDatabase('GET /api/users/suggestions', (current) => {
  const app = () => current().app
  const db = () => current().db

  /** Accounts straight into the database: signing up through the API is beside the point for most people here. */
  const addPeople = (...usernames: string[]) => insertUsers(db(), ...usernames)

  /** Follows made in the order given: `[follower, followee]` pairs of ids. */
  const addFollows = async (...pairs: [number, number][]) => {
    for (const [follower, followee] of pairs) await followUser(db(), follower, followee)
  }

  const addGame = (name: string) => insertGame(db(), { name, slug: name.toLowerCase().replace(/[^a-z0-9]+/g, '-') })

  const markPlayed = async (viewer: RegisteredUser, gameId: number) => {
    const response = await call(app(), 'POST', '/api/actions/log/', { token: viewer.token, body: { game: gameId } })
    assert.equal(response.status, 200, response.text)
  }

  const addReview = async (userId: number, gameId: number, createdAt = timestamp()) => {
    await db()
      .insertInto('journal_entries')
      .values({
        user_id: userId,
        game_id: gameId,
        played_on: createdAt.slice(0, 10),
        entry_type: 'finished',
        platform: null,
        review: 'Worth it.',
        spoilers: false,
        liked: false,
        half_stars: null,
        created_at: createdAt,
        updated_at: createdAt,
      })
      .execute()
  }

  const suggestionsFor = async (viewer: RegisteredUser, query = '') => {
    const response = await call(app(), 'GET', `${SUGGESTIONS}${query}`, { token: viewer.token })
    assert.equal(response.status, 200, response.text)
    return response.body as { user: { username: string }; why: string; followed_by?: object; reviewed?: { game: { name: string }; count: number } }[]
  }

  const namesSuggestedTo = async (viewer: RegisteredUser) => (await suggestionsFor(viewer)).map((item) => item.user.username)

  it('suggests the people followed by the people you follow, the more of them the better, and says by whom', async () => {
    const viewer = await registerUser(app(), 'viewer')
    const ids = await addPeople('ada', 'bea', 'cal', 'popular', 'known')
    await addFollows(
      [viewer.id, ids.ada!],
      [viewer.id, ids.bea!],
      [viewer.id, ids.cal!],
      [ids.ada!, ids.known!],
      [ids.bea!, ids.popular!],
      [ids.cal!, ids.popular!],
      [ids.ada!, ids.popular!],
    )
    const suggestions = await suggestionsFor(viewer)
    assert.deepEqual(
      suggestions.map((item) => [item.user.username, item.why, item.followed_by]),
      [
        ['popular', 'Followed by ada and 2 others you follow', { username: 'ada', count: 3 }],
        ['known', 'Followed by ada, whom you follow', { username: 'ada', count: 1 }],
      ],
    )
  })

  it('then suggests people who lately reviewed games you played, and names the game', async () => {
    const viewer = await registerUser(app(), 'viewer')
    const ids = await addPeople('friend', 'friend_of_friend', 'critic', 'fan', 'old_critic', 'other_critic')
    const [hades, celeste, unplayed] = [await addGame('Hades'), await addGame('Celeste'), await addGame('Unplayed')]
    await markPlayed(viewer, hades)
    await markPlayed(viewer, celeste)
    await addFollows([viewer.id, ids.friend!], [ids.friend!, ids.friend_of_friend!])
    await addReview(ids.fan!, hades)
    await addReview(ids.critic!, hades)
    await addReview(ids.critic!, celeste)
    await addReview(ids.old_critic!, celeste, hoursFromNow(-100 * 24))
    await addReview(ids.other_critic!, unplayed)
    // Someone both followed by a friend and reviewing is suggested once, for the follow.
    await addReview(ids.friend_of_friend!, hades)

    const suggestions = await suggestionsFor(viewer)
    assert.deepEqual(
      suggestions.map((item) => [item.user.username, item.why]),
      [
        ['friend_of_friend', 'Followed by friend, whom you follow'],
        ['critic', 'Reviewed Celeste and 1 more game you played'],
        ['fan', 'Reviewed Hades, which you played'],
      ],
    )
    assert.equal(suggestions[1]!.reviewed!.game.name, 'Celeste', 'the game of the latest review')
    assert.equal(suggestions[1]!.reviewed!.count, 2)
    assert.equal(suggestions[2]!.followed_by, undefined)
  })

  it('never suggests you, the people you already follow, or deleted and deactivated accounts', async () => {
    const viewer = await registerUser(app(), 'viewer')
    const leaving = await registerUser(app(), 'leaving')
    const ids = await addPeople('friend', 'other_friend', 'suggested')
    const moved = await insertUser(db(), { ...newUserRow('moved'), password_hash: '!pbkdf2_sha256$unusable' })
    const game = await addGame('Hades')
    await markPlayed(viewer, game)
    await addFollows(
      [viewer.id, ids.friend!],
      [viewer.id, ids.other_friend!],
      [ids.friend!, viewer.id],
      [ids.friend!, ids.other_friend!],
      [ids.friend!, ids.suggested!],
      [ids.friend!, moved],
      [ids.friend!, leaving.id],
    )
    await addReview(ids.other_friend!, game)
    await addReview(moved, game)
    await addReview(leaving.id, game)
    const deleted = await call(app(), 'DELETE', '/api/users/user/', { token: leaving.token, body: { password: leaving.password } })
    assert.equal(deleted.status, 204, deleted.text)

    assert.deepEqual(await namesSuggestedTo(viewer), ['suggested'])
  })

  it('gives 10 suggestions at most unless asked for fewer or more, up to 20', async () => {
    const viewer = await registerUser(app(), 'viewer')
    const names = Array.from({ length: 25 }, (_, i) => `person${String(i).padStart(2, '0')}`)
    const ids = await addPeople('friend', ...names)
    await addFollows([viewer.id, ids.friend!], ...names.map((name): [number, number] => [ids.friend!, ids[name]!]))
    assert.equal((await suggestionsFor(viewer)).length, 10)
    assert.equal((await suggestionsFor(viewer, '?limit=3')).length, 3)
    assert.equal((await suggestionsFor(viewer, '?limit=20')).length, 20)
    for (const query of ['?limit=21', '?limit=0', '?limit=ten', '?page=2']) {
      const response = await call(app(), 'GET', `${SUGGESTIONS}${query}`, { token: viewer.token })
      assert.equal(response.status, 400, query)
    }
  })

  it('shows public data only, never an email', async () => {
    const viewer = await registerUser(app(), 'viewer')
    const friend = await registerUser(app(), 'friend', { email: 'friend-secret@example.com' })
    const suggested = await registerUser(app(), 'suggested', { email: 'suggested-secret@example.com' })
    await addFollows([viewer.id, friend.id], [friend.id, suggested.id])
    const response = await call(app(), 'GET', SUGGESTIONS, { token: viewer.token })
    assert.equal(response.status, 200)
    assert.deepEqual(Object.keys(response.body[0].user).sort(), ['gravatar', 'id', 'username'])
    assert.doesNotMatch(response.text, /secret/)
  })

  it('is empty for someone who follows nobody and played nothing, and needs a token', async () => {
    const viewer = await registerUser(app(), 'viewer')
    await addPeople('stranger')
    assert.deepEqual(await suggestionsFor(viewer), [])
    const anonymous = await call(app(), 'GET', SUGGESTIONS)
    assert.equal(anonymous.status, 401)
  })
})
