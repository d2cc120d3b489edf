import fs from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { loadConfig } from '../config.js'
import { sql } from 'kysely'
import { isPostgres, openDatabase, type Db } from '../db/database.js'
import { migrateToLatest } from '../db/migrate.js'
import type { GamesTable } from '../db/tables.js'
import {
  createIgdbClient,
  IGDB_MAX_LIMIT,
  IgdbError,
  igdbGameToInput,
  IgdbNotCalledError,
  MalformedGameError,
  type IgdbClient,
  type IgdbGame,
} from './igdb.js'
import { searchNameOf } from './repository.js'

/** What a run filled in, and what it asked about that IGDB did not have (or not as the same game). */
export interface EnrichSummary {
  /** Games asked about: those lacking a cover, a summary or a release date. */
  asked: number
  updated: number
  covers: number
  summaries: number
  releaseDates: number
  /** Catalog games matched by slug that now carry IGDB's id. */
  linked: number
  notFound: number
}

export interface EnrichOptions {
  /** Games asked about in one IGDB request: IGDB answers 500 records at most. */
  batchSize?: number
  /** IGDB requests started in any second at most (IGDB allows 4). */
  maxPerSecond?: number
  /** Times a request that failed (network, timeout, an error answer, 429) is made before the run stops. */
  maxAttempts?: number
  onProgress?: (line: string) => void
}

interface LackingGame {
  id: number
  igdb: string | null
  name: string
  slug: string
  release_year: number | null
  cover_url: string | null
  summary: string | null
  first_release_date: string | null
}

type GameChanges = Partial<Pick<GamesTable, 'igdb' | 'cover_url' | 'summary' | 'first_release_date' | 'release_year'>>

/**
 * Fills in the covers, summaries and release dates that games lack, from IGDB: games with an IGDB id are asked
 * about by id; catalog games without one (the shipped catalog) by slug, taken to be IGDB's game only when its
 * year (or, without a year, its name) agrees, and then linked to it by IGDB's id. A value a game has is never
 * replaced, so running it again changes nothing. Each batch is written in its own transaction: a run that stops
 * keeps what it wrote. Versions are bumped by the games table's triggers (migration 0008), so cached game pages change.
 */
export async function enrichCatalog(db: Db, client: IgdbClient, options: EnrichOptions = {}): Promise<EnrichSummary> {
  const { batchSize = IGDB_MAX_LIMIT, maxPerSecond = 4, maxAttempts = 3, onProgress = () => {} } = options
  if (batchSize < 1 || batchSize > IGDB_MAX_LIMIT) throw new RangeError(`batchSize must be from 1 to ${IGDB_MAX_LIMIT}`)
  const summary: EnrichSummary = { asked: 0, updated: 0, covers: 0, summaries: 0, releaseDates: 0, linked: 0, notFound: 0 }
  const ask = pacedAsker(maxPerSecond, maxAttempts)

  for (const by of ['id', 'slug'] as const) {
    const total = await countLacking(db, by)
    let afterId = 0
    let done = 0
    for (;;) {
      const games = await findLacking(db, by, afterId, batchSize)
      if (games.length === 0) break
      afterId = games.at(-1)!.id
      const records =
        by === 'id'
          ? await ask(() => client.gamesByIds(games.map((game) => Number(game.igdb))))
          : await ask(() => client.gamesBySlugs(games.map((game) => game.slug)))
      const before = { ...summary }
      await db.transaction().execute((trx) => applyRecords(trx, by, games, records, summary))
      summary.asked += games.length
      done += games.length
      onProgress(
        `by IGDB ${by}: ${done}/${total} asked; in this batch ${summary.updated - before.updated} updated, ` +
          `${summary.notFound - before.notFound} not found`,
      )
    }
  }
  return summary
}

/** Ids of IGDB's own are numbers; others (the original Overworld kept Giant Bomb's, "3030-…") cannot be asked for. */
function isIgdbId(db: Db) {
  return isPostgres(db)
    ? sql<boolean>`igdb ~ '^[1-9][0-9]{0,15}$'`
    : sql<boolean>`(igdb glob '[1-9]*' and igdb not glob '*[^0-9]*' and length(igdb) <= 16)`
}

function lackingQuery(db: Db, by: 'id' | 'slug') {
  const query = db
    .selectFrom('games')
    .where((eb) => eb.or([eb('cover_url', 'is', null), eb('summary', 'is', null), eb('first_release_date', 'is', null)]))
  return by === 'id' ? query.where(isIgdbId(db)) : query.where('igdb', 'is', null).where('provisional', '=', false)
}

