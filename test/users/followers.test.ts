import assert from 'node:assert/strict'
import { it } from 'node:test'
import { insertUser } from '../../src/users/repository.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'

const ISO_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/

describeEachDatabase('GET /api/users/:username/followers and /following', (current) => {
  const app = () => current().app

  const follow = async (follower: RegisteredUser, followee: string, action: 'follow' | 'unfollow' = 'follow') => {
    const response = await call(app(), 'POST', `/api/users/${action}/`, { token: follower.token, body: { username: followee } })
    assert.equal(response.status, 200, response.text)
  }

  const usernamesOf = (page: { results: { user: { username: string } }[] }) => page.results.map((item) => item.user.username)

  /** Walks every page of a list with the given page size; returns the usernames in order and the number of pages. */
  const readAll = async (path: string, limit: number) => {
    const names: string[] = []
    let pages = 0
    let url: string | null = `${path}?limit=${limit}`
    while (url) {
      const response = await call(app(), 'GET', url)
      assert.equal(response.status, 200, response.text)
      names.push(...usernamesOf(response.body))
      pages++
      url = response.body.next === null ? null : `${path}?limit=${limit}&cursor=${response.body.next}`
    }
    return { names, pages }
  }

  it('lists the people following a user, most recent follow first, with name, avatar, bio and when', async () => {
    await registerUser(app(), 'madeline')
    const theo = await registerUser(app(), 'theo')
    const badeline = await registerUser(app(), 'badeline')
    await call(app(), 'PATCH', '/api/users/profile/theo', { token: theo.token, body: { bio: 'Selfies on the summit.' } })
    await follow(theo, 'madeline')
    await follow(badeline, 'madeline')

    const response = await call(app(), 'GET', '/api/users/madeline/followers')
    assert.equal(response.status, 200)
    assert.deepEqual(usernamesOf(response.body), ['badeline', 'theo'])
    assert.equal(response.body.next, null)
    const [newest, oldest] = response.body.results
    assert.deepEqual(Object.keys(newest).sort(), ['bio', 'followed_at', 'user'])
    assert.deepEqual(Object.keys(newest.user).sort(), ['gravatar', 'id', 'username'], 'no email, nothing private')
    assert.equal(newest.user.id, badeline.id)
    assert.match(newest.user.gravatar, /^https:\/\/secure\.gravatar\.com\/avatar\//)
    assert.equal(newest.bio, null)
    assert.equal(oldest.bio, 'Selfies on the summit.')
    assert.match(oldest.followed_at, ISO_TIMESTAMP)
    assert.ok(newest.followed_at > oldest.followed_at)
  })

  it('lists the people a user follows, most recent first; the other direction is its own list', async () => {
    const theo = await registerUser(app(), 'theo')
    await registerUser(app(), 'madeline')
    await registerUser(app(), 'granny')
    await follow(theo, 'granny')
    await follow(theo, 'madeline')

    const following = await call(app(), 'GET', '/api/users/theo/following')
    assert.equal(following.status, 200)
    assert.deepEqual(usernamesOf(following.body), ['madeline', 'granny'])
    assert.deepEqual(usernamesOf((await call(app(), 'GET', '/api/users/theo/followers')).body), [])
    assert.deepEqual(usernamesOf((await call(app(), 'GET', '/api/users/granny/followers')).body), ['theo'])
    assert.deepEqual(usernamesOf((await call(app(), 'GET', '/api/users/granny/following')).body), [])
  })

  it('says with a token whether the viewer follows each person listed, and says nothing without one', async () => {
    await registerUser(app(), 'madeline')
    const theo = await registerUser(app(), 'theo')
    const granny = await registerUser(app(), 'granny')
    const viewer = await registerUser(app(), 'viewer')
    await follow(theo, 'madeline')
    await follow(granny, 'madeline')
    await follow(viewer, 'madeline')
    await follow(viewer, 'theo')

    const seen = await call(app(), 'GET', '/api/users/madeline/followers', { token: viewer.token })
    assert.equal(seen.status, 200)
    assert.deepEqual(
      seen.body.results.map((item: { user: { username: string }; followed_by_me: boolean }) => [item.user.username, item.followed_by_me]),
      [['viewer', false], ['granny', false], ['theo', true]],
    )
    const anonymous = await call(app(), 'GET', '/api/users/madeline/followers')
    assert.equal(anonymous.body.results.some((item: object) => 'followed_by_me' in item), false)
    assert.equal((await call(app(), 'GET', '/api/users/madeline/followers', { token: 'not-a-token' })).status, 401)
  })

  it('keeps saying whether the viewer follows each person on the pages after the first', async () => {
    await registerUser(app(), 'madeline')
    const viewer = await registerUser(app(), 'viewer')
    for (const name of ['theo', 'granny', 'oshiro']) await follow(await registerUser(app(), name), 'madeline')
    await follow(viewer, 'theo')

    const first = await call(app(), 'GET', '/api/users/madeline/followers?limit=2', { token: viewer.token })
    assert.deepEqual(first.body.results.map((item: { followed_by_me: boolean }) => item.followed_by_me), [false, false])
    const second = await call(app(), 'GET', `/api/users/madeline/followers?limit=2&cursor=${first.body.next}`, { token: viewer.token })
    assert.equal(second.status, 200, second.text)
    assert.deepEqual(
      second.body.results.map((item: { user: { username: string }; followed_by_me: boolean }) => [item.user.username, item.followed_by_me]),
      [['theo', true]],
    )
    const anonymous = await call(app(), 'GET', `/api/users/madeline/followers?limit=2&cursor=${first.body.next}`)
    const { followed_by_me: _, ...theoSeenAnonymously } = second.body.results[0]
    assert.deepEqual(anonymous.body.results, [theoSeenAnonymously])
  })

  it('says when each follow was made, as it is stored', async () => {
    await registerUser(app(), 'madeline')
    const theo = await registerUser(app(), 'theo')
    await follow(theo, 'madeline')
    const stored = await current().db.selectFrom('follows').select('created_at').where('follower_id', '=', theo.id).executeTakeFirstOrThrow()
    for (const path of ['/api/users/madeline/followers', '/api/users/theo/following']) {
      const response = await call(app(), 'GET', path)
      assert.equal(response.body.results[0].followed_at, stored.created_at, path)
    }
  })

  it('pages through every follower exactly once, whatever the page size', async () => {
    const star = await registerUser(app(), 'star')
    const fans: RegisteredUser[] = []
    for (let n = 1; n <= 7; n++) fans.push(await registerUser(app(), `fan${n}`))
    for (const fan of fans) await follow(fan, star.username)
    const newestFirst = fans.map((fan) => fan.username).reverse()

    for (const limit of [1, 2, 3, 7, 100]) {
      const { names, pages } = await readAll('/api/users/star/followers', limit)
      assert.deepEqual(names, newestFirst, `limit ${limit}`)
      assert.equal(pages, Math.max(1, Math.ceil(7 / limit)), `limit ${limit}`)
    }
  })

  it('shows 20 people to a page when no limit is given', async () => {
    const star = await registerUser(app(), 'star')
    // Followers made straight in the database: 25 sign-ups through the API would only slow the test down.
    const { db } = current()
    for (let n = 1; n <= 25; n++) {
      const id = await insertUser(db, { username: `fan${n}`, email: `fan${n}@example.com`, password_hash: 'x', gravatar: 'https://www.gravatar.com/avatar/0', avatar_seed: '0', use_gravatar: false })
      await db.insertInto('follows').values({ follower_id: id, followee_id: star.id, created_at: `2026-01-01T00:00:${String(n).padStart(2, '0')}.000000Z` }).execute()
    }
    const first = await call(app(), 'GET', '/api/users/star/followers')
    assert.equal(first.status, 200)
    assert.equal(first.body.results.length, 20)
    assert.equal(first.body.results[0].user.username, 'fan25')
    const second = await call(app(), 'GET', `/api/users/star/followers?cursor=${first.body.next}`)
    assert.deepEqual(usernamesOf(second.body), ['fan5', 'fan4', 'fan3', 'fan2', 'fan1'])
    assert.equal(second.body.next, null)
  })

  it('drops people who unfollow and people who delete their account', async () => {
    await registerUser(app(), 'madeline')
    const theo = await registerUser(app(), 'theo')
    const oshiro = await registerUser(app(), 'oshiro')
    await follow(theo, 'madeline')
    await follow(oshiro, 'madeline')

    await follow(theo, 'madeline', 'unfollow')
    assert.deepEqual(usernamesOf((await call(app(), 'GET', '/api/users/madeline/followers')).body), ['oshiro'])

    const deleted = await call(app(), 'DELETE', '/api/users/user/', { token: oshiro.token, body: { password: oshiro.password } })
    assert.equal(deleted.status, 204)
    assert.deepEqual(usernamesOf((await call(app(), 'GET', '/api/users/madeline/followers')).body), [])
  })

  it('finds the user by name whatever its case', async () => {
    await registerUser(app(), 'Madeline')
    const theo = await registerUser(app(), 'theo')
    await follow(theo, 'madeline')
    assert.deepEqual(usernamesOf((await call(app(), 'GET', '/api/users/MADELINE/followers')).body), ['theo'])
  })

  it('answers 404 for an unknown user and 400 for a bad page request, without a 500', async () => {
    await registerUser(app(), 'madeline')
    assert.deepEqual(await call(app(), 'GET', '/api/users/nobody/followers').then((r) => [r.status, r.body]), [404, { detail: 'Not found.' }])
    assert.equal((await call(app(), 'GET', '/api/users/nobody/following')).status, 404)
    for (const query of ['limit=0', 'limit=101', 'limit=ten', 'cursor=not-a-cursor', `cursor=${Buffer.from('["x",1]').toString('base64url')}`, 'sort=name']) {
      const response = await call(app(), 'GET', `/api/users/madeline/followers?${query}`)
      assert.equal(response.status, 400, `${query}: ${response.text}`)
    }
  })
})
