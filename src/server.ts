import { buildApp } from './app.js'
import { loadConfig } from './config.js'
import { openDatabase } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'
import { loadCatalogIfEmpty } from './games/catalog.js'

const config = loadConfig()
const db = openDatabase(config.databaseUrl)
await migrateToLatest(db)
await loadCatalogIfEmpty(db)

const app = await buildApp({
  config,
  db,
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
