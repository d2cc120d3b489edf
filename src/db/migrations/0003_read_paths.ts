import { sql, type Kysely } from 'kysely'
import { isPostgres } from './helpers.js'

/**
 * Indexes and a counter for the hot read routes, found by the benchmark:
 * - a profile lists followers and following in follow order: covering indexes read them in order, no sort and
 *   no row lookups, even for an account with tens of thousands of followers;
 * - search ranks by popularity: `games.popularity` (how many people have the game in a list) is kept by
 *   triggers, in the same transaction as the change, instead of being counted for every candidate.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('follows_followee_id').execute()
  await db.schema
    .createIndex('follows_followee_order')
    .on('follows')
    .columns(['followee_id', 'created_at', 'follower_id'])
    .execute()
  await db.schema
    .createIndex('follows_follower_order')
    .on('follows')
    .columns(['follower_id', 'created_at', 'followee_id'])
    .execute()

  await db.schema.alterTable('games').addColumn('popularity', 'integer', (c) => c.notNull().defaultTo(0)).execute()
  await sql`update games set popularity = (select count(*) from game_statuses where game_statuses.game_id = games.id)`.execute(db)
  if (isPostgres(db)) {
    await sql`create function game_statuses_popularity() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          update games set popularity = popularity + 1 where id = new.game_id;
        else
          update games set popularity = popularity - 1 where id = old.game_id;
        end if;
        return null;
      end
    $$`.execute(db)
    await sql`create trigger game_statuses_popularity after insert or delete on game_statuses
      for each row execute function game_statuses_popularity()`.execute(db)
    return
  }
  await sql`create trigger game_statuses_popularity_insert after insert on game_statuses begin
    update games set popularity = popularity + 1 where id = new.game_id;
  end`.execute(db)
  await sql`create trigger game_statuses_popularity_delete after delete on game_statuses begin
    update games set popularity = popularity - 1 where id = old.game_id;
  end`.execute(db)
}
