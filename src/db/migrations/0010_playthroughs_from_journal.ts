import { sql, type Kysely } from 'kysely'
import { ENTRY_RUN_COLUMNS, journalEntryRuns, playthroughsOfRuns } from '../../playthroughs/from-journal.js'
import { isPostgres, timestampType } from './helpers.js'

/**
 * Existing journal entries become playthroughs, by the rule src/playthroughs/from-journal.ts states, and the
 * profile's playing shelf follows its games' names.
 *
 * On a table of the entries' playthroughs made in one pass (journalEntryRuns). A playthrough's id is the id of its
 * first entry written (plus the largest playthrough id, none so far), which ties each entry to its playthrough
 * without a lookup; each entry names its playthrough.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await followPlayingGames(db)
  // SQLite runs migrations outside transactions (PostgreSQL's is already one): all the data, or none of it.
  if (isPostgres(db)) await playthroughsFromJournal(db)
  else await db.transaction().execute(playthroughsFromJournal)
}

async function playthroughsFromJournal(db: Kysely<unknown>): Promise<void> {
  const timestamp = timestampType(db)
  await db.schema
    .createTable('playthrough_migration')
    .addColumn('entry_id', 'integer', (c) => c.primaryKey())
    .addColumn('playthrough_id', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('game_id', 'integer', (c) => c.notNull())
    .addColumn('run', 'integer', (c) => c.notNull())
    .addColumn('played_on', 'text', (c) => c.notNull())
    .addColumn('entry_type', 'text', (c) => c.notNull())
    .addColumn('platform', 'text')
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute()

  const { rows } = await sql<{ base: number | string }>`select coalesce(max(id), 0) as base from playthroughs`.execute(db)
  const base = Number(rows[0]?.base ?? 0)
  await sql`insert into playthrough_migration (${ENTRY_RUN_COLUMNS}) ${journalEntryRuns(sql`playthrough_id is null`, base)}`.execute(db)
  await sql`
    insert into playthroughs (id, user_id, game_id, platform, status, started_on, finished_on, replay, created_at, updated_at)
    ${playthroughsOfRuns(sql`playthrough_migration`)}`.execute(db)

  await sql`
    update journal_entries
    set playthrough_id = (select m.playthrough_id from playthrough_migration m where m.entry_id = journal_entries.id)
    where id in (select entry_id from playthrough_migration)`.execute(db)

  // Explicit ids leave PostgreSQL's identity behind (SQLite's AUTOINCREMENT follows the largest id by itself).
  if (isPostgres(db)) {
    await sql`select setval(pg_get_serial_sequence('playthroughs', 'id'), coalesce((select max(id) from playthroughs), 0) + 1, false)`.execute(db)
  }
  await db.schema.dropTable('playthrough_migration').execute()
}

/**
 * A profile's playing shelf shows its games' summaries: a game's new name or cover must change the version of
 * the profiles playing it too, as of those listing it (0008's games_version_profiles, which this replaces).
 */
const profilesShowing = (row: string) =>
  `select user_id from game_statuses where game_id = ${row}.id union select user_id from favorites where game_id = ${row}.id
  union select user_id from playthroughs where game_id = ${row}.id and status = 'playing'`
const GAME_SUMMARY_COLUMNS = ['igdb', 'name', 'slug', 'cover_url']

async function followPlayingGames(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    await sql
      .raw(`create or replace function games_version_profiles() returns trigger language plpgsql as $$
        begin
          perform 1 from users where id in (${profilesShowing('new')}) order by id for no key update;
          update users set version = version + 1 where id in (${profilesShowing('new')});
          return null;
        end
      $$`)
      .execute(db)
    return
  }
  const changed = GAME_SUMMARY_COLUMNS.map((column) => `old.${column} is not new.${column}`).join(' or ')
  await sql`drop trigger games_version_profiles`.execute(db)
  await sql
    .raw(`create trigger games_version_profiles after update of ${GAME_SUMMARY_COLUMNS.join(', ')} on games
      when ${changed}
      begin update users set version = version + 1 where id in (${profilesShowing('new')}); end`)
    .execute(db)
}
