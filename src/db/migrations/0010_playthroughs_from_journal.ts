import { sql, type Kysely } from 'kysely'
import { PLATFORM_ALIASES, PLATFORMS } from '../../games/platforms.js'
import { isPostgres, timestampType } from './helpers.js'

/**
 * Existing journal entries become playthroughs, and the profile's playing shelf follows its games' names.
 *
 * Each person's entries of each game are read in date order (then in the order written), and a playthrough is:
 * - a `started` entry, with the entries that follow it until one ends it: a `finished` or `replayed` (finished,
 *   a replay for `replayed`) or an `abandoned` (abandoned), whose day is its finished_on. `played` entries in
 *   between are sessions of that run in all but minutes, and join it. A run nothing ended is being played if it
 *   is the person's last of the game, and shelved if they started the game again after it (with no end known);
 * - a `finished`, `replayed` or `abandoned` entry with no run open: a playthrough of its own, ended that day;
 * - a `played` entry with no run open: a playthrough of its own, shelved that day. Not finished: the person
 *   said they played the game, not that they finished it (the journal's completed count reads it so too).
 * Its platform is the ending entry's, else the starting entry's, else any of its entries', when it is (or is a
 * known spelling of) one of the platform names; otherwise none. No completion is known. Each entry names its
 * playthrough.
 *
 * In SQL, on a table of the entries' playthroughs made in one pass of window functions, so the largest
 * database is sorted once and never held in memory. A playthrough's id is the id of its first entry written
 * (plus the largest playthrough id, none so far), which ties each entry to its playthrough without a lookup.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await followPlayingGames(db)
  // SQLite runs migrations outside transactions (PostgreSQL's is already one): all the data, or none of it.
  if (isPostgres(db)) await playthroughsFromJournal(db)
  else await db.transaction().execute(playthroughsFromJournal)
}

const ENDINGS = sql`('finished', 'replayed', 'abandoned')`

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
  const before = sql`partition by user_id, game_id order by position rows between unbounded preceding and 1 preceding`
  // A run is open before an entry when the last `started` before it came after the last ending before it; an
  // entry opens a new playthrough when it is a `started` or when no run is open.
  await sql`
    with ordered as (
      select id, user_id, game_id, played_on, entry_type, platform, created_at, updated_at,
        row_number() over (partition by user_id, game_id order by played_on, id) as position
      from journal_entries where playthrough_id is null
    ),
    marked as (
      select ordered.*,
        max(case when entry_type = 'started' then position end) over (${before}) as last_start,
        max(case when entry_type in ${ENDINGS} then position end) over (${before}) as last_end
      from ordered
    ),
    runs as (
      select marked.*,
        sum(case when entry_type = 'started' or last_start is null or last_start < coalesce(last_end, 0) then 1 else 0 end)
          over (partition by user_id, game_id order by position rows between unbounded preceding and current row) as run
      from marked
    )
    insert into playthrough_migration
      (entry_id, playthrough_id, user_id, game_id, run, played_on, entry_type, platform, created_at, updated_at)
    select id, ${sql.lit(base)} + min(id) over (partition by user_id, game_id, run), user_id, game_id, run, played_on, entry_type,
      ${knownPlatform(sql.ref('platform'))}, created_at, updated_at
    from runs`.execute(db)

  const has = (condition: ReturnType<typeof sql>) => sql`max(case when ${condition} then 1 else 0 end) = 1`
  await sql`
    insert into playthroughs (id, user_id, game_id, platform, status, started_on, finished_on, replay, created_at, updated_at)
    select playthrough_id, user_id, game_id,
      coalesce(
        max(case when entry_type in ${ENDINGS} then platform end),
        max(case when entry_type = 'started' then platform end),
        max(platform)
      ),
      case
        when ${has(sql`entry_type = 'abandoned'`)} then 'abandoned'
        when ${has(sql`entry_type in ('finished', 'replayed')`)} then 'finished'
        when not ${has(sql`entry_type = 'started'`)} then 'shelved'
        when run = max(run) over (partition by user_id, game_id) then 'playing'
        else 'shelved'
      end,
      max(case when entry_type = 'started' then played_on end),
      case
        when ${has(sql`entry_type in ${ENDINGS}`)} then max(case when entry_type in ${ENDINGS} then played_on end)
        when not ${has(sql`entry_type = 'started'`)} then max(played_on)
      end,
      ${has(sql`entry_type = 'replayed'`)},
      min(created_at), max(updated_at)
    from playthrough_migration
    group by playthrough_id, user_id, game_id, run`.execute(db)

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

/** The platform name a journal entry's free-text platform stands for, or null. */
function knownPlatform(platform: ReturnType<typeof sql.ref>) {
  const names: [string, string][] = [
    ...PLATFORMS.map((name): [string, string] => [name.toLowerCase(), name]),
    ...Object.entries(PLATFORM_ALIASES),
  ]
  return sql`case lower(trim(${platform})) ${sql.join(
    names.map(([spelling, name]) => sql`when ${spelling} then ${name}`),
    sql` `,
  )} end`
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
