import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { buildApp, type App } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { openDatabase } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { call } from '../helpers/client.js'

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
