import cluster from 'node:cluster'
import { buildApp } from './app.js'
import { loadConfig, type Config } from './config.js'
import { openDatabase, type Db } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'
import { fillCatalogSummaries, loadCatalogIfEmpty } from './games/catalog.js'

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
    logger: {
      level: config.logLevel,
      // Tokens travel in the Authorization header; never let a log line carry one.
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    },
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
