import { setImmediate as otherRequestsFirst } from 'node:timers/promises'
import type { FastifyBaseLogger } from 'fastify'
import type { NewGameLimits } from '../config.js'
import type { Db } from '../db/database.js'
import type { ImportOutcome } from '../db/tables.js'
import { ApiError } from '../http/errors.js'
import { addImportedGame, commitFavoritesRow, commitFollowRow, commitGameRow, commitListRow, type OtherRowOutcome } from './commit.js'
import { createGameMatcher, type GameMatch } from './match.js'
import { describeChange, planGameRow, type GameRowPlan, type ImportContext } from './plan.js'
import {
  claimImport,
  dropExpiredImports,
  findImport,
  findImportRow,
  findImportRows,
  findRowsToCommit,
  findUnheldImports,
  summarizeImport,
  trimCommittedRows,
  updateImport,
  updateImportRow,
  type ImportRecord,
  type StoredRow,
} from './repository.js'
import type { GameRow, ImportRow } from './rows.js'

/** Rows matched, or written (each in its own transaction), between two renewals of the hold and of the progress. */
const MATCH_CHUNK = 50
const COMMIT_CHUNK = 20
/**
 * The longest the work runs before letting other requests in: a row's queries resolve as microtasks (SQLite
 * answers synchronously), so without a turn of the event loop a chunk would hold every other request back.
 */
const TURN_MS = 5
/** How long a process holds an import's work without renewing its hold. */
const LEASE_MS = 60_000
/** How often each process looks for work nobody holds, and for uploads gone stale. */
const SWEEP_MS = 30_000

export interface ImportWork {
  /** Starts (or resumes) the import's matching or commit in the background, unless another process holds it. */
  start(importId: number): void
  /** Runs the import's matching or commit to its end here, reporting progress (the CLI). */
  run(importId: number, onProgress?: (done: number, total: number) => void): Promise<void>
  /** Plans one row of an import in preview again (the person picked its game), and the import's counts. */
  refreshRow(record: ImportRecord, position: number): Promise<void>
  /** Stops taking work and waits for the chunks under way; what is left is resumed by the next process. */
  close(): Promise<void>
}

export interface ImportWorkOptions {
  newGames: NewGameLimits
  log: Pick<FastifyBaseLogger, 'error'>
  /** Look for work left by stopped processes (servers do; the CLI does not). */
  sweep: boolean
}

/**
 * An import's matching and commit run in chunks with the event loop free between them, so other requests keep
 * being answered; each process works on the imports it holds a lease on, and takes over, from where they stopped,
 * those of a process that stopped holding them (crashed, restarted): nothing acknowledged is lost.
 */
