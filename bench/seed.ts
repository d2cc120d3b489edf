import { sql } from 'kysely'
import { hashPassword } from '../src/auth/passwords.js'
import { issueToken } from '../src/auth/tokens.js'
import { isPostgres, openDatabase, type Db } from '../src/db/database.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { avatarUrl, newAvatarSeed } from '../src/users/accounts.js'
import { usernameSkeleton } from '../src/users/usernames.js'
import { loadCatalogIfEmpty } from '../src/games/catalog.js'

export interface Scale {
  name: string
  users: number
  followEdges: number
  journalEntries: number
  popularFollowers: number
  popularListSize: number
  statusesPerUser: number
}

export const FULL: Scale = {
  name: 'full',
  users: 100_000,
  followEdges: 2_000_000,
  journalEntries: 500_000,
  popularFollowers: 10_000,
  popularListSize: 200,
  statusesPerUser: 3,
}

export const SMALL: Scale = {
  name: 'small',
  users: 1_000,
  followEdges: 20_000,
  journalEntries: 5_000,
  popularFollowers: 100,
  popularListSize: 200,
  statusesPerUser: 3,
}

export const BENCH_PASSWORD = 'bench-password-not-common-42'
export const POPULAR_USER = 'user1'
/** Follows the popular user and 150 others: the feed reader. */
export const VIEWER_ID = 2
/** About 50 followers and a few games on the full database: a typical account (one in twenty). */
export function ordinaryUser(scale: Scale): string {
  return `user${scale.users / 20}`
}

export interface Seeded {
  viewerToken: string
  gameCount: number
  /** The game rated by the most people: the game page of the bench. */
  ratedGameId: number
}

/** SQLite binds at most 32,766 values a statement: a batch holds as many rows as fit. */
const MAX_VALUES = 30_000
const EPOCH = Date.parse('2024-01-01T00:00:00Z')

