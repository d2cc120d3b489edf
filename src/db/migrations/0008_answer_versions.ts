import { sql, type Kysely } from 'kysely'
import { isPostgres } from './helpers.js'

/**
 * A version number per user and per game, bumped by triggers in the same transaction as every write that
 * changes what their profile or game page shows, whichever process or instance makes it. The server keeps
 * those answers serialized and checks the version on every read: a cached answer is never stale, and a
 * client's ETag is the version.
 *
 * - a user's profile: their own row, their lists, favorites, ratings, journal entries, lists and follows (both
 *   sides), and the summary (name, slug, cover, IGDB id) of every game in their lists and favorites;
 * - a game's page: its own row, and everyone's lists, ratings and journal entries of it.
 *
 * The game is bumped before the user, the order in which writes already lock them (lockGame in the actions).
 */
const USER_COLUMNS = ['username', 'email', 'bio', 'location', 'twitter', 'gravatar', 'avatar_seed', 'use_gravatar']
const GAME_SUMMARY_COLUMNS = ['igdb', 'name', 'slug', 'cover_url']
const GAME_COLUMNS = [
  ...GAME_SUMMARY_COLUMNS,
  'summary',
  'first_release_date',
  'release_year',
  'platforms',
  'genres',
  'developers',
  'provisional',
]

/** Tables whose rows change a user's profile (by user_id) and, when they have game_id, the game's page. */
const OWNED_TABLES: { table: string; games: boolean }[] = [
  { table: 'game_statuses', games: true },
  { table: 'ratings', games: true },
  { table: 'journal_entries', games: true },
  { table: 'favorites', games: false },
  { table: 'lists', games: false },
]

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('version', 'integer', (c) => c.notNull().defaultTo(0)).execute()
  await db.schema.alterTable('games').addColumn('version', 'integer', (c) => c.notNull().defaultTo(0)).execute()
  if (isPostgres(db)) await postgresTriggers(db)
  else await sqliteTriggers(db)
}

/** The statements bumping what a row of `table` (as `row`: new or old) shows. */
function bumpsFor(table: string, games: boolean, row: 'new' | 'old'): string {
  const bumps = []
  if (games) bumps.push(`update games set version = version + 1 where id = ${row}.game_id;`)
  if (table === 'follows') {
    bumps.push(`update users set version = version + 1 where id in (${row}.follower_id, ${row}.followee_id);`)
  } else {
    bumps.push(`update users set version = version + 1 where id = ${row}.user_id;`)
  }
  return bumps.join('\n')
}

const fanOutToProfiles = (row: string) => `update users set version = version + 1 where id in (
    select user_id from game_statuses where game_id = ${row}.id
    union select user_id from favorites where game_id = ${row}.id);`

const changed = (columns: string[]) => columns.map((column) => `old.${column} is distinct from new.${column}`).join(' or ')

async function sqliteTriggers(db: Kysely<unknown>): Promise<void> {
  const changedSqlite = (columns: string[]) => columns.map((column) => `old.${column} is not new.${column}`).join(' or ')
  for (const { table, games } of [...OWNED_TABLES, { table: 'follows', games: false }]) {
    await sql.raw(`create trigger ${table}_version_insert after insert on ${table} begin ${bumpsFor(table, games, 'new')} end`).execute(db)
    await sql.raw(`create trigger ${table}_version_delete after delete on ${table} begin ${bumpsFor(table, games, 'old')} end`).execute(db)
    await sql
      .raw(`create trigger ${table}_version_update after update on ${table} begin
        ${bumpsFor(table, games, 'old')}
        ${bumpsFor(table, games, 'new')}
      end`)
      .execute(db)
  }
  // SQLite runs no trigger from a trigger's own update (recursive_triggers is off), and these name their columns.
  await sql
    .raw(`create trigger users_version_update after update of ${USER_COLUMNS.join(', ')} on users
      when ${changedSqlite(USER_COLUMNS)}
      begin update users set version = version + 1 where id = new.id; end`)
    .execute(db)
  await sql
    .raw(`create trigger games_version_update after update of ${GAME_COLUMNS.join(', ')} on games
      when ${changedSqlite(GAME_COLUMNS)}
      begin update games set version = version + 1 where id = new.id; end`)
    .execute(db)
  await sql
    .raw(`create trigger games_version_profiles after update of ${GAME_SUMMARY_COLUMNS.join(', ')} on games
      when ${changedSqlite(GAME_SUMMARY_COLUMNS)}
      begin ${fanOutToProfiles('new')} end`)
    .execute(db)
}

async function postgresTriggers(db: Kysely<unknown>): Promise<void> {
  for (const { table, games } of [...OWNED_TABLES, { table: 'follows', games: false }]) {
    await sql
      .raw(`create function ${table}_version() returns trigger language plpgsql as $$
        begin
          if tg_op <> 'INSERT' then ${bumpsFor(table, games, 'old')} end if;
          if tg_op <> 'DELETE' then ${bumpsFor(table, games, 'new')} end if;
          return null;
        end
      $$`)
      .execute(db)
    await sql
      .raw(`create trigger ${table}_version after insert or update or delete on ${table}
        for each row execute function ${table}_version()`)
      .execute(db)
  }
  // Before the update, in the row itself: a bump made by another trigger (version already moved) is not doubled.
  for (const [table, columns] of [['users', USER_COLUMNS], ['games', GAME_COLUMNS]] as const) {
    await sql
      .raw(`create function ${table}_own_version() returns trigger language plpgsql as $$
        begin
          if new.version = old.version and (${changed(columns)}) then new.version := old.version + 1; end if;
          return new;
        end
      $$`)
      .execute(db)
    await sql
      .raw(`create trigger ${table}_own_version before update on ${table} for each row execute function ${table}_own_version()`)
      .execute(db)
  }
  await sql
    .raw(`create function games_version_profiles() returns trigger language plpgsql as $$
      begin ${fanOutToProfiles('new')} return null; end
    $$`)
    .execute(db)
  await sql
    .raw(`create trigger games_version_profiles after update on games for each row
      when (${changed(GAME_SUMMARY_COLUMNS)}) execute function games_version_profiles()`)
    .execute(db)
}
