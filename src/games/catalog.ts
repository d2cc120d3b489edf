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
  /** The game's Steam app id, when it is on Steam: how a Steam library names it (src/imports/match.ts). */
  steam_app_id?: number
}

const CATALOG_FILE = new URL('../../resources/games.json', import.meta.url)

/** Fills an empty `games` table with the shipped catalog, so a fresh install has games to find. */
export async function loadCatalogIfEmpty(db: Db): Promise<number> {
  const any = await db.selectFrom('games').select('id').limit(1).executeTakeFirst()
  if (any) return 0
  const entries = JSON.parse(fs.readFileSync(CATALOG_FILE, 'utf8')) as CatalogEntry[]
  await db.transaction().execute(async (trx) => {
    for (const entry of entries) {
      await insertGame(trx, {
        name: entry.name,
        slug: entry.slug,
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
