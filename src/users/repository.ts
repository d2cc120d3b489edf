import { sql, type Insertable, type Updateable } from 'kysely'
import { recordActivity, removeActivity } from '../activity/record.js'
import { deliverToNewFollower, withdrawFromFormerFollower } from '../activity/inbox.js'
import type { Db } from '../db/database.js'
import { isoTimestamp, jsonAggregates, jsonArrayFrom, parseJson, type JsonColumn } from '../db/json.js'
import { andThen, prepareKeyedRead, prepareQuery } from '../db/prepared.js'
import type { GameStatus, UsersTable } from '../db/tables.js'
import { hoursFromNow, timestamp } from '../db/time.js'
import { pageOf } from '../http/cursor.js'
import { notFound } from '../http/errors.js'
import { notify, withdrawNotifications } from '../notifications/repository.js'
import { GAME_SUMMARY_COLUMNS } from '../games/repository.js'
import type { GameSummary } from '../games/schemas.js'
import { statsCountColumns, statsCountsOf, type StatsCountsRow } from '../stats/repository.js'
import type { StatsCounts } from '../stats/schemas.js'
import { looksLikeEmail, RENAMED_USERNAME_HOLD_DAYS, usernameKey, usernameSkeleton } from './usernames.js'
import { createUserVersionRead } from './versions.js'

/** The unique key of an email address; addresses are compared without regard to case. */
export function emailKey(email: string): string {
  return email.toLowerCase()
}

export interface TakenIdentifiers {
  /** Whether another account has this username ('taken') or one that looks like it ('lookalike'). */
  username: 'taken' | 'lookalike' | undefined
  email: boolean
}

/** Whether a username (or a look-alike of it) and/or an email already belong to an account other than `exceptUserId`. */
export async function findTakenIdentifiers(
  db: Db,
  wanted: { username?: string; email?: string },
  exceptUserId?: number,
): Promise<TakenIdentifiers> {
  const nameKey = wanted.username === undefined ? undefined : usernameKey(wanted.username)
  const skeleton = wanted.username === undefined ? undefined : usernameSkeleton(wanted.username)
  const mailKey = wanted.email === undefined ? undefined : emailKey(wanted.email)
  if (nameKey === undefined && mailKey === undefined) return { username: undefined, email: false }
  let query = db
    .selectFrom('users')
    .select(['username_key', 'username_skeleton', 'email_key'])
    .where((eb) =>
      eb.or([
        ...(nameKey === undefined ? [] : [eb('username_key', '=', nameKey)]),
        ...(skeleton === undefined ? [] : [eb('username_skeleton', '=', skeleton)]),
        ...(mailKey === undefined ? [] : [eb('email_key', '=', mailKey)]),
      ]),
    )
  if (exceptUserId !== undefined) query = query.where('id', '!=', exceptUserId)
  const rows = await query.execute()
  const username = rows.some((row) => row.username_key === nameKey)
    ? 'taken'
    : rows.some((row) => row.username_skeleton === skeleton)
      ? 'lookalike'
      : undefined
  return { username, email: rows.some((row) => row.email_key === mailKey) }
}

/** A new account; `created_at` only for an account older than this instance (moved from the original Overworld). */
export type NewUser = Omit<Insertable<UsersTable>, 'username_key' | 'username_skeleton' | 'email_key' | 'created_at'> & {
  created_at?: string
}

