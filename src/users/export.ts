import { setImmediate as nextTurn } from 'node:timers/promises'
import type { Db } from '../db/database.js'
import type { GameStatus } from '../db/tables.js'
import { PLAYTHROUGH_COLUMNS, playthroughFieldsOf, sessionMinutesColumn } from '../playthroughs/repository.js'

/**
 * Rows read per query. An account may own 100,000 list items with notes (over 100 MB exported), so an export is
 * read and written a page at a time: memory stays at a page or so per export, and other requests run between pages.
 *
 * Each page is read at once, not the whole export: a change made while an export runs may show in it or not. A
 * snapshot would need one read transaction for the whole download, which on SQLite holds the one connection (every
 * other request would wait) for as long as the client takes to read, and on PostgreSQL a pooled connection as long.
 * Pages follow unique keys, so a row that exists throughout is exported once; only a rating changed during the
 * export, which moves in the rated-at order, may show twice or not at all.
 */
const PAGE_SIZE = 100

/** Every row a keyset query finds, a page at a time (`readPage` reads the rows after the one given). */
async function* pagesOf<Row>(readPage: (after: Row | undefined) => Promise<Row[]>): AsyncGenerator<Row[]> {
  let after: Row | undefined
  for (;;) {
    const rows = await readPage(after)
    if (rows.length > 0) yield rows
    if (rows.length < PAGE_SIZE) return
    after = rows[rows.length - 1]
    await nextTurn()
  }
}

const GAME = ['g.id as game_id', 'g.igdb', 'g.name as game_name', 'g.slug'] as const

type GameRow = { game_id: number; igdb: string | null; game_name: string; slug: string }

const gameOf = (row: GameRow) => ({ id: row.game_id, igdb: row.igdb, name: row.game_name, slug: row.slug })

const starsOf = (halfStars: number | null) => (halfStars === null ? null : halfStars / 2)

const readFollowing = (db: Db, userId: number) =>
  pagesOf((after: { created_at: string; followee_id: number } | undefined) => {
    let query = db
      .selectFrom('follows as f')
      .innerJoin('users as u', 'u.id', 'f.followee_id')
      .select(['u.username', 'f.created_at', 'f.followee_id'])
      .where('f.follower_id', '=', userId)
    if (after) {
      query = query.where(({ eb }) =>
        eb(eb.refTuple('f.created_at', 'f.followee_id'), '>', eb.tuple(after.created_at, after.followee_id)),
      )
    }
    return query.orderBy('f.created_at').orderBy('f.followee_id').limit(PAGE_SIZE).execute()
  })

const readStatuses = (db: Db, userId: number) =>
  pagesOf((after: { created_at: string; status: GameStatus; game_id: number } | undefined) => {
    let query = db
      .selectFrom('game_statuses as s')
      .innerJoin('games as g', 'g.id', 's.game_id')
      .select([...GAME, 's.status', 's.created_at'])
      .where('s.user_id', '=', userId)
    if (after) {
      query = query.where(({ eb }) =>
        eb(eb.refTuple('s.created_at', 's.status', 's.game_id'), '>', eb.tuple(after.created_at, after.status, after.game_id)),
      )
    }
    return query.orderBy('s.created_at').orderBy('s.status').orderBy('s.game_id').limit(PAGE_SIZE).execute()
  })

const readFavorites = (db: Db, userId: number) =>
  pagesOf((after: { position: number; game_id: number } | undefined) => {
    let query = db
      .selectFrom('favorites as f')
      .innerJoin('games as g', 'g.id', 'f.game_id')
      .select([...GAME, 'f.position'])
      .where('f.user_id', '=', userId)
    if (after) {
      query = query.where(({ eb }) => eb(eb.refTuple('f.position', 'f.game_id'), '>', eb.tuple(after.position, after.game_id)))
    }
    return query.orderBy('f.position').orderBy('f.game_id').limit(PAGE_SIZE).execute()
  })

const readRatings = (db: Db, userId: number) =>
  pagesOf((after: { updated_at: string; game_id: number } | undefined) => {
    let query = db
      .selectFrom('ratings as r')
      .innerJoin('games as g', 'g.id', 'r.game_id')
      .select([...GAME, 'r.half_stars', 'r.updated_at'])
      .where('r.user_id', '=', userId)
    if (after) {
      query = query.where(({ eb }) => eb(eb.refTuple('r.updated_at', 'r.game_id'), '>', eb.tuple(after.updated_at, after.game_id)))
    }
    return query.orderBy('r.updated_at').orderBy('r.game_id').limit(PAGE_SIZE).execute()
  })

const readJournal = (db: Db, userId: number) =>
  pagesOf((after: { id: number } | undefined) => {
    let query = db
      .selectFrom('journal_entries as e')
      .innerJoin('games as g', 'g.id', 'e.game_id')
      .select([
        ...GAME,
        'e.id',
        'e.played_on',
        'e.entry_type',
        'e.platform',
        'e.review',
        'e.spoilers',
        'e.liked',
        'e.half_stars',
        'e.playthrough_id',
        'e.created_at',
      ])
      .where('e.user_id', '=', userId)
    if (after) query = query.where('e.id', '>', after.id)
    return query.orderBy('e.id').limit(PAGE_SIZE).execute()
  })

