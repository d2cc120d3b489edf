import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { replaceFavorites, setGameStatus, setRating } from '../actions/repository.js'
import { MAX_FAVORITES } from '../actions/schemas.js'
import { passwordHashKind } from '../auth/passwords.js'
import { loadConfig } from '../config.js'
import { openDatabase, type Db } from '../db/database.js'
import { migrateToLatest } from '../db/migrate.js'
import type { GameStatus } from '../db/tables.js'
import { timestamp } from '../db/time.js'
import { loadCatalogIfEmpty } from '../games/catalog.js'
import { progressWriter } from '../games/import.js'
import { insertGame } from '../games/repository.js'
import { createGameMatcher } from '../imports/match.js'
import { playthroughsFromJournalOf } from '../playthroughs/from-journal.js'
import { newAvatar } from '../users/accounts.js'
import { emailKey, findTakenIdentifiers, followUser, insertUser, isUsernameHeld } from '../users/repository.js'
import { usernameKey, usernameSkeleton } from '../users/usernames.js'
import { parseDumpdata, type OriginalAccount, type OriginalEntry, type OriginalInstance, type OriginalRating } from './dumpdata.js'

/**
 * The whole original Overworld, moved into this instance: every account with its profile, library, favorites,
 * ratings, journal (and the playthroughs it tells of) and follows. Each account moves in a transaction of its own,
 * whole or not at all, and is remembered by its original pk (imported_items), so running it again moves only
 * what is not here yet. An account whose username or email is another's (case-insensitively, or by looks) is
 * reported, never merged.
 */

export interface Clash {
  pk: number
  username: string
  reason: string
}

export interface MigrationSummary {
  created: number
  /** Moved by an earlier run. */
  alreadyThere: number
  clashes: Clash[]
  games: { matched: number; created: number }
  ratings: { moved: number; rounded: number }
  journal: { entries: number; playthroughs: number }
  follows: number
  /** What the clashing accounts had, left behind with them; follows of or by them, and of oneself. */
  skipped: { ratings: number; entries: number; follows: number }
  /** Moved accounts, of this run or an earlier one, that cannot sign in until an operator sets a password. */
  withoutPassword: string[]
}

/** What imported_items calls a moved account: the original's pk is its key. */
const MOVED_ACCOUNT = { source: 'original', kind: 'account' } as const

const QUIETLY = { logActivity: false }

/** Backlog before played: marking a game played takes it off the backlog, here as on Overworld. */
const STATUSES_IN_ORDER: GameStatus[] = ['backlog', 'wishlist', 'played', 'liked']

/** What an account's move needs of the file and of the moves before it. */
interface MoveContext {
  instance: OriginalInstance
  /** Original pk → user id here, of every account moved so far. */
  userIds: Map<number, number>
  /** Original pk → game id here, of every game committed so far. */
  gameIds: Map<number, number>
  ratingsOf: Map<number, OriginalRating[]>
  journalOf: Map<number, OriginalEntry[]>
  /** Original pk → the pks of the accounts that follow it. */
  followersOf: Map<number, number[]>
}

interface AccountMove {
  userId: number
  /** Original game pk → game id, of the games this account's move matched or created. */
  games: Map<number, { id: number; created: boolean }>
  ratings: number
  rounded: number
  entries: number
  playthroughs: number
  follows: number
}

/** Moves every account of the file that is not here yet. Reports each account done to `onProgress`. */
export async function migrateFromOriginal(
  db: Db,
  instance: OriginalInstance,
  onProgress?: (done: number, total: number) => void,
): Promise<MigrationSummary> {
  const summary: MigrationSummary = {
    created: 0,
    alreadyThere: 0,
    clashes: [],
    games: { matched: 0, created: 0 },
    ratings: { moved: 0, rounded: 0 },
    journal: { entries: 0, playthroughs: 0 },
    follows: 0,
    skipped: { ratings: 0, entries: 0, follows: 0 },
    withoutPassword: [],
  }
  const context: MoveContext = {
    instance,
    userIds: await findMovedAccounts(db, instance.accounts),
    gameIds: new Map(),
    ratingsOf: groupBy(instance.ratings, (rating) => rating.user),
    journalOf: groupBy(instance.journal, (entry) => entry.user),
    followersOf: followersOf(instance.accounts),
  }
  const clashesInFile = clashesWithinFile(instance.accounts)
  for (const [index, account] of instance.accounts.entries()) {
    if (context.userIds.has(account.pk)) {
      summary.alreadyThere++
    } else {
      const move = clashesInFile.get(account.pk) ?? (await moveAccountOrClash(db, account, context))
      if (typeof move === 'string') summary.clashes.push({ pk: account.pk, username: account.username, reason: move })
      else countMove(summary, context, account, move)
    }
    onProgress?.(index + 1, instance.accounts.length)
  }
  summary.skipped = skippedWith(instance, new Set(summary.clashes.map((clash) => clash.pk)))
  summary.withoutPassword = await findMovedWithoutPassword(db)
  return summary
}

