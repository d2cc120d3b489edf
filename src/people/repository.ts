import { sql, type RawBuilder } from 'kysely'
import type { Db } from '../db/database.js'
import { prepareQuery } from '../db/prepared.js'
import { hoursFromNow } from '../db/time.js'
import type { GameSummary } from '../games/schemas.js'
import { followedByViewer } from '../users/repository.js'
import { usernameKey, usernameSkeleton } from '../users/usernames.js'
import type { PeopleSearchHits, Suggestions } from './schemas.js'

/**
 * Accounts moved from the original Overworld deactivated keep a password hash no password opens (`!` first,
 * src/original/migrate.ts): nobody can use them, so nobody is shown them either.
 */
const ACTIVE_ACCOUNT = sql<boolean>`u.password_hash not like '!%'`

/** Below this many characters, a query matches names that start with it, not names that merely contain it. */
const MIN_SUBSTRING_LENGTH = 3

/** Text as a LIKE pattern matching it literally (a username may hold `_`, a query anything). */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`)
}

type SearchParameters = { key: string; prefix: string; substring: string; skeleton: string; limit: number; viewerId?: number }

type PersonRow = { id: number; username: string; gravatar: string; bio: string | null; followers: number | string; followed_by_me?: boolean | number }

/** How many of the best matching names, by tier and length, are ranked by their followers. */
const CANDIDATES = 200

/**
 * People by username, compiled once; one query each. Names match without regard to case: the exact name, then
 * names starting with the query, then containing it, then names that look like it (the same skeleton, as
 * registration compares names: `madel1ne` finds `madeline`). Within each, the most followed come first, among
 * the shortest CANDIDATES names matching, so that a short query matching thousands of names counts the followers
 * of a few hundred.
 *
 * Matching a substring reads every username (no index answers `%x%`): 15 to 35 ms for 50,000 accounts, on
 * SQLite and PostgreSQL alike. An index of trigrams like the games' is the next step if there are many more.
 */
export function createPeopleSearch(db: Db) {
  const searchQuery = (withViewer: boolean) =>
    prepareQuery<SearchParameters, PersonRow>(db, (param) => {
      const candidates = db
        .selectFrom('users as u')
        .select(['u.id', 'u.username', 'u.username_key', 'u.gravatar', 'u.bio'])
        .select(
          sql<number>`case when u.username_key = ${param('key')} then 0
            when u.username_key like ${param('prefix')} escape '\\' then 1
            when u.username_key like ${param('substring')} escape '\\' then 2
            else 3 end`.as('tier'),
        )
        .where((eb) =>
          eb.or([sql<boolean>`u.username_key like ${param('substring')} escape '\\'`, eb('u.username_skeleton', '=', param('skeleton'))]),
        )
        .where(ACTIVE_ACCOUNT)
        .orderBy('tier')
        .orderBy(sql`length(u.username_key)`)
        .orderBy('u.username_key')
        .limit(CANDIDATES)
      return db
        .selectFrom(candidates.as('u'))
        .select((eb) => [
          'u.id',
          'u.username',
          'u.gravatar',
          'u.bio',
          eb.selectFrom('follows as f').select((eb) => eb.fn.countAll().as('count')).whereRef('f.followee_id', '=', 'u.id').as('followers'),
        ])
        .$if(withViewer, (query) => query.select(followedByViewer(param('viewerId') as number)))
        .orderBy('u.tier')
        .orderBy('followers', 'desc')
        .orderBy(sql`length(u.username_key)`)
        .orderBy('u.username_key')
        .orderBy('u.id')
        .limit(param('limit'))
    })
  const queries = { anonymous: searchQuery(false), viewed: searchQuery(true) }

  /** Up to `limit` people for a query (not blank); with a viewer, each says whether the viewer follows them. */
  return async function searchPeople(query: string, limit: number, viewerId?: number): Promise<PeopleSearchHits> {
    const key = usernameKey(query.trim())
    const literal = likeLiteral(key)
    const rows = await queries[viewerId === undefined ? 'anonymous' : 'viewed'].all({
      key,
      prefix: `${literal}%`,
      // Too short to mean much inside a name: then only names starting with it match.
      substring: key.length < MIN_SUBSTRING_LENGTH ? `${literal}%` : `%${literal}%`,
      skeleton: usernameSkeleton(query.trim()),
      limit,
      ...(viewerId !== undefined && { viewerId }),
    })
    return rows.map((row) => ({
      user: { id: row.id, username: row.username, gravatar: row.gravatar },
      bio: row.bio,
      followers: Number(row.followers),
      ...(row.followed_by_me === undefined ? {} : { followed_by_me: !!row.followed_by_me }),
    }))
  }
}

/** How far back a review makes its writer an active reviewer worth suggesting. */
const RECENT_REVIEW_DAYS = 90

type SuggestionParameters = { viewerId: number; since: string; limit: number }

type SuggestionRow = {
  id: number
  username: string
  gravatar: string
  bio: string | null
  /** 0: followed by people the viewer follows; 1: reviewed games the viewer played. */
  source: number
  weight: number | string
  via_username: string | null
  game_id: number | null
  game_igdb: string | null
  game_name: string | null
  game_slug: string | null
  game_cover_url: string | null
}

/**
 * People a person may want to follow, compiled once; one query. First the people followed by the people they
 * follow, the more of those the better; then the people who lately reviewed games they played, the more of
 * those games the better. Never themselves, the people they already follow, or deactivated accounts (deleted
 * ones are gone with their follows and reviews).
 */
export function createSuggestions(db: Db) {
  const suggestions = prepareQuery<SuggestionParameters, SuggestionRow>(
    db,
    (param) => {
      // Neither the viewer nor someone they follow (the follows' primary key answers it).
      const isNewToViewer = (userId: RawBuilder<unknown>) => sql<boolean>`${userId} <> ${param('viewerId')}
        and not exists (select 1 from follows already where already.follower_id = ${param('viewerId')} and already.followee_id = ${userId})`
      return sql`
      with followed as (
        select f.followee_id as user_id, count(*) as weight, min(via.username) as via_username, max(f.created_at) as latest
        from follows mine
        join follows f on f.follower_id = mine.followee_id
        join users via on via.id = mine.followee_id
        join users u on u.id = f.followee_id
        where mine.follower_id = ${param('viewerId')} and ${isNewToViewer(sql.ref('f.followee_id'))} and ${ACTIVE_ACCOUNT}
        group by f.followee_id
        order by weight desc, latest desc, f.followee_id
        limit ${param('limit')}
      ),
      reviewers as (
        select r.user_id, count(distinct r.game_id) as weight, max(r.created_at) as latest
        from journal_entries r
        join game_statuses s on s.game_id = r.game_id and s.user_id = ${param('viewerId')} and s.status = 'played'
        join users u on u.id = r.user_id
        where r.review is not null and r.created_at >= ${param('since')}
          and ${isNewToViewer(sql.ref('r.user_id'))} and ${ACTIVE_ACCOUNT}
          and r.user_id not in (select user_id from followed)
        group by r.user_id
        order by weight desc, latest desc, r.user_id
        limit ${param('limit')}
      ),
      suggested as (
        select user_id, 0 as source, weight, latest, via_username, null as game_id from followed
        union all
        select user_id, 1 as source, weight, latest, null as via_username,
          (select latest_review.game_id from journal_entries latest_review
            join game_statuses s on s.game_id = latest_review.game_id and s.user_id = ${param('viewerId')} and s.status = 'played'
            where latest_review.user_id = reviewers.user_id and latest_review.review is not null
            order by latest_review.created_at desc, latest_review.id desc limit 1) as game_id
        from reviewers
      )
      select u.id, u.username, u.gravatar, u.bio, c.source, c.weight, c.via_username,
        g.id as game_id, g.igdb as game_igdb, g.name as game_name, g.slug as game_slug, g.cover_url as game_cover_url
      from suggested c
      join users u on u.id = c.user_id
      left join games g on g.id = c.game_id
      order by c.source, c.weight desc, c.latest desc, u.id
      limit ${param('limit')}`
    },
  )

  return async function findSuggestions(viewerId: number, limit: number): Promise<Suggestions> {
    const rows = await suggestions.all({ viewerId, since: hoursFromNow(-RECENT_REVIEW_DAYS * 24), limit })
    return rows.map((row) => ({
      user: { id: row.id, username: row.username, gravatar: row.gravatar },
      bio: row.bio,
      ...reasonOf(row),
    }))
  }
}

function reasonOf(row: SuggestionRow) {
  const count = Number(row.weight)
  if (row.source === 0) {
    const username = row.via_username as string
    const others = count - 1
    const why =
      others === 0 ? `Followed by ${username}, whom you follow` : `Followed by ${username} and ${others} other${others === 1 ? '' : 's'} you follow`
    return { why, followed_by: { username, count } }
  }
  const game: GameSummary = {
    id: row.game_id as number,
    igdb: row.game_igdb,
    name: row.game_name as string,
    slug: row.game_slug as string,
    cover_url: row.game_cover_url,
  }
  const more = count - 1
  const why =
    more === 0 ? `Reviewed ${game.name}, which you played` : `Reviewed ${game.name} and ${more} more game${more === 1 ? '' : 's'} you played`
  return { why, reviewed: { game, count } }
}
