import { randomBytes } from 'node:crypto'
import { sql, type ExpressionBuilder } from 'kysely'
import type { Db } from '../db/database.js'
import { jsonAggregates, parseJson, type JsonColumn } from '../db/json.js'
import { andThen, prepareQuery, type MaybePromise } from '../db/prepared.js'
import { GAME_STATUSES, type Completion, type GameStatus, type Tables } from '../db/tables.js'
import { MAX_ID } from '../http/schemas.js'
import { timestamp } from '../db/time.js'
import { ApiError, notFound } from '../http/errors.js'
import { COMPLETION_LEVELS, hoursOf, playthroughMinutesSql } from '../stats/playtime.js'
import { igdbCoverUrl, igdbSlugOf } from './igdb.js'
import { checkedGameName } from './input.js'
import { recordGameAddition, requireNewGameAllowance, type GameAdder } from './provisional.js'
import { TIME_TO_BEAT_MIN_PEOPLE, type CatalogGame, type GameDetails, type ViewerState } from './schemas.js'

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
  /** Left out, the stored app id is kept: IGDB refreshes do not carry one. */
  steam_app_id?: number | null
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
    ...(input.steam_app_id === undefined ? {} : { steam_app_id: input.steam_app_id }),
  }
}

/**
 * Adds a game under its own slug, or the first free `slug-2` … `slug-20`, or a `slug-` with a random ending;
 * `provisional` when an account names it, not catalog data.
 */
export async function insertGame(db: Db, input: GameInput, { provisional = false } = {}): Promise<number> {
  const { id } = await db
    .insertInto('games')
    .values({ ...columnsOf(input), slug: await freeSlug(db, input), provisional, created_at: timestamp() })
    .returning('id')
    .executeTakeFirstOrThrow()
  return id
}

/** Numbered slugs tried before a random one: games of one name are rarely more, a flood of copies always is. */
const NUMBERED_SLUGS = 20

/**
 * A slug no game has now, found by looking up a fixed number of candidates in the slug index, however many games
 * share the name. (Another request may still take it first: callers insert with that in mind.)
 */
async function freeSlug(db: Db, input: GameInput): Promise<string> {
  const base = input.slug ?? slugify(input.name)
  const candidates = [base, ...Array.from({ length: NUMBERED_SLUGS - 1 }, (_, i) => `${base}-${i + 2}`)]
  const taken = await db.selectFrom('games').select('slug').where('slug', 'in', candidates).execute()
  const takenSlugs = new Set(taken.map((row) => row.slug))
  return candidates.find((slug) => !takenSlugs.has(slug)) ?? `${base}-${randomBytes(4).toString('hex')}`
}

/**
 * Adds or refreshes a game known by its IGDB id (the slug of an existing game is kept: links stay valid).
 * A catalog game with the same slug and no IGDB id yet is taken to be that game, not duplicated.
 */
export async function upsertGameByIgdb(
  db: Db,
  input: GameInput & { igdb: string },
): Promise<{ id: number; added: boolean }> {
  const existing = await db
    .selectFrom('games')
    .select('id')
    .where((eb) =>
      eb.or([
        eb('igdb', '=', input.igdb),
        eb.and([eb('igdb', 'is', null), eb('slug', '=', input.slug ?? slugify(input.name))]),
      ]),
    )
    // The game with this IGDB id wins over a catalog game of the same slug.
    .orderBy(sql`case when igdb is null then 1 else 0 end`)
    .executeTakeFirst()
  if (existing) {
    // IGDB knows the game: one an account added is catalog data from now on.
    await db.updateTable('games').set({ ...columnsOf(input), provisional: false }).where('id', '=', existing.id).execute()
    return { id: existing.id, added: false }
  }
  return { id: await insertGame(db, input), added: true }
}

/** How a request names a game: our `game` id, or an `igdb` id (with a `name`, to add a game we lack). */
export interface GameReference {
  game?: number
  igdb?: string
  name?: string
  /** The original client's IGDB slug and cover image id of a game we lack: kept when it is added. */
  slug?: string
  cover_id?: string | null
}

const SEND_THE_NAME = 'Game not found. Send its "name" with the "igdb" id to add it.'

/** The game a reference names, if we have it: by `game` (404 when we do not) or by `igdb`. */
async function findReferencedGameId(db: Db, reference: GameReference): Promise<number | undefined> {
  if (reference.game !== undefined) {
    const row = await db.selectFrom('games').select('id').where('id', '=', reference.game).executeTakeFirst()
    if (!row) throw notFound('Game not found.')
    return row.id
  }
  if (reference.igdb === undefined) throw new ApiError(400, { game: ['Either "game" or "igdb" is required.'] })
  return (await findGameIdByIgdb(db, reference.igdb))?.id
}

