import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { buildApp, type App } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { openDatabase } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { NO_RATE_LIMITS } from '../helpers/app.js'
import { call, registerUser, type ApiResponse } from '../helpers/client.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

describe('response headers any client can steer', () => {
  let app: App
  const logLines: string[] = []
  before(async () => {
    const db = openDatabase('sqlite::memory:')
    await migrateToLatest(db)
    const stream = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk))
        done()
      },
    })
    app = await buildApp({ config: loadConfig({}), db, webDist: null, logger: { level: 'info', stream } })
  })
  after(() => app.close())

  it("keeps a load balancer's short, plain X-Request-Id: it is echoed and logged", async () => {
    for (const id of ['b7e4c2a0-1f3d-4c5e-9a8b-2d6f0e1c3b5a', 'lb.node-3:request_42', 'x'.repeat(64)]) {
      const response = await call(app, 'GET', '/healthz', { headers: { 'x-request-id': id } })
      assert.equal(response.headers['x-request-id'], id)
      assert.ok(logLines.some((line) => JSON.parse(line).reqId === id), `${id} is logged`)
    }
  })

  it('replaces a long or odd X-Request-Id with one of its own, in the answer and in the log', async () => {
    const odd = ['r'.repeat(8_000), 'x'.repeat(65), 'id with spaces', '<script>alert(1)</script>', 'a,b', 'ünïcode', '']
    for (const id of odd) {
      logLines.length = 0
      const response = await call(app, 'GET', '/healthz', { headers: { 'x-request-id': id } })
      const echoed = String(response.headers['x-request-id'])
      assert.match(echoed, UUID, JSON.stringify(id.slice(0, 40)))
      const logged = logLines.map((line) => JSON.parse(line).reqId)
      assert.ok(logged.length > 0 && logged.every((reqId) => reqId === echoed), 'the log carries the new id only')
    }
  })

  it("gives the Swagger UI's weaker policy to /docs and the paths under /docs/ only", async () => {
    const allowsInlineScripts = async (url: string) => {
      const policy = String((await call(app, 'GET', url)).headers['content-security-policy'])
      return /script-src[^;]*'unsafe-inline'/.test(policy)
    }
    for (const url of ['/docs', '/docs/', '/docs/static/index.html', '/docs?x=1']) {
      assert.equal(await allowsInlineScripts(url), true, url)
    }
    for (const url of ['/docsfoo', '/docs-evil/x', '/docs.html', '/api/docs/', '/docsx?/docs/']) {
      assert.equal(await allowsInlineScripts(url), false, url)
    }
  })
})

/** What every answer carries, whatever it is. */
const EVERY_ANSWER = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
}

/** What only an HTML page carries besides: headers that only a document reads. */
const PAGE_ONLY = {
  'cross-origin-opener-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
}

const HTML = { accept: 'text/html,application/xhtml+xml' }

function assertAnswerHeaders(response: ApiResponse, label: string) {
  for (const [name, value] of Object.entries(EVERY_ANSWER)) assert.equal(response.headers[name], value, `${label}: ${name}`)
  assert.match(String(response.headers['x-request-id']), UUID, `${label}: x-request-id`)
}

/** A JSON answer or a file: the headers every answer carries, and none of a page's. */
function assertNotPageHeaders(response: ApiResponse, label: string) {
  assertAnswerHeaders(response, label)
  for (const name of [...Object.keys(PAGE_ONLY), 'content-security-policy']) {
    assert.equal(response.headers[name], undefined, `${label}: no ${name}`)
  }
  const cors = Object.keys(response.headers).filter((name) => name.startsWith('access-control-'))
  assert.deepEqual(cors, [], `${label}: no CORS headers`)
}

function assertPageHeaders(response: ApiResponse, label: string): string {
  assertAnswerHeaders(response, label)
  for (const [name, value] of Object.entries(PAGE_ONLY)) assert.equal(response.headers[name], value, `${label}: ${name}`)
  const policy = response.headers['content-security-policy']
  assert.equal(typeof policy, 'string', `${label}: content-security-policy`)
  return policy as string
}

async function appWith(config: Partial<Config>, webDist: string | null = null): Promise<App> {
  const db = openDatabase('sqlite::memory:')
  await migrateToLatest(db)
  return buildApp({ config: { ...loadConfig({}), ...config }, db, webDist })
}

