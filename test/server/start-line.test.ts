import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { loadConfig } from '../../src/config.js'
import { isWebAppBuilt } from '../../src/web/site.js'
import { STRONG_PASSWORD } from '../helpers/client.js'
import { serverDatabases, signUp, startServer, waitFor, type ServerProcess } from '../helpers/server-process.js'

const START = 'Overworld is running: '

/** What the start line says for a server on 127.0.0.1, before the database it names. */
function expectedStart(server: ServerProcess): string {
  const base = `http://127.0.0.1:${server.port}`
  const site = isWebAppBuilt() ? `site ${base}/` : 'site not built (npm run build:web)'
  return `${START}${site}  API ${base}/api/  docs ${base}/docs (`
}

const outputLines = (server: ServerProcess) => server.output().split('\n').filter(Boolean)

describe('LOG_FORMAT', () => {
  it('is readable lines at a terminal and JSON anywhere else, unless LOG_FORMAT says which', () => {
    assert.equal(loadConfig({}, true).logFormat, 'pretty')
    assert.equal(loadConfig({}, false).logFormat, 'json')
    assert.equal(loadConfig({ LOG_FORMAT: 'json' }, true).logFormat, 'json')
    assert.equal(loadConfig({ LOG_FORMAT: 'pretty' }, false).logFormat, 'pretty')
    assert.throws(() => loadConfig({ LOG_FORMAT: 'yaml' }), /^Error: LOG_FORMAT must be json or pretty, got "yaml"$/)
  })
})

describe('what the server prints', { timeout: 120_000 }, () => {
  const databases = serverDatabases()

  for (const database of databases) {
    it(`${database.kind}: in JSON, one start line naming the site, the API, its docs and the database, and JSON request logs`, { skip: database.skip }, async () => {
      const url = await database.create()
      const server = await startServer({ DATABASE_URL: url, LOG_LEVEL: 'info' })
      assert.equal((await server.request('GET', '/api/users/nobody')).status, 404)
      assert.deepEqual(await server.stop('SIGTERM'), { code: 0, signal: null })

      const lines = outputLines(server)
      assert.deepEqual(lines.filter((line) => !line.startsWith('{')), [], 'every line is JSON')
      const starts = server.logLines().filter((line) => String(line.msg).startsWith(START))
      assert.equal(starts.length, 1)
      const { host, pathname } = new URL(url)
      const named = database.kind === 'sqlite' ? `SQLite ${url.slice('sqlite:'.length)}` : `PostgreSQL ${host}${pathname}`
      assert.equal(starts[0]?.msg, `${expectedStart(server)}${named})`)
      const completed = server.logLines().find((line) => line.msg === 'request completed' && line.res.statusCode === 404)
      assert.ok(completed, 'the request is logged when answered')
      const incoming = server.logLines().find((line) => line.msg === 'incoming request' && line.reqId === completed.reqId)
      assert.equal(incoming?.req.url, '/api/users/nobody')
    })
  }

  it('LOG_FORMAT=pretty: the start line, then one line per request (method, path, status, time), no credentials', async () => {
    const url = await databases[0]!.create()
    const server = await startServer({ DATABASE_URL: url, LOG_LEVEL: 'info', LOG_FORMAT: 'pretty' })
    const madeline = await signUp(server, 'madeline')
    assert.equal((await server.request('GET', '/api/users/user/', { token: madeline.token })).status, 200)
    const wrongPassword = 'not-her-password-1984'
    const refused = await server.request('POST', '/api/users/login/', { body: { username: 'madeline', password: wrongPassword } })
    assert.equal(refused.status, 400)
    assert.deepEqual(await server.stop('SIGINT'), { code: 0, signal: null })

    // Each line without its time (HH:MM:SS), which every line starts with.
    const lines = outputLines(server).map((line) => {
      assert.match(line, /^\d\d:\d\d:\d\d /)
      return line.slice('00:00:00 '.length)
    })
    assert.equal(lines[0], `${expectedStart(server)}SQLite ${url.slice('sqlite:'.length)})`)
    const requests = lines.flatMap((line) => /^([A-Z]+) (\S+) (\d{3}) \d+\.\d ms$/.exec(line)?.slice(1) ?? []).join(' ')
    assert.match(requests, /POST \/api\/users\/register\/ 201 GET \/api\/users\/user\/ 200 POST \/api\/users\/login\/ 400$/)
    assert.equal(lines.filter((line) => line.includes('/api/users/')).length, 3, 'one line per request, nothing else about them')
    assert.equal(lines.at(-1), 'shutting down: finishing in-flight requests {"signal":"SIGINT"}')
    assert.deepEqual(lines.filter((line) => line.startsWith('{')), [], 'no JSON')
    for (const secret of [madeline.token, STRONG_PASSWORD, wrongPassword]) {
      assert.equal(server.output().includes(secret), false, `the output contains ${secret}`)
    }
  })

  it('with WORKERS=2, the start line is said once and counts the processes', async () => {
    const url = await databases[0]!.create()
    const server = await startServer({ DATABASE_URL: url, LOG_LEVEL: 'info', WORKERS: '2' })
    await waitFor('both workers to listen', async () =>
      server.logLines().filter((line) => String(line.msg).startsWith('Server listening')).length === 2,
      30_000,
    )
    assert.deepEqual(await server.stop('SIGTERM'), { code: 0, signal: null })
    const starts = server.logLines().filter((line) => String(line.msg).startsWith(START))
    assert.deepEqual(starts.map((line) => line.msg), [`${expectedStart(server)}SQLite ${url.slice('sqlite:'.length)}, 2 worker processes)`])
  })
})