function findGameIdByIgdb(db: Db, igdb: string) {
  return db.selectFrom('games').select('id').where('igdb', '=', igdb).executeTakeFirst()
}

/** The id of the game a request reads about; nothing is added. */
export async function requireReferencedGameId(db: Db, reference: GameReference): Promise<number> {
  const id = await findReferencedGameId(db, reference)
  if (id === undefined) throw notFound(SEND_THE_NAME)
  return id
}

/**
 * The id of the game a request changes something about. A game named by `igdb` and `name` that the catalog lacks
 * is added, as the original Overworld did, so clients that look games up on IGDB themselves keep working; but
 * provisionally, and within the adding account's allowance (requireNewGameAllowance). Run it in a transaction.
 */
export async function resolveGameId(db: Db, reference: GameReference, adder: GameAdder): Promise<number> {
  const name = reference.name === undefined ? undefined : checkedGameName(reference.name)
  const id = await findReferencedGameId(db, reference)
  if (id !== undefined) return id
  if (!name) throw notFound(SEND_THE_NAME)
  await requireNewGameAllowance(db, adder, ['igdb'])
  const slug = igdbSlugOf(reference.slug)
  const input = { igdb: reference.igdb as string, name, ...(slug && { slug }), cover_url: igdbCoverUrl(reference.cover_id) }
  return addProvisionalGame(db, input, adder.userId)
}

/**
 * Adds a game an account names, provisionally, and counts it against the account's allowance. Another request may
 * add the same game (same igdb, same slug) at this moment: ON CONFLICT DO NOTHING, on any unique index, waits for
 * it and inserts nothing (no error, which would abort a PostgreSQL transaction); a game named by igdb is then
 * theirs, found by the look that follows. If only the slug clashed (another game), try again with a fresh slug.
 */
async function addProvisionalGame(db: Db, input: GameInput, userId: number): Promise<number> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted = await db
      .insertInto('games')
      .values({ ...columnsOf(input), slug: await freeSlug(db, input), provisional: true, created_at: timestamp() })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst()
    if (inserted) {
      await recordGameAddition(db, userId)
      return inserted.id
    }
    const added = input.igdb ? await findGameIdByIgdb(db, input.igdb) : undefined
    if (added) return added.id
  }
  throw new Error(`game "${input.name}" could not be added`)
}

/** What a person tells of a game the catalog lacks (POST /api/games/). */
export interface GameProposal {
  name: string
  release_year: number
  platforms: string[]
}

/**
 * Adds a game a person proposes, provisionally and within their allowance (requireNewGameAllowance), unless a
 * game of that name (as search compares names) and year is in the catalog already: that one is returned instead,
 * with nothing added. Run it in a transaction.
 */
export async function proposeGame(db: Db, proposal: GameProposal, adder: GameAdder): Promise<{ id: number; added: boolean }> {
  const name = checkedGameName(proposal.name)
  const existing = await db
    .selectFrom('games')
    .select('id')
    .where('search_name', '=', searchNameOf(name))
    .where('release_year', '=', proposal.release_year)
    .orderBy('provisional')
    .orderBy('id')
    .executeTakeFirst()
  if (existing) return { id: existing.id, added: false }
  await requireNewGameAllowance(db, adder, ['name'])
  return { id: await addProvisionalGame(db, { ...proposal, name }, adder.userId), added: true }
}

/** A game as a proposal answers it: what a search hit shows, and the platforms. */
export async function findCatalogGame(db: Db, id: number): Promise<CatalogGame> {
  const row = await db
    .selectFrom('games')
    .select([...GAME_SUMMARY_COLUMNS, 'games.release_year', 'games.platforms'])
    .where('games.id', '=', id)
    .executeTakeFirstOrThrow()
  return { ...row, platforms: JSON.parse(row.platforms) as string[] }
}

/** The columns of a GameSummary, for queries that join `games`. */
export const GAME_SUMMARY_COLUMNS = ['games.id', 'games.igdb', 'games.name', 'games.slug', 'games.cover_url'] as const

const GAME_DETAIL_COLUMNS = [
  'id',
  'igdb',
  'name',
  'slug',
  'cover_url',
  'summary',
  'first_release_date',
  'release_year',
  'platforms',
  'genres',
  'developers',
] as const

function idFromPath(idOrSlug: string): number | undefined {
  return /^\d{1,10}$/.test(idOrSlug) && Number(idOrSlug) <= MAX_ID ? Number(idOrSlug) : undefined
}

