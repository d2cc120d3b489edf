import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { inject } from 'light-my-request'
import { loadConfig } from '../../src/config.js'
import { describeEachDatabase, NO_RATE_LIMITS } from '../helpers/app.js'
import { registerUser, type RegisteredUser } from '../helpers/client.js'

const READS_PER_MINUTE = 5

describe('RATE_LIMIT_READS_PER_MINUTE', () => {
  it('is 600 unless set; 0 turns the limit off; anything else is refused at start', () => {
    assert.equal(loadConfig({}).rateLimits.readsPerMinute, 600)
    assert.equal(loadConfig({ RATE_LIMIT_READS_PER_MINUTE: '0' }).rateLimits.readsPerMinute, 0)
    for (const wrong of ['-1', 'lots', '1.5']) {
      assert.throws(() => loadConfig({ RATE_LIMIT_READS_PER_MINUTE: wrong }), /RATE_LIMIT_READS_PER_MINUTE must be an integer/)
    }
  })
})

describeEachDatabase(
  'read limit',
  (current) => {
    /** A GET from a client address, with a user's token when one is given, as the server hands it to the app. */
    const read = async (url: string, { from = '203.0.113.7', as }: { from?: string; as?: RegisteredUser } = {}) => {
      const response = await inject(current().app.handleRequest, {
        method: 'GET',
        url,
        remoteAddress: from,
        headers: as ? { authorization: `Token ${as.token}` } : {},
      })
      return response
    }
    const statuses = async (count: number, url: string, options: { from?: string; as?: RegisteredUser } = {}) => {
      const seen: number[] = []
      for (let i = 0; i < count; i++) seen.push((await read(url, options)).statusCode)
      return seen
    }
    const allowed = (count: number) => Array<number>(count).fill(200)

    it('answers 429 with Retry-After once an address has made its reads of the minute', async () => {
      assert.deepEqual(await statuses(READS_PER_MINUTE, '/api/games/popular/'), allowed(READS_PER_MINUTE))

      const refused = await read('/api/games/popular/')
      assert.equal(refused.statusCode, 429)
      const retryAfter = Number(refused.headers['retry-after'])
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${retryAfter}`)
      assert.deepEqual(refused.json(), { detail: `Request was throttled. Expected available in ${retryAfter} seconds.` })
      // Another address has a budget of its own.
      assert.equal((await read('/api/games/popular/', { from: '198.51.100.1' })).statusCode, 200)
    })

    it('gives each signed-in account its own budget, whatever address it reads from', async () => {
      const alice = await registerUser(current().app, 'alice')
      const bob = await registerUser(current().app, 'bob')

      assert.deepEqual(await statuses(3, '/api/users/user/', { as: alice }), allowed(3))
      assert.deepEqual(await statuses(2, '/api/users/alice', { as: alice, from: '198.51.100.1' }), allowed(2))
      assert.equal((await read('/api/users/user/', { as: alice, from: '192.0.2.9' })).statusCode, 429)

      // Bob, from alice's first address, and that address's anonymous readers are not held up by alice.
      assert.deepEqual(await statuses(READS_PER_MINUTE, '/api/users/user/', { as: bob }), allowed(READS_PER_MINUTE))
      assert.equal((await read('/api/users/user/', { as: bob })).statusCode, 429)
      assert.deepEqual(await statuses(READS_PER_MINUTE, '/api/users/alice'), allowed(READS_PER_MINUTE))
    })

    it('counts a route by the route, however its URL spells it', async () => {
      const spellings = ['/api/games/popular/', '/api/games/popular', '/./api/games/popular/', '/%61pi/games/popular/', '/api/games/popular/?limit=2']
      assert.deepEqual(await Promise.all(spellings.map(async (url) => (await read(url)).statusCode)), allowed(READS_PER_MINUTE))
      assert.equal((await read('/%61pi/games/popular/')).statusCode, 429)
    })

    it('makes the anonymous readers of one address share its budget', async () => {
      const first = await statuses(3, '/api/games/popular/')
      const second = await statuses(2, '/api/users/nobody-here')
      assert.deepEqual([...first, ...second], [200, 200, 200, 404, 404])
      assert.equal((await read('/api/games/popular/?period=all')).statusCode, 429)
    })

    it('counts reads refused as bad input too', async () => {
      assert.deepEqual(await statuses(READS_PER_MINUTE, '/api/games/popular/?period=year'), Array(READS_PER_MINUTE).fill(400))
      assert.equal((await read('/api/games/popular/')).statusCode, 429)
    })

    it('takes an IPv6 address by its /64, the block one client is given', async () => {
      assert.deepEqual(await statuses(3, '/api/games/popular/', { from: '2001:db8:1:2::1' }), allowed(3))
      assert.deepEqual(await statuses(2, '/api/games/popular/', { from: '2001:db8:1:2:ffff:ffff:ffff:ffff' }), allowed(2))
      assert.equal((await read('/api/games/popular/', { from: '2001:db8:1:2:abcd::9' })).statusCode, 429)
      assert.equal((await read('/api/games/popular/', { from: '2001:db8:1:3::1' })).statusCode, 200)
    })

    it('neither counts nor refuses /healthz and the OpenAPI document', async () => {
      assert.deepEqual(await statuses(READS_PER_MINUTE * 2, '/healthz'), allowed(READS_PER_MINUTE * 2))
      assert.deepEqual(await statuses(READS_PER_MINUTE * 2, '/openapi.json'), allowed(READS_PER_MINUTE * 2))
      assert.deepEqual(await statuses(READS_PER_MINUTE, '/api/games/popular/'), allowed(READS_PER_MINUTE))
      assert.equal((await read('/api/games/popular/')).statusCode, 429)
      assert.equal((await read('/healthz')).statusCode, 200)
    })

    it('does not count changes as reads', async () => {
      const alice = await registerUser(current().app, 'alice')
      for (let i = 0; i < READS_PER_MINUTE * 2; i++) {
        const response = await current().app.inject({
          method: 'POST',
          url: '/api/lists/',
          headers: { authorization: `Token ${alice.token}` },
          payload: { title: `List ${i}` },
        })
        assert.equal(response.statusCode, 201, response.body)
      }
      assert.deepEqual(await statuses(READS_PER_MINUTE, '/api/users/user/', { as: alice }), allowed(READS_PER_MINUTE))
    })
  },
  { rateLimits: { ...NO_RATE_LIMITS, readsPerMinute: READS_PER_MINUTE } },
)
