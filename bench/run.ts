/**
 * npm run bench: seeds realistic databases, drives the real server over loopback with autocannon, and drives a
 * bare node:http server answering the same bytes (the limit of this machine), for SQLite and PostgreSQL.
 * Writes bench/results/latest.json and latest.md. A benchmark, not a test: it asserts nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import pg from 'pg'
import { BENCH_PASSWORD, FULL, ordinaryUser, POPULAR_USER, SMALL, seed, type Scale, type Seeded } from './seed.js'

const ROOT = path.resolve(import.meta.dirname, '..')
const DURATION = Number(process.env.BENCH_DURATION ?? 8)
const CONNECTIONS = 32
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const log = (line: string) => console.error(`[bench] ${line}`)

interface Request {
  method: 'GET' | 'POST'
  path: string
  body?: string
  headers?: Record<string, string>
}

interface Scenario {
  name: string
  requests: Request[]
  /** Reads are held to the targets; writes and logins are reported. */
  read: boolean
}

interface Measurement {
  database: string
  scale: string
  scenario: string
  requestsPerSecond: number
  p50: number
  p99: number
  peakRssMb: number
  errors: number
  limitRequestsPerSecond?: number
  ratioToLimit?: number
}

const json = { 'content-type': 'application/json' }

function scenarios(seeded: Seeded, scale: Scale): Scenario[] {
  const auth = { authorization: `Token ${seeded.viewerToken}` }
  const profile = (username: string) => ({ method: 'GET' as const, path: `/api/users/${username}` })
  const feed: Scenario = { name: 'feed page', read: true, requests: [{ method: 'GET', path: '/api/feed/', headers: auth }] }
  const ordinary: Scenario = { name: 'profile (ordinary user)', read: true, requests: [profile(ordinaryUser(scale))] }
  if (scale.name === SMALL.name) return [ordinary, feed]
  return [
    ordinary,
    { name: 'profile (popular user)', read: true, requests: [profile(POPULAR_USER)] },
    { name: 'GET /api/users/user/', read: true, requests: [{ method: 'GET', path: '/api/users/user/', headers: auth }] },
    { name: 'game search', read: true, requests: [{ method: 'GET', path: '/api/games/search/zelda' }] },
    feed,
    {
      name: 'follow + unfollow',
      read: false,
      requests: ['follow', 'unfollow'].map((action) => ({
        method: 'POST' as const,
        path: `/api/users/${action}/`,
        body: JSON.stringify({ username: 'user600' }),
        headers: { ...auth, ...json },
      })),
    },
    {
      name: 'login',
      read: false,
      requests: [{ method: 'POST', path: '/api/users/login/', body: JSON.stringify({ username: 'user10', password: BENCH_PASSWORD }), headers: json }],
    },
  ]
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

async function waitUntilUp(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`)
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error('server did not start')
}

async function startServer(databaseUrl: string): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort()
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/server.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      RATE_LIMIT_AUTH_PER_MINUTE: '0',
      RATE_LIMIT_WRITES_PER_MINUTE: '0',
      RATE_LIMIT_READS_PER_MINUTE: '0',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  await waitUntilUp(port, child)
  return { port, child }
}

/** A server that answers every request with fixed bytes and does nothing else: the ceiling for a scenario. */
async function startLimitServer(responses: { status: number; contentType: string; body: string }[]) {
  const port = await freePort()
  const file = path.join(os.tmpdir(), `overworld-limit-${process.pid}.json`)
  fs.writeFileSync(file, JSON.stringify(responses))
  const child = spawn(process.execPath, [path.join(ROOT, 'bench/limit-server.mjs'), file, String(port)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  await new Promise((resolve) => child.once('message', resolve))
  return { port, child }
}

async function sampleResponses(port: number, requests: Request[]) {
  const responses = []
  for (const request of requests) {
    const response = await fetch(`http://127.0.0.1:${port}${request.path}`, {
      method: request.method,
      headers: request.headers,
      body: request.body,
    })
    responses.push({ status: response.status, contentType: response.headers.get('content-type') ?? '', body: await response.text() })
  }
  return responses
}

function peakRssSampler(pid: number | undefined) {
  let peak = 0
  const timer = setInterval(() => {
    if (pid === undefined) return
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
      peak = Math.max(peak, kb / 1024)
    } catch {
      // process gone
    }
  }, 100)
  return () => {
    clearInterval(timer)
    return Math.round(peak)
  }
}

async function drive(port: number, requests: Request[], options: { connections?: number; overallRate?: number } = {}) {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: options.connections ?? CONNECTIONS,
    duration: DURATION,
    requests,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
  })
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  }
}