/** Where a path names a game by our id or by its slug; a slug of digits ("1942") is matched when no id is. */
function whereIdOrSlug(idOrSlug: string) {
  const id = idFromPath(idOrSlug)
  return (eb: ExpressionBuilder<Tables, 'games'>) =>
    id === undefined ? eb('slug', '=', idOrSlug) : eb.or([eb('id', '=', id), eb('slug', '=', idOrSlug)])
}

/** Of the games matching whereIdOrSlug, the one whose id it is wins over one whose slug it is. */
function preferId<T extends { id: number }>(rows: T[], idOrSlug: string): T | undefined {
  return rows.find((row) => String(row.id) === idOrSlug) ?? rows[0]
}

export async function findGameIdByIdOrSlug(db: Db, idOrSlug: string): Promise<number | undefined> {
  const rows = await db.selectFrom('games').select('id').where(whereIdOrSlug(idOrSlug)).execute()
  return preferId(rows, idOrSlug)?.id
}

/** What validates a cached game page: the game and the version of everything its page shows. */
export interface GameVersion {
  id: number
  version: number
}

/** A viewer's own state of a game, as the version query reads it beside the game's version. */
/** Booleans are 0 or 1 on SQLite. */
interface ViewerStateRow {
  played: boolean | number
  liked: boolean | number
  backlog: boolean | number
  wishlist: boolean | number
  favorite: boolean | number
  rating: number | null
}

type GameDetailsRow = Omit<GameDetails, 'platforms' | 'genres' | 'developers' | 'community' | 'viewer'> & {
  platforms: string
  genres: string
  developers: string
  status_counts: JsonColumn<[GameStatus, number][]>
  star_counts: JsonColumn<[number, number][]>
  reviews: number
  playing_now: number
  time_to_beat: JsonColumn<[Completion, number, number | string][]>
}

/**
 * For each completion level of the game `g`: how many people finished it at that level, and the median time of
 * their runs (each person's latest finished playthrough at that level, so one person's replays do not weigh
 * more). The median is the mean of the middle one or two of the times in order; unfinished playthroughs never
 * count.
 */
function timeToBeatSql(db: Db): string {
  return `
    select completion, max(people) as people,
      avg(case when place in ((people + 1) / 2, (people + 2) / 2) then minutes end) as median_minutes
    from (
      select completion, minutes,
        row_number() over (partition by completion order by minutes) as place,
        count(*) over (partition by completion) as people
      from (
        select p.completion, ${playthroughMinutesSql(db, 'p')} as minutes,
          row_number() over (partition by p.user_id, p.completion order by coalesce(p.finished_on, '') desc, p.id desc) as latest
        from playthroughs p
        where p.game_id = g.id and p.status = 'finished' and p.completion is not null
      ) as runs
      where latest = 1
    ) as ranked
    group by completion`
}

/**
 * Reads of game pages, compiled once: the version of a game (and, for a signed-in viewer, what they did with
 * it) in one indexed query, and a whole page with its community figures in ONE query.
 */
export function createGameReads(db: Db) {
  const json = jsonAggregates(db)
  type ByIdOrSlug = { id: number | null; slug: string }
  // By id, then by slug: one single-index read costs SQLite half of one `id = ? or slug = ?`.
  const versionQuery = (by: 'id' | 'slug', forViewer: boolean) =>
    prepareQuery<{ key: number | string; viewer?: number }, GameVersion & Partial<ViewerStateRow>>(db, (param) => {
      const viewerState = forViewer ? sql`, ${viewerStateColumns(param('viewer'), sql.ref('g.id'))}` : sql``
      return sql`select g.id, g.version${viewerState} from games g where ${sql.ref(`g.${by}`)} = ${param('key')}`
    })
  const versions = [versionQuery('id', false), versionQuery('slug', false)] as const
  const viewerVersions = [versionQuery('id', true), versionQuery('slug', true)] as const
  /** The game a path names, as preferId chooses it: by id when it is one, else (or when no game has that id) by slug. */
  function findVersion([byId, bySlug]: typeof versions, idOrSlug: string, viewer?: number) {
    const id = idFromPath(idOrSlug)
    const found = id === undefined ? undefined : byId.first({ key: id, viewer })
    return andThen(found, (row) => row ?? bySlug.first({ key: idOrSlug, viewer }))
  }
  const details = prepareQuery<ByIdOrSlug, GameDetailsRow>(
    db,
    (param) => sql`
      select ${sql.join(GAME_DETAIL_COLUMNS.map((column) => sql.ref(`g.${column}`)))},
        ${json.arrays(['status', 'n'], 'select status, count(*) as n from game_statuses where game_id = g.id group by status')} as status_counts,
        ${json.arrays(['half_stars', 'n'], 'select half_stars, count(*) as n from ratings where game_id = g.id group by half_stars')} as star_counts,
        (select count(*) from journal_entries where game_id = g.id and review is not null) as reviews,
        (select count(distinct user_id) from playthroughs where game_id = g.id and status = 'playing') as playing_now,
        ${json.arrays(['completion', 'people', 'median_minutes'], timeToBeatSql(db))} as time_to_beat
      from games g where g.id = ${param('id')} or g.slug = ${param('slug')}`,
  )
  const byIdOrSlug = (idOrSlug: string): ByIdOrSlug => ({ id: idFromPath(idOrSlug) ?? null, slug: idOrSlug })
  return {
    findGameVersion(idOrSlug: string): MaybePromise<GameVersion | undefined> {
      return andThen(findVersion(versions, idOrSlug), (row) => row && { id: row.id, version: row.version })
    },
    findGameVersionForViewer(idOrSlug: string, viewerId: number) {
      return andThen(findVersion(viewerVersions, idOrSlug, viewerId), (row) =>
        row && { id: row.id, version: row.version, viewer: viewerStateOf(row) },
      )
    },
    async findGameDetails(idOrSlug: string): Promise<Omit<GameDetails, 'viewer'> | undefined> {
      const game = preferId(await details.all(byIdOrSlug(idOrSlug)), idOrSlug)
      return game && gameDetailsOf(game)
    },
  }
}