/** Moves an account in a transaction of its own, or says why it clashes with an account here. */
async function moveAccountOrClash(db: Db, account: OriginalAccount, context: MoveContext): Promise<AccountMove | string> {
  try {
    return await db.transaction().execute(async (trx) => (await clashHere(trx, account)) ?? moveAccount(trx, account, context))
  } catch (error) {
    throw new Error(`account ${account.username} (pk ${account.pk}): ${(error as Error).message}`, { cause: error })
  }
}

/** A committed move: what the next accounts' moves find, and the summary's counts. */
function countMove(summary: MigrationSummary, context: MoveContext, account: OriginalAccount, move: AccountMove): void {
  context.userIds.set(account.pk, move.userId)
  for (const [pk, game] of move.games) {
    context.gameIds.set(pk, game.id)
    summary.games[game.created ? 'created' : 'matched']++
  }
  summary.created++
  summary.ratings.moved += move.ratings
  summary.ratings.rounded += move.rounded
  summary.journal.entries += move.entries
  summary.journal.playthroughs += move.playthroughs
  summary.follows += move.follows
}

async function moveAccount(db: Db, account: OriginalAccount, context: MoveContext): Promise<AccountMove> {
  const userId = await insertUser(db, {
    ...newAvatar(account.email),
    username: account.username,
    // Django's `!` prefix: no password opens a deactivated account.
    password_hash: account.active ? account.passwordHash : `!${account.passwordHash}`,
    bio: account.bio,
    location: account.location,
    twitter: account.twitter,
    created_at: account.joinedAt,
  })
  const games = gameResolver(db, context)
  for (const status of STATUSES_IN_ORDER) {
    for (const pk of account[status]) await setGameStatus(db, userId, await games.idOf(pk), status, true, QUIETLY)
  }
  const favorites: number[] = []
  for (const pk of account.favorites.slice(0, MAX_FAVORITES)) favorites.push(await games.idOf(pk))
  await replaceFavorites(db, userId, favorites)

  const ratings = context.ratingsOf.get(account.pk) ?? []
  for (const { game, rating } of ratings) await setRating(db, userId, await games.idOf(game), rating.halfStars, QUIETLY)

  const entries = context.journalOf.get(account.pk) ?? []
  for (const entry of entries) await insertOriginalEntry(db, userId, await games.idOf(entry.game), entry)
  const playthroughs = await playthroughsFromJournalOf(db, userId)

  const follows = await followMovedAccounts(db, account, userId, context)
  await db
    .insertInto('imported_items')
    .values({
      user_id: userId,
      ...MOVED_ACCOUNT,
      item_key: String(account.pk),
      target_id: userId,
      snapshot: JSON.stringify({ username: account.username }),
      updated_at: timestamp(),
    })
    .execute()
  return {
    userId,
    games: games.resolved,
    ratings: ratings.length,
    rounded: ratings.filter(({ rating }) => rating.rounded).length,
    entries: entries.length,
    playthroughs,
    follows,
  }
}

