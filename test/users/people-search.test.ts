import assert from 'node:assert/strict'
import { it } from 'node:test'
import { followUser, insertUser } from '../../src/users/repository.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser } from '../helpers/client.js'
import { insertUsers, newUserRow } from '../helpers/fixtures.js'

describeEachDatabase('GET /api/users/search/:query', (current) => {
  const app = () => current().app
  const db = () => current().db

  /** Accounts straight into the database: signing up through the API is beside the point for most people here. */
  const addPeople = (...usernames: string[]) => insertUsers(db(), ...usernames)

  const search = (query: string, options: { token?: string; limit?: number } = {}) =>
    call(app(), 'GET', `/api/users/search/${encodeURIComponent(query)}${options.limit ? `?limit=${options.limit}` : ''}`, {
      token: options.token,
    })

  const namesFound = async (query: string, options: { token?: string; limit?: number } = {}) => {
    const response = await search(query, options)
    assert.equal(response.status, 200, response.text)
    return response.body.map((hit: { user: { username: string } }) => hit.user.username)
  }

  it('ranks the exact name first, then names starting with the query, then names containing it', async () => {
    await addPeople('grandmada', 'adam', 'ada', 'ada_lovelace', 'nomad')
    assert.deepEqual(await namesFound('ada'), ['ada', 'adam', 'ada_lovelace', 'grandmada'])
  })

  it('ignores case in the query and in the names, and shows names as their owners wrote them', async () => {
    await addPeople('Madeline', 'MADELINE_fan')
    assert.deepEqual(await namesFound('madeLINE'), ['Madeline', 'MADELINE_fan'])
  })

  it('puts the more followed first among names that match alike', async () => {
    const ids = await addPeople('theo_a', 'theo_b', 'fan1', 'fan2')
    await followUser(db(), ids.fan1!, ids.theo_b!)
    await followUser(db(), ids.fan2!, ids.theo_b!)
    await followUser(db(), ids.fan1!, ids.theo_a!)
    const response = await search('theo')
    assert.deepEqual(
      response.body.map((hit: { user: { username: string }; followers: number }) => [hit.user.username, hit.followers]),
      [
        ['theo_b', 2],
        ['theo_a', 1],
      ],
    )
  })

  it('finds names that look like the query, after those that contain it', async () => {
    await addPeople('madeline', 'rnadeline_x')
    // `rn` reads as `m`, `1` as `l`: the look-alike skeleton of registration finds the name.
    assert.deepEqual(await namesFound('madel1ne'), ['madeline'])
    assert.deepEqual(await namesFound('rnadeline'), ['rnadeline_x', 'madeline'])
  })

  it('matches a query of one or two characters at the start of names only', async () => {
    await addPeople('al', 'alice', 'sal')
    assert.deepEqual(await namesFound('al'), ['al', 'alice'])
    assert.deepEqual(await namesFound('a'), ['al', 'alice'])
  })

  it('takes the wildcards of SQL patterns literally', async () => {
    await addPeople('a_b', 'axb', 'a%b_fan')
    assert.deepEqual(await namesFound('a_b'), ['a_b'])
    assert.deepEqual(await namesFound('%'), [])
    assert.deepEqual(await namesFound('_'), [])
  })

  it('answers 20 people at most unless asked for fewer or more, up to 50', async () => {
    await addPeople(...Array.from({ length: 55 }, (_, i) => `player${String(i).padStart(2, '0')}`))
    assert.equal((await namesFound('player')).length, 20)
    assert.deepEqual(await namesFound('player', { limit: 3 }), ['player00', 'player01', 'player02'])
    assert.equal((await namesFound('player', { limit: 50 })).length, 50)
    assert.equal((await search('player', { limit: 51 })).status, 400)
    assert.equal((await call(app(), 'GET', '/api/users/search/player?limit=0')).status, 400)
    assert.equal((await call(app(), 'GET', '/api/users/search/player?sort=name')).status, 400)
  })

  it('shows public data only: name, avatar, bio and followers, never the email', async () => {
    const madeline = await registerUser(app(), 'madeline', { email: 'secret-address@example.com' })
    await call(app(), 'PATCH', '/api/users/profile/madeline', { token: madeline.token, body: { bio: 'Climbing.' } })
    for (const token of [undefined, madeline.token]) {
      const response = await search('madeline', { token })
      assert.equal(response.status, 200)
      const [hit] = response.body
      assert.deepEqual(Object.keys(hit.user).sort(), ['gravatar', 'id', 'username'])
      assert.equal(hit.bio, 'Climbing.')
      assert.doesNotMatch(response.text, /secret-address/)
    }
  })

  it('tells a signed-in viewer whom they follow, and says nothing to an anonymous one', async () => {
    await addPeople('celeste_a', 'celeste_b')
    const viewer = await registerUser(app(), 'viewer')
    await call(app(), 'POST', '/api/users/follow/', { token: viewer.token, body: { username: 'celeste_b' } })

    const viewed = await search('celeste', { token: viewer.token })
    assert.deepEqual(
      viewed.body.map((hit: { user: { username: string }; followed_by_me: boolean }) => [hit.user.username, hit.followed_by_me]),
      [
        ['celeste_b', true],
        ['celeste_a', false],
      ],
    )
    const anonymous = await search('celeste')
    assert.ok(anonymous.body.every((hit: object) => !('followed_by_me' in hit)))
  })

  it('never shows deleted or deactivated accounts', async () => {
    const gone = await registerUser(app(), 'oshiro_gone')
    await addPeople('oshiro')
    await insertUser(db(), { ...newUserRow('oshiro_moved'), password_hash: '!pbkdf2_sha256$unusable' })
    const deleted = await call(app(), 'DELETE', '/api/users/user/', { token: gone.token, body: { password: gone.password } })
    assert.equal(deleted.status, 204, deleted.text)
    assert.deepEqual(await namesFound('oshiro'), ['oshiro'])
  })

  it('refuses a blank query with a 400 that says why, and finds nothing for a name nobody has', async () => {
    await addPeople('madeline')
    for (const url of ['/api/users/search/%20%20', '/api/users/search/', '/api/users/search']) {
      const blank = await call(app(), 'GET', url)
      assert.equal(blank.status, 400, url)
      assert.deepEqual(blank.body, { query: ['Type at least one character of a username.'] }, url)
    }
    assert.equal((await search('x'.repeat(151))).status, 400)
    assert.deepEqual(await namesFound('nobody-here'), [])
  })

  it('leaves no profile hidden behind its path: nobody can take the names search and suggestions', async () => {
    for (const username of ['search', 'Suggestions']) {
      const response = await call(app(), 'POST', '/api/users/register/', {
        body: { username, email: `${username}@example.com`, password: 'violet-harbor-lantern-42' },
      })
      assert.equal(response.status, 400, username)
      assert.deepEqual(response.body.username, ['This username is reserved.'])
    }
  })
})