export async function insertUser(db: Db, user: NewUser): Promise<number> {
  const { id } = await db
    .insertInto('users')
    .values({
      ...user,
      username_key: usernameKey(user.username),
      username_skeleton: usernameSkeleton(user.username),
      email_key: emailKey(user.email),
      created_at: user.created_at ?? timestamp(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return id
}

export type UserChanges = Omit<Updateable<UsersTable>, 'id' | 'username_key' | 'username_skeleton' | 'email_key' | 'created_at'>

export async function updateUser(db: Db, userId: number, changes: UserChanges): Promise<void> {
  if (Object.keys(changes).length === 0) return
  await db
    .updateTable('users')
    .set({
      ...changes,
      ...(changes.username === undefined
        ? {}
        : { username_key: usernameKey(changes.username), username_skeleton: usernameSkeleton(changes.username) }),
      ...(changes.email === undefined ? {} : { email_key: emailKey(changes.email) }),
    })
    .where('id', '=', userId)
    .execute()
}

/**
 * The account a login names. An email-shaped login means the email, so no username can shadow an account's
 * email; it names a username only when no account has that email, which lets accounts whose (legacy)
 * username looks like an email still sign in with it. Any other login is a username.
 */
export async function findCredentials(db: Db, login: string) {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'username', 'email', 'password_hash', 'username_key', 'email_key'])
    .where((eb) => eb.or([eb('username_key', '=', usernameKey(login)), eb('email_key', '=', emailKey(login))]))
    .execute()
  const byUsername = rows.find((row) => row.username_key === usernameKey(login))
  if (!looksLikeEmail(login)) return byUsername
  return rows.find((row) => row.email_key === emailKey(login)) ?? byUsername
}

/** Whether an account other than `exceptUserId` renamed away from a name with this skeleton lately. */
export async function isUsernameHeld(db: Db, skeleton: string, exceptUserId: number): Promise<boolean> {
  const row = await db
    .selectFrom('retired_usernames')
    .select('user_id')
    .where('skeleton', '=', skeleton)
    .where('user_id', '!=', exceptUserId)
    .where('retired_until', '>', timestamp())
    .executeTakeFirst()
  return row !== undefined
}

/** How many of the names an account left are held for it at once, so renaming cannot squat on names without end. */
const MAX_HELD_USERNAMES = 3

/** Holds a name an account renamed away from for that account, releasing its older holds beyond the last few. */
export async function holdRetiredUsername(db: Db, userId: number, username: string): Promise<void> {
  const hold = { skeleton: usernameSkeleton(username), user_id: userId, retired_until: hoursFromNow(RENAMED_USERNAME_HOLD_DAYS * 24) }
  await db
    .insertInto('retired_usernames')
    .values(hold)
    .onConflict((oc) => oc.column('skeleton').doUpdateSet({ user_id: hold.user_id, retired_until: hold.retired_until }))
    .execute()
  await db
    .deleteFrom('retired_usernames')
    .where('user_id', '=', userId)
    .where(
      'skeleton',
      'not in',
      db
        .selectFrom('retired_usernames')
        .select('skeleton')
        .where('user_id', '=', userId)
        .orderBy('retired_until', 'desc')
        .limit(MAX_HELD_USERNAMES),
    )
    .execute()
}

export async function findAvatarSource(db: Db, userId: number) {
  return db.selectFrom('users').select(['avatar_seed', 'use_gravatar', 'email']).where('id', '=', userId).executeTakeFirstOrThrow()
}

export async function findPasswordHash(db: Db, userId: number): Promise<string | undefined> {
  const row = await db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst()
  return row?.password_hash
}

/** Replaces a password hash unless it changed meanwhile (a password change made at the same time wins). */
export async function replacePasswordHash(db: Db, userId: number, previous: string, next: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: next }).where('id', '=', userId).where('password_hash', '=', previous).execute()
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
  /** The games of the playthroughs they are playing, each once, the newest playthrough first. */
  playing: GameSummaryRow[]
  favorites: GameSummaryRow[]
  following: number[]
  followers: number[]
  stats: StatsCounts
}

// Counts and lists side by side: the counts are named as the API names them, the id lists are not.
type ProfileRow = Pick<ProfileData, 'id' | 'username' | 'email' | 'bio' | 'location' | 'twitter' | 'gravatar'> &
  StatsCountsRow & {
    use_gravatar: boolean | number
    statuses: JsonColumn<(GameSummaryRow & { status: GameStatus })[]>
    playing_games: JsonColumn<GameSummaryRow[]>
    favorites: JsonColumn<GameSummaryRow[]>
    following_ids: JsonColumn<number[]>
    follower_ids: JsonColumn<number[]>
  }

/** The games of a person's (`u`) playthroughs being played: of two of one game, the later one. */
const PLAYING_GAMES = `from playthroughs p join games g on g.id = p.game_id where p.user_id = u.id and p.status = 'playing'
  and not exists (select 1 from playthroughs later where later.user_id = p.user_id and later.game_id = p.game_id
    and later.status = 'playing' and later.id > p.id)`

/**
 * Reads of profiles, compiled once: the version of a profile (one indexed row), and a whole profile in ONE
 * query, its lists, follows and counts aggregated as JSON in SQL, so that on PostgreSQL it is one round trip.
 */
