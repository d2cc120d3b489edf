import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely'
import { isPostgres, type Db } from './database.js'
import * as m0001 from './migrations/0001_users_follows_games.js'
import * as m0002 from './migrations/0002_library_activity.js'
import * as m0003 from './migrations/0003_read_paths.js'
import * as m0004 from './migrations/0004_username_skeletons.js'
import * as m0005 from './migrations/0005_provisional_games.js'
import * as m0006 from './migrations/0006_avatar_seeds.js'
import * as m0007 from './migrations/0007_trusted_devices.js'
import * as m0008 from './migrations/0008_answer_versions.js'
import * as m0009 from './migrations/0009_playthroughs.js'
import * as m0010 from './migrations/0010_playthroughs_from_journal.js'
import * as m0011 from './migrations/0011_imports.js'
import * as m0012 from './migrations/0012_list_likes_comments.js'
import * as m0013 from './migrations/0013_notifications.js'
import * as m0015 from './migrations/0015_feed_inbox.js'
import * as m0016 from './migrations/0016_catalog_version_rows.js'
import * as m0017 from './migrations/0017_people_version.js'
import * as m0018 from './migrations/0018_feed_versions.js'
import * as m0019 from './migrations/0019_feed_versions_postgres.js'

/** Every migration, in order. Migrations are append-only: add a file, never edit one that has landed. */
export const migrations: Record<string, Migration> = {
  '0001_users_follows_games': m0001,
  '0002_library_activity': m0002,
  '0003_read_paths': m0003,
  '0004_username_skeletons': m0004,
  '0005_provisional_games': m0005,
  '0006_avatar_seeds': m0006,
  '0007_trusted_devices': m0007,
  '0008_answer_versions': m0008,
  '0009_playthroughs': m0009,
  '0010_playthroughs_from_journal': m0010,
  '0011_imports': m0011,
  '0012_list_likes_comments': m0012,
  '0013_notifications': m0013,
  '0015_feed_inbox': m0015,
  '0016_catalog_version_rows': m0016,
  '0017_people_version': m0017,
  '0018_feed_versions': m0018,
  '0019_feed_versions_postgres': m0019,
}

const provider: MigrationProvider = { getMigrations: async () => migrations }

export async function migrateToLatest(db: Db): Promise<void> {
  const migrator = new Migrator({ db, provider, migrationTableSchema: await currentPostgresSchema(db) })
  const { error, results } = await migrator.migrateToLatest()
  const failed = results?.find((result) => result.status === 'Error')
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error })
  }
}

/**
 * Kysely looks for its bookkeeping tables in every schema unless told which one; on PostgreSQL name the schema
 * we migrate (the first on the search path), so databases holding several schemas keep them apart.
 */
async function currentPostgresSchema(db: Db): Promise<string | undefined> {
  if (!isPostgres(db)) return undefined
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db)
  return rows[0]?.schema
}
