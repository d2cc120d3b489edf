import { sql, type Kysely } from 'kysely'
import { timestampType } from './helpers.js'

/**
 * Games added by accounts (a request naming a game by `igdb` and `name` that the catalog lacks) are provisional:
 * they rank below catalog games in search and go when nobody uses them any more. Each addition is recorded against
 * its account, so one account's additions can be bounded per day across every process.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('games').addColumn('provisional', 'boolean', (c) => c.notNull().defaultTo(false)).execute()
  // Until now such games were stored with their IGDB id and name and nothing else, which no IGDB record gives.
  await sql`update games set provisional = true
    where igdb is not null and summary is null and first_release_date is null and release_year is null
      and cover_url is null and platforms = '[]' and genres = '[]' and developers = '[]'`.execute(db)

  await db.schema
    .createTable('game_additions')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', timestampType(db), (c) => c.notNull())
    .execute()
  await db.schema.createIndex('game_additions_user_created').on('game_additions').columns(['user_id', 'created_at']).execute()

  // Whether anyone still has a game among their favorites is asked by game (the primary key starts with the user).
  await db.schema.createIndex('favorites_game_id').on('favorites').column('game_id').execute()
}