describe('the headers each kind of answer carries', () => {
  let app: App
  let dist: string
  before(async () => {
    dist = `${fs.mkdtempSync(path.join(os.tmpdir(), 'overworld-headers-'))}/`
    fs.mkdirSync(`${dist}assets`)
    fs.writeFileSync(`${dist}index.html`, '<!doctype html><title>Overworld</title><script type="module" src="/assets/app-1.js"></script>')
    fs.writeFileSync(`${dist}assets/app-1.js`, 'console.log("overworld")')
    fs.writeFileSync(`${dist}assets/app-1.css`, 'body { margin: 0 }')
    app = await appWith({ rateLimits: NO_RATE_LIMITS }, dist)
  })
  after(async () => {
    await app.close()
    fs.rmSync(dist, { recursive: true, force: true })
  })

  it('gives JSON answers, successes and errors alike, only the headers that matter for JSON', async () => {
    const alice = await registerUser(app, 'alice')
    const answers: [string, number, ApiResponse][] = [
      ['game list', 200, await call(app, 'GET', '/api/games/popular/')],
      ['signed-in user', 200, await call(app, 'GET', '/api/users/user/', { token: alice.token })],
      ['HEAD', 200, await call(app, 'HEAD', '/api/games/popular/')],
      ['change', 201, await call(app, 'POST', '/api/lists/', { token: alice.token, body: { title: 'Backlog' } })],
      ['health', 200, await call(app, 'GET', '/healthz')],
      ['OpenAPI document', 200, await call(app, 'GET', '/openapi.json')],
      ['unknown API path', 404, await call(app, 'GET', '/api/no-such-thing', { headers: HTML })],
      ['unknown page for a program', 404, await call(app, 'GET', '/games/celeste')],
      ['bad query', 400, await call(app, 'GET', '/api/games/popular/?period=year')],
      ['NUL in the URL', 400, await call(app, 'GET', '/api/users/%00')],
      ['NUL in the body', 400, await call(app, 'POST', '/api/lists/', { token: alice.token, body: { title: 'a\u0000b' } })],
      ['malformed %-escape', 400, await call(app, 'GET', '/api/users/%E0%A4%A')],
      ['no token', 401, await call(app, 'GET', '/api/users/user/')],
      ['wrong method', 405, await call(app, 'DELETE', '/api/users/login/')],
      ['body too large', 413, await call(app, 'POST', '/api/users/login/', { body: { username: 'x'.repeat(70_000), password: 'x' } })],
      [
        'unsupported body type',
        415,
        await call(app, 'POST', '/api/users/login/', { body: 'username=alice', headers: { 'content-type': 'text/plain' } }),
      ],
    ]
    for (const [label, status, response] of answers) {
      assert.equal(response.status, status, `${label}: ${response.text.slice(0, 200)}`)
      assertNotPageHeaders(response, label)
    }
  })

  it('gives a throttled answer the same headers', async () => {
    const limited = await appWith({ rateLimits: { ...NO_RATE_LIMITS, readsPerMinute: 1 } })
    try {
      assert.equal((await call(limited, 'GET', '/api/games/popular/')).status, 200)
      const refused = await call(limited, 'GET', '/api/games/popular/')
      assert.equal(refused.status, 429)
      assertNotPageHeaders(refused, '429')
    } finally {
      await limited.close()
    }
  })

  it("gives the web app's pages the page headers with the site's policy: its own scripts only", async () => {
    for (const url of ['/', '/games/celeste', '/index.html']) {
      const response = await call(app, 'GET', url, { headers: HTML })
      assert.equal(response.status, 200, url)
      const policy = assertPageHeaders(response, url)
      assert.match(policy, /(^|; )script-src 'self'(;|$)/, url)
      assert.match(policy, /frame-ancestors 'none'/, url)
      assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval|upgrade-insecure-requests/, url)
    }
  })

  it("gives the web app's scripts and styles the headers every answer carries, nosniff first of all", async () => {
    for (const url of ['/assets/app-1.js', '/assets/app-1.css']) {
      const response = await call(app, 'GET', url)
      assert.equal(response.status, 200, url)
      assertNotPageHeaders(response, url)
    }
  })

  it("gives the Swagger UI's pages the page headers with a policy that allows its inline script", async () => {
    for (const url of ['/docs', '/docs/']) {
      const response = await call(app, 'GET', url, { headers: HTML })
      assert.equal(response.status, 200, url)
      assert.match(assertPageHeaders(response, url), /script-src 'self' 'unsafe-inline'/, url)
    }
  })

  it('answers a preflight request as an unknown path, with no CORS headers, when no origin is allowed', async () => {
    const preflight = await call(app, 'OPTIONS', '/api/users/login/', {
      headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'POST' },
    })
    assert.equal(preflight.status, 404)
    assert.deepEqual(preflight.body, { detail: 'Not found.' })
    assertNotPageHeaders(preflight, 'preflight')
    const read = await call(app, 'GET', '/api/games/popular/', { headers: { origin: 'https://elsewhere.example' } })
    assertNotPageHeaders(read, 'cross-origin read')
  })
})

describe('CORS_ORIGINS', () => {
  let app: App
  const allowed = 'https://app.example'
  before(async () => {
    app = await appWith({ corsOrigins: [allowed], rateLimits: NO_RATE_LIMITS })
  })
  after(() => app.close())

  it('lets the allowed origins read and send changes, and no other', async () => {
    const preflight = await call(app, 'OPTIONS', '/api/users/login/', {
      headers: { origin: allowed, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    })
    assert.equal(preflight.status, 204)
    assert.equal(preflight.headers['access-control-allow-origin'], allowed)
    assert.match(String(preflight.headers['access-control-allow-methods']), /POST/)
    assertAnswerHeaders(preflight, 'preflight')

    const read = await call(app, 'GET', '/api/games/popular/', { headers: { origin: allowed } })
    assert.equal(read.status, 200)
    assert.equal(read.headers['access-control-allow-origin'], allowed)

    const stranger = await call(app, 'GET', '/api/games/popular/', { headers: { origin: 'https://elsewhere.example' } })
    assert.equal(stranger.status, 200)
    assert.equal(stranger.headers['access-control-allow-origin'], undefined)
  })
})
