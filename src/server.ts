import cluster from 'node:cluster'
import type { AddressInfo } from 'node:net'
import v8 from 'node:v8'
import { buildApp } from './app.js'
import { loadConfig, type Config } from './config.js'
import { describeDatabase, openDatabase, type Db } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'
import { fillCatalogSummaries, loadCatalogIfEmpty } from './games/catalog.js'
import { loggerOptions } from './logging.js'
import { isWebAppBuilt } from './web/site.js'

// V8 lets the old generation grow to several times what survived its last full collection before collecting
// again: answering tens of thousands of requests a second, that held 60-110 MB of garbage over an idle 150 MB
// (peak RSS 250-290 MB in the bench). Growing by half at most, the peak stays near 165 MB for the same CPU a
// request (bench/results/2026-12-04-fast-reads.md).
v8.setFlagsFromString('--heap-growing-percent=50')

const config = loadConfig()

/** An in-memory SQLite database lives and dies with its one connection: it is prepared where it is served. */
const inMemory = config.databaseUrl === 'sqlite::memory:'

/** Brings the database up to date, and fills an empty catalog (or its missing summaries), before any process serves from it. */
async function prepareDatabase(db: Db): Promise<void> {
  await migrateToLatest(db)
  await loadCatalogIfEmpty(db)
  await fillCatalogSummaries(db)
}

async function prepareOnce(): Promise<void> {
  const db = openDatabase(config.databaseUrl, { pgPoolSize: 1, queryTimeoutMs: 0 })
  try {
    await prepareDatabase(db)
  } finally {
    await db.destroy()
  }
}

async function serve(config: Config): Promise<void> {
  const db = openDatabase(config.databaseUrl, { pgPoolSize: config.pgPoolSize })
  if (inMemory) await prepareDatabase(db)
  // Never migrated here: a replica is read-only and gets the primary's schema through replication.
  const replica = config.databaseReadUrl ? openDatabase(config.databaseReadUrl, { pgPoolSize: config.pgPoolSize }) : undefined
  const app = await buildApp({
    config,
    db,
    replica,
    logger: loggerOptions(config),
  })

  let closing = false
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      if (closing) return
      closing = true
      app.log.info({ signal }, 'shutting down: finishing in-flight requests')
      // close() stops accepting, waits for in-flight requests, then closes the database (onClose hook).
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          app.log.error({ err: error }, 'shutdown failed')
          process.exit(1)
        },
      )
    })
  }
  await app.listen({ port: config.port, host: config.host })
  // Said once, by the only process or the first worker.
  if (cluster.isPrimary || cluster.worker?.id === 1) app.log.info(startLine(config, (app.server.address() as AddressInfo).port))
}

/** `Overworld is running: site http://127.0.0.1:8000/  API …/api/  docs …/docs (SQLite ./data/overworld.db)` */
function startLine(config: Config, port: number): string {
  const base = `http://${browsableHost(config.host)}:${port}`
  const site = isWebAppBuilt() ? `site ${base}/` : 'site not built (npm run build:web)'
  const workers = config.workers > 1 ? `, ${config.workers} worker processes` : ''
  return `Overworld is running: ${site}  API ${base}/api/  docs ${base}/docs (${describeDatabase(config.databaseUrl)}${workers})`
}

/** Where a browser on this machine reaches a server listening on `host`: all addresses include localhost. */
function browsableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost'
  return host.includes(':') ? `[${host}]` : host
}

/** WORKERS=N: N processes share the port; one that dies is replaced, SIGTERM stops them all gracefully. */
function superviseWorkers(count: number): void {
  let stopping = false
  for (let i = 0; i < count; i++) cluster.fork()
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return
    console.error(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`)
    cluster.fork()
  })
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      stopping = true
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal)
      cluster.on('exit', () => {
        if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0)
      })
    })
  }
}

if (cluster.isPrimary) {
  if (!inMemory) await prepareOnce()
  if (config.workers > 1) {
    if (!config.redisUrl) {
      console.warn(
        `${config.workers} workers without REDIS_URL: each counts the rate limits (sign-ins, writes) on its own, ` +
          `so a client gets up to ${config.workers} times each limit`,
      )
    }
    superviseWorkers(config.workers)
  } else {
    await serve(config)
  }
} else {
  await serve(config)
}