export function createProfileReads(db: Db) {
  const json = jsonAggregates(db)
  const game = { id: 'g.id', igdb: 'g.igdb', name: 'g.name', slug: 'g.slug', cover_url: 'g.cover_url' }
  const profile = prepareQuery<{ key: string }, ProfileRow>(
    db,
    (param) => sql`
      select u.id, u.username, u.email, u.bio, u.location, u.twitter, u.gravatar, u.use_gravatar,
        ${json.objects({ status: 's.status', ...game }, 'from game_statuses s join games g on g.id = s.game_id where s.user_id = u.id', 's.created_at desc, g.id desc')} as statuses,
        ${json.objects(game, PLAYING_GAMES, 'p.id desc')} as playing_games,
        ${json.objects(game, 'from favorites f join games g on g.id = f.game_id where f.user_id = u.id', 'f.position')} as favorites,
        ${json.values('f.followee_id', 'from follows f where f.follower_id = u.id', 'f.created_at')} as following_ids,
        ${json.values('f.follower_id', 'from follows f where f.followee_id = u.id', 'f.created_at')} as follower_ids,
        ${statsCountColumns(sql.ref('u.id'))}
      from users u where u.username_key = ${param('key')}`,
  )
  return {
    findProfileVersion: createUserVersionRead(db),
    async findProfileByUsername(username: string): Promise<ProfileData | undefined> {
      const row = await profile.first({ key: usernameKey(username) })
      if (!row) return undefined
      const lists: Record<GameStatus, GameSummaryRow[]> = { played: [], liked: [], backlog: [], wishlist: [] }
      for (const { status, ...game } of parseJson(row.statuses)) lists[status].push(game)
      return {
        id: row.id,
        username: row.username,
        email: row.email,
        bio: row.bio,
        location: row.location,
        twitter: row.twitter,
        gravatar: row.gravatar,
        use_gravatar: !!row.use_gravatar,
        ...lists,
        playing: parseJson(row.playing_games),
        favorites: parseJson(row.favorites),
        following: parseJson(row.following_ids),
        followers: parseJson(row.follower_ids),
        stats: statsCountsOf(row),
      }
    },
  }
}

export type ProfileReads = ReturnType<typeof createProfileReads>

export async function findFavorites(db: Db, userId: number): Promise<GameSummaryRow[]> {
  return db
    .selectFrom('favorites')
    .innerJoin('games', 'games.id', 'favorites.game_id')
    .select(GAME_SUMMARY_COLUMNS)
    .where('favorites.user_id', '=', userId)
    .orderBy('favorites.position')
    .execute()
}

/** `followed_by_me` of a list of people: whether the viewer follows the person, who is `u` in the query. */
export function followedByViewer(viewerId: number) {
  return sql<boolean | number>`exists (select 1 from follows v where v.follower_id = ${viewerId} and v.followee_id = u.id)`.as('followed_by_me')
}

type FollowsPageParameters = {
  usernameKey: string
  /** The page's rows and one more, whose presence says there is a next page. */
  take: number
  /** The cursor: the time and user id of the last follow shown. */
  afterTime?: string
  afterId?: number
  viewerId?: number
}

type FollowRow = { id: number; username: string; gravatar: string; bio: string | null; created_at: string; followed_by_me?: boolean | number }

/**
 * Pages of the people following a user ('followers') or followed by them ('following'), compiled once. Each
 * page is one query: it finds the user by name and brings the page along as a JSON array, so an unknown name
 * (undefined) and an empty page are told apart in one round trip.
 */
