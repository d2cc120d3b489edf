import type { Db } from '../../src/db/database.js'
import { timestamp } from '../../src/db/time.js'

/** Rows per insert: well under SQLite's limit of bound parameters. */
const INSERT_CHUNK = 250

/** `count` new games straight into the catalog (names `<prefix> 1`, `<prefix> 2`, …); their ids in that order. */
export async function addGames(db: Db, count: number, prefix = 'Filler'): Promise<number[]> {
  const now = timestamp()
  const ids: number[] = []
  for (let start = 0; start < count; start += INSERT_CHUNK) {
    const games = Array.from({ length: Math.min(INSERT_CHUNK, count - start) }, (_, i) => {
      const n = start + i + 1
      const slug = `${prefix.toLowerCase()}-${n}`
      return { name: `${prefix} ${n}`, slug, search_name: `${prefix.toLowerCase()} ${n}`, platforms: '[]', genres: '[]', developers: '[]', created_at: now }
    })
    const rows = await db.insertInto('games').values(games).returning('id').execute()
    ids.push(...rows.map((row) => row.id))
  }
  return ids
}

/**
 * `lists` lists owned by the user, each holding every game given, in order (positions 1, 2, …), each with a note of
 * `noteLength` characters: an account that exports to about lists × games × noteLength bytes. The list ids in order.
 */
export async function addBigLists(db: Db, userId: number, gameIds: number[], lists: number, noteLength: number): Promise<number[]> {
  const now = timestamp()
  const note = 'n'.repeat(noteLength)
  const listIds: number[] = []
  for (let l = 1; l <= lists; l++) {
    const { id } = await db
      .insertInto('lists')
      .values({ user_id: userId, title: `Big list ${l}`, description: null, ranked: false, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
    for (let start = 0; start < gameIds.length; start += INSERT_CHUNK) {
      const items = gameIds.slice(start, start + INSERT_CHUNK).map((game_id, i) => ({ list_id: id, position: start + i + 1, game_id, note }))
      await db.insertInto('list_items').values(items).execute()
    }
    listIds.push(id)
  }
  return listIds
}
