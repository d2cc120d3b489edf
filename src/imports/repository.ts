import { setImmediate as otherRequestsFirst } from 'node:timers/promises'
import { sql } from 'kysely'
import { isPostgres, type Db } from '../db/database.js'
import type { Selectable } from 'kysely'
import type { ImportOutcome, ImportRowsTable, ImportStatus } from '../db/tables.js'
import { hoursFromNow, timestamp } from '../db/time.js'
import { DEFAULT_IMPORT_OPTIONS, type ImportOptions } from './plan.js'
import type { GameSummary } from '../games/schemas.js'
import type { ImportRow, ImportSource } from './rows.js'

/** An upload not committed within a day goes, with its rows. */
const KEPT_HOURS = 24
/** Rows written per statement when an upload is stored. */
const STORE_CHUNK = 100
/** Statuses of an import that is not over: a person has at most one of them. */
export const ACTIVE_STATUSES: ImportStatus[] = ['uploading', 'matching', 'ready', 'committing']

export interface ImportSummary {
  added: number
  updated: number
  unchanged: number
  unmatched: number
  skipped: number
  failed: number
  rounded: number
}

export interface ImportRecord {
  id: number
  user_id: number
  source: ImportSource
  status: ImportStatus
  total: number
  done: number
  options: ImportOptions
  summary: ImportSummary
  error: string | null
  created_at: string
  expires_at: string
}

const IMPORT_COLUMNS = ['id', 'user_id', 'source', 'status', 'total', 'done', 'options', 'summary', 'error', 'created_at', 'expires_at'] as const

type ImportColumns = { [K in (typeof IMPORT_COLUMNS)[number]]: K extends 'source' ? string : K extends 'options' | 'summary' ? string : unknown }

function recordOf(row: ImportColumns): ImportRecord {
  return {
    ...(row as unknown as Omit<ImportRecord, 'options' | 'summary' | 'source'>),
    source: row.source as ImportSource,
    options: { ...DEFAULT_IMPORT_OPTIONS, ...(JSON.parse(row.options) as Partial<ImportOptions>) },
    summary: { ...EMPTY_SUMMARY, ...(JSON.parse(row.summary) as Partial<ImportSummary>) },
  }
}

export const EMPTY_SUMMARY: ImportSummary = { added: 0, updated: 0, unchanged: 0, unmatched: 0, skipped: 0, failed: 0, rounded: 0 }

function titleOf(row: ImportRow): string {
  if (row.kind === 'game') return row.game.title ?? (row.game.steamAppId !== null ? `Steam app ${row.game.steamAppId}` : '(no name)')
  if (row.kind === 'list') return row.title
  if (row.kind === 'favorites') return 'Favorites'
  if (row.kind === 'follow') return row.username
  return row.title
}

/** The person's import that is not over yet (uploaded, matching, in preview or being committed), if any. */
export async function findActiveImportId(db: Db, userId: number): Promise<number | undefined> {
  const row = await db
    .selectFrom('imports')
    .select('id')
    .where('user_id', '=', userId)
    .where('status', 'in', ACTIVE_STATUSES)
    .where('expires_at', '>', timestamp())
    .executeTakeFirst()
  return row?.id
}

/** An upload whose rows are still being stored is forgotten if that takes longer than this (its process stopped). */
const UPLOADING_MINUTES = 10

/**
 * Starts a new import of the person's, unless they have one in progress (its id then): its rows are stored next
 * (storeImportRows). On PostgreSQL the person's row is locked first, so that two uploads at once cannot both find
 * none in progress. Run it in a transaction.
 */
export async function insertImport(db: Db, userId: number, source: ImportSource, total: number): Promise<{ id: number } | { active: number }> {
  if (isPostgres(db)) await db.selectFrom('users').select('id').where('id', '=', userId).forNoKeyUpdate().execute()
  const active = await findActiveImportId(db, userId)
  if (active !== undefined) return { active }
  const now = timestamp()
  const { id } = await db
    .insertInto('imports')
    .values({ user_id: userId, source, status: 'uploading', total, created_at: now, updated_at: now, expires_at: hoursFromNow(UPLOADING_MINUTES / 60) })
    .returning('id')
    .executeTakeFirstOrThrow()
  return { id }
}

/**
 * Stores an upload's parsed rows, a chunk a statement, outside any transaction so that other requests' queries
 * are answered between the chunks (SQLite has one connection); then the import is `matching`, kept for a day. If
 * storing fails the import goes; if the process stops, its `uploading` import is forgotten after a while.
 */
