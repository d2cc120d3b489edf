import { sql, type Kysely } from 'kysely'
import { idColumn, isPostgres, timestampType } from './helpers.js'

/** Game search indexes, ratings, the journal (reviews), review likes and comments, lists and the activity log. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const timestamp = timestampType(db)
  const userId = (c: Parameters<ReturnType<typeof idColumn>>[0]) => c.notNull().references('users.id').onDelete('cascade')
  const gameId = (c: Parameters<ReturnType<typeof idColumn>>[0]) => c.notNull().references('games.id').onDelete('cascade')

  await createGameSearchIndex(db)

  await db.schema
    .createTable('ratings')
    .addColumn('user_id', 'integer', userId)
    .addColumn('game_id', 'integer', gameId)
    .addColumn('half_stars', 'integer', (c) => c.notNull().check(sql`half_stars between 1 and 10`))
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('ratings_pkey', ['user_id', 'game_id'])
    .execute()
  await db.schema.createIndex('ratings_game_id').on('ratings').columns(['game_id', 'half_stars']).execute()

  await db.schema
    .createTable('journal_entries')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('user_id', 'integer', userId)
    .addColumn('game_id', 'integer', gameId)
    .addColumn('played_on', 'text', (c) => c.notNull())
    .addColumn('entry_type', 'text', (c) =>
      c.notNull().check(sql`entry_type in ('finished', 'started', 'played', 'abandoned', 'replayed')`),
    )
    .addColumn('platform', 'text')
    .addColumn('review', 'text')
    .addColumn('spoilers', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('liked', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('half_stars', 'integer', (c) => c.check(sql`half_stars between 1 and 10`))
    .addColumn('like_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('journal_entries_user').on('journal_entries').columns(['user_id', 'played_on', 'id']).execute()
  await db.schema.createIndex('journal_entries_game').on('journal_entries').columns(['game_id', 'id']).execute()

  await db.schema
    .createTable('review_likes')
    .addColumn('entry_id', 'integer', (c) => c.notNull().references('journal_entries.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', userId)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('review_likes_pkey', ['entry_id', 'user_id'])
    .execute()
  await db.schema.createIndex('review_likes_user').on('review_likes').column('user_id').execute()

  await db.schema
    .createTable('review_comments')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('entry_id', 'integer', (c) => c.notNull().references('journal_entries.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', userId)
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('review_comments_entry').on('review_comments').columns(['entry_id', 'id']).execute()
  await db.schema.createIndex('review_comments_user').on('review_comments').column('user_id').execute()

  await db.schema
    .createTable('lists')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('user_id', 'integer', userId)
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('ranked', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('lists_user').on('lists').columns(['user_id', 'id']).execute()

  await db.schema
    .createTable('list_items')
    .addColumn('list_id', 'integer', (c) => c.notNull().references('lists.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('game_id', 'integer', gameId)
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('list_items_pkey', ['list_id', 'position'])
    .addUniqueConstraint('list_items_game_unique', ['list_id', 'game_id'])
    .execute()
  await db.schema.createIndex('list_items_game').on('list_items').column('game_id').execute()

  // What people did, newest last: the feed reads the rows of the people one follows, the popular games
  // count rows per game. Undoing an action deletes its row.
  await db.schema
    .createTable('activities')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('user_id', 'integer', userId)
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('game_id', 'integer', (c) => c.references('games.id').onDelete('cascade'))
    .addColumn('entry_id', 'integer', (c) => c.references('journal_entries.id').onDelete('cascade'))
    .addColumn('list_id', 'integer', (c) => c.references('lists.id').onDelete('cascade'))
    .addColumn('target_user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('half_stars', 'integer')
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('activities_user').on('activities').columns(['user_id', 'id']).execute()
  await db.schema.createIndex('activities_game_created').on('activities').columns(['game_id', 'created_at']).execute()
  await db.schema.createIndex('activities_created').on('activities').column('created_at').execute()
  await db.schema.createIndex('activities_entry').on('activities').column('entry_id').execute()
  await db.schema.createIndex('activities_list').on('activities').column('list_id').execute()
  await db.schema.createIndex('activities_target_user').on('activities').column('target_user_id').execute()
}

/**
 * Typo-tolerant, prefix-aware name search. SQLite: an FTS5 trigram index kept in step with `games` by triggers
 * (a query matches on any of its trigrams and ranks by how many match). PostgreSQL: pg_trgm's GIN index.
 */
async function createGameSearchIndex(db: Kysely<unknown>): Promise<void> {
  // The name as search compares it (lower case, no accents or punctuation), written by the app on every insert.
  await db.schema.alterTable('games').addColumn('search_name', 'text', (c) => c.notNull().defaultTo('')).execute()
  await db.schema.alterTable('games').addColumn('release_year', 'integer').execute()
  if (isPostgres(db)) {
    await sql`create extension if not exists pg_trgm with schema public`.execute(db)
    await sql`create index games_search_name_trgm on games using gin (search_name public.gin_trgm_ops)`.execute(db)
    return
  }
  await sql`create virtual table games_search using fts5(
    search_name, content='games', content_rowid='id', tokenize='trigram'
  )`.execute(db)
  await sql`insert into games_search(rowid, search_name) select id, search_name from games`.execute(db)
  await sql`create trigger games_search_insert after insert on games begin
    insert into games_search(rowid, search_name) values (new.id, new.search_name);
  end`.execute(db)
  await sql`create trigger games_search_delete after delete on games begin
    insert into games_search(games_search, rowid, search_name) values ('delete', old.id, old.search_name);
  end`.execute(db)
  await sql`create trigger games_search_update after update of search_name on games begin
    insert into games_search(games_search, rowid, search_name) values ('delete', old.id, old.search_name);
    insert into games_search(rowid, search_name) values (new.id, new.search_name);
  end`.execute(db)
}
