import { sql, type Insertable, type Updateable } from 'kysely'
import { recordActivity, removeActivity } from '../activity/record.js'
import type { Db } from '../db/database.js'
import type { GameStatus, UsersTable } from '../db/tables.js'
import { timestamp } from '../db/time.js'
import { pageOf } from '../http/cursor.js'
import { notFound } from '../http/errors.js'
import { GAME_SUMMARY_COLUMNS } from '../games/repository.js'
import type { GameSummary } from '../games/schemas.js'
import { findStatsCounts } from '../stats/repository.js'
import type { StatsCounts } from '../stats/schemas.js'

/** The unique key of a username: `Madeline` and `madeline` are the same name. */
export function usernameKey(username: string): string {
  return username.normalize('NFKC').toLowerCase()
}

/** The unique key of an email address; addresses are compared without regard to case. */
export function emailKey(email: string): string {
  return email.toLowerCase()
}

export interface TakenIdentifiers {
  username: boolean
  email: boolean
}

/** Whether a username and/or email already belong to an account (other than `exceptUserId`). */
export async function findTakenIdentifiers(
  db: Db,
  wanted: { username?: string; email?: string },
  exceptUserId?: number,
): Promise<TakenIdentifiers> {
  const nameKey = wanted.username === undefined ? undefined : usernameKey(wanted.username)
  const mailKey = wanted.email === undefined ? undefined : emailKey(wanted.email)
  if (nameKey === undefined && mailKey === undefined) return { username: false, email: false }
  let query = db
    .selectFrom('users')
    .select(['username_key', 'email_key'])
    .where((eb) =>
      eb.or([
        ...(nameKey === undefined ? [] : [eb('username_key', '=', nameKey)]),
        ...(mailKey === undefined ? [] : [eb('email_key', '=', mailKey)]),
      ]),
    )
  if (exceptUserId !== undefined) query = query.where('id', '!=', exceptUserId)
  const rows = await query.execute()
  return {
    username: rows.some((row) => row.username_key === nameKey),
    email: rows.some((row) => row.email_key === mailKey),
  }
}

export type NewUser = Omit<Insertable<UsersTable>, 'username_key' | 'email_key' | 'created_at'>

export async function insertUser(db: Db, user: NewUser): Promise<number> {
  const { id } = await db
    .insertInto('users')
    .values({
      ...user,
      username_key: usernameKey(user.username),
      email_key: emailKey(user.email),
      created_at: timestamp(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return id
}

export type UserChanges = Omit<Updateable<UsersTable>, 'id' | 'username_key' | 'email_key' | 'created_at'>

export async function updateUser(db: Db, userId: number, changes: UserChanges): Promise<void> {
  if (Object.keys(changes).length === 0) return
  await db
    .updateTable('users')
    .set({
      ...changes,
      ...(changes.username === undefined ? {} : { username_key: usernameKey(changes.username) }),
      ...(changes.email === undefined ? {} : { email_key: emailKey(changes.email) }),
    })
    .where('id', '=', userId)
    .execute()
}

/** The account a login names, by username first and then by email. */
export async function findCredentials(db: Db, login: string) {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'username', 'email', 'password_hash', 'username_key'])
    .where((eb) => eb.or([eb('username_key', '=', usernameKey(login)), eb('email_key', '=', emailKey(login))]))
    .execute()
  return rows.find((row) => row.username_key === usernameKey(login)) ?? rows[0]
}

export async function findAvatarSource(db: Db, userId: number) {
  return db.selectFrom('users').select(['avatar_seed', 'use_gravatar', 'email']).where('id', '=', userId).executeTakeFirstOrThrow()
}

export async function findPasswordHash(db: Db, userId: number): Promise<string | undefined> {
  const row = await db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst()
  return row?.password_hash
}

/** The id of the user a path names; an unknown name is a 404. */
export async function requireUserIdByUsername(db: Db, username: string): Promise<number> {
  const userId = await findUserIdByUsername(db, username)
  if (userId === undefined) throw notFound()
  return userId
}

export async function findUserIdByUsername(db: Db, username: string): Promise<number | undefined> {
  const row = await db.selectFrom('users').select('id').where('username_key', '=', usernameKey(username)).executeTakeFirst()
  return row?.id
}

export type GameSummaryRow = GameSummary

export interface ProfileData {
  id: number
  username: string
  email: string
  bio: string | null
  location: string | null
  twitter: string | null
  gravatar: string
  use_gravatar: boolean
  played: GameSummaryRow[]
  liked: GameSummaryRow[]
  backlog: GameSummaryRow[]
  wishlist: GameSummaryRow[]
  favorites: GameSummaryRow[]
  following: number[]
  followers: number[]
  stats: StatsCounts
}

/** A whole profile in six small indexed queries, whatever the size of its lists. */
export async function findProfileByUsername(db: Db, username: string): Promise<ProfileData | undefined> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'username', 'email', 'bio', 'location', 'twitter', 'gravatar', 'use_gravatar'])
    .where('username_key', '=', usernameKey(username))
    .executeTakeFirst()
  if (!user) return undefined

  const [lists, favorites, follows, stats] = await Promise.all([
    findStatusLists(db, user.id),
    findFavorites(db, user.id),
    findFollowEdges(db, user.id),
    findStatsCounts(db, user.id),
  ])
  return { ...user, use_gravatar: !!user.use_gravatar, ...lists, favorites, ...follows, stats }
}