export async function storeImportRows(db: Db, importId: number, rows: ImportRow[]): Promise<void> {
  try {
    for (let start = 0; start < rows.length; start += STORE_CHUNK) {
      if (start > 0) await otherRequestsFirst()
      const chunk = rows.slice(start, start + STORE_CHUNK)
      await db
        .insertInto('import_rows')
        .values(
          chunk.map((row, index) => ({
            import_id: importId,
            position: start + index + 1,
            row_key: row.key,
            kind: row.kind,
            line: row.line,
            title: titleOf(row),
            data: JSON.stringify(row),
            outcome: row.kind === 'skipped' ? 'skipped' : 'unmatched',
            reason: row.kind === 'skipped' ? row.reason : null,
            rounded: row.kind === 'game' && row.rating?.rounded === true,
          })),
        )
        .execute()
    }
    await db
      .updateTable('imports')
      .set({ status: 'matching', updated_at: timestamp(), expires_at: hoursFromNow(KEPT_HOURS) })
      .where('id', '=', importId)
      .execute()
  } catch (error) {
    await db.deleteFrom('imports').where('id', '=', importId).execute()
    throw error
  }
}

export async function findImport(db: Db, importId: number): Promise<ImportRecord | undefined> {
  const row = await db.selectFrom('imports').select(IMPORT_COLUMNS).where('id', '=', importId).executeTakeFirst()
  return row && recordOf(row)
}

export async function findUserImports(db: Db, userId: number, count: number): Promise<ImportRecord[]> {
  const rows = await db.selectFrom('imports').select(IMPORT_COLUMNS).where('user_id', '=', userId).orderBy('id', 'desc').limit(count).execute()
  return rows.map(recordOf)
}

const ROW_COLUMNS = ['position', 'row_key', 'kind', 'line', 'title', 'data', 'game_id', 'matched_by', 'outcome', 'reason', 'changes', 'rounded'] as const

/** A stored row of an import, as the work and the routes read it. */
export type StoredRow = Pick<Selectable<ImportRowsTable>, (typeof ROW_COLUMNS)[number]>

export type ShownRow = StoredRow & { game: GameSummary | null }

/** A page of an import's rows in file order, optionally only those of one outcome, with their games: one query. */
export async function findImportRowsPage(
  db: Db,
  importId: number,
  { outcome, afterPosition, limit }: { outcome?: ImportOutcome; afterPosition: number; limit: number },
): Promise<ShownRow[]> {
  const rows = await db
    .selectFrom('import_rows')
    .leftJoin('games', 'games.id', 'import_rows.game_id')
    .select(ROW_COLUMNS.map((column) => `import_rows.${column}` as const))
    .select(['games.igdb', 'games.name', 'games.slug', 'games.cover_url'])
    .where('import_rows.import_id', '=', importId)
    .$if(outcome !== undefined, (query) => query.where('import_rows.outcome', '=', outcome as ImportOutcome))
    .where('import_rows.position', '>', afterPosition)
    .orderBy('import_rows.position')
    .limit(limit)
    .execute()
  return rows.map(({ igdb, name, slug, cover_url, ...row }) => ({
    ...row,
    game: row.game_id === null || name === null || slug === null ? null : { id: row.game_id, igdb, name, slug, cover_url },
  }))
}

/** The row with this key, if the import has one. */
export async function findImportRowByKey(db: Db, importId: number, key: string): Promise<StoredRow | undefined> {
  return db.selectFrom('import_rows').select(ROW_COLUMNS).where('import_id', '=', importId).where('row_key', '=', key).executeTakeFirst()
}

/** A page of an import's rows in file order, optionally only those of one outcome. */
export async function findImportRows(
  db: Db,
  importId: number,
  { outcome, afterPosition, limit }: { outcome?: ImportOutcome; afterPosition: number; limit: number },
): Promise<StoredRow[]> {
  return db
    .selectFrom('import_rows')
    .select(ROW_COLUMNS)
    .where('import_id', '=', importId)
    .$if(outcome !== undefined, (query) => query.where('outcome', '=', outcome as ImportOutcome))
    .where('position', '>', afterPosition)
    .orderBy('position')
    .limit(limit)
    .execute()
}

export async function findImportRow(db: Db, importId: number, position: number): Promise<StoredRow | undefined> {
  return db.selectFrom('import_rows').select(ROW_COLUMNS).where('import_id', '=', importId).where('position', '=', position).executeTakeFirst()
}

