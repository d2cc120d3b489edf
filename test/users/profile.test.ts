import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { App } from '../../src/app.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser as register, type RegisteredUser } from '../helpers/client.js'
import { ZERO_COUNTS } from '../helpers/fixtures.js'

type User = RegisteredUser & { gravatar: string }

/** Registers a user, and reads the avatar the server drew for them (a random one: test/users/avatars.test.ts). */
async function registerUser(app: App, username: string, fields: { email?: string } = {}): Promise<User> {
  const user = await register(app, username, fields)
  const me = await call(app, 'GET', '/api/users/user/', { token: user.token })
  return { ...user, gravatar: me.body.gravatar }
}

/** A just-registered user's profile as the public sees it. */
const publicProfile = (user: User) => ({
  id: user.id,
  username: user.username,
  bio: null,
  location: null,
  twitter: null,
  gravatar: user.gravatar,
  played: [],
  liked: [],
  backlog: [],
  wishlist: [],
  playing: [],
  favorites: [],
  following: [],
  followers: [],
  stats: ZERO_COUNTS,
})

/** The same profile as its owner sees it (also the answer to an update). */
const ownProfile = (user: User, changes: Record<string, unknown> = {}) => {
  const profile = { ...publicProfile(user), email: user.email, use_gravatar: false, ...changes }
  const me = { id: user.id, username: profile.username, email: profile.email, gravatar: profile.gravatar }
  return { ...profile, me, followingUser: false }
}

const sessionOf = (user: User) => ({ id: user.id, username: user.username, email: user.email, gravatar: user.gravatar })

describeEachDatabase('GET /api/users/:username', (current) => {
  const show = (path: string, token?: string) => call(current().app, 'GET', path, { token })

  it('shows the same public profile at /api/users/:username and /api/users/profile/:username', async () => {
    const madeline = await registerUser(current().app, 'madeline', { email: 'Madeline@Example.com' })

    for (const path of ['/api/users/madeline', '/api/users/profile/madeline']) {
      const response = await show(path)
      assert.equal(response.status, 200, path)
      assert.deepEqual(response.body, publicProfile(madeline), path)
    }
  })

  it('matches the username in any letter case, with or without a trailing slash', async () => {
    const madeline = await registerUser(current().app, 'Madeline')

    for (const path of ['/api/users/MADELINE', '/api/users/madeline/', '/api/users/profile/mAdElInE', '/api/users/profile/madeline/']) {
      const response = await show(path)
      assert.equal(response.status, 200, path)
      assert.deepEqual(response.body, publicProfile(madeline), path)
    }
  })

  it('answers 404 for an unknown user on both paths', async () => {
    await registerUser(current().app, 'madeline')

    for (const path of ['/api/users/nobody', '/api/users/profile/nobody/']) {
      const response = await show(path)
      assert.equal(response.status, 404, path)
      assert.deepEqual(response.body, { detail: 'Not found.' }, path)
    }
  })

  it('shows another signed-in user who they are and whether they follow, but not the email', async () => {
    const madeline = await registerUser(current().app, 'madeline')
    const theo = await registerUser(current().app, 'theo')

    const before = await show('/api/users/madeline', theo.token)
    assert.equal(before.status, 200)
    assert.deepEqual(before.body, { ...publicProfile(madeline), me: sessionOf(theo), followingUser: false })

    const follow = await call(current().app, 'POST', '/api/users/follow/', { token: theo.token, body: { username: 'madeline' } })
    assert.equal(follow.status, 200)

    const after = await show('/api/users/profile/madeline', theo.token)
    assert.equal(after.status, 200)
    const expected = publicProfile(madeline)
    assert.deepEqual(after.body, {
      ...expected,
      followers: [theo.id],
      stats: { ...expected.stats, followers: 1 },
      me: sessionOf(theo),
      followingUser: true,
    })
  })

  it('shows the owner their own email', async () => {
    const madeline = await registerUser(current().app, 'madeline')

    const response = await show('/api/users/madeline', madeline.token)

    assert.equal(response.status, 200)
    assert.deepEqual(response.body, ownProfile(madeline))
  })

  it('refuses an invalid token with 401 instead of treating the viewer as anonymous', async () => {
    await registerUser(current().app, 'madeline')

    const response = await show('/api/users/madeline', 'f'.repeat(64))

    assert.equal(response.status, 401)
    assert.deepEqual(response.body, { detail: 'Invalid token.' })
  })
})

