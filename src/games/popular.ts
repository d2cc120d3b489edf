import { setImmediate as otherRequestsFirst } from 'node:timers/promises'
import type { Db } from '../db/database.js'
import { MAX_POPULAR, type PopularGame, type PopularPeriod } from './schemas.js'

const DAY_MS = 86_400_000
const PERIOD_DAYS = { week: 7, month: 30 } as const

/**
 * Activities counted by one query: a few milliseconds of SQLite work (whose one connection runs on the main
 * thread), after which other requests get their turn.
 */
const CHUNK_IDS = 10_000

type Ranked = [gameId: number, interactions: number]

/** When a period ending at `now` began, as activities' timestamps are written; null for all time. */
export function periodStart(period: PopularPeriod, now: number): string | null {
  return period === 'all' ? null : new Date(now - PERIOD_DAYS[period] * DAY_MS).toISOString()
}

/**
 * The popular games of each period, computed at most once every `ttlMs` and shared by every request of the
 * process; requests arriving while they are being computed wait for that computation rather than start their
 * own. Everyone gets the same answer (nothing depends on the viewer), so the whole answer is kept, and
 * `answer` keeps it serialized too, once per computation and limit.
 */
export function createPopularGames(db: Db, { ttlMs, now = Date.now }: { ttlMs: number; now?: () => number }) {
  interface Computation {
    games: Promise<PopularGame[]>
    expiresAt: number
    answers: Map<number, Buffer>
  }
  const computed = new Map<PopularPeriod, Computation>()
  const current = (period: PopularPeriod): Computation => {
    let entry = computed.get(period)
    if (!entry || entry.expiresAt <= now()) {
      const since = periodStart(period, now())
      const computing: Computation = { games: findPopularGames(db, since, MAX_POPULAR), expiresAt: Infinity, answers: new Map() }
      computed.set(period, computing)
      computing.games.then(
        () => (computing.expiresAt = now() + ttlMs),
        () => computed.get(period) === computing && computed.delete(period),
      )
      entry = computing
    }
    return entry
  }
  const games = async (period: PopularPeriod, limit: number): Promise<PopularGame[]> =>
    (await current(period).games).slice(0, limit)
  return Object.assign(games, {
    /** The first `limit` games, serialized by `serialize` once per computation. */
    async answer(period: PopularPeriod, limit: number, serialize: (games: PopularGame[]) => string): Promise<Buffer> {
      const entry = current(period)
      const list = (await entry.games).slice(0, limit)
      let body = entry.answers.get(limit)
      if (!body) entry.answers.set(limit, (body = Buffer.from(serialize(list))))
      return body
    },
  })
}

/**
 * The games people did the most with since a time (or ever), most first, ties by id. The activities are
 * counted a chunk of ids at a time, so that however long the log grows no query holds the event loop.
 */
export async function findPopularGames(db: Db, since: string | null, limit: number): Promise<PopularGame[]> {
  const ids = await activityIdsSince(db, since)
  if (!ids) return []
  const interactions = new Map<number, number>()
  for (let from = ids.first; from <= ids.last; from += CHUNK_IDS) {
    let chunk = db
      .selectFrom('activities')
      .select(['game_id', (eb) => eb.fn.countAll<number>().as('interactions')])
      .where('id', '>=', from)
      .where('id', '<', from + CHUNK_IDS)
      .where('game_id', 'is not', null)
      .groupBy('game_id')
    if (since !== null) chunk = chunk.where('created_at', '>=', since)
    for (const row of await chunk.execute()) {
      const gameId = row.game_id as number
      interactions.set(gameId, (interactions.get(gameId) ?? 0) + Number(row.interactions))
    }
    await otherRequestsFirst()
  }
  const top = mostInteracted(interactions, limit)
  if (top.length === 0) return []
  const games = await db
    .selectFrom('games')
    .select(['id', 'igdb', 'name', 'slug', 'cover_url', 'release_year'])
    .where('id', 'in', top.map(([gameId]) => gameId))
    .execute()
  const gameById = new Map(games.map((game) => [game.id, game]))
  // A game deleted since it was counted is left out.
  return top.flatMap(([gameId, count]) => {
    const game = gameById.get(gameId)
    return game ? [{ ...game, interactions: count }] : []
  })
}

/**
 * The ids to count: from the period's earliest activity (found through the created_at index) to the newest.
 * Ids grow with time, as activities are only appended; one written in the same few milliseconds as the
 * period's first, but given a lower id, may be missed, at the edge of a period that moves every moment anyway.
 */
async function activityIdsSince(db: Db, since: string | null): Promise<{ first: number; last: number } | undefined> {
  const activities = db.selectFrom('activities').select('id')
  const earliest = since === null ? activities.orderBy('id') : activities.where('created_at', '>=', since).orderBy('created_at').orderBy('id')
  const first = await earliest.limit(1).executeTakeFirst()
  if (!first) return undefined
  const last = await activities.orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()
  return { first: first.id, last: last.id }
}

/** The `count` games with the most interactions, most first, ties by id: one pass keeping a short sorted list. */
function mostInteracted(interactions: Map<number, number>, count: number): Ranked[] {
  const top: Ranked[] = []
  for (const entry of interactions) {
    if (top.length === count && !ranksBefore(entry, top[count - 1] as Ranked)) continue
    let at = top.length
    while (at > 0 && ranksBefore(entry, top[at - 1] as Ranked)) at--
    top.splice(at, 0, entry)
    if (top.length > count) top.pop()
  }
  return top
}

const ranksBefore = ([gameA, a]: Ranked, [gameB, b]: Ranked) => a > b || (a === b && gameA < gameB)