/** Rows still to be done by the phase under way: matching (from `done` on) or committing (not yet committed). */
export async function findRowsToCommit(db: Db, importId: number, limit: number): Promise<StoredRow[]> {
  return db
    .selectFrom('import_rows')
    .select(ROW_COLUMNS)
    .where('import_id', '=', importId)
    .where('committed', '=', false)
    .orderBy('position')
    .limit(limit)
    .execute()
}

export async function updateImportRow(
  db: Db,
  importId: number,
  position: number,
  changes: Partial<Pick<StoredRow, 'game_id' | 'matched_by' | 'outcome' | 'reason' | 'changes'>> & { committed?: boolean },
): Promise<void> {
  await db.updateTable('import_rows').set(changes).where('import_id', '=', importId).where('position', '=', position).execute()
}

/** The counts of an import's rows by outcome, and how many ratings were rounded: one query. */
export async function summarizeImport(db: Db, importId: number): Promise<ImportSummary> {
  const rows = await db
    .selectFrom('import_rows')
    .select((eb) => [
      'outcome',
      eb.fn.countAll<number | string>().as('n'),
      eb.fn.sum<number | string>(sql`case when rounded then 1 else 0 end`).as('rounded'),
    ])
    .where('import_id', '=', importId)
    .groupBy('outcome')
    .execute()
  const summary = { ...EMPTY_SUMMARY }
  for (const row of rows) {
    summary[row.outcome] = Number(row.n)
    summary.rounded += Number(row.rounded)
  }
  return summary
}

export async function updateImport(
  db: Db,
  importId: number,
  changes: Partial<{ status: ImportStatus; done: number; total: number; options: ImportOptions; summary: ImportSummary; error: string | null; lease_until: string | null }>,
): Promise<void> {
  const { options, summary, ...rest } = changes
  await db
    .updateTable('imports')
    .set({
      ...rest,
      ...(options && { options: JSON.stringify(options) }),
      ...(summary && { summary: JSON.stringify(summary) }),
      updated_at: timestamp(),
    })
    .where('id', '=', importId)
    .execute()
}

/**
 * Takes the work on an import (matching or committing) for this process until `leaseUntil`, unless another
 * process holds it: true when taken. Whoever holds it renews it as it goes; one that stopped (crashed, restarted)
 * lets it lapse, and the next process to look takes the work over from where it stopped.
 */
export async function claimImport(db: Db, importId: number, leaseUntil: string): Promise<boolean> {
  const { numUpdatedRows } = await db
    .updateTable('imports')
    .set({ lease_until: leaseUntil })
    .where('id', '=', importId)
    .where('status', 'in', ['matching', 'committing'])
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', timestamp())]))
    .executeTakeFirst()
  return numUpdatedRows > 0n
}

/** Imports whose work nobody holds: never taken, or left by a process that stopped. */
export async function findUnheldImports(db: Db): Promise<number[]> {
  const rows = await db
    .selectFrom('imports')
    .select('id')
    .where('status', 'in', ['matching', 'committing'])
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', timestamp())]))
    .where('expires_at', '>', timestamp())
    .execute()
  return rows.map((row) => row.id)
}

/**
 * Forgets uploads a day old that were never committed (their rows go with them), and marks work that could not
 * finish within the day as failed, so that nobody is kept from importing again.
 */
export async function dropExpiredImports(db: Db): Promise<void> {
  const now = timestamp()
  await db.deleteFrom('imports').where('status', 'in', ['uploading', 'matching', 'ready', 'cancelled']).where('expires_at', '<', now).execute()
  await db
    .updateTable('imports')
    .set({ status: 'failed', error: 'It could not be finished within a day.', updated_at: now })
    .where('status', '=', 'committing')
    .where('expires_at', '<', now)
    .execute()
  await db
    .deleteFrom('import_rows')
    .where('import_id', 'in', (eb) => eb.selectFrom('imports').select('id').where('status', '=', 'failed').where('expires_at', '<', now))
    .execute()
}

/** Once committed, the file's rows are not kept: only those not imported stay, to say why. */
export async function trimCommittedRows(db: Db, importId: number): Promise<void> {
  await db.deleteFrom('import_rows').where('import_id', '=', importId).where('outcome', 'not in', ['unmatched', 'skipped', 'failed']).execute()
  await db.updateTable('import_rows').set({ data: '{}', changes: '[]' }).where('import_id', '=', importId).execute()
}