/** The games an account's move names, matched in the catalog (IGDB id, then name) or added to it, each once. */
function gameResolver(db: Db, context: MoveContext) {
  const match = createGameMatcher(db)
  const resolved = new Map<number, { id: number; created: boolean }>()
  return {
    resolved,
    async idOf(pk: number): Promise<number> {
      const known = context.gameIds.get(pk) ?? resolved.get(pk)?.id
      if (known !== undefined) return known
      const game = context.instance.games.get(pk)
      if (!game) throw new Error(`game pk ${pk} is not in the file`)
      const found = await match({ title: game.name, year: null, steamAppId: null, igdb: game.igdb, slug: null })
      // The original's games came from IGDB: catalog data, not a game someone made up.
      const id = found.gameId ?? (await insertGame(db, { igdb: game.igdb, name: game.name, slug: game.slug, cover_url: game.coverUrl }))
      resolved.set(pk, { id, created: found.gameId === null })
      return id
    },
  }
}

/** A journal entry as it was written (its free-text platform too); no activity, as it is not news. */
async function insertOriginalEntry(db: Db, userId: number, gameId: number, entry: OriginalEntry): Promise<void> {
  const now = timestamp()
  await db
    .insertInto('journal_entries')
    .values({
      user_id: userId,
      game_id: gameId,
      played_on: entry.date,
      entry_type: entry.entryType,
      platform: entry.platform,
      review: entry.review,
      spoilers: entry.spoilers,
      liked: entry.liked,
      half_stars: entry.halfStars,
      created_at: now,
      updated_at: now,
    })
    .execute()
}

/** The follows between this account and those moved before it, both ways. */
async function followMovedAccounts(db: Db, account: OriginalAccount, userId: number, context: MoveContext): Promise<number> {
  let follows = 0
  for (const followee of account.following) {
    const followeeId = context.userIds.get(followee)
    if (followeeId === undefined || followee === account.pk) continue
    await followUser(db, userId, followeeId, QUIETLY)
    follows++
  }
  for (const follower of context.followersOf.get(account.pk) ?? []) {
    const followerId = context.userIds.get(follower)
    if (followerId === undefined || follower === account.pk) continue
    await followUser(db, followerId, userId, QUIETLY)
    follows++
  }
  return follows
}

/** The accounts earlier runs moved, by original pk; an account of another file with the same pk is not one of them. */
async function findMovedAccounts(db: Db, accounts: OriginalAccount[]): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('imported_items')
    .select(['item_key', 'user_id', 'snapshot'])
    .where('source', '=', MOVED_ACCOUNT.source)
    .where('kind', '=', MOVED_ACCOUNT.kind)
    .execute()
  const byPk = new Map(accounts.map((account) => [String(account.pk), account]))
  const moved = new Map<number, number>()
  for (const row of rows) {
    const account = byPk.get(row.item_key)
    if (account && (JSON.parse(row.snapshot) as { username: string }).username === account.username) moved.set(account.pk, row.user_id)
  }
  return moved
}

/** Of two accounts of the file that are one name or one email to Overworld, the older (lower pk) is moved. */
function clashesWithinFile(accounts: OriginalAccount[]): Map<number, string> {
  const identities = [
    { keyOf: (account: OriginalAccount) => usernameKey(account.username), clash: 'has the same username, to Overworld (which ignores case), as' },
    { keyOf: (account: OriginalAccount) => usernameSkeleton(account.username), clash: 'has a username that looks like that of' },
    { keyOf: (account: OriginalAccount) => emailKey(account.email), clash: 'has the same email (ignoring case) as' },
  ].map((identity) => ({ ...identity, firsts: new Map<string, OriginalAccount>() }))
  const clashes = new Map<number, string>()
  for (const account of accounts) {
    for (const { keyOf, clash, firsts } of identities) {
      const older = firsts.get(keyOf(account))
      if (!older) firsts.set(keyOf(account), account)
      else if (!clashes.has(account.pk)) clashes.set(account.pk, `${clash} ${older.username} (pk ${older.pk}), the older account`)
    }
  }
  return clashes
}

/** Why an account cannot be moved beside the accounts here, if it cannot. */
async function clashHere(db: Db, account: OriginalAccount): Promise<string | undefined> {
  const taken = await findTakenIdentifiers(db, { username: account.username, email: account.email })
  if (taken.username === 'taken') return 'an account here has the same username (ignoring case)'
  if (taken.username === 'lookalike') return 'an account here has a username that looks like it'
  if (taken.email) return 'an account here has the same email (ignoring case)'
  // No account here has the id 0: held for any of them.
  if (await isUsernameHeld(db, usernameSkeleton(account.username), 0)) return 'an account here was renamed away from it lately'
  return undefined
}