/** A deterministic pseudo-random source, so every run seeds the same data. */
function random(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

const isoAt = (offsetSeconds: number) => new Date(EPOCH + offsetSeconds * 1000).toISOString()

async function insertBatched<T extends object>(db: Db, rows: T[], insert: (trx: Db, batch: T[]) => Promise<unknown>): Promise<void> {
  const batch = Math.floor(MAX_VALUES / Object.keys(rows[0] ?? { one: 1 }).length)
  // A transaction a batch: the version triggers (migration 0008) update the same users' rows batch after batch,
  // and on PostgreSQL one transaction holding all of them would walk ever longer row-version chains.
  for (let i = 0; i < rows.length; i += batch) {
    await db.transaction().execute((trx) => insert(trx, rows.slice(i, i + batch)))
  }
}

/** Fills a fresh database at `url` to the given scale, straight through SQL (the API would take hours). */
export async function seed(url: string, scale: Scale, log: (line: string) => void): Promise<Seeded> {
  const db = openDatabase(url, { queryTimeoutMs: 0 })
  try {
    await migrateToLatest(db)
    await loadCatalogIfEmpty(db)
    const games = await db.selectFrom('games').select('id').orderBy('id').execute()
    const gameIds = games.map((game) => game.id)
    const next = random(42)
    const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)] as T

    log(`${scale.name}: ${scale.users} users`)
    // One real argon2id hash shared by every account: hashing 100,000 passwords would take most of an hour.
    const passwordHash = await hashPassword(BENCH_PASSWORD)
    const users = Array.from({ length: scale.users }, (_, i) => {
      const username = `user${i + 1}`
      const email = `${username}@bench.test`
      const avatar = { avatar_seed: newAvatarSeed(), use_gravatar: false }
      return {
        ...avatar,
        username,
        username_key: username,
        username_skeleton: usernameSkeleton(username),
        email,
        email_key: email,
        password_hash: passwordHash,
        bio: i % 3 === 0 ? `Playing games since ${1980 + (i % 40)}.` : null,
        location: null,
        twitter: null,
        gravatar: avatarUrl({ ...avatar, email }),
        created_at: isoAt(i),
      }
    })
    await insertBatched(db, users, (trx, batch) => trx.insertInto('users').values(batch).execute())

    log(`${scale.name}: ${scale.followEdges} follow edges`)
    const edges = new Set<number>()
    const addEdge = (follower: number, followee: number) => {
      if (follower !== followee) edges.add(follower * (scale.users + 1) + followee)
    }
    for (let follower = 2; follower <= scale.popularFollowers + 1; follower++) addEdge(follower, 1)
    for (let followee = 3; followee <= 152; followee++) addEdge(VIEWER_ID, followee)
    while (edges.size < scale.followEdges) {
      // Power law: a few accounts are followed by many, most by few. The popular user and the viewer keep the
      // exact follows given above.
      const followee = 3 + Math.floor((scale.users - 2) * next() ** 3)
      const follower = 3 + Math.floor((scale.users - 2) * next())
      addEdge(follower, followee)
    }
    const follows = [...edges].map((key, i) => ({
      follower_id: Math.floor(key / (scale.users + 1)),
      followee_id: key % (scale.users + 1),
      created_at: isoAt(scale.users + i),
    }))
    edges.clear()
    await insertBatched(db, follows, (trx, batch) => trx.insertInto('follows').values(batch).execute())
    follows.length = 0

    log(`${scale.name}: game lists`)
    const statuses: { user_id: number; game_id: number; status: 'played' | 'liked' | 'backlog' | 'wishlist'; created_at: string }[] = []
    const lists = ['played', 'liked', 'backlog', 'wishlist'] as const
    lists.forEach((status, s) => {
      for (let i = 0; i < scale.popularListSize; i++) {
        statuses.push({ user_id: 1, game_id: gameIds[(i + s * 100) % gameIds.length] as number, status, created_at: isoAt(i) })
      }
    })
    for (let user = 2; user <= scale.users; user++) {
      const taken = new Set<number>()
      for (let i = 0; i < scale.statusesPerUser; i++) {
        const game = pick(gameIds)
        if (taken.has(game)) continue
        taken.add(game)
        statuses.push({ user_id: user, game_id: game, status: pick([...lists]), created_at: isoAt(user * 10 + i) })
      }
    }
    await insertBatched(db, statuses, (trx, batch) => trx.insertInto('game_statuses').values(batch).execute())

    log(`${scale.name}: ${scale.journalEntries} journal entries, their ratings and activity`)
    const entries = Array.from({ length: scale.journalEntries }, (_, i) => {
      const at = isoAt(scale.users * 30 + i)
      return {
        user_id: 1 + Math.floor(next() * scale.users),
        game_id: pick(gameIds),
        played_on: at.slice(0, 10),
        entry_type: pick(['finished', 'started', 'played', 'abandoned', 'replayed'] as const),
        platform: pick(['PC', 'Nintendo Switch', 'PlayStation 5', 'Xbox Series X|S', null]),
        review: i % 5 === 0 ? 'A memorable game: tight controls, a world worth getting lost in, and a soundtrack to match.' : null,
        spoilers: false,
        liked: i % 4 === 0,
        half_stars: 1 + Math.floor(next() * 10),
        created_at: at,
        updated_at: at,
      }
    })
    await insertBatched(db, entries, (trx, batch) => trx.insertInto('journal_entries').values(batch).execute())
    const activities = entries.map((entry, i) => ({
      user_id: entry.user_id,
      type: entry.review ? ('review' as const) : ('journal' as const),
      game_id: entry.game_id,
      entry_id: i + 1,
      half_stars: entry.half_stars,
      created_at: entry.created_at,
    }))
    // A journal entry's stars become its author's rating of the game (the latest entry's, as in the app).
    const ratings = new Map<string, { user_id: number; game_id: number; half_stars: number; created_at: string; updated_at: string }>()
    for (const entry of entries) {
      const { user_id, game_id, half_stars, created_at } = entry
      ratings.set(`${user_id}:${game_id}`, { user_id, game_id, half_stars, created_at, updated_at: created_at })
    }
    entries.length = 0
    await insertBatched(db, [...ratings.values()], (trx, batch) => trx.insertInto('ratings').values(batch).execute())
    ratings.clear()
    await insertBatched(db, activities, (trx, batch) => trx.insertInto('activities').values(batch).execute())
    // Every follower's feed holds what the people they follow did, as the app's deliveries would have left it.
    log(`${scale.name}: feeds`)
    await sql`insert into feed_inbox (reader_id, activity_id)
      select f.follower_id, a.id from follows f join activities a on a.user_id = f.followee_id`.execute(db)

    // Fresh statistics and visibility maps, so the query planners see the data as it is and PostgreSQL can
    // answer from its indexes alone, as it would after autovacuum.
    await sql.raw(isPostgres(db) ? 'vacuum analyze' : 'analyze').execute(db)
    const { token } = await issueToken(db, VIEWER_ID, 0)
    const mostRated = await db
      .selectFrom('ratings')
      .select('game_id')
      .groupBy('game_id')
      .orderBy(sql`count(*)`, 'desc')
      .orderBy('game_id')
      .limit(1)
      .executeTakeFirstOrThrow()
    return { viewerToken: token, gameCount: gameIds.length, ratedGameId: mostRated.game_id }
  } finally {
    await db.destroy()
  }
}