export type GameReads = ReturnType<typeof createGameReads>

/**
 * The columns of ViewerStateRow: what a person (a bound id) did with a game (a bound id or a column reference).
 * One index probe a column: an aggregate of the person's statuses (group_concat) cost SQLite three times as much.
 */
function viewerStateColumns(userId: unknown, gameId: unknown) {
  const hasStatus = (status: GameStatus) =>
    sql`exists (select 1 from game_statuses where user_id = ${userId} and status = ${status} and game_id = ${gameId}) as ${sql.ref(status)}`
  return sql`
    ${sql.join(GAME_STATUSES.map(hasStatus))},
    exists (select 1 from favorites where user_id = ${userId} and game_id = ${gameId}) as favorite,
    (select half_stars from ratings where user_id = ${userId} and game_id = ${gameId}) as rating`
}

function viewerStateOf(row: Partial<ViewerStateRow>): ViewerState {
  return {
    played: !!row.played,
    liked: !!row.liked,
    backlog: !!row.backlog,
    wishlist: !!row.wishlist,
    favorite: !!row.favorite,
    rating: row.rating == null ? null : row.rating / 2,
  }
}

function gameDetailsOf({ status_counts, star_counts, reviews, playing_now, time_to_beat, ...game }: GameDetailsRow): Omit<GameDetails, 'viewer'> {
  const count = new Map(parseJson(status_counts).map(([status, n]) => [status, Number(n)]))
  const histogram = Array.from({ length: 10 }, () => 0)
  for (const [halfStars, n] of parseJson(star_counts)) histogram[halfStars - 1] = Number(n)
  const ratings = histogram.reduce((sum, n) => sum + n, 0)
  const halfStarTotal = histogram.reduce((sum, n, i) => sum + n * (i + 1), 0)
  return {
    ...game,
    platforms: JSON.parse(game.platforms) as string[],
    genres: JSON.parse(game.genres) as string[],
    developers: JSON.parse(game.developers) as string[],
    community: {
      average_rating: ratings === 0 ? null : Math.round((halfStarTotal / ratings / 2) * 100) / 100,
      ratings,
      histogram,
      players: count.get('played') ?? 0,
      likes: count.get('liked') ?? 0,
      backlogs: count.get('backlog') ?? 0,
      wishlists: count.get('wishlist') ?? 0,
      reviews: Number(reviews),
      playing_now: Number(playing_now),
      time_to_beat: timeToBeatOf(parseJson(time_to_beat)),
    },
  }
}

function timeToBeatOf(rows: [Completion, number, number | string][]): GameDetails['community']['time_to_beat'] {
  const byLevel = new Map(rows.map(([level, people, median]) => [level, { people: Number(people), median }]))
  const levels = COMPLETION_LEVELS.map((level) => {
    const { people, median } = byLevel.get(level) ?? { people: 0, median: null }
    return [level, { hours: people >= TIME_TO_BEAT_MIN_PEOPLE ? hoursOf(median) : null, people }] as const
  })
  return Object.fromEntries(levels) as GameDetails['community']['time_to_beat']
}

/** What one person has done with one game, in one query (the query a signed-in game page reads beside its version). */
export async function findViewerState(db: Db, userId: number, gameId: number): Promise<ViewerState> {
  const { rows } = await sql<ViewerStateRow>`select ${viewerStateColumns(userId, gameId)}`.execute(db)
  return viewerStateOf(rows[0] as ViewerStateRow)
}
