import { sql, type Kysely } from 'kysely'
import { idColumn, isPostgres, timestampType } from './helpers.js'

/**
 * Playthroughs (one run of one game by one person: platform, storefront, status, completion, dates) and their
 * play sessions (dated stretches of play: a playthrough's time is the sum of its sessions plus a manual
 * adjustment, so adding time never overwrites a total). A journal entry may name the playthrough it is about.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const timestamp = timestampType(db)

  await db.schema
    .createTable('playthroughs')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('game_id', 'integer', (c) => c.notNull().references('games.id').onDelete('cascade'))
    .addColumn('platform', 'text')
    .addColumn('storefront', 'text', (c) =>
      c.check(sql`storefront in ('steam', 'gog', 'epic', 'playstation', 'xbox', 'nintendo', 'itch', 'physical', 'other')`),
    )
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('playing', 'finished', 'shelved', 'abandoned')`))
    .addColumn('completion', 'text', (c) =>
      c.check(sql`completion in ('main', 'main_extras', 'completionist', 'mastered')`),
    )
    .addColumn('started_on', 'text')
    .addColumn('finished_on', 'text')
    .addColumn('replay', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('difficulty', 'text')
    .addColumn('notes', 'text')
    .addColumn('adjustment_minutes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .addCheckConstraint('playthroughs_completion_when_finished', sql`completion is null or status = 'finished'`)
    .addCheckConstraint('playthroughs_finish_after_start', sql`finished_on is null or started_on is null or finished_on >= started_on`)
    .execute()
  await db.schema.createIndex('playthroughs_user').on('playthroughs').columns(['user_id', 'game_id', 'id']).execute()
  await db.schema.createIndex('playthroughs_user_status').on('playthroughs').columns(['user_id', 'status', 'id']).execute()
  await db.schema.createIndex('playthroughs_game_status').on('playthroughs').columns(['game_id', 'status']).execute()

  await db.schema
    .createTable('play_sessions')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('playthrough_id', 'integer', (c) => c.notNull().references('playthroughs.id').onDelete('cascade'))
    .addColumn('played_on', 'text', (c) => c.notNull())
    .addColumn('minutes', 'integer', (c) => c.notNull().check(sql`minutes between 1 and 1440`))
    .addColumn('note', 'text')
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('manual'))
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('play_sessions_playthrough').on('play_sessions').columns(['playthrough_id', 'played_on']).execute()

  await db.schema
    .alterTable('journal_entries')
    .addColumn('playthrough_id', 'integer', (c) => c.references('playthroughs.id').onDelete('set null'))
    .execute()
  await db.schema.createIndex('journal_entries_playthrough').on('journal_entries').column('playthrough_id').execute()

  await versionTriggers(db)
}

/**
 * Versions (see 0008): a playthrough changes its person's profile (the playing shelf) and its game's page (who is
 * playing it, the community's time to beat); a session changes the game's page (the time of a finished run). On
 * PostgreSQL, bumps lock in id order, games before users, as 0008's do.
 */
const PLAYTHROUGH_SHOWN = ['user_id', 'game_id', 'status', 'completion', 'adjustment_minutes']
const SESSION_SHOWN = ['playthrough_id', 'minutes']

async function versionTriggers(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) await postgresVersionTriggers(db)
  else await sqliteVersionTriggers(db)
}

async function sqliteVersionTriggers(db: Kysely<unknown>): Promise<void> {
  const changed = (columns: string[]) => columns.map((column) => `old.${column} is not new.${column}`).join(' or ')
  const playthroughBumps = (row: string) => `update games set version = version + 1 where id = ${row}.game_id;
    update users set version = version + 1 where id = ${row}.user_id;`
  const sessionBumps = (row: string) =>
    `update games set version = version + 1 where id = (select game_id from playthroughs where id = ${row}.playthrough_id);`
  for (const [table, bumps, shown] of [
    ['playthroughs', playthroughBumps, PLAYTHROUGH_SHOWN],
    ['play_sessions', sessionBumps, SESSION_SHOWN],
  ] as const) {
    await sql.raw(`create trigger ${table}_version_insert after insert on ${table} begin ${bumps('new')} end`).execute(db)
    await sql.raw(`create trigger ${table}_version_delete after delete on ${table} begin ${bumps('old')} end`).execute(db)
    await sql
      .raw(`create trigger ${table}_version_update after update of ${shown.join(', ')} on ${table}
        when ${changed(shown)} begin ${bumps('old')} ${bumps('new')} end`)
      .execute(db)
  }
}

async function postgresVersionTriggers(db: Kysely<unknown>): Promise<void> {
  const bump = (table: 'games' | 'users', ids: string) =>
    `perform 1 from ${table} where id in (${ids}) order by id for no key update;
    update ${table} set version = version + 1 where id in (${ids});`
  const changed = (columns: string[]) => columns.map((column) => `old.${column} is distinct from new.${column}`).join(' or ')
  const playthroughBumps = (games: string, users: string) => `${bump('games', games)} ${bump('users', users)}`
  const sessionGames = (playthroughIds: string) => `select game_id from playthroughs where id in (${playthroughIds})`
  const functions = {
    playthroughs: {
      rows: (rows: string) => playthroughBumps(`select game_id from ${rows}`, `select user_id from ${rows}`),
      each: playthroughBumps('old.game_id, new.game_id', 'old.user_id, new.user_id'),
      shown: PLAYTHROUGH_SHOWN,
    },
    play_sessions: {
      rows: (rows: string) => bump('games', sessionGames(`select playthrough_id from ${rows}`)),
      each: bump('games', sessionGames('old.playthrough_id, new.playthrough_id')),
      shown: SESSION_SHOWN,
    },
  }
  for (const [table, { rows, each, shown }] of Object.entries(functions)) {
    await sql
      .raw(`create function ${table}_version_rows() returns trigger language plpgsql as $$
        begin
          if tg_op = 'INSERT' then ${rows('new_rows')} else ${rows('old_rows')} end if;
          return null;
        end
      $$`)
      .execute(db)
    for (const [operation, transition] of [['insert', 'new table as new_rows'], ['delete', 'old table as old_rows']]) {
      await sql
        .raw(`create trigger ${table}_version_${operation} after ${operation} on ${table} referencing ${transition}
          for each statement execute function ${table}_version_rows()`)
        .execute(db)
    }
    await sql
      .raw(`create function ${table}_version_update() returns trigger language plpgsql as $$
        begin ${each} return null; end
      $$`)
      .execute(db)
    await sql
      .raw(`create trigger ${table}_version_update after update on ${table}
        for each row when (${changed(shown)}) execute function ${table}_version_update()`)
      .execute(db)
  }
}
