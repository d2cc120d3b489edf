import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, afterEach, before, describe, test } from 'node:test'
import { STRONG_PASSWORD } from '../helpers/client.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const STARTUP_TIMEOUT_MS = 30_000
const REQUEST_TIMEOUT_MS = 10_000

interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

interface Server {
  child: ChildProcess
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string
  exited: Promise<Exit>
  request(method: string, url: string, options?: { body?: unknown; token?: string }): Promise<{ status: number; body: any }>
}

const running = new Set<Server>()

/** A port nothing listens on right now: let the OS pick one, then free it. */
async function freePort(): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const { port } = probe.address() as net.AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  return port
}

/** Starts `src/server.ts` as the real process on a SQLite file and waits until /healthz answers 200. */
async function startServer(databaseFile: string, logLevel = 'warn'): Promise<Server> {
  const port = await freePort()
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: `sqlite:${databaseFile}`,
    LOG_LEVEL: logLevel,
  }
  delete env.NODE_TEST_CONTEXT
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))

  const base = `http://127.0.0.1:${port}`
  const server: Server = {
    child,
    output: () => output,
    exited,
    async request(method, url, { body, token } = {}) {
      const response = await fetch(base + url, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Token ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      })
      const text = await response.text()
      return { status: response.status, body: text ? JSON.parse(text) : text }
    },
  }
  running.add(server)

  const deadline = Date.now() + STARTUP_TIMEOUT_MS
  let exitedEarly = false
  void exited.then(() => (exitedEarly = true))
  while (!exitedEarly && Date.now() < deadline) {
    try {
      const health = await server.request('GET', '/healthz')
      if (health.status === 200) return server
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`server did not become healthy (exited: ${exitedEarly}); output:\n${output}`)
}

async function stop(server: Server, signal: NodeJS.Signals): Promise<Exit> {
  server.child.kill(signal)
  const exit = await server.exited
  running.delete(server)
  return exit
}

/** Registers an account through HTTP, checking the server acknowledged it. */
async function register(server: Server, username: string) {
  const response = await server.request('POST', '/api/users/register/', {
    body: { username, email: `${username}@example.com`, password: STRONG_PASSWORD },
  })
  assert.equal(response.status, 201, JSON.stringify(response.body))
  return { id: response.body.user.id as number, token: response.body.token as string }
}

describe('the server process', { timeout: 120_000 }, () => {
  let directory: string
  let databaseFile: string

  before(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'overworld-process-'))
  })
  afterEach(async () => {
    // No test leaves a server behind, whatever happened in it.
    await Promise.all([...running].map((server) => stop(server, 'SIGKILL')))
  })
  after(() => fs.rmSync(directory, { recursive: true, force: true }))

  let testNumber = 0
  const freshDatabase = () => (databaseFile = path.join(directory, `ow-${++testNumber}.db`))

  test('acknowledged writes survive kill -9', async () => {
    freshDatabase()
    const first = await startServer(databaseFile)
    const madeline = await register(first, 'madeline')
    const theo = await register(first, 'theo')
    const follow = await first.request('POST', '/api/users/follow/', { token: madeline.token, body: { username: 'theo' } })
    assert.equal(follow.status, 200)
    assert.deepEqual(follow.body, [])
    assert.deepEqual(await stop(first, 'SIGKILL'), { code: null, signal: 'SIGKILL' })

    const second = await startServer(databaseFile)
    const login = await second.request('POST', '/api/users/login/', { body: { username: 'madeline', password: STRONG_PASSWORD } })
    assert.equal(login.status, 200)
    assert.equal(login.body.user.id, madeline.id)
    const theoProfile = await second.request('GET', '/api/users/theo')
    assert.equal(theoProfile.status, 200)
    assert.deepEqual(theoProfile.body.followers, [madeline.id])
    const madelineProfile = await second.request('GET', '/api/users/madeline')
    assert.deepEqual(madelineProfile.body.following, [theo.id])
    // The token issued before the crash was written too.
    const me = await second.request('GET', '/api/users/user/', { token: madeline.token })
    assert.equal(me.status, 200)
    assert.equal(me.body.id, madeline.id)
  })

  test('SIGTERM shuts down cleanly (exit code 0) and keeps the data', async () => {
    freshDatabase()
    const first = await startServer(databaseFile)
    const madeline = await register(first, 'madeline')
    assert.deepEqual(await stop(first, 'SIGTERM'), { code: 0, signal: null })

    const second = await startServer(databaseFile)
    const login = await second.request('POST', '/api/users/login/', { body: { username: 'madeline', password: STRONG_PASSWORD } })
    assert.equal(login.status, 200)
    assert.equal(login.body.user.id, madeline.id)
  })

  test('the logs never contain a token or a password', async () => {
    freshDatabase()
    const server = await startServer(databaseFile, 'info')
    const madeline = await register(server, 'madeline')
    const login = await server.request('POST', '/api/users/login/', { body: { username: 'madeline', password: STRONG_PASSWORD } })
    assert.equal(login.status, 200)
    const wrongPassword = 'not-her-password-1984'
    const refused = await server.request('POST', '/api/users/login/', { body: { username: 'madeline', password: wrongPassword } })
    assert.equal(refused.status, 400)
    assert.equal((await server.request('GET', '/api/users/user/', { token: madeline.token })).status, 200)
    assert.equal((await server.request('POST', '/api/users/logout/', { token: login.body.token })).status, 204)
    // A revoked token is refused, and that refusal is logged too.
    assert.equal((await server.request('GET', '/api/users/user/', { token: login.body.token })).status, 401)
    assert.deepEqual(await stop(server, 'SIGTERM'), { code: 0, signal: null })

    const output = server.output()
    // The requests were logged, so the absence below means something.
    assert.match(output, /"url":"\/api\/users\/user\/"/)
    assert.match(output, /"url":"\/api\/users\/login\/"/)
    for (const secret of [madeline.token, login.body.token, STRONG_PASSWORD, wrongPassword]) {
      assert.equal(output.includes(secret), false, `the log contains ${secret}`)
    }
  })
})