async function benchDatabase(database: string, url: string, scale: Scale, seeded: Seeded): Promise<Measurement[]> {
  const { port, child } = await startServer(url)
  const measurements: Measurement[] = []
  try {
    for (const scenario of scenarios(seeded, scale)) {
      log(`${database}/${scale.name}: ${scenario.name}`)
      await drive(port, scenario.requests, { connections: 4 }).catch(() => undefined) // warm-up
      const stopSampling = peakRssSampler(child.pid)
      const measured = await drive(port, scenario.requests)
      const peakRssMb = stopSampling()
      const limit = await startLimitServer(await sampleResponses(port, scenario.requests))
      const ceiling = await drive(limit.port, scenario.requests)
      limit.child.kill()
      measurements.push({
        database,
        scale: scale.name,
        scenario: scenario.name,
        ...measured,
        peakRssMb,
        limitRequestsPerSecond: ceiling.requestsPerSecond,
        ratioToLimit: Math.round((measured.requestsPerSecond / ceiling.requestsPerSecond) * 100) / 100,
      })
    }
    if (scale.name === FULL.name) measurements.push(await readsWhileLoggingIn(database, port, seeded, child.pid))
  } finally {
    child.kill('SIGTERM')
  }
  return measurements
}

/** GET /api/users/user/ at 32 connections while 20 logins a second are being hashed. */
async function readsWhileLoggingIn(database: string, port: number, seeded: Seeded, pid: number | undefined): Promise<Measurement> {
  log(`${database}/full: GET /api/users/user/ during 20 logins/s`)
  const stopSampling = peakRssSampler(pid)
  const [reads] = await Promise.all([
    drive(port, [{ method: 'GET', path: '/api/users/user/', headers: { authorization: `Token ${seeded.viewerToken}` } }]),
    drive(port, [{ method: 'POST', path: '/api/users/login/', body: JSON.stringify({ username: 'user11', password: BENCH_PASSWORD }), headers: json }], {
      connections: 4,
      overallRate: 20,
    }),
  ])
  return { database, scale: 'full', scenario: 'GET /api/users/user/ during 20 logins/s', ...reads, peakRssMb: stopSampling() }
}

async function freshPostgresSchema(name: string): Promise<string> {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  await client.query(`drop schema if exists ${name} cascade`)
  await client.query(`create schema ${name}`)
  await client.query('create extension if not exists pg_trgm with schema public')
  await client.end()
  const url = new URL(PG_URL)
  url.searchParams.set('options', `-c search_path=${name},public`)
  return url.toString()
}

function markdown(measurements: Measurement[], machine: string): string {
  const rows = measurements.map((m) =>
    [m.database, m.scale, m.scenario, m.requestsPerSecond, m.p50, m.p99, m.peakRssMb, m.errors, m.limitRequestsPerSecond ?? '', m.ratioToLimit ?? '']
      .map(String)
      .join(' | '),
  )
  return [
    `Machine: ${machine}. ${CONNECTIONS} connections, ${DURATION} s a scenario, autocannon in the same machine.`,
    '',
    '| database | data | scenario | req/s | p50 ms | p99 ms | peak RSS MB | errors | limit req/s | ratio to limit |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((row) => `| ${row} |`),
    '',
  ].join('\n')
}

async function main(): Promise<void> {
  log('building the server')
  await new Promise<void>((resolve, reject) =>
    spawn('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' }).on('exit', (code) => (code === 0 ? resolve() : reject(new Error('build failed')))),
  )
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'overworld-bench-'))
  const measurements: Measurement[] = []
  const databases: [string, (scale: Scale) => Promise<string>][] = []
  if (process.env.BENCH_SKIP_SQLITE !== '1') databases.push(['sqlite', async (scale) => `sqlite:${path.join(workDir, `${scale.name}.db`)}`])
  if (process.env.BENCH_SKIP_POSTGRES !== '1') databases.push(['postgres', (scale) => freshPostgresSchema(`bench_${scale.name}`)])
  for (const [database, urlFor] of databases) {
    for (const scale of [SMALL, FULL]) {
      const url = await urlFor(scale)
      const started = Date.now()
      const seeded = await seed(url, scale, log)
      log(`${database}/${scale.name}: seeded in ${Math.round((Date.now() - started) / 1000)} s`)
      measurements.push(...(await benchDatabase(database, url, scale, seeded)))
    }
  }
  fs.rmSync(workDir, { recursive: true, force: true })

  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${os.type()} ${os.release()}`
  const resultsDir = path.join(ROOT, 'bench/results')
  fs.mkdirSync(resultsDir, { recursive: true })
  fs.writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify({ machine, date: new Date().toISOString(), connections: CONNECTIONS, durationSeconds: DURATION, measurements }, null, 2)}\n`)
  const table = markdown(measurements, machine)
  fs.writeFileSync(path.join(resultsDir, 'latest.md'), table)
  console.log(table)
}

await main()
