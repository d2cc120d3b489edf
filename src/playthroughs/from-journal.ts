import { sql, type RawBuilder } from 'kysely'
import type { Db } from '../db/database.js'
import type { PlaythroughStatus } from '../db/tables.js'
import { PLATFORM_ALIASES, PLATFORMS } from '../games/platforms.js'

/**
 * Journal entries become playthroughs, by the rule migration 0010 applied to the journals there were, and that
 * applies to journals brought from elsewhere (the original Overworld). Migration 0010 runs this SQL: what it does
 * must not change.
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
 * known spelling of) one of the platform names; otherwise none. No completion is known.
 */

const ENDINGS = sql`('finished', 'replayed', 'abandoned')`

/** The columns of `journalEntryRuns`, in order. */
export const ENTRY_RUN_COLUMNS = sql`entry_id, playthrough_id, user_id, game_id, run, played_on, entry_type, platform, created_at, updated_at`

/**
 * The journal entries `scope` picks, each with its run: in one pass of window functions, so the largest journal
 * is sorted once and never held in memory. A run's `playthrough_id` is the id of its first entry written, plus
 * `idBase`, which ties each entry to its run without a lookup.
 */
export function journalEntryRuns(scope: RawBuilder<unknown>, idBase: number): RawBuilder<unknown> {
  const before = sql`partition by user_id, game_id order by position rows between unbounded preceding and 1 preceding`
  // A run is open before an entry when the last `started` before it came after the last ending before it; an
  // entry opens a new playthrough when it is a `started` or when no run is open.
  return sql`
    with ordered as (
      select id, user_id, game_id, played_on, entry_type, platform, created_at, updated_at,
        row_number() over (partition by user_id, game_id order by played_on, id) as position
      from journal_entries where ${scope}
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
    select id, ${sql.lit(idBase)} + min(id) over (partition by user_id, game_id, run), user_id, game_id, run, played_on, entry_type,
      ${knownPlatform(sql.ref('platform'))}, created_at, updated_at
    from runs`
}

/** The playthroughs of the runs in `runs` (a table or a `with` of ENTRY_RUN_COLUMNS), one row each, in the playthroughs' columns. */
export function playthroughsOfRuns(runs: RawBuilder<unknown>): RawBuilder<unknown> {
  const has = (condition: RawBuilder<unknown>) => sql`max(case when ${condition} then 1 else 0 end) = 1`
  return sql`
    select playthrough_id as id, user_id, game_id,
      coalesce(
        max(case when entry_type in ${ENDINGS} then platform end),
        max(case when entry_type = 'started' then platform end),
        max(platform)
      ) as platform,
      case
        when ${has(sql`entry_type = 'abandoned'`)} then 'abandoned'
        when ${has(sql`entry_type in ('finished', 'replayed')`)} then 'finished'
        when not ${has(sql`entry_type = 'started'`)} then 'shelved'
        when run = max(run) over (partition by user_id, game_id) then 'playing'
        else 'shelved'
      end as status,
      max(case when entry_type = 'started' then played_on end) as started_on,
      case
        when ${has(sql`entry_type in ${ENDINGS}`)} then max(case when entry_type in ${ENDINGS} then played_on end)
        when not ${has(sql`entry_type = 'started'`)} then max(played_on)
      end as finished_on,
      ${has(sql`entry_type = 'replayed'`)} as replay,
      min(created_at) as created_at, max(updated_at) as updated_at
    from ${runs}
    group by playthrough_id, user_id, game_id, run`
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

interface RunPlaythrough {
  /** The run's key: the id of its first entry written. */
  id: number
  user_id: number
  game_id: number
  platform: string | null
  status: PlaythroughStatus
  started_on: string | null
  finished_on: string | null
  replay: boolean | number
  created_at: string
  updated_at: string
}

/**
 * Makes playthroughs of a person's journal entries that have none, and ties each entry to its own. A person's
 * journal is small enough to write a playthrough at a time, each with an id of its own (not the migration's
 * ids, which grow with every person). Run it in a transaction.
 */
export async function playthroughsFromJournalOf(db: Db, userId: number): Promise<number> {
  const runs = journalEntryRuns(sql`user_id = ${userId} and playthrough_id is null`, 0)
  const withRuns = sql`with entry_runs (${ENTRY_RUN_COLUMNS}) as (${runs})`
  const { rows: playthroughs } = await sql<RunPlaythrough>`${withRuns} ${playthroughsOfRuns(sql`entry_runs`)}`.execute(db)
  const { rows: entries } = await sql<{ entry_id: number; playthrough_id: number }>`
    ${withRuns} select entry_id, playthrough_id from entry_runs`.execute(db)
  const entryIdsByRun = new Map<number, number[]>()
  for (const { entry_id, playthrough_id } of entries) {
    const run = entryIdsByRun.get(playthrough_id)
    if (run) run.push(entry_id)
    else entryIdsByRun.set(playthrough_id, [entry_id])
  }
  // In the order of their first entries, so that ids follow the journal.
  for (const { id: key, replay, ...playthrough } of playthroughs.sort((a, b) => a.id - b.id)) {
    const { id } = await db
      .insertInto('playthroughs')
      .values({ ...playthrough, replay: !!replay })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db.updateTable('journal_entries').set({ playthrough_id: id }).where('id', 'in', entryIdsByRun.get(key) as number[]).execute()
  }
  return playthroughs.length
}