const readPlaythroughs = (db: Db, userId: number) =>
  pagesOf((after: { id: number } | undefined) => {
    let query = db
      .selectFrom('playthroughs as p')
      .innerJoin('games as g', 'g.id', 'p.game_id')
      .select([...GAME, ...PLAYTHROUGH_COLUMNS, sessionMinutesColumn])
      .where('p.user_id', '=', userId)
    if (after) query = query.where('p.id', '>', after.id)
    return query.orderBy('p.id').limit(PAGE_SIZE).execute()
  })

const readPlaySessions = (db: Db, userId: number) =>
  pagesOf((after: { id: number } | undefined) => {
    let query = db
      .selectFrom('play_sessions as s')
      .innerJoin('playthroughs as p', 'p.id', 's.playthrough_id')
      .select(['s.id', 's.playthrough_id', 'p.game_id', 's.played_on', 's.minutes', 's.note', 's.source', 's.created_at'])
      .where('p.user_id', '=', userId)
    if (after) query = query.where('s.id', '>', after.id)
    return query.orderBy('s.id').limit(PAGE_SIZE).execute()
  })

const readComments = (db: Db, userId: number) =>
  pagesOf((after: { id: number } | undefined) => {
    let query = db.selectFrom('review_comments').select(['id', 'entry_id', 'body', 'created_at']).where('user_id', '=', userId)
    if (after) query = query.where('id', '>', after.id)
    return query.orderBy('id').limit(PAGE_SIZE).execute()
  })

const readLists = (db: Db, userId: number) =>
  pagesOf((after: { id: number } | undefined) => {
    let query = db.selectFrom('lists').select(['id', 'title', 'description', 'ranked', 'created_at']).where('user_id', '=', userId)
    if (after) query = query.where('id', '>', after.id)
    return query.orderBy('id').limit(PAGE_SIZE).execute()
  })

type ListRow = { id: number; title: string; description: string | null; ranked: boolean | number; created_at: string }

/** A list's games in order, numbered as read, as the API numbers them (a game gone from the catalog leaves no gap). */
async function* readListGames(db: Db, listId: number) {
  let position = 0
  const pages = pagesOf((after: { position: number } | undefined) => {
    let query = db
      .selectFrom('list_items as i')
      .innerJoin('games as g', 'g.id', 'i.game_id')
      .select([...GAME, 'i.position', 'i.note'])
      .where('i.list_id', '=', listId)
    if (after) query = query.where('i.position', '>', after.position)
    return query.orderBy('i.position').limit(PAGE_SIZE).execute()
  })
  for await (const items of pages) yield items.map((item) => ({ position: ++position, game: gameOf(item), note: item.note }))
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
  'playthrough_id',
  'storefront',
  'completion',
  'started_on',
  'finished_on',
  'replay',
  'difficulty',
  'adjustment_minutes',
  'minutes',
  'source',
] as const

type CsvRow = Partial<Record<(typeof CSV_COLUMNS)[number], string | number | boolean | null>>

const csvGame = (game: ReturnType<typeof gameOf>) => ({ game_id: game.id, igdb: game.igdb, game_name: game.name })

/** One kind of thing an account owns, read a page at a time, each row shown in JSON and as a CSV row. */
interface Section {
  name: string
  pages(db: Db, userId: number): AsyncGenerator<{ json: unknown; csv: CsvRow }[]>
}

function section<Row, Shown>(
  name: string,
  read: (db: Db, userId: number) => AsyncGenerator<Row[]>,
  json: (row: Row) => Shown,
  csv: (shown: Shown, index: number) => CsvRow,
): Section {
  return {
    name,
    async *pages(db, userId) {
      let index = 0
      for await (const rows of read(db, userId)) {
        yield rows.map((row) => {
          const shown = json(row)
          return { json: shown, csv: csv(shown, index++) }
        })
      }
    },
  }
}

