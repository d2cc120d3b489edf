import assert from 'node:assert/strict'
import { it } from 'node:test'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'

describeEachDatabase('POST /api/users/follow/ and /api/users/unfollow/', (current) => {
  const post = (action: 'follow' | 'unfollow', user: RegisteredUser | null, body: unknown) =>
    call(current().app, 'POST', `/api/users/${action}/`, { token: user?.token, body })

  /** The follow edges a profile shows. */
  const edgesOf = async (username: string) => {
    const response = await call(current().app, 'GET', `/api/users/${username}`)
    assert.equal(response.status, 200)
    return { following: response.body.following, followers: response.body.followers }
  }

  /** alice, bob and carol, registered in that order (so with increasing ids). */
  const registerThree = async () => {
    const app = current().app
    const alice = await registerUser(app, 'alice')
    const bob = await registerUser(app, 'bob')
    const carol = await registerUser(app, 'carol')
    return { alice, bob, carol }
  }

  it("follows a user: 200 [] and the edge shows in both profiles, in follow order", async () => {
    const { alice, bob, carol } = await registerThree()

    // Following the newer account first: the order is that of the follows, not of the ids.
    for (const followee of [carol, bob]) {
      const response = await post('follow', alice, { username: followee.username })
      assert.equal(response.status, 200)
      assert.deepEqual(response.body, [])
    }
    assert.equal((await post('follow', carol, { username: 'bob' })).status, 200)

    assert.deepEqual(await edgesOf('alice'), { following: [carol.id, bob.id], followers: [] })
    assert.deepEqual(await edgesOf('bob'), { following: [], followers: [alice.id, carol.id] })
    assert.deepEqual(await edgesOf('carol'), { following: [bob.id], followers: [alice.id] })
  })

  it('keeps the order of many quick follows', async () => {
    const app = current().app
    const fan = await registerUser(app, 'fan')
    const idols: RegisteredUser[] = []
    for (const name of ['idol1', 'idol2', 'idol3', 'idol4', 'idol5']) idols.push(await registerUser(app, name))

    const order = [...idols].reverse()
    for (const idol of order) assert.equal((await post('follow', fan, { username: idol.username })).status, 200)

    assert.deepEqual((await edgesOf('fan')).following, order.map((idol) => idol.id))
  })

  it('leaves a single edge when following twice', async () => {
    const { alice, bob } = await registerThree()

    for (let i = 0; i < 2; i++) {
      const response = await post('follow', alice, { username: 'bob' })
      assert.equal(response.status, 200)
      assert.deepEqual(response.body, [])
    }

    assert.deepEqual(await edgesOf('alice'), { following: [bob.id], followers: [] })
    assert.deepEqual(await edgesOf('bob'), { following: [], followers: [alice.id] })
  })

  it('refuses following yourself with 400 and creates no edge', async () => {
    const { alice } = await registerThree()

    const response = await post('follow', alice, { username: 'ALICE' })

    assert.equal(response.status, 400)
    assert.deepEqual(response.body, { detail: 'You cannot follow yourself.' })
    assert.deepEqual(await edgesOf('alice'), { following: [], followers: [] })
  })

  it('matches the username in any letter case', async () => {
    const { alice } = await registerThree()

    assert.equal((await post('follow', alice, { username: 'BoB' })).status, 200)
    assert.deepEqual(await edgesOf('bob'), { following: [], followers: [alice.id] })

    assert.equal((await post('unfollow', alice, { username: 'bOB' })).status, 200)
    assert.deepEqual(await edgesOf('bob'), { following: [], followers: [] })
  })

  it('unfollows: 200 [] and the edge is gone from both profiles', async () => {
    const { alice, carol } = await registerThree()
    for (const followee of ['bob', 'carol']) assert.equal((await post('follow', alice, { username: followee })).status, 200)

    const response = await post('unfollow', alice, { username: 'bob' })

    assert.equal(response.status, 200)
    assert.deepEqual(response.body, [])
    assert.deepEqual(await edgesOf('alice'), { following: [carol.id], followers: [] })
    assert.deepEqual(await edgesOf('bob'), { following: [], followers: [] })
    const seenByAlice = await call(current().app, 'GET', '/api/users/bob', { token: alice.token })
    assert.equal(seenByAlice.status, 200)
    assert.equal(seenByAlice.body.followingUser, false)
  })

  it("answers 200 [] when unfollowing someone you don't follow, and touches no other edge", async () => {
    const { alice, bob } = await registerThree()
    assert.equal((await post('follow', bob, { username: 'alice' })).status, 200)

    const response = await post('unfollow', alice, { username: 'bob' })

    assert.equal(response.status, 200)
    assert.deepEqual(response.body, [])
    assert.deepEqual(await edgesOf('alice'), { following: [], followers: [bob.id] })
    assert.deepEqual(await edgesOf('carol'), { following: [], followers: [] })
  })

  for (const action of ['follow', 'unfollow'] as const) {
    it(`${action}: an unknown user is 404 "User does not exist"`, async () => {
      const { alice } = await registerThree()

      const response = await post(action, alice, { username: 'nobody' })

      assert.equal(response.status, 404)
      assert.deepEqual(response.body, { detail: 'User does not exist' })
    })

    it(`${action}: a missing username is 400 "This field is required."`, async () => {
      const { alice } = await registerThree()

      const response = await post(action, alice, {})

      assert.equal(response.status, 400)
      assert.deepEqual(response.body, { username: ['This field is required.'] })
    })

    it(`${action}: requires a token and changes nothing without one`, async () => {
      const { alice } = await registerThree()
      assert.equal((await post('follow', alice, { username: 'bob' })).status, 200)

      const response = await post(action, null, { username: 'bob' })

      assert.equal(response.status, 401)
      assert.deepEqual(response.body, { detail: 'Authentication credentials were not provided.' })
      assert.deepEqual(await edgesOf('bob'), { following: [], followers: [alice.id] })
    })
  }

  it('leaves exactly one edge after 20 simultaneous follows of the same pair', async () => {
    const { alice, bob } = await registerThree()

    const responses = await Promise.all(Array.from({ length: 20 }, () => post('follow', alice, { username: 'bob' })))

    assert.deepEqual(
      responses.map((response) => [response.status, response.body]),
      responses.map(() => [200, []]),
    )
    assert.deepEqual(await edgesOf('alice'), { following: [bob.id], followers: [] })
    assert.deepEqual(await edgesOf('bob'), { following: [], followers: [alice.id] })
    const rows = await current().db.selectFrom('follows').selectAll().execute()
    assert.equal(rows.length, 1)
  })
})