async function countLacking(db: Db, by: 'id' | 'slug'): Promise<number> {
  const row = await lackingQuery(db, by).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The next `limit` games lacking something, after `afterId`. */
function findLacking(db: Db, by: 'id' | 'slug', afterId: number, limit: number): Promise<LackingGame[]> {
  return lackingQuery(db, by)
    .select(['id', 'igdb', 'name', 'slug', 'release_year', 'cover_url', 'summary', 'first_release_date'])
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute()
}

/** Writes what the records fill in for the games they answer; counts the games none answers as not found. */
async function applyRecords(db: Db, by: 'id' | 'slug', games: LackingGame[], records: IgdbGame[], summary: EnrichSummary): Promise<void> {
  const answers = new Map<string, ReturnType<typeof igdbGameToInput>>()
  for (const record of records) {
    try {
      const input = igdbGameToInput(record)
      answers.set(by === 'id' ? input.igdb : String((record as { slug?: unknown }).slug), input)
    } catch (error) {
      if (!(error instanceof MalformedGameError)) throw error
    }
  }
  // An IGDB id another game has already (one cached from a search under another slug) is not given to a second.
  const taken = new Set<string>()
  if (by === 'slug' && answers.size > 0) {
    const ids = [...answers.values()].map((input) => input.igdb)
    const rows = await db.selectFrom('games').select('igdb').where('igdb', 'in', ids).execute()
    for (const row of rows) taken.add(row.igdb as string)
  }
  for (const game of games) {
    const input = answers.get(by === 'id' ? (game.igdb as string) : game.slug)
    if (!input || (by === 'slug' && !sameGame(game, input))) {
      summary.notFound++
      continue
    }
    const changes = changesFor(game, input)
    if (by === 'slug' && !taken.has(input.igdb)) changes.igdb = input.igdb
    if (Object.keys(changes).length === 0) continue
    await db.updateTable('games').set(changes).where('id', '=', game.id).execute()
    taken.add(input.igdb)
    summary.updated++
    if (changes.cover_url) summary.covers++
    if (changes.summary) summary.summaries++
    if (changes.first_release_date) summary.releaseDates++
    if (changes.igdb) summary.linked++
  }
}

/** A slug names different games over the years (a remake takes the original's): the year must agree too. */
function sameGame(game: LackingGame, input: { name: string; release_year?: number | null }): boolean {
  if (game.release_year !== null && input.release_year != null) return game.release_year === input.release_year
  return searchNameOf(game.name) === searchNameOf(input.name)
}

/** The values the game lacks that IGDB has; a release date only when its year is the game's (or it has none). */
function changesFor(game: LackingGame, input: ReturnType<typeof igdbGameToInput>): GameChanges {
  const changes: GameChanges = {}
  if (game.cover_url === null && input.cover_url) changes.cover_url = input.cover_url
  if (game.summary === null && input.summary?.trim()) changes.summary = input.summary.trim()
  if (game.first_release_date === null && input.first_release_date && (game.release_year ?? input.release_year) === input.release_year) {
    changes.first_release_date = input.first_release_date
    if (game.release_year === null) changes.release_year = input.release_year
  }
  return changes
}

/**
 * Makes IGDB requests one after another, no more than `maxPerSecond` starting in any second, waiting out the
 * pauses the client asks for (after a 429, or at its own limits) and retrying a failed request up to `maxAttempts`
 * times, a second apart; a request that fails that often stops the run with its error.
 */
function pacedAsker(maxPerSecond: number, maxAttempts: number) {
  const interval = Math.ceil(1000 / maxPerSecond)
  let lastStart = 0
  return async <T>(request: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; ) {
      // A timer may fire a little early: the interval is measured again, not trusted to have passed.
      for (let wait; (wait = lastStart + interval - Date.now()) > 0; ) await sleep(wait)
      lastStart = Date.now()
      try {
        return await request()
      } catch (error) {
        if (error instanceof IgdbNotCalledError) {
          await sleep(error.retryInMs)
          continue
        }
        if (!(error instanceof IgdbError) || attempt >= maxAttempts) throw error
        attempt++
        await sleep(1000)
      }
    }
  }
}

export function formatEnrichSummary(summary: EnrichSummary): string {
  const { asked, updated, covers, summaries, releaseDates, linked, notFound } = summary
  return (
    `asked IGDB about ${asked} games lacking a cover, summary or release date: updated ${updated} ` +
    `(covers ${covers}, summaries ${summaries}, release dates ${releaseDates}, linked to IGDB ${linked}), ` +
    `not found on IGDB ${notFound}\n`
  )
}

/** `npm run enrich-catalog`: returns the exit code. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let config
  try {
    config = loadConfig(env)
  } catch (error) {
    process.stderr.write(`enrich-catalog: ${(error as Error).message}\n`)
    return 1
  }
  if (!config.igdb) {
    process.stderr.write(
      'enrich-catalog: IGDB is not configured: set IGDB_CLIENT_ID and IGDB_CLIENT_SECRET (IGDB_API_URL and IGDB_TOKEN_URL to ask another server). Nothing was changed.\n',
    )
    return 1
  }
  const db = openDatabase(config.databaseUrl, { queryTimeoutMs: 0 })
  try {
    await migrateToLatest(db)
    // Paced by enrichCatalog: the client's own bounds only guard against going beyond IGDB's.
    const client = createIgdbClient({ ...config.igdb, timeoutMs: 30_000 })
    const summary = await enrichCatalog(db, client, { onProgress: (line) => process.stderr.write(`${line}\n`) })
    process.stdout.write(formatEnrichSummary(summary))
    return 0
  } catch (error) {
    process.stderr.write(`enrich-catalog: ${(error as Error).message} (games updated before this stay updated)\n`)
    return 1
  } finally {
    await db.destroy()
  }
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main()
}
