import assert from 'node:assert/strict'
import { it } from 'node:test'
import { describeEachDatabase, NO_RATE_LIMITS } from '../helpers/app.js'
import { call, registerUser } from '../helpers/client.js'

const WRITES_PER_MINUTE = 3

describeEachDatabase(
  'write limit',
  (current) => {
    const createList = async (token: string, title: string) =>
      (await call(current().app, 'POST', '/api/lists/', { token, body: { title } })).status

    it('answers 429 with Retry-After once a signed-in user has made their changes of the minute', async () => {
      const alice = await registerUser(current().app, 'alice')
      const bob = await registerUser(current().app, 'bob')
      for (let i = 0; i < WRITES_PER_MINUTE; i++) assert.equal(await createList(alice.token, `List ${i}`), 201)

      const refused = await call(current().app, 'DELETE', '/api/lists/1/', { token: alice.token })
      assert.equal(refused.status, 429)
      const retryAfter = Number(refused.headers['retry-after'])
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${retryAfter}`)
      // Another account has a budget of its own.
      assert.equal(await createList(bob.token, 'Backlog'), 201)
    })

    it('does not count reads, nor requests without a signed-in user', async () => {
      const alice = await registerUser(current().app, 'alice')
      for (let i = 0; i < WRITES_PER_MINUTE * 2; i++) {
        assert.equal((await call(current().app, 'GET', '/api/users/user/', { token: alice.token })).status, 200)
        assert.equal((await call(current().app, 'HEAD', '/api/users/user/', { token: alice.token })).status, 200)
        assert.equal((await call(current().app, 'POST', '/api/lists/', { body: { title: 'Anonymous' } })).status, 401)
      }
      for (let i = 0; i < WRITES_PER_MINUTE; i++) assert.equal(await createList(alice.token, `List ${i}`), 201)
      assert.equal(await createList(alice.token, 'One too many'), 429)
    })
  },
  { rateLimits: { ...NO_RATE_LIMITS, writesPerMinute: WRITES_PER_MINUTE } },
)
