/**
 * The real server as a child process (`node --import tsx src/server.ts`), and what tests around it need: free
 * ports, bounded waits, a TCP proxy that can be cut and restored, and a PostgreSQL database and Redis key prefix
 * of the test's own. Only 127.0.0.1 is ever contacted, besides the TEST_DATABASE_URL and TEST_REDIS_URL servers.
 */
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { after, afterEach, before } from 'node:test'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { STRONG_PASSWORD } from './client.js'
import { withPgClient } from './app.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const STARTUP_TIMEOUT_MS = 30_000
export const REQUEST_TIMEOUT_MS = 10_000

/** Why a test needing PostgreSQL or Redis is skipped; false when the service is configured (it must then work). */
export const withoutPostgres = process.env.TEST_DATABASE_URL ? false : 'TEST_DATABASE_URL is not set: no PostgreSQL to test against'
export const withoutRedis = process.env.TEST_REDIS_URL ? false : 'TEST_REDIS_URL is not set: no Redis to test against'

/** The server's own settings, never inherited from the environment running the tests. */
const SERVER_VARIABLES = [
  'DATABASE_URL', 'PORT', 'HOST', 'WORKERS', 'PG_POOL_SIZE', 'REDIS_URL', 'REDIS_KEY_PREFIX', 'RATE_LIMIT_AUTH_PER_MINUTE',
  'RATE_LIMIT_WRITES_PER_MINUTE', 'RATE_LIMIT_READS_PER_MINUTE', 'RATE_LIMIT_EXPORTS_PER_HOUR', 'POPULAR_CACHE_SECONDS',
  'LOG_LEVEL', 'LOG_FORMAT', 'TRUST_PROXY', 'TOKEN_TTL_HOURS', 'CORS_ORIGINS', 'IGDB_CLIENT_ID', 'IGDB_CLIENT_SECRET', 'NODE_TEST_CONTEXT',
  'NODE_ENV', 'DATABASE_READ_URL',
]

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface HttpResponse {
  status: number
  headers: Headers
  /** The parsed JSON body, or the text when it is not JSON. */
  body: any
}

export interface RequestOptions {
  body?: unknown
  token?: string
  headers?: Record<string, string>
  /** Give up after this long; REQUEST_TIMEOUT_MS by default. */
  timeoutMs?: number
}

export interface ServerProcess {
  child: ChildProcess
  port: number
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string
  /** The JSON (pino) lines of the output so far. */
  logLines(): Record<string, any>[]
  exited: Promise<Exit>
  request(method: string, url: string, options?: RequestOptions): Promise<HttpResponse>
  /** Sends the signal and waits for the process to end. */
  stop(signal: NodeJS.Signals): Promise<Exit>
}

const running = new Set<ServerProcess>()

/** A port nothing listens on right now: let the OS pick one, then free it. */
export async function freePort(): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const { port } = probe.address() as net.AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  return port
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls until `probe` answers something truthy, at most `timeoutMs`; a probe that throws counts as not yet. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  do {
    try {
      const value = await probe()
      if (value) return value
    } catch (error) {
      lastError = error
    }
    await sleep(100)
  } while (Date.now() < deadline)
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`)
}

/** One HTTP request to 127.0.0.1:port, never waiting longer than REQUEST_TIMEOUT_MS. */
export async function httpRequest(port: number, method: string, url: string, options: RequestOptions = {}): Promise<HttpResponse> {
  const { body, token, headers, timeoutMs = REQUEST_TIMEOUT_MS } = options
  const response = await fetch(`http://127.0.0.1:${port}${url}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Token ${token}` } : {}),
      ...headers,
    },
    // A body given as text with a type of its own (a file upload) goes as it is.
    body: body === undefined ? undefined : typeof body === 'string' && headers?.['content-type'] ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  })
  const text = await response.text()
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed }
}

/**
 * Starts `src/server.ts` with the given settings (HOST=127.0.0.1, a free PORT and LOG_LEVEL=warn unless given)
 * and waits until /healthz answers 200.
 */
export async function startServer(settings: Record<string, string>): Promise<ServerProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of SERVER_VARIABLES) delete env[name]
  Object.assign(env, { HOST: '127.0.0.1', PORT: String(await freePort()), LOG_LEVEL: 'warn' }, settings)
  const port = Number(env.PORT)
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  let hasExited = false
  void exited.then(() => (hasExited = true))

  const server: ServerProcess = {
    child,
    port,
    output: () => output,
    logLines: () =>
      output.split('\n').flatMap((line) => {
        if (!line.startsWith('{')) return []
        try {
          return [JSON.parse(line) as Record<string, any>]
        } catch {
          return []
        }
      }),
    exited,
    async request(method, url, options) {
      try {
        return await httpRequest(port, method, url, options)
      } catch (error) {
        // Say whether the server died, and why, rather than only "fetch failed".
        await Promise.race([exited, sleep(200)])
        const state = hasExited ? `the server exited (${child.exitCode ?? child.signalCode})` : 'the server is running'
        throw new Error(`${method} ${url}: ${String(error)}; ${state}; output:\n${output.slice(-3000)}`, { cause: error })
      }
    },
    async stop(signal) {
      if (!hasExited) child.kill(signal)
      const exit = await exited
      running.delete(server)
      return exit
    },
  }
  running.add(server)

  const deadline = Date.now() + STARTUP_TIMEOUT_MS
  while (!hasExited && Date.now() < deadline) {
    try {
      if ((await server.request('GET', '/healthz')).status === 200) return server
    } catch {
      // not listening yet
    }
    await sleep(100)
  }
  await server.stop('SIGKILL')
  throw new Error(`server did not become healthy (exited: ${hasExited}); output:\n${output}`)
}