function skippedWith(instance: OriginalInstance, clashing: ReadonlySet<number>): MigrationSummary['skipped'] {
  return {
    ratings: instance.ratings.filter((rating) => clashing.has(rating.user)).length,
    entries: instance.journal.filter((entry) => clashing.has(entry.user)).length,
    follows: followsOf(instance.accounts).filter(
      ({ follower, followee }) => follower === followee || clashing.has(follower) || clashing.has(followee),
    ).length,
  }
}

async function findMovedWithoutPassword(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('imported_items')
    .innerJoin('users', 'users.id', 'imported_items.user_id')
    .select(['users.username', 'users.password_hash'])
    .where('imported_items.source', '=', MOVED_ACCOUNT.source)
    .where('imported_items.kind', '=', MOVED_ACCOUNT.kind)
    .orderBy('users.id')
    .execute()
  return rows.filter((row) => passwordHashKind(row.password_hash) === 'unusable').map((row) => row.username)
}

function groupBy<T>(items: T[], keyOf: (item: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>()
  for (const item of items) {
    const group = groups.get(keyOf(item))
    if (group) group.push(item)
    else groups.set(keyOf(item), [item])
  }
  return groups
}

function followsOf(accounts: OriginalAccount[]): { follower: number; followee: number }[] {
  return accounts.flatMap((account) => account.following.map((followee) => ({ follower: account.pk, followee })))
}

function followersOf(accounts: OriginalAccount[]): Map<number, number[]> {
  const follows = groupBy(followsOf(accounts), (follow) => follow.followee)
  return new Map([...follows].map(([followee, group]) => [followee, group.map((follow) => follow.follower)]))
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`

export function formatSummary(summary: MigrationSummary): string {
  const { ratings, journal, skipped } = summary
  const lines = [
    `accounts: ${summary.created} created, ${summary.alreadyThere} already there, ${plural(summary.clashes.length, 'clash', 'clashes')}`,
    `games: ${summary.games.matched} matched, ${summary.games.created} created`,
    `ratings: ${ratings.moved} moved, ${ratings.rounded} rounded to half stars`,
    `journal: ${plural(journal.entries, 'entry', 'entries')}, ${plural(journal.playthroughs, 'playthrough')}`,
    `follows: ${summary.follows} moved`,
    `skipped: ${plural(skipped.ratings, 'rating')}, ${plural(skipped.entries, 'journal entry', 'journal entries')}, ${plural(skipped.follows, 'follow')}`,
  ]
  if (summary.clashes.length > 0) {
    lines.push('not moved, as they clash (settle them by hand, then run this again):')
    for (const { pk, username, reason } of summary.clashes) lines.push(`  ${username} (pk ${pk}) ${reason}`)
  }
  if (summary.withoutPassword.length > 0) {
    lines.push('without a password, so they cannot sign in until one is set:')
    for (const username of summary.withoutPassword) lines.push(`  npm run set-password -- ${username}`)
  }
  return lines.join('\n') + '\n'
}

/** `npm run migrate-from-original -- <dumpdata.json>`: returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const file = args[0]
  if (args.length !== 1 || !file) {
    process.stderr.write("usage: npm run migrate-from-original -- <dumpdata.json> (the original Overworld's manage.py dumpdata)\n")
    return 2
  }
  let instance: OriginalInstance
  try {
    instance = parseDumpdata(fs.readFileSync(file, 'utf8'))
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message
    process.stderr.write(`migrate-from-original: cannot read ${file}: ${reason}\n`)
    return 1
  }
  const db = openDatabase(loadConfig().databaseUrl, { queryTimeoutMs: 0 })
  try {
    await migrateToLatest(db)
    // Games are matched against the catalog: an instance moved into before its first start needs it first.
    await loadCatalogIfEmpty(db)
    process.stdout.write(formatSummary(await migrateFromOriginal(db, instance, progressWriter(process.stderr))))
    return 0
  } catch (error) {
    process.stderr.write(`\nmigrate-from-original: ${(error as Error).message}\n`)
    return 1
  } finally {
    await db.destroy()
  }
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2))
}