export function createImportWork(db: Db, { newGames, log, sweep }: ImportWorkOptions): ImportWork {
  const match = createGameMatcher(db)
  const running = new Map<number, Promise<void>>()
  let closing = false
  let turnStarted = performance.now()

  /** Lets other requests in once the work has run for TURN_MS. */
  async function shareTheLoop(): Promise<void> {
    if (performance.now() - turnStarted < TURN_MS) return
    await otherRequestsFirst()
    turnStarted = performance.now()
  }

  const leaseUntil = () => new Date(Date.now() + LEASE_MS).toISOString().replace('Z', '000Z')

  async function run(importId: number, onProgress?: (done: number, total: number) => void): Promise<void> {
    if (!(await claimImport(db, importId, leaseUntil()))) return
    try {
      for (;;) {
        const record = await findImport(db, importId)
        if (!record || closing) return
        const more = record.status === 'matching' ? await matchChunk(record) : record.status === 'committing' ? await commitChunk(record) : false
        const after = await findImport(db, importId)
        if (after) onProgress?.(after.done, after.total)
        if (!more) return
        await updateImport(db, importId, { lease_until: leaseUntil() })
        await shareTheLoop()
      }
    } finally {
      // Free for another process at once, should this one have stopped early.
      await updateImport(db, importId, { lease_until: null }).catch(() => {})
    }
  }

  function start(importId: number): void {
    if (closing || running.has(importId)) return
    const work = run(importId)
      .catch((error: unknown) => log.error({ err: error, importId }, 'import work stopped; it resumes when its lease lapses'))
      .finally(() => running.delete(importId))
    running.set(importId, work)
  }

  async function matchChunk(record: ImportRecord): Promise<boolean> {
    const context = contextOf(record)
    const rows = await findImportRows(db, record.id, { afterPosition: record.done, limit: MATCH_CHUNK })
    for (const stored of rows) {
      await updateImportRow(db, record.id, stored.position, await previewRow(context, record.id, stored))
      await shareTheLoop()
    }
    if (rows.length === MATCH_CHUNK) {
      await updateImport(db, record.id, { done: rows.at(-1)!.position })
      return true
    }
    await updateImport(db, record.id, { status: 'ready', done: record.total, summary: await summarizeImport(db, record.id) })
    return false
  }

  /** What a row would do, written nowhere: its match (unless the person picked one) and its plan. */
  async function previewRow(context: ImportContext, importId: number, stored: StoredRow) {
    const row = JSON.parse(stored.data) as ImportRow
    if (row.kind === 'game') {
      if (stored.matched_by === 'left') return { game_id: null, outcome: 'unmatched' as const, reason: 'You left it unmatched.', changes: '[]' }
      // A game new to the catalog is added at commit: until then it is in nobody's library.
      if (stored.matched_by === 'new') return { reason: null, ...outcomeOf(await planGameRow(db, context, row, null)) }
      const found: GameMatch =
        stored.matched_by === 'picked' && stored.game_id !== null ? { gameId: stored.game_id, matchedBy: 'name' } : await match(row.game)
      if (found.gameId === null) return { game_id: null, matched_by: null, outcome: 'unmatched' as const, reason: found.reason, changes: '[]' }
      const plan = await planGameRow(db, context, row, found.gameId)
      const matchedBy = stored.matched_by === 'picked' ? 'picked' : 'matchedBy' in found ? found.matchedBy : null
      return { game_id: found.gameId, matched_by: matchedBy, reason: null, ...outcomeOf(plan) }
    }
    const result = await otherRow(db, context, importId, row, false)
    return { outcome: result.outcome, reason: 'reason' in result ? result.reason : null, changes: '[]' }
  }

  /** A row about no game, read or written through `db` (the commit's transaction, when writing). */
  async function otherRow(db: Db, context: ImportContext, importId: number, row: Exclude<ImportRow, GameRow>, write: boolean): Promise<OtherRowOutcome> {
    if (row.kind === 'follow') return commitFollowRow(db, context, row, write)
    if (row.kind === 'skipped') return { outcome: 'skipped', reason: row.reason }
    const gameIds = await matchedGameIds(db, importId)
    return row.kind === 'list' ? commitListRow(db, context, row, gameIds, write) : commitFavoritesRow(db, context, row, gameIds, write)
  }

  async function matchedGameIds(db: Db, importId: number): Promise<Map<string, number>> {
    const rows = await db
      .selectFrom('import_rows')
      .select(['row_key', 'game_id'])
      .where('import_id', '=', importId)
      .where('kind', '=', 'game')
      .where('game_id', 'is not', null)
      .execute()
    return new Map(rows.map((row) => [row.row_key, row.game_id as number]))
  }

  async function commitChunk(record: ImportRecord): Promise<boolean> {
    const context = contextOf(record)
    const rows = await findRowsToCommit(db, record.id, COMMIT_CHUNK)
    for (const stored of rows) {
      const result = await commitRow(context, record.id, stored).catch((error: unknown) => {
        // A row the rules refuse (an account's bound, its allowance of new games) is reported; the rest goes on.
        if (error instanceof ApiError) return { outcome: 'failed' as const, reason: messageOf(error) }
        throw error
      })
      await updateImportRow(db, record.id, stored.position, { ...result, committed: true })
      await shareTheLoop()
    }
    const { n } = await db
      .selectFrom('import_rows')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('import_id', '=', record.id)
      .where('committed', '=', true)
      .executeTakeFirstOrThrow()
    if (rows.length === COMMIT_CHUNK) {
      await updateImport(db, record.id, { done: Number(n) })
      return true
    }
    // In one transaction: an import seen done has only the rows not imported left (what its answer promises).
    const summary = await summarizeImport(db, record.id)
    await db.transaction().execute(async (trx) => {
      await updateImport(trx, record.id, { status: 'done', done: record.total, summary })
      await trimCommittedRows(trx, record.id)
    })
    return false
  }

  /** Writes one row in a transaction of its own: whole or not at all. */
  function commitRow(context: ImportContext, importId: number, stored: StoredRow) {
    const row = JSON.parse(stored.data) as ImportRow
    return db.transaction().execute(async (trx) => {
      if (row.kind !== 'game') {
        const result = await otherRow(trx, context, importId, row, true)
        return { outcome: result.outcome, reason: 'reason' in result ? result.reason : null }
      }
      let gameId = stored.game_id
      if (gameId === null && stored.matched_by === 'new') {
        gameId = await addImportedGame(trx, { userId: context.userId, limits: newGames }, row.game)
        await updateImportRow(trx, importId, stored.position, { game_id: gameId })
      }
      if (gameId === null) return { outcome: 'unmatched' as const, reason: stored.reason }
      const plan = await commitGameRow(trx, context, row, gameId)
      return { reason: null, ...outcomeOf(plan) }
    })
  }

  const timer = sweep
    ? setInterval(() => {
        void (async () => {
          await dropExpiredImports(db)
          for (const importId of await findUnheldImports(db)) start(importId)
        })().catch((error: unknown) => log.error({ err: error }, 'import sweep failed'))
      }, SWEEP_MS).unref()
    : undefined

  async function refreshRow(record: ImportRecord, position: number): Promise<void> {
    const stored = await findImportRow(db, record.id, position)
    if (!stored) return
    await updateImportRow(db, record.id, position, await previewRow(contextOf(record), record.id, stored))
    await updateImport(db, record.id, { summary: await summarizeImport(db, record.id) })
  }

  return {
    start,
    run,
    refreshRow,
    async close() {
      closing = true
      clearInterval(timer)
      await Promise.all(running.values())
    },
  }
}

function contextOf(record: ImportRecord): ImportContext {
  return { userId: record.user_id, source: record.source, options: record.options }
}

function outcomeOf(plan: GameRowPlan): { outcome: ImportOutcome; changes: string } {
  const outcome = plan.changes.length === 0 ? 'unchanged' : plan.firstImport ? 'added' : 'updated'
  return { outcome, changes: JSON.stringify(plan.changes.map(describeChange)) }
}

function messageOf(error: ApiError): string {
  const { body } = error
  return 'detail' in body && typeof body.detail === 'string' ? body.detail : Object.values(body).flat().join(' ')
}