/** The played, liked, backlog and wishlist lists, each newest first. */
async function findStatusLists(db: Db, userId: number): Promise<Record<GameStatus, GameSummaryRow[]>> {
  const rows = await db
    .selectFrom('game_statuses')
    .innerJoin('games', 'games.id', 'game_statuses.game_id')
    .select(['game_statuses.status', ...GAME_SUMMARY_COLUMNS])
    .where('game_statuses.user_id', '=', userId)
    .orderBy('game_statuses.created_at', 'desc')
    .orderBy('games.id', 'desc')
    .execute()
  const lists: Record<GameStatus, GameSummaryRow[]> = { played: [], liked: [], backlog: [], wishlist: [] }
  for (const { status, ...game } of rows) lists[status].push(game)
  return lists
}

export async function findFavorites(db: Db, userId: number): Promise<GameSummaryRow[]> {
  return db
    .selectFrom('favorites')
    .innerJoin('games', 'games.id', 'favorites.game_id')
    .select(GAME_SUMMARY_COLUMNS)
    .where('favorites.user_id', '=', userId)
    .orderBy('favorites.position')
    .execute()
}

/** Who a user follows and who follows them, each in follow order, read in order from covering indexes. */
async function findFollowEdges(db: Db, userId: number) {
  const [following, followers] = await Promise.all([
    db.selectFrom('follows').select('followee_id').where('follower_id', '=', userId).orderBy('created_at').execute(),
    db.selectFrom('follows').select('follower_id').where('followee_id', '=', userId).orderBy('created_at').execute(),
  ])
  return { following: following.map((row) => row.followee_id), followers: followers.map((row) => row.follower_id) }
}

/**
 * A page of the people following a user ('followers') or followed by them ('following'), most recent follow
 * first; the cursor is the (time, user id) of the last follow shown. The follow indexes hold both columns in
 * that order, so a page is an index range read whatever the number of follows. With a viewer, each person says
 * whether the viewer follows them.
 */
export async function findFollowsPage(
  db: Db,
  userId: number,
  options: { direction: 'followers' | 'following'; after: [string, number] | undefined; limit: number; viewerId?: number },
) {
  const { direction, after, limit, viewerId } = options
  const [ownColumn, otherColumn] =
    direction === 'followers' ? (['f.followee_id', 'f.follower_id'] as const) : (['f.follower_id', 'f.followee_id'] as const)
  let query = db
    .selectFrom('follows as f')
    .innerJoin('users as u', 'u.id', otherColumn)
    .select(['u.id', 'u.username', 'u.gravatar', 'u.bio', 'f.created_at'])
    .$if(viewerId !== undefined, (q) =>
      q.select((eb) =>
        eb
          .exists(
            eb
              .selectFrom('follows as v')
              .select('v.followee_id')
              .where('v.follower_id', '=', viewerId as number)
              .whereRef('v.followee_id', '=', 'u.id'),
          )
          .as('followed_by_me'),
      ),
    )
    .where(ownColumn, '=', userId)
    .orderBy('f.created_at', 'desc')
    .orderBy(otherColumn, 'desc')
    .limit(limit + 1)
  if (after) query = query.where(sql<boolean>`(f.created_at, ${sql.ref(otherColumn)}) < (${after[0]}, ${after[1]})`)
  const page = pageOf(await query.execute(), limit, (last) => [last.created_at, last.id])
  return {
    results: page.results.map((row) => ({
      user: { id: row.id, username: row.username, gravatar: row.gravatar },
      bio: row.bio,
      followed_at: row.created_at,
      ...(row.followed_by_me === undefined ? {} : { followed_by_me: !!row.followed_by_me }),
    })),
    next: page.next,
  }
}

/** Follows a user (a no-op when already following), noting it in the follower's activity. Run it in a transaction. */
export async function followUser(db: Db, followerId: number, followeeId: number): Promise<void> {
  const { numInsertedOrUpdatedRows } = await db
    .insertInto('follows')
    .values({ follower_id: followerId, followee_id: followeeId, created_at: timestamp() })
    .onConflict((oc) => oc.columns(['follower_id', 'followee_id']).doNothing())
    .executeTakeFirst()
  if (numInsertedOrUpdatedRows) {
    await recordActivity(db, { user_id: followerId, type: 'follow', target_user_id: followeeId })
  }
}

/** Stops following a user (a no-op when not following). Run it in a transaction. */
export async function unfollowUser(db: Db, followerId: number, followeeId: number): Promise<void> {
  const { numDeletedRows } = await db
    .deleteFrom('follows')
    .where('follower_id', '=', followerId)
    .where('followee_id', '=', followeeId)
    .executeTakeFirst()
  // Only the request that removed the follow removes its activity: one that removed nothing must not take away
  // the activity of a follow made meanwhile.
  if (numDeletedRows > 0n) await removeActivity(db, { user_id: followerId, type: 'follow', target_user_id: followeeId })
}
