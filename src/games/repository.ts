import type { Db } from '../db/database.js'
import { uniqueViolation } from '../db/database.js'
import { timestamp } from '../db/time.js'
import { ApiError, notFound } from '../http/errors.js'

/** What we know of a game when adding or updating it; unknown fields are left out or null. */
export interface GameInput {
  igdb?: string | null
  name: string
  slug?: string
  summary?: string | null
  first_release_date?: string | null
  release_year?: number | null
  platforms?: string[]
  genres?: string[]
  developers?: string[]
  cover_url?: string | null
}

/** The name as search compares it: lower case, accents and punctuation dropped, single spaces. */
export function searchNameOf(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

export function slugify(name: string): string {
  return searchNameOf(name).replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'game'
}

function columnsOf(input: GameInput) {
  return {
    igdb: input.igdb ?? null,
    name: input.name,
    search_name: searchNameOf(input.name),
    summary: input.summary ?? null,
    first_release_date: input.first_release_date ?? null,
    release_year: input.release_year ?? (input.first_release_date ? Number(input.first_release_date.slice(0, 4)) : null),
    platforms: JSON.stringify(input.platforms ?? []),
    genres: JSON.stringify(input.genres ?? []),
    developers: JSON.stringify(input.developers ?? []),
    cover_url: input.cover_url ?? null,
  }
}

/** Adds a game under its own slug, or the first free `slug-2`, `slug-3`… when another game has it. */
export async function insertGame(db: Db, input: GameInput): Promise<number> {
  const base = input.slug ?? slugify(input.name)
  const taken = await db
    .selectFrom('games')
    .select('slug')
    .where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)]))
    .execute()
  const takenSlugs = new Set(taken.map((row) => row.slug))
  let slug = base
  for (let n = 2; takenSlugs.has(slug); n++) slug = `${base}-${n}`
  const { id } = await db
    .insertInto('games')
    .values({ ...columnsOf(input), slug, created_at: timestamp() })
    .returning('id')
    .executeTakeFirstOrThrow()
  return id
}

/** Adds or refreshes a game known by its IGDB id (the slug of an existing game is kept: links stay valid). */
export async function upsertGameByIgdb(
  db: Db,
  input: GameInput & { igdb: string },
): Promise<{ id: number; added: boolean }> {
  const existing = await db.selectFrom('games').select('id').where('igdb', '=', input.igdb).executeTakeFirst()
  if (existing) {
    await db.updateTable('games').set(columnsOf(input)).where('id', '=', existing.id).execute()
    return { id: existing.id, added: false }
  }
  return { id: await insertGame(db, input), added: true }
}

/** How a request names a game: our `game` id, or an `igdb` id (with a `name`, to add a game we lack). */
export interface GameReference {
  game?: number
  igdb?: string
  name?: string
}

/**
 * The id of the game a request refers to. A game named by `igdb` and `name` that is not in the catalog yet is
 * added, as the original Overworld did, so clients that look games up on IGDB themselves keep working.
 */
export async function resolveGameId(db: Db, reference: GameReference): Promise<number> {
  if (reference.game !== undefined) {
    const row = await db.selectFrom('games').select('id').where('id', '=', reference.game).executeTakeFirst()
    if (!row) throw notFound('Game not found.')
    return row.id
  }
  if (reference.igdb === undefined) throw new ApiError(400, { game: ['Either "game" or "igdb" is required.'] })
  const row = await db.selectFrom('games').select('id').where('igdb', '=', reference.igdb).executeTakeFirst()
  if (row) return row.id
  if (!reference.name) throw notFound('Game not found. Send its "name" with the "igdb" id to add it.')
  try {
    return await insertGame(db, { igdb: reference.igdb, name: reference.name })
  } catch (error) {
    // Someone added the same game a moment ago.
    if (!uniqueViolation(error)) throw error
    const added = await db.selectFrom('games').select('id').where('igdb', '=', reference.igdb).executeTakeFirst()
    if (!added) throw error
    return added.id
  }
}