/** Everything a person owns but their profile and lists, in export order. */
const SECTIONS: Section[] = [
  section(
    'following',
    readFollowing,
    (row) => ({ username: row.username, created_at: row.created_at }),
    (follow) => ({ record: 'following', ...follow }),
  ),
  section(
    'statuses',
    readStatuses,
    (row) => ({ status: row.status, game: gameOf(row), added_at: row.created_at }),
    (shown) => ({ record: 'status', ...csvGame(shown.game), status: shown.status, created_at: shown.added_at }),
  ),
  section('favorites', readFavorites, gameOf, (game, index) => ({ record: 'favorite', ...csvGame(game), position: index + 1 })),
  section(
    'ratings',
    readRatings,
    (row) => ({ game: gameOf(row), rating: starsOf(row.half_stars), rated_at: row.updated_at }),
    (shown) => ({ record: 'rating', ...csvGame(shown.game), rating: shown.rating, created_at: shown.rated_at }),
  ),
  section(
    'journal',
    readJournal,
    (row) => ({
      id: row.id,
      game: gameOf(row),
      date: row.played_on,
      entry_type: row.entry_type,
      platform: row.platform,
      review: row.review,
      spoilers: !!row.spoilers,
      liked: !!row.liked,
      rating: starsOf(row.half_stars),
      playthrough: row.playthrough_id,
      created_at: row.created_at,
    }),
    ({ id: _id, game, playthrough, ...entry }) => ({ record: 'journal', ...csvGame(game), ...entry, playthrough_id: playthrough }),
  ),
  section(
    'playthroughs',
    readPlaythroughs,
    ({ game_id, igdb, game_name, slug, ...playthrough }) => {
      const { id, ...fields } = playthroughFieldsOf(playthrough)
      return { id, game: gameOf({ game_id, igdb, game_name, slug }), ...fields }
    },
    ({ id, game, notes, updated_at: _updatedAt, ...playthrough }) => ({
      record: 'playthrough',
      playthrough_id: id,
      ...csvGame(game),
      ...playthrough,
      text: notes,
    }),
  ),
  section(
    'play_sessions',
    readPlaySessions,
    (row) => ({
      id: row.id,
      playthrough: row.playthrough_id,
      game: row.game_id,
      date: row.played_on,
      minutes: row.minutes,
      note: row.note,
      source: row.source,
      created_at: row.created_at,
    }),
    ({ id: _id, playthrough, game, ...session }) => ({ record: 'play_session', playthrough_id: playthrough, game_id: game, ...session }),
  ),
  section(
    'review_comments',
    readComments,
    (row) => ({ id: row.id, review: row.entry_id, body: row.body, created_at: row.created_at }),
    (comment) => ({ record: 'comment', text: comment.body, created_at: comment.created_at }),
  ),
]

const listJson = (list: ListRow) => ({ ...list, ranked: !!list.ranked })

function findProfile(db: Db, userId: number) {
  return db
    .selectFrom('users')
    .select(['id', 'username', 'email', 'bio', 'location', 'twitter', 'gravatar', 'created_at'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow()
}

/** The whole account as one JSON document, in pieces: a page of rows each, never the whole document at once. */
export async function* accountJson(db: Db, userId: number, exportedAt: string): AsyncGenerator<string> {
  const profile = await findProfile(db, userId)
  yield `{"exported_at":${JSON.stringify(exportedAt)},"profile":${JSON.stringify(profile)}`
  for (const { name, pages } of SECTIONS) {
    yield `,${JSON.stringify(name)}:[`
    let separator = ''
    for await (const rows of pages(db, userId)) {
      yield separator + rows.map((row) => JSON.stringify(row.json)).join(',')
      separator = ','
    }
    yield ']'
  }
  yield ',"lists":['
  let listSeparator = ''
  for await (const lists of readLists(db, userId)) {
    for (const list of lists) {
      // The list's fields, then its games as they are read: `{"id":…,"created_at":"…"` + `,"games":[…]}`.
      yield `${listSeparator}${JSON.stringify(listJson(list)).slice(0, -1)},"games":[`
      let separator = ''
      for await (const games of readListGames(db, list.id)) {
        yield separator + games.map((game) => JSON.stringify(game)).join(',')
        separator = ','
      }
      yield ']}'
      listSeparator = ','
    }
  }
  yield ']}'
}

/** The account as one CSV table, a row per thing owned (its kind in the `record` column), in pieces like the JSON. */
export async function* accountCsv(db: Db, userId: number): AsyncGenerator<string> {
  const profile = await findProfile(db, userId)
  yield csvLines([{ record: 'profile', username: profile.username, text: profile.bio, created_at: profile.created_at }], true)
  for (const { pages } of SECTIONS) {
    for await (const rows of pages(db, userId)) yield csvLines(rows.map((row) => row.csv))
  }
  for await (const lists of readLists(db, userId)) {
    yield csvLines(
      lists.map((list) => ({ record: 'list', list_id: list.id, list_title: list.title, text: list.description, created_at: list.created_at })),
    )
  }
  for await (const lists of readLists(db, userId)) {
    for (const list of lists) {
      for await (const games of readListGames(db, list.id)) {
        yield csvLines(
          games.map((item) => ({
            record: 'list_item',
            ...csvGame(item.game),
            list_id: list.id,
            list_title: list.title,
            position: item.position,
            note: item.note,
          })),
        )
      }
    }
  }
}

function csvLines(rows: CsvRow[], withHeader = false): string {
  const lines = rows.map((row) => CSV_COLUMNS.map((column) => csvField(row[column])).join(','))
  if (withHeader) lines.unshift(CSV_COLUMNS.join(','))
  return lines.join('\r\n') + '\r\n'
}

/** RFC 4180 quoting; a leading = + - @ is prefixed so spreadsheets do not run it as a formula. */
function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return ''
  let text = String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}
