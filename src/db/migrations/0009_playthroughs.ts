import { sql, type Kysely } from 'kysely'
import { idColumn, timestampType } from './helpers.js'

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
}
