import { Migrator, type Migration, type MigrationProvider } from 'kysely'
import type { Db } from './database.js'
import * as m0001 from './migrations/0001_users_follows_games.js'

/** Every migration, in order. Migrations are append-only: add a file, never edit one that has landed. */
const migrations: Record<string, Migration> = {
  '0001_users_follows_games': m0001,
}

const provider: MigrationProvider = { getMigrations: async () => migrations }

export async function migrateToLatest(db: Db): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest()
  const failed = results?.find((result) => result.status === 'Error')
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error })
  }
}
