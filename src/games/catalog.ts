import fs from 'node:fs'
import type { Db } from '../db/database.js'
import { insertGame } from './repository.js'

/** An entry of resources/games.json: facts only, unknown ones left out. */
export interface CatalogEntry {
  name: string
  slug: string
  year: number | null
  platforms: string[]
  genres: string[]
  developers: string[]
  /** One or two factual sentences: genre, developer, premise. */
  summary?: string
  /** The game's Steam app id, when it is on Steam: how a Steam library names it (src/imports/match.ts). */
  steam_app_id?: number
}

const CATALOG_FILE = new URL('../../resources/games.json', import.meta.url)

function readCatalog(): CatalogEntry[] {
  return JSON.parse(fs.readFileSync(CATALOG_FILE, 'utf8')) as CatalogEntry[]
}

/** Fills an empty `games` table with the shipped catalog, so a fresh install has games to find. */
export async function loadCatalogIfEmpty(db: Db): Promise<number> {
  const any = await db.selectFrom('games').select('id').limit(1).executeTakeFirst()
  if (any) return 0
  const entries = readCatalog()
  await db.transaction().execute(async (trx) => {
    for (const entry of entries) {
      await insertGame(trx, {
        name: entry.name,
        slug: entry.slug,
        summary: entry.summary ?? null,
        release_year: entry.year,
        platforms: entry.platforms,
        genres: entry.genres,
        developers: entry.developers,
        steam_app_id: entry.steam_app_id ?? null,
      })
    }
  })
  return entries.length
}

/** Slugs looked up per statement, well within both databases' limits on bound values. */
const SLUG_CHUNK = 500

/**
 * Gives the shipped catalog's games the summary resources/games.json has for them where the database has none:
 * an install made before the file had summaries gets them on its next start. A game is the file's when it is
 * catalog data (not provisional) of that slug and year; a summary it has (IGDB's, say) is never replaced.
 * Returns how many games got one.
 */
export async function fillCatalogSummaries(db: Db): Promise<number> {
  const entries = readCatalog().filter((entry) => entry.summary)
  let filled = 0
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < entries.length; start += SLUG_CHUNK) {
      const bySlug = new Map(entries.slice(start, start + SLUG_CHUNK).map((entry) => [entry.slug, entry]))
      const rows = await trx
        .selectFrom('games')
        .select(['id', 'slug', 'release_year'])
        .where('slug', 'in', [...bySlug.keys()])
        .where('summary', 'is', null)
        .where('provisional', '=', false)
        .execute()
      for (const row of rows) {
        const entry = bySlug.get(row.slug) as CatalogEntry
        if (row.release_year !== null && entry.year !== null && row.release_year !== entry.year) continue
        await trx.updateTable('games').set({ summary: entry.summary }).where('id', '=', row.id).execute()
        filled++
      }
    }
  })
  return filled
}
