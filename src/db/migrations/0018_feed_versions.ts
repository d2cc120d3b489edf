import { sql, type Kysely } from 'kysely'
import { isPostgres } from './helpers.js'

/**
 * A version number per reader's feed, so that its pages can be kept serialized and checked on every read, as
 * profiles are (migration 0008). Bumped, in the same transaction, for every reader whose feed a write changes:
 * - a delivery to their inbox or a removal from it (a new activity of someone they follow, a follow's backfill,
 *   an unfollow, an activity deleted, which takes its deliveries with it);
 * - a change to what an item in their inbox shows of itself: the activity's own columns, its journal entry's
 *   type, date, review or spoiler flag, its list's title.
 * What an item shows of its people and its game moves people_version (0017) and catalog_version (0008), which a
 * feed page is checked against too. SQLite only for now (below). No foreign key: a deleted account's deliveries are deleted with it, and
 * their bumps would name an account that is gone.
 */
const ACTIVITY_COLUMNS = ['type', 'created_at', 'user_id', 'game_id', 'half_stars', 'entry_id', 'list_id', 'target_user_id']
const ENTRY_COLUMNS = ['entry_type', 'played_on', 'review', 'spoilers']

/** Bumps the readers selected (as `reader_id`, ascending). */
const bumpReaders = (readers: string) => `insert into feed_versions (reader_id, version)
  select distinct reader_id, 1 from (${readers}) as readers where true order by reader_id
  on conflict (reader_id) do update set version = feed_versions.version + 1;`

/** The readers of the activities matching `where` (on `a`, the activities). */
const readersOf = (where: string) => `select inbox.reader_id from activities a join feed_inbox inbox on inbox.activity_id = a.id where ${where}`

/** Content changes: [table, columns shown, readers of the changed row `new`]. */
const CONTENT: [string, string[], string][] = [
  ['activities', ACTIVITY_COLUMNS, 'select reader_id from feed_inbox where activity_id = new.id'],
  ['journal_entries', ENTRY_COLUMNS, readersOf('a.entry_id = new.id')],
  ['lists', ['title'], readersOf('a.list_id = new.id')],
]

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('feed_versions')
    .addColumn('reader_id', 'integer', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute()
  // PostgreSQL keeps no feed pages yet (src/activity/feed.ts): bumping these rows from concurrent deliveries,
  // follows and unfollows locked them in orders that deadlocked (test/hardening/concurrency). SQLite has one writer.
  if (!isPostgres(db)) await sqliteTriggers(db)
}

async function sqliteTriggers(db: Kysely<unknown>): Promise<void> {
  for (const [operation, row] of [['insert', 'new'], ['delete', 'old']]) {
    await sql
      .raw(`create trigger feed_inbox_version_${operation} after ${operation} on feed_inbox begin
        insert into feed_versions (reader_id, version) values (${row}.reader_id, 1)
        on conflict (reader_id) do update set version = feed_versions.version + 1;
      end`)
      .execute(db)
  }
  for (const [table, columns, readers] of CONTENT) {
    await sql
      .raw(`create trigger ${table}_feed_version after update of ${columns.join(', ')} on ${table}
        when ${columns.map((column) => `old.${column} is not new.${column}`).join(' or ')}
        begin ${bumpReaders(readers)} end`)
      .execute(db)
  }
}
