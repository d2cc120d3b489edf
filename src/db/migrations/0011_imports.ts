import { sql, type Kysely } from 'kysely'
import { idColumn, timestampType } from './helpers.js'

/**
 * Imports of a person's history from other trackers (src/imports/). An upload is kept with its parsed rows and
 * their matches until it is committed, cancelled or a day old; what a commit writes is remembered by source and
 * source key (imported_items), so importing the same file again writes nothing twice. Catalog games gain the
 * Steam app id, the only id a Steam library names its games by.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const timestamp = timestampType(db)

  await db.schema.alterTable('games').addColumn('steam_app_id', 'integer').execute()
  await db.schema.createIndex('games_steam_app_id').unique().on('games').column('steam_app_id').execute()
  for (const [slug, appId] of STEAM_APP_IDS) {
    await sql`update games set steam_app_id = ${appId} where slug = ${slug} and steam_app_id is null and not provisional`.execute(db)
  }

  await db.schema
    .createTable('imports')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('uploading', 'matching', 'ready', 'committing', 'done', 'cancelled', 'failed')`),
    )
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
    /** JSON: what the person chose in the preview (Steam's unplayed games: backlog or not). */
    .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}'))
    /** JSON: the counts of the preview, then of the commit. */
    .addColumn('summary', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('error', 'text')
    /** A process working on the import holds it until then; past it, another process takes the work over. */
    .addColumn('lease_until', timestamp)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .addColumn('expires_at', timestamp, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('imports_user').on('imports').columns(['user_id', 'id']).execute()
  await db.schema.createIndex('imports_status').on('imports').columns(['status', 'lease_until']).execute()

  await db.schema
    .createTable('import_rows')
    .addColumn('import_id', 'integer', (c) => c.notNull().references('imports.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('row_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('line', 'integer')
    .addColumn('title', 'text', (c) => c.notNull())
    /** JSON: the parsed row (src/imports/rows.ts). */
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('game_id', 'integer', (c) => c.references('games.id').onDelete('set null'))
    /** How the game was found: steam, igdb, slug, name, picked (by the person), new (added to the catalog). */
    .addColumn('matched_by', 'text')
    /** What the row does (added, updated, unchanged, unmatched, skipped, failed): planned in the preview, done after commit. */
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    /** JSON: what the row does, in words (["mark played", "rate ★★★★½", …]). */
    .addColumn('changes', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('rounded', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('committed', 'boolean', (c) => c.notNull().defaultTo(false))
    .addPrimaryKeyConstraint('import_rows_pk', ['import_id', 'position'])
    .execute()
  await db.schema.createIndex('import_rows_outcome').on('import_rows').columns(['import_id', 'outcome', 'position']).execute()
  await db.schema.createIndex('import_rows_game').on('import_rows').column('game_id').execute()
  await db.schema.createIndex('import_rows_key').on('import_rows').columns(['import_id', 'row_key']).execute()

  await db.schema
    .createTable('imported_items')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull())
    /** game, playthrough, session, journal, list, favorites, follow. */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('item_key', 'text', (c) => c.notNull())
    /** What it became here: the game, playthrough, session, entry or list id. */
    .addColumn('target_id', 'integer')
    /** JSON: the item as last imported, to tell on the next import what changed at the source. */
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('imported_items_pk', ['user_id', 'source', 'kind', 'item_key'])
    .execute()
}

/**
 * Steam app ids of shipped catalog games, by slug, as this migration found them (resources/games.json carries them
 * for new installs; a later change to that file does not change this list).
 */
const STEAM_APP_IDS: [string, number][] = [
  ['celeste', 504230],
  ['hades', 1145360],
  ['hollow-knight', 367520],
  ['the-witcher-3-wild-hunt', 292030],
  ['stardew-valley', 413150],
  ['portal-2', 620],
  ['dark-souls-iii', 374320],
  ['grim-fandango', 316790],
  ['the-elder-scrolls-v-skyrim', 489830],
  ['doki-doki-literature-club', 698780],
  ['vampire-survivors', 1794680],
  ['inscryption', 1092790],
  ['nier-automata', 524220],
  ['sid-meiers-civilization-vi', 289070],
  ['papers-please', 239030],
  ['elden-ring', 1245620],
  ['persona-5-royal', 1687950],
  ['journey', 638230],
  ['balatro', 2379780],
]
