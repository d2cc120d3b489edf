import type { Db } from '../db/database.js'

const GAME = ['g.id as game_id', 'g.igdb', 'g.name as game_name', 'g.slug'] as const

/** Everything a person owns, gathered for a download: a fixed number of queries. */
export async function findAccountData(db: Db, userId: number) {
  const [profile, following, statuses, favorites, ratings, journal, comments, lists, listItems] = await Promise.all([
    db
      .selectFrom('users')
      .select(['id', 'username', 'email', 'bio', 'location', 'twitter', 'gravatar', 'created_at'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('follows as f')
      .innerJoin('users as u', 'u.id', 'f.followee_id')
      .select(['u.username', 'f.created_at'])
      .where('f.follower_id', '=', userId)
      .orderBy('f.created_at')
      .execute(),
    db
      .selectFrom('game_statuses as s')
      .innerJoin('games as g', 'g.id', 's.game_id')
      .select([...GAME, 's.status', 's.created_at'])
      .where('s.user_id', '=', userId)
      .orderBy('s.created_at')
      .execute(),
    db
      .selectFrom('favorites as f')
      .innerJoin('games as g', 'g.id', 'f.game_id')
      .select([...GAME, 'f.position'])
      .where('f.user_id', '=', userId)
      .orderBy('f.position')
      .execute(),
    db
      .selectFrom('ratings as r')
      .innerJoin('games as g', 'g.id', 'r.game_id')
      .select([...GAME, 'r.half_stars', 'r.updated_at'])
      .where('r.user_id', '=', userId)
      .orderBy('r.updated_at')
      .execute(),
    db
      .selectFrom('journal_entries as e')
      .innerJoin('games as g', 'g.id', 'e.game_id')
      .select([...GAME, 'e.id', 'e.played_on', 'e.entry_type', 'e.platform', 'e.review', 'e.spoilers', 'e.liked', 'e.half_stars', 'e.created_at'])
      .where('e.user_id', '=', userId)
      .orderBy('e.id')
      .execute(),
    db
      .selectFrom('review_comments')
      .select(['id', 'entry_id', 'body', 'created_at'])
      .where('user_id', '=', userId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('lists')
      .select(['id', 'title', 'description', 'ranked', 'created_at'])
      .where('user_id', '=', userId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('list_items as i')
      .innerJoin('lists as l', 'l.id', 'i.list_id')
      .innerJoin('games as g', 'g.id', 'i.game_id')
      .select([...GAME, 'i.list_id', 'i.position', 'i.note'])
      .where('l.user_id', '=', userId)
      .orderBy('i.list_id')
      .orderBy('i.position')
      .execute(),
  ])
  return { profile, following, statuses, favorites, ratings, journal, comments, lists, listItems }
}

type AccountData = Awaited<ReturnType<typeof findAccountData>>

const gameOf = (row: { game_id: number; igdb: string | null; game_name: string; slug: string }) => ({
  id: row.game_id,
  igdb: row.igdb,
  name: row.game_name,
  slug: row.slug,
})

const starsOf = (halfStars: number | null) => (halfStars === null ? null : halfStars / 2)

/** The whole account as one JSON document. */
export function accountJson(data: AccountData, exportedAt: string) {
  return {
    exported_at: exportedAt,
    profile: data.profile,
    following: data.following,
    statuses: data.statuses.map((row) => ({ status: row.status, game: gameOf(row), added_at: row.created_at })),
    favorites: data.favorites.map(gameOf),
    ratings: data.ratings.map((row) => ({ game: gameOf(row), rating: starsOf(row.half_stars), rated_at: row.updated_at })),
    journal: data.journal.map((row) => ({
      id: row.id,
      game: gameOf(row),
      date: row.played_on,
      entry_type: row.entry_type,
      platform: row.platform,
      review: row.review,
      spoilers: !!row.spoilers,
      liked: !!row.liked,
      rating: starsOf(row.half_stars),
      created_at: row.created_at,
    })),
    review_comments: data.comments.map((row) => ({ id: row.id, review: row.entry_id, body: row.body, created_at: row.created_at })),
    lists: data.lists.map((list) => ({
      ...list,
      ranked: !!list.ranked,
      games: data.listItems
        .filter((item) => item.list_id === list.id)
        .map((item) => ({ position: item.position + 1, game: gameOf(item), note: item.note })),
    })),
  }
}

const CSV_COLUMNS = [
  'record',
  'game_id',
  'igdb',
  'game_name',
  'status',
  'rating',
  'date',
  'entry_type',
  'platform',
  'review',
  'spoilers',
  'liked',
  'list_id',
  'list_title',
  'position',
  'note',
  'username',
  'text',
  'created_at',
] as const

type CsvRow = Partial<Record<(typeof CSV_COLUMNS)[number], string | number | boolean | null>>

/** The account as one CSV table: a row per thing owned, its kind in the `record` column. */
export function accountCsv(data: AccountData): string {
  const json = accountJson(data, '')
  const game = (g: { id: number; igdb: string | null; name: string }) => ({ game_id: g.id, igdb: g.igdb, game_name: g.name })
  const listTitles = new Map(json.lists.map((list) => [list.id, list.title]))
  const rows: CsvRow[] = [
    { record: 'profile', username: json.profile.username, text: json.profile.bio, created_at: json.profile.created_at },
    ...json.following.map((f) => ({ record: 'following', username: f.username, created_at: f.created_at })),
    ...json.statuses.map((s) => ({ record: 'status', ...game(s.game), status: s.status, created_at: s.added_at })),
    ...json.favorites.map((g, i) => ({ record: 'favorite', ...game(g), position: i + 1 })),
    ...json.ratings.map((r) => ({ record: 'rating', ...game(r.game), rating: r.rating, created_at: r.rated_at })),
    ...json.journal.map((e) => ({
      record: 'journal',
      ...game(e.game),
      rating: e.rating,
      date: e.date,
      entry_type: e.entry_type,
      platform: e.platform,
      review: e.review,
      spoilers: e.spoilers,
      liked: e.liked,
      created_at: e.created_at,
    })),
    ...json.review_comments.map((c) => ({ record: 'comment', text: c.body, created_at: c.created_at })),
    ...json.lists.map((list) => ({
      record: 'list',
      list_id: list.id,
      list_title: list.title,
      text: list.description,
      created_at: list.created_at,
    })),
    ...json.lists.flatMap((list) =>
      list.games.map((item) => ({
        record: 'list_item',
        ...game(item.game),
        list_id: list.id,
        list_title: listTitles.get(list.id),
        position: item.position,
        note: item.note,
      })),
    ),
  ]
  return [CSV_COLUMNS.join(','), ...rows.map((row) => CSV_COLUMNS.map((column) => csvField(row[column])).join(','))].join('\r\n') + '\r\n'
}

/** RFC 4180 quoting; a leading = + - @ is prefixed so spreadsheets do not run it as a formula. */
function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return ''
  let text = String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}
