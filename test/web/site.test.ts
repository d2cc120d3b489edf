import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { buildApp, type App } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { openDatabase } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { call } from '../helpers/client.js'

const PAGE = '<!doctype html><title>Overworld</title><script type="module" src="/assets/app-abc123.js"></script>'
const HTML = { accept: 'text/html,application/xhtml+xml' }

describe('the web app served at /', () => {
  let app: App
  let dist: string
  before(async () => {
    dist = `${fs.mkdtempSync(path.join(os.tmpdir(), 'overworld-site-'))}/`
    fs.mkdirSync(`${dist}assets`)
    fs.writeFileSync(`${dist}index.html`, PAGE)
    fs.writeFileSync(`${dist}assets/app-abc123.js`, 'console.log("overworld")')
    const db = openDatabase('sqlite::memory:')
    await migrateToLatest(db)
    app = await buildApp({ config: loadConfig({}), db, webDist: dist })
  })
  after(async () => {
    await app.close()
    fs.rmSync(dist, { recursive: true, force: true })
  })

  it('answers every page path a browser asks for with the app, which routes it', async () => {
    for (const url of ['/', '/games/celeste', '/u/madeline/stats', '/no/such/page']) {
      const response = await call(app, 'GET', url, { headers: HTML })
      assert.equal(response.status, 200, url)
      assert.equal(response.text, PAGE, url)
      assert.equal(response.headers['cache-control'], 'no-cache', url)
    }
  })

  it('answers / with the app whatever the client accepts, and other unknown paths as JSON 404s for programs', async () => {
    for (const url of ['/', '/?utm_source=newsletter']) {
      const home = await call(app, 'GET', url, { headers: { accept: '*/*' } })
      assert.equal(home.status, 200, url)
      assert.equal(home.text, PAGE, url)
    }
    const elsewhere = await call(app, 'GET', '/games/celeste', { headers: { accept: '*/*' } })
    assert.equal(elsewhere.status, 404)
    assert.deepEqual(elsewhere.body, { detail: 'Not found.' })
  })

  it('serves the built files, hashed ones cached for good', async () => {
    const response = await call(app, 'GET', '/assets/app-abc123.js')
    assert.equal(response.status, 200)
    assert.equal(response.text, 'console.log("overworld")')
    assert.equal(response.headers['cache-control'], 'public, max-age=31536000, immutable')
  })

  it('keeps /api for the API: unknown API paths are JSON 404s even for a browser', async () => {
    for (const headers of [HTML, {}]) {
      const response = await call(app, 'GET', '/api/no-such-thing', { headers })
      assert.equal(response.status, 404)
      assert.deepEqual(response.body, { detail: 'Not found.' })
    }
    assert.equal((await call(app, 'GET', '/api/games/popular/')).status, 200)
  })

  it("sends a Content-Security-Policy that allows only the app's own scripts", async () => {
    const response = await call(app, 'GET', '/', { headers: HTML })
    const policy = String(response.headers['content-security-policy'])
    assert.match(policy, /script-src 'self'(;|$)/)
    assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval/)
    const docs = await call(app, 'GET', '/docs/', { headers: HTML })
    assert.match(String(docs.headers['content-security-policy']), /script-src 'self' 'unsafe-inline'/)
  })
})

describe('without a built web app', () => {
  it('is the API alone: page paths are JSON 404s', async () => {
    const db = openDatabase('sqlite::memory:')
    await migrateToLatest(db)
    const app = await buildApp({ config: loadConfig({}), db, webDist: null })
    const response = await call(app, 'GET', '/games/celeste', { headers: HTML })
    assert.equal(response.status, 404)
    assert.deepEqual(response.body, { detail: 'Not found.' })
    await app.close()
  })
})
