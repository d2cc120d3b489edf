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
 * - a game's page: its own row, and everyone's lists, ratings and journal entries of it;
 * - the catalog as search shows it (one number, in catalog_version): a game added or deleted, or a change of what
 *   a search hit shows or is ranked by (not its popularity, which changes with every list and is only a
 *   tie-break).
 *
 * The game is bumped before the user, the order in which writes already lock them (lockGame in the actions; see postgresTriggers).
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

/**
 * Tables whose rows change a user's profile (by user_id) and, when `games`, the game's page: any insert or
 * delete does, an update only of the columns the answers show (a review's like count, a list's title do not).
 */
const OWNED_TABLES: { table: string; games: boolean; shown: string[] }[] = [
  { table: 'game_statuses', games: true, shown: ['user_id', 'game_id', 'status'] },
  { table: 'ratings', games: true, shown: ['user_id', 'game_id', 'half_stars'] },
  { table: 'journal_entries', games: true, shown: ['user_id', 'game_id', 'entry_type', 'review'] },
  { table: 'favorites', games: false, shown: ['user_id', 'game_id', 'position'] },
  { table: 'lists', games: false, shown: ['user_id'] },
  { table: 'follows', games: false, shown: ['follower_id', 'followee_id', 'created_at'] },
]

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('version', 'integer', (c) => c.notNull().defaultTo(0)).execute()
  await db.schema.alterTable('games').addColumn('version', 'integer', (c) => c.notNull().defaultTo(0)).execute()
  await db.schema.createTable('catalog_version').addColumn('version', 'integer', (c) => c.notNull()).execute()
  await db.insertInto('catalog_version' as never).values({ version: 0 } as never).execute()
  if (isPostgres(db)) await postgresTriggers(db)
  else await sqliteTriggers(db)
}

/** What a search hit shows or is ranked by, besides popularity. */
const CATALOG_COLUMNS = ['igdb', 'name', 'slug', 'cover_url', 'release_year', 'search_name', 'provisional']
const BUMP_CATALOG = 'update catalog_version set version = version + 1;'

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

/** The users whose profiles show the game `row` (its summary: name, slug, cover). */
const profilesShowing = (row: string) =>
  `select user_id from game_statuses where game_id = ${row}.id union select user_id from favorites where game_id = ${row}.id`

const changed = (columns: string[]) => columns.map((column) => `old.${column} is distinct from new.${column}`).join(' or ')

async function sqliteTriggers(db: Kysely<unknown>): Promise<void> {
  const changedSqlite = (columns: string[]) => columns.map((column) => `old.${column} is not new.${column}`).join(' or ')
  for (const { table, games, shown } of OWNED_TABLES) {
    await sql.raw(`create trigger ${table}_version_insert after insert on ${table} begin ${bumpsFor(table, games, 'new')} end`).execute(db)
    await sql.raw(`create trigger ${table}_version_delete after delete on ${table} begin ${bumpsFor(table, games, 'old')} end`).execute(db)
    await sql
      .raw(`create trigger ${table}_version_update after update of ${shown.join(', ')} on ${table}
        when ${changedSqlite(shown)} begin
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
      begin update users set version = version + 1 where id in (${profilesShowing('new')}); end`)
    .execute(db)
  await sql.raw(`create trigger catalog_version_insert after insert on games begin ${BUMP_CATALOG} end`).execute(db)
  await sql.raw(`create trigger catalog_version_delete after delete on games begin ${BUMP_CATALOG} end`).execute(db)
  await sql
    .raw(`create trigger catalog_version_update after update of ${CATALOG_COLUMNS.join(', ')} on games
      when ${changedSqlite(CATALOG_COLUMNS)} begin ${BUMP_CATALOG} end`)
    .execute(db)
}

/**
 * PostgreSQL: inserts and deletes bump once per statement, from the statement's rows (a transition table), not
 * once per row: updating one user's row again and again in one transaction (an import of a library, an account's
 * follows deleted with it) grows a chain of row versions that each further update walks, so per-row bumps get
 * slower with every row. Updates, one row at a time in practice, bump per row and only when a shown column moved.
 *
 * Every bump locks its rows in id order first, games before users: two transactions bumping the same rows (a
 * follow and the follow back, two entries for one game) then wait for each other instead of deadlocking, which
 * an update's own scan order (physical, moving as rows get new versions) would not guarantee. `for no key update`
 * is the lock an update takes anyway, so it does not wait for the key-share locks of foreign-key checks.
 */
const pgBump = (table: 'games' | 'users', ids: string) =>
  `perform 1 from ${table} where id in (${ids}) order by id for no key update;
  update ${table} set version = version + 1 where id in (${ids});`

/** The ids, as SQL, of the games and users that rows of `table` (a transition table, or `old` and `new`) touch. */
function touchedIds(table: string, rows: { from: string } | { each: string[] }) {
  const column = (name: string) =>
    'from' in rows ? `select ${name} from ${rows.from}` : rows.each.map((row) => `${row}.${name}`).join(', ')
  const users =
    table !== 'follows'
      ? column('user_id')
      : 'from' in rows
        ? `${column('follower_id')} union ${column('followee_id')}`
        : `${column('follower_id')}, ${column('followee_id')}`
  return { games: column('game_id'), users }
}

async function postgresTriggers(db: Kysely<unknown>): Promise<void> {
  for (const { table, games, shown } of OWNED_TABLES) {
    const bumps = (rows: { from: string } | { each: string[] }) => {
      const ids = touchedIds(table, rows)
      return [...(games ? [pgBump('games', ids.games)] : []), pgBump('users', ids.users)].join('\n')
    }
    await sql
      .raw(`create function ${table}_version_rows() returns trigger language plpgsql as $$
        begin
          if tg_op = 'INSERT' then ${bumps({ from: 'new_rows' })} else ${bumps({ from: 'old_rows' })} end if;
          return null;
        end
      $$`)
      .execute(db)
    await sql
      .raw(`create trigger ${table}_version_insert after insert on ${table} referencing new table as new_rows
        for each statement execute function ${table}_version_rows()`)
      .execute(db)
    await sql
      .raw(`create trigger ${table}_version_delete after delete on ${table} referencing old table as old_rows
        for each statement execute function ${table}_version_rows()`)
      .execute(db)
    await sql
      .raw(`create function ${table}_version_update() returns trigger language plpgsql as $$
        begin
          ${bumps({ each: ['old', 'new'] })}
          return null;
        end
      $$`)
      .execute(db)
    await sql
      .raw(`create trigger ${table}_version_update after update on ${table}
        for each row when (${changed(shown)}) execute function ${table}_version_update()`)
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
      begin
        ${pgBump('users', profilesShowing('new'))}
        return null;
      end
    $$`)
    .execute(db)
  await sql
    .raw(`create trigger games_version_profiles after update on games for each row
      when (${changed(GAME_SUMMARY_COLUMNS)}) execute function games_version_profiles()`)
    .execute(db)
  // One row every write to the catalog updates: taken after the games' own rows, never before them.
  await sql.raw(`create function catalog_version_bump() returns trigger language plpgsql as $$
      begin ${BUMP_CATALOG} return null; end
    $$`).execute(db)
  for (const operation of ['insert', 'delete']) {
    await sql
      .raw(`create trigger catalog_version_${operation} after ${operation} on games
        for each statement execute function catalog_version_bump()`)
      .execute(db)
  }
  await sql
    .raw(`create trigger catalog_version_update after update on games for each row
      when (${changed(CATALOG_COLUMNS)}) execute function catalog_version_bump()`)
    .execute(db)
}
