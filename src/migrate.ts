import { loadConfig } from './config.js'
import { openDatabase } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'

const { databaseUrl } = loadConfig()
const db = openDatabase(databaseUrl, { queryTimeoutMs: 0 })
try {
  await migrateToLatest(db)
  console.log('database is up to date')
} finally {
  await db.destroy()
}