export function createFollowsReads(db: Db) {
  const pageQuery = (direction: 'followers' | 'following', { withCursor, withViewer }: { withCursor: boolean; withViewer: boolean }) => {
    const [ownColumn, otherColumn] =
      direction === 'followers' ? (['f.followee_id', 'f.follower_id'] as const) : (['f.follower_id', 'f.followee_id'] as const)
    return prepareQuery<FollowsPageParameters, { owner_id: number; people: JsonColumn<FollowRow[]> }>(db, (param) =>
      db
        .selectFrom('users as owner')
        .select('owner.id as owner_id')
        .select((eb) =>
          jsonArrayFrom(
            db,
            eb
              .selectFrom('follows as f')
              .innerJoin('users as u', 'u.id', otherColumn)
              .select(['u.id', 'u.username', 'u.gravatar', 'u.bio', isoTimestamp(db, 'f.created_at').as('created_at')])
              .$if(withViewer, (q) => q.select(followedByViewer(param('viewerId') as number)))
              .whereRef(ownColumn, '=', 'owner.id')
              .$if(withCursor, (q) =>
                q.where(sql<boolean>`(f.created_at, ${sql.ref(otherColumn)}) < (${param('afterTime')}, ${param('afterId')})`),
              )
              .orderBy('f.created_at', 'desc')
              .orderBy(otherColumn, 'desc')
              .limit(param('take')),
          ).as('people'),
        )
        .where('owner.username_key', '=', param('usernameKey')),
    )
  }
  const pagesOf = (direction: 'followers' | 'following') => ({
    anonymous: { first: pageQuery(direction, { withCursor: false, withViewer: false }), next: pageQuery(direction, { withCursor: true, withViewer: false }) },
    viewed: { first: pageQuery(direction, { withCursor: false, withViewer: true }), next: pageQuery(direction, { withCursor: true, withViewer: true }) },
  })
  const pages = { followers: pagesOf('followers'), following: pagesOf('following') }

  /**
   * A page of the people following a user ('followers') or followed by them ('following'), most recent follow
   * first; the cursor is the (time, user id) of the last follow shown. The follow indexes hold both columns in
   * that order, so a page is an index range read whatever the number of follows. With a viewer, each person says
   * whether the viewer follows them. Undefined when no user has this name.
   */
  async function findFollowsPage(
    username: string,
    options: { direction: 'followers' | 'following'; after: [string, number] | undefined; limit: number; viewerId?: number },
  ) {
    const { direction, after, limit, viewerId } = options
    const variants = pages[direction][viewerId === undefined ? 'anonymous' : 'viewed']
    const row = await (after ? variants.next : variants.first).first({
      usernameKey: usernameKey(username),
      take: limit + 1,
      ...(after && { afterTime: after[0], afterId: after[1] }),
      ...(viewerId !== undefined && { viewerId }),
    })
    if (!row) return undefined
    const page = pageOf(parseJson(row.people), limit, (last) => [last.created_at, last.id])
    const results = page.results.map((person) => ({
      user: { id: person.id, username: person.username, gravatar: person.gravatar },
      bio: person.bio,
      followed_at: person.created_at,
      ...(person.followed_by_me === undefined ? {} : { followed_by_me: !!person.followed_by_me }),
    }))
    return { ownerId: row.owner_id, page: { results, next: page.next } }
  }

  const followsVersion = prepareKeyedRead<string, { id: number; version: number; people: number }>(
    db,
    'text',
    (key) => sql`select u.id, u.version, (select version from people_version) as people from users u where u.username_key = ${key}`,
  )
  /**
   * What a kept followers or following page is checked against: its owner's id, and a version that moves with
   * their follows (their own version) and with the name, avatar or bio of anyone (people_version).
   */
  function findFollowsVersion(username: string) {
    return andThen(followsVersion(usernameKey(username)), (row) =>
      row && { id: row.id, version: `${row.version}.${row.people}` },
    )
  }

  return { findFollowsPage, findFollowsVersion }
}

/**
 * Follows a user (a no-op when already following), noting it in the follower's activity and telling the person
 * followed, unless told not to (a follow brought from elsewhere is not news). Run it in a transaction.
 */
export async function followUser(db: Db, followerId: number, followeeId: number, { logActivity = true } = {}): Promise<void> {
  const { numInsertedOrUpdatedRows } = await db
    .insertInto('follows')
    .values({ follower_id: followerId, followee_id: followeeId, created_at: timestamp() })
    .onConflict((oc) => oc.columns(['follower_id', 'followee_id']).doNothing())
    .executeTakeFirst()
  if (!numInsertedOrUpdatedRows) return
  await deliverToNewFollower(db, followerId, followeeId)
  if (logActivity) {
    await recordActivity(db, { user_id: followerId, type: 'follow', target_user_id: followeeId })
    await notify(db, { user_id: followeeId, actor_id: followerId, kind: 'follow' })
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
  if (numDeletedRows === 0n) return
  await removeActivity(db, { user_id: followerId, type: 'follow', target_user_id: followeeId })
  await withdrawFromFormerFollower(db, followerId, followeeId)
  await withdrawNotifications(db, { user_id: followeeId, actor_id: followerId, kind: 'follow' })
}
