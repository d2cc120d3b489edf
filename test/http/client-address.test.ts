import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { loadConfig, type Config } from '../../src/config.js'
import { describeEachDatabase, NO_RATE_LIMITS } from '../helpers/app.js'
import { call } from '../helpers/client.js'

const LIMIT = 3

describe('TRUST_PROXY', () => {
  it('is off by default: the peer is the client', () => {
    assert.equal(loadConfig({}).trustProxy, false)
    assert.equal(loadConfig({ TRUST_PROXY: 'false' }).trustProxy, false)
  })

  it('takes a number of proxies, or their addresses and CIDR ranges', () => {
    assert.equal(loadConfig({ TRUST_PROXY: '1' }).trustProxy, 1)
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2)
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.10,::1,fd00::/8,loopback' }).trustProxy, [
      '10.0.0.0/8',
      '192.168.1.10',
      '::1',
      'fd00::/8',
      'loopback',
    ])
  })

  it('refuses `true` at start, saying what to set instead', () => {
    assert.throws(() => loadConfig({ TRUST_PROXY: 'true' }), /TRUST_PROXY to the number of proxies in front of the server \(e\.g\. 1\) or to their addresses/)
  })

  it('refuses what is neither a count nor addresses', () => {
    for (const value of ['yes', '10.0.0.0/33', '10.0.0.1/8/2', 'proxy.example.com', '1,2', '-1', '99']) {
      assert.throws(() => loadConfig({ TRUST_PROXY: value }), /TRUST_PROXY must be/, value)
    }
  })
})

/** Sign-ups are limited per client address: which address counts shows who the server takes for the client. */
function describeClientAddress(name: string, trustProxy: Config['trustProxy'], cases: (signUp: SignUp) => void) {
  describeEachDatabase(name, (current) => {
    let number = 0
    cases((forwardedFor, remoteAddress = '127.0.0.1') => {
      const username = `player${++number}`
      return call(current().app, 'POST', '/api/users/register/', {
        body: { username, email: `${username}@example.com`, password: 'violet-harbor-lantern-42' },
        remoteAddress,
        headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
      }).then((response) => response.status)
    })
  }, { trustProxy, rateLimits: { ...NO_RATE_LIMITS, authPerMinute: LIMIT } })
}

type SignUp = (forwardedFor: string | undefined, remoteAddress?: string) => Promise<number>

describeClientAddress('behind one proxy (TRUST_PROXY=1)', 1, (signUp) => {
  it('takes the entry the proxy wrote, not what the client wrote before it', async () => {
    for (let attempt = 0; attempt < LIMIT; attempt++) assert.equal(await signUp(`198.51.100.${attempt}, 203.0.113.7`), 201)
    // A new left-most entry each time changes nothing: the client is still 203.0.113.7.
    assert.equal(await signUp('198.51.100.99, 203.0.113.7'), 429)
    assert.equal(await signUp('203.0.113.8'), 201)
  })
})

describeClientAddress('behind named proxies (TRUST_PROXY=127.0.0.1,10.0.0.0/8)', ['127.0.0.1', '10.0.0.0/8'], (signUp) => {
  it('takes the right-most entry that is not one of the proxies', async () => {
    for (let attempt = 0; attempt < LIMIT; attempt++) {
      assert.equal(await signUp(`198.51.100.${attempt}, 203.0.113.7, 10.1.2.3`), 201)
    }
    assert.equal(await signUp('203.0.113.7'), 429)
    assert.equal(await signUp('203.0.113.7, 10.9.9.9'), 429)
  })

  it('ignores X-Forwarded-For from a peer that is not one of the proxies', async () => {
    for (let attempt = 0; attempt < LIMIT; attempt++) assert.equal(await signUp(`198.51.100.${attempt}`, '192.0.2.1'), 201)
    assert.equal(await signUp('198.51.100.200', '192.0.2.1'), 429)
  })
})

describeClientAddress('with no proxy (TRUST_PROXY unset)', false, (signUp) => {
  it('ignores X-Forwarded-For altogether', async () => {
    for (let attempt = 0; attempt < LIMIT; attempt++) assert.equal(await signUp(`198.51.100.${attempt}`), 201)
    assert.equal(await signUp('198.51.100.250'), 429)
  })
})