describeEachDatabase('POST/PATCH /api/users/profile/:username', (current) => {
  const update = (user: { username: string; token?: string }, body: unknown, method = 'POST') =>
    call(current().app, method, `/api/users/profile/${user.username}`, { token: user.token, body })
  const show = (username: string, token?: string) => call(current().app, 'GET', `/api/users/${username}`, { token })
  const login = (username: string, password: string) =>
    call(current().app, 'POST', '/api/users/login/', { body: { username, password } })

  /** Asserts that a profile, as its owner sees it, is exactly `expected`. */
  const assertStoredProfile = async (user: User, expected: unknown) => {
    const response = await show(user.username, user.token)
    assert.equal(response.status, 200)
    assert.deepEqual(response.body, expected)
  }

  for (const method of ['POST', 'PATCH']) {
    it(`lets the owner edit bio, location and twitter with ${method}, stripping the twitter @`, async () => {
      const madeline = await registerUser(current().app, 'madeline')

      const response = await update(madeline, { bio: 'I like games', location: 'A Mountain', twitter: '@celeste_game' }, method)

      const expected = ownProfile(madeline, { bio: 'I like games', location: 'A Mountain', twitter: 'celeste_game' })
      assert.equal(response.status, 200)
      assert.deepEqual(response.body, expected)
      await assertStoredProfile(madeline, expected)
    })
  }

  it('clears bio, location and twitter given an empty string or null', async () => {
    const madeline = await registerUser(current().app, 'madeline')
    const filled = { bio: 'I like games', location: 'A Mountain', twitter: 'celeste' }

    for (const cleared of [{ bio: '', location: '', twitter: '' }, { bio: null, location: null, twitter: null }]) {
      assert.equal((await update(madeline, filled)).status, 200)
      const response = await update(madeline, cleared, 'PATCH')
      assert.equal(response.status, 200)
      assert.deepEqual(response.body, ownProfile(madeline))
      await assertStoredProfile(madeline, ownProfile(madeline))
    }
  })

  it('accepts values at their length limits', async () => {
    const madeline = await registerUser(current().app, 'madeline')
    const limits = { bio: 'b'.repeat(255), location: 'l'.repeat(50), twitter: 't'.repeat(15) }

    const response = await update(madeline, { ...limits, twitter: `@${limits.twitter}` })

    assert.equal(response.status, 200)
    assert.deepEqual(response.body, ownProfile(madeline, limits))
  })

  it('refuses too-long or malformed values with field errors and changes nothing', async () => {
    const madeline = await registerUser(current().app, 'madeline')
    const original = { bio: 'original bio', location: 'A Mountain', twitter: 'celeste' }
    assert.equal((await update(madeline, original)).status, 200)
    const twitterError = ['Enter a valid Twitter handle: up to 15 letters, digits or underscores.']

    const cases: [body: Record<string, unknown>, errors: Record<string, string[]>][] = [
      [{ bio: 'b'.repeat(256) }, { bio: ['Ensure this field has no more than 255 characters.'] }],
      [{ location: 'l'.repeat(51) }, { location: ['Ensure this field has no more than 50 characters.'] }],
      [{ twitter: 't'.repeat(16) }, { twitter: twitterError }],
      [{ twitter: 'not a handle!' }, { twitter: twitterError }],
      [{ twitter: 'celeste-game' }, { twitter: twitterError }],
      // A valid field beside an invalid one is not applied either.
      [{ bio: 'new bio', location: 'l'.repeat(51) }, { location: ['Ensure this field has no more than 50 characters.'] }],
    ]
    for (const [body, errors] of cases) {
      const response = await update(madeline, body)
      assert.equal(response.status, 400, JSON.stringify(body))
      assert.deepEqual(response.body, errors, JSON.stringify(body))
    }
    await assertStoredProfile(madeline, ownProfile(madeline, original))
  })

  it("forbids editing someone else's profile and changes nothing", async () => {
    const madeline = await registerUser(current().app, 'madeline')
    const theo = await registerUser(current().app, 'theo')

    for (const method of ['POST', 'PATCH']) {
      const response = await update({ username: 'madeline', token: theo.token }, { bio: 'hacked' }, method)
      assert.equal(response.status, 403, method)
      assert.deepEqual(response.body, { detail: 'You do not have permission to perform this action.' }, method)
    }
    await assertStoredProfile(madeline, ownProfile(madeline))
  })

  it('requires a token', async () => {
    const madeline = await registerUser(current().app, 'madeline')

    const response = await update({ username: 'madeline' }, { bio: 'anonymous' })

    assert.equal(response.status, 401)
    assert.deepEqual(response.body, { detail: 'Authentication credentials were not provided.' })
    await assertStoredProfile(madeline, ownProfile(madeline))
  })

  for (const [key, value] of [
    ['password', 'a-new-password-123'],
    ['id', 999],
    ['is_staff', true],
    ['gravatar', 'https://evil.example/avatar.png'],
  ] as const) {
    it(`refuses the key "${key}" (no mass assignment) and changes nothing`, async () => {
      const madeline = await registerUser(current().app, 'madeline')

      const response = await update(madeline, { bio: 'sneaky', [key]: value })

      assert.equal(response.status, 400)
      assert.deepEqual(response.body, { [key]: ['Unexpected field: not accepted here.'] })
      await assertStoredProfile(madeline, ownProfile(madeline))
      assert.equal((await login('madeline', madeline.password)).status, 200)
      if (key === 'password') assert.equal((await login('madeline', value)).status, 400)
    })
  }

  it('refuses a username taken by another user in any letter case', async () => {
    const madeline = await registerUser(current().app, 'madeline')
    await registerUser(current().app, 'theo')

    for (const username of ['theo', 'THEO']) {
      const response = await update(madeline, { username, bio: 'renamed' })
      assert.equal(response.status, 400, username)
      assert.deepEqual(response.body, { username: ['A user with that username already exists.'] }, username)
    }
    await assertStoredProfile(madeline, ownProfile(madeline))
  })

  it('refuses an email taken by another user in any letter case', async () => {
    const madeline = await registerUser(current().app, 'madeline')
    await registerUser(current().app, 'theo', { email: 'theo@example.com' })

    for (const email of ['theo@example.com', 'Theo@EXAMPLE.com']) {
      const response = await update(madeline, { email, bio: 'moved' })
      assert.equal(response.status, 400, email)
      assert.deepEqual(response.body, { email: ['A user with that email already exists.'] }, email)
    }
    await assertStoredProfile(madeline, ownProfile(madeline))
  })

  it("lets the owner change their own username's letter case", async () => {
    const madeline = await registerUser(current().app, 'madeline')

    const response = await update(madeline, { username: 'Madeline' })

    assert.equal(response.status, 200)
    assert.deepEqual(response.body, ownProfile(madeline, { username: 'Madeline' }))
  })

  it('renames the account: the old name is gone, the new one resolves and signs in', async () => {
    const madeline = await registerUser(current().app, 'madeline')
    const whoAmI = () => call(current().app, 'GET', '/api/users/user/', { token: madeline.token })
    assert.equal((await whoAmI()).body.username, 'madeline')

    const response = await update(madeline, { username: 'badeline', email: 'badeline@example.com' }, 'PATCH')

    // The avatar, not tied to the email, stays as it was.
    const expected = ownProfile(madeline, { username: 'badeline', email: 'badeline@example.com' })
    assert.equal(response.status, 200)
    assert.deepEqual(response.body, expected)
    assert.deepEqual((await show('madeline')).body, { detail: 'Not found.' })
    assert.equal((await show('madeline')).status, 404)
    await assertStoredProfile({ ...madeline, username: 'badeline' }, expected)
    assert.equal((await login('badeline', madeline.password)).status, 200)
    assert.equal((await login('badeline@example.com', madeline.password)).status, 200)
    assert.deepEqual((await login('madeline', madeline.password)).body, { non_field_errors: ['Incorrect username/password.'] })
    // The signed-in user, read again on the same token, is the renamed one.
    const { gravatar } = expected
    assert.deepEqual((await whoAmI()).body, { id: madeline.id, username: 'badeline', email: 'badeline@example.com', gravatar })
  })

  it('round-trips Unicode in the bio intact', async () => {
    const madeline = await registerUser(current().app, 'madeline')
    const bio = 'Pokémon Moon 🎮 — ünïcödé'

    const response = await update(madeline, { bio })

    assert.equal(response.status, 200)
    assert.equal(response.body.bio, bio)
    assert.equal((await show('madeline')).body.bio, bio)
  })
})