/** Kills every server a test started and left running (for afterEach). */
export async function killAllServers(): Promise<void> {
  await Promise.all([...running].map((server) => server.stop('SIGKILL')))
}

/** Registers an account through HTTP, checking the server acknowledged it. */
export async function signUp(server: ServerProcess, username: string, headers?: Record<string, string>) {
  const response = await server.request('POST', '/api/users/register/', {
    body: { username, email: `${username}@example.com`, password: STRONG_PASSWORD },
    headers,
  })
  assert.equal(response.status, 201, JSON.stringify(response.body))
  return { id: response.body.user.id as number, token: response.body.token as string }
}

export interface TcpProxy {
  port: number
  /** Stops listening and destroys every connection, as if the service behind had gone. */
  cut(): Promise<void>
  /** Holds every byte either way while keeping the connections open, as a network partition does. */
  freeze(): void
  /** Ends a cut (listens again on the same port) or a freeze (delivers what was held). */
  restore(): Promise<void>
}

const openProxies = new Set<TcpProxy>()

/** A TCP proxy on 127.0.0.1 (on a free port) forwarding every connection to `target`. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>()
  let frozen = false
  const track = (socket: net.Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    if (frozen) socket.pause()
  }
  // Forwarding by hand, not pipe(): a paused socket then passes nothing until resumed.
  const forward = (from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk) => to.write(chunk))
    from.on('end', () => to.end())
    from.on('error', () => to.destroy())
  }
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host)
    track(client)
    track(upstream)
    forward(client, upstream)
    forward(upstream, client)
  })
  const listen = async (port: number) => {
    server.listen(port, '127.0.0.1')
    await once(server, 'listening')
  }
  await listen(0)
  const port = (server.address() as net.AddressInfo).port
  const proxy: TcpProxy = {
    port,
    async cut() {
      const closed = new Promise((resolve) => server.close(resolve))
      for (const socket of sockets) socket.destroy()
      await closed
    },
    freeze() {
      frozen = true
      for (const socket of sockets) socket.pause()
    },
    async restore() {
      frozen = false
      for (const socket of sockets) socket.resume()
      if (!server.listening) await listen(port)
    },
  }
  openProxies.add(proxy)
  return proxy
}

/** Cuts every proxy a test started (for afterEach). */
export async function closeAllProxies(): Promise<void> {
  await Promise.all([...openProxies].map((proxy) => proxy.cut().catch(() => {})))
  openProxies.clear()
}

export interface PostgresDatabase {
  url: string
  name: string
  drop(): Promise<void>
}

/** A new PostgreSQL database (with pg_trgm) on the TEST_DATABASE_URL server, for one test. */
export async function createPostgresDatabase(): Promise<PostgresDatabase> {
  const baseUrl = process.env.TEST_DATABASE_URL
  if (!baseUrl) throw new Error('TEST_DATABASE_URL is not set')
  const name = `overworld_test_${randomBytes(6).toString('hex')}`
  await withPgClient(baseUrl, (client) => client.query(`create database ${name}`))
  const url = new URL(baseUrl)
  url.pathname = `/${name}`
  await withPgClient(url.toString(), (client) => client.query('create extension if not exists pg_trgm'))
  return {
    url: url.toString(),
    name,
    drop: () => withPgClient(baseUrl, (client) => client.query(`drop database if exists ${name} with (force)`)).then(() => {}),
  }
}

/** A Redis key prefix no other test uses. */
export const randomKeyPrefix = () => `overworld_test_${randomBytes(6).toString('hex')}:`

/** A client of the TEST_REDIS_URL server; fails unless it answers. */
export async function connectRedis(): Promise<Redis> {
  const url = process.env.TEST_REDIS_URL
  if (!url) throw new Error('TEST_REDIS_URL is not set')
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 1, retryStrategy: () => null })
  redis.on('error', () => {}) // connect() and each command report their own failure
  await redis.connect()
  assert.equal(await redis.ping(), 'PONG')
  return redis
}

/** Deletes every key under a prefix (bounded: a test makes a handful). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}*`)
  if (keys.length > 0) await redis.del(...keys)
}

/** host and port of a service URL (postgres://, redis://). */
export function hostAndPort(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = new URL(url)
  return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || defaultPort) }
}

export interface ServerDatabase {
  kind: 'sqlite' | 'postgres'
  /** Why this kind is skipped here, or false. */
  skip: string | false
  /** A new database's DATABASE_URL for the test that calls it. */
  create(): Promise<string>
}

/**
 * The databases a suite of server-process tests runs on: a SQLite file in a folder of the suite's own, and a
 * PostgreSQL database when TEST_DATABASE_URL is set. Call it inside the describe: it kills the test's servers
 * and drops its database after each test.
 */
export function serverDatabases(): ServerDatabase[] {
  let directory = ''
  let database: PostgresDatabase | undefined
  before(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'overworld-servers-'))
  })
  afterEach(async () => {
    await killAllServers()
    await database?.drop()
    database = undefined
  })
  after(() => fs.rmSync(directory, { recursive: true, force: true }))
  return [
    { kind: 'sqlite', skip: false, create: async () => `sqlite:${path.join(directory, 'ow.db')}` },
    { kind: 'postgres', skip: withoutPostgres, create: async () => (database = await createPostgresDatabase()).url },
  ]
}
