import type { IgdbConfig } from '../config.js'
import { uniqueViolation, type Db } from '../db/database.js'
import { searchNameOf, upsertGameByIgdb, type GameInput } from './repository.js'

/** A record of IGDB v4's `games` endpoint, with the fields we ask for expanded. */
export interface IgdbGame {
  id: number
  name: string
  slug?: string
  summary?: string
  /** Unix seconds. */
  first_release_date?: number
  platforms?: { name?: string }[]
  genres?: { name?: string }[]
  involved_companies?: { company?: { name?: string }; developer?: boolean }[]
  cover?: { image_id?: string }
}

/**
 * What went wrong talking to IGDB (or Twitch's token endpoint): `status` is the HTTP status, or null when no
 * answer came (network error, timeout); `body` is what IGDB answered. Never carries a secret or a token.
 */
export class IgdbError extends Error {
  override name = 'IgdbError'
  constructor(
    message: string,
    readonly status: number | null,
    readonly body?: unknown,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/**
 * IGDB was not asked at all: it answered 429 a moment ago and the pause it asked for (or a minute) is not over,
 * or as many calls as IGDB allows are already under way.
 */
export class IgdbNotCalledError extends IgdbError {
  override name = 'IgdbNotCalledError'
  constructor(
    message: string,
    /** How long until a call may be made again. */
    readonly retryInMs: number,
  ) {
    super(message, null)
  }
}

/** A record the importer or the cache cannot use; its message says why. */
export class MalformedGameError extends Error {
  override name = 'MalformedGameError'
}

export interface IgdbClientOptions extends IgdbConfig {
  /** Per request, including reading the answer. */
  timeoutMs?: number
  /** How long no call is made after a 429 that does not say (with Retry-After) how long to wait. */
  pauseAfter429Ms?: number
  /** IGDB calls under way at once at most, and started in any one second at most (IGDB allows 8 and 4). */
  maxInFlight?: number
  maxPerSecond?: number
  /** The clock, in milliseconds (tests move it to expire tokens and pauses). */
  now?: () => number
}

export interface IgdbClient {
  searchGames(name: string, limit: number): Promise<IgdbGame[]>
  /** The games of these IGDB ids (IGDB_MAX_LIMIT at most), in no particular order; ids IGDB lacks are left out. */
  gamesByIds(ids: number[]): Promise<IgdbGame[]>
  /** The games of these IGDB slugs (IGDB_MAX_LIMIT at most), in no particular order; slugs IGDB lacks are left out. */
  gamesBySlugs(slugs: string[]): Promise<IgdbGame[]>
}

export const IGDB_GAME_FIELDS =
  'name,slug,summary,first_release_date,platforms.name,genres.name,involved_companies.company.name,involved_companies.developer,cover.image_id'
/** IGDB answers at most 500 records a request. */
export const IGDB_MAX_LIMIT = 500
/** A token is renewed this long before it expires, so none expires in flight. */
const TOKEN_EXPIRY_MARGIN_MS = 60_000
/** The longest pause a Retry-After may ask for: IGDB's own limits are per second. */
const MAX_PAUSE_MS = 15 * 60_000

interface Answer {
  status: number
  body: unknown
}

export function createIgdbClient(options: IgdbClientOptions): IgdbClient {
  const {
    clientId,
    clientSecret,
    tokenUrl,
    apiUrl,
    timeoutMs = 5_000,
    pauseAfter429Ms = 60_000,
    maxInFlight = 4,
    maxPerSecond = 4,
    now = Date.now,
  } = options
  let token: { value: string; expiresAt: number } | null = null
  // Concurrent searches without a token share one token request.
  let tokenRequest: Promise<string> | null = null
  let pausedUntil = 0
  let inFlight = 0
  /** When the calls of the last second started, oldest first. */
  const started: number[] = []

  /**
   * Why an IGDB call may not start now, if it may not. A search must not wait on IGDB's limits (the catalog
   * answers meanwhile), so a call that would exceed them, or break a 429's pause, is not made: not queued, not retried.
   */
  function refusal(): { reason: string; retryInMs: number } | undefined {
    const at = now()
    if (at < pausedUntil) {
      return { reason: `IGDB answered 429: no calls for ${Math.ceil((pausedUntil - at) / 1000)} s more`, retryInMs: pausedUntil - at }
    }
    while (started.length > 0 && (started[0] as number) <= at - 1000) started.shift()
    if (started.length >= maxPerSecond) return { reason: 'IGDB calls at their limit', retryInMs: (started[0] as number) + 1000 - at }
    // A call under way frees its place when it ends, which takes a moment.
    if (inFlight >= maxInFlight) return { reason: 'IGDB calls at their limit', retryInMs: 100 }
    return undefined
  }

  /** One request; network errors, timeouts and 429 become IgdbErrors, and a 429 pauses every call. */
  async function send(what: string, url: string, init: RequestInit): Promise<Answer> {
    let response: Response
    let body: unknown
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })
      const text = await response.text()
      try {
        body = JSON.parse(text)
      } catch {
        body = text
      }
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : 'network error'
      throw new IgdbError(`${what} failed: ${reason}`, null, undefined, { cause: error })
    }
    if (response.status === 429) {
      const pauseMs = Math.min(MAX_PAUSE_MS, retryAfterMs(response.headers.get('retry-after'), now()) ?? pauseAfter429Ms)
      pausedUntil = Math.max(pausedUntil, now() + pauseMs)
      throw new IgdbError(`${what} failed: rate limited (429), no calls for ${Math.ceil(pauseMs / 1000)} s`, 429, body)
    }
    return { status: response.status, body }
  }

  async function requestToken(): Promise<string> {
    // Twitch's client-credentials grant takes its parameters in the query string. The URL holds the secret:
    // it never goes into an error message.
    const url = new URL(tokenUrl)
    url.searchParams.set('client_id', clientId)
    url.searchParams.set('client_secret', clientSecret)
    url.searchParams.set('grant_type', 'client_credentials')
    const { status, body } = await send('IGDB token request', url.toString(), { method: 'POST' })
    if (status < 200 || status > 299) throw new IgdbError(`IGDB token request failed with status ${status}`, status, body)
    const { access_token, expires_in } = (body ?? {}) as { access_token?: unknown; expires_in?: unknown }
    if (typeof access_token !== 'string' || !access_token || typeof expires_in !== 'number') {
      throw new IgdbError('IGDB token request answered without access_token and expires_in', status)
    }
    token = { value: access_token, expiresAt: now() + expires_in * 1000 - TOKEN_EXPIRY_MARGIN_MS }
    return access_token
  }

  async function accessToken(): Promise<string> {
    if (token && now() < token.expiresAt) return token.value
    tokenRequest ??= requestToken().finally(() => (tokenRequest = null))
    return tokenRequest
  }

  async function query(endpoint: string, body: string): Promise<unknown> {
    for (let renewed = false; ; renewed = true) {
      const refused = refusal()
      if (refused) throw new IgdbNotCalledError(`IGDB ${endpoint} request not made: ${refused.reason}`, refused.retryInMs)
      // The call holds its place from now, the token request included, so that searches waiting for a token
      // cannot all start at once when it comes.
      inFlight++
      started.push(now())
      let answer: Answer
      let bearer: string
      try {
        bearer = await accessToken()
        answer = await send(`IGDB ${endpoint} request`, `${apiUrl}/${endpoint}`, {
          method: 'POST',
          headers: { 'Client-ID': clientId, Authorization: `Bearer ${bearer}`, Accept: 'application/json', 'Content-Type': 'text/plain' },
          body,
        })
      } finally {
        inFlight--
      }
      // A token revoked or expired early: fetch a new one, once.
      if (answer.status === 401 && !renewed) {
        if (token?.value === bearer) token = null
        continue
      }
      if (answer.status < 200 || answer.status > 299) {
        throw new IgdbError(`IGDB ${endpoint} request failed with status ${answer.status}`, answer.status, answer.body)
      }
      return answer.body
    }
  }

  async function games(body: string): Promise<IgdbGame[]> {
    const records = await query('games', body)
    if (!Array.isArray(records)) throw new IgdbError('IGDB games request answered something other than an array', 200)
    return records as IgdbGame[]
  }

  function gamesWhere(field: string, values: string[]): Promise<IgdbGame[]> {
    if (values.length > IGDB_MAX_LIMIT) throw new RangeError(`at most ${IGDB_MAX_LIMIT} ${field}s a request, not ${values.length}`)
    if (values.length === 0) return Promise.resolve([])
    return games(`fields ${IGDB_GAME_FIELDS}; where ${field} = (${values.join(',')}); limit ${values.length};`)
  }

  return {
    searchGames(name, limit) {
      const count = Math.min(IGDB_MAX_LIMIT, Math.max(1, Math.trunc(limit) || 1))
      return games(`search "${apicalypseString(name)}"; fields ${IGDB_GAME_FIELDS}; limit ${count};`)
    },
    gamesByIds: (ids) => gamesWhere('id', ids.map((id) => String(Math.trunc(id)))),
    gamesBySlugs: (slugs) => gamesWhere('slug', slugs.map((slug) => `"${apicalypseString(slug)}"`)),
  }
}

/** The text of an apicalypse string literal: quotes and backslashes escaped, control characters dropped. */
function apicalypseString(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/[\\"]/g, '\\$&')
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from `now`; undefined when absent or unreadable. */
function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
const IMAGE_ID = /^[A-Za-z0-9_-]+$/

/** An IGDB slug, when it has the shape of ours (lower-case words joined by dashes); otherwise we derive one. */
export function igdbSlugOf(slug: unknown): string | undefined {
  return typeof slug === 'string' && SLUG.test(slug) ? slug : undefined
}

/** The cover of an IGDB image id, or null when there is none or it is not one. */
export function igdbCoverUrl(imageId: unknown): string | null {
  return typeof imageId === 'string' && IMAGE_ID.test(imageId) ? `https://images.igdb.com/igdb/image/upload/t_cover_big/${imageId}.jpg` : null
}

/**
 * Maps an IGDB v4 `games` record to what we store, or throws a MalformedGameError saying why it cannot be used.
 * `id` (a positive integer) and `name` (a non-empty string) are required; `summary` and `first_release_date`,
 * when present, must have their documented types. References IGDB did not expand (bare numeric ids, a
 * cover without image_id) carry no name and are ignored, as is a slug that is not one of ours (we derive one).
 */
export function igdbGameToInput(record: unknown): GameInput & { igdb: string } {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new MalformedGameError('record is not an object')
  const game = record as Record<string, unknown>
  if (typeof game.id !== 'number' || !Number.isSafeInteger(game.id) || game.id <= 0) {
    throw new MalformedGameError('id must be a positive integer')
  }
  if (typeof game.name !== 'string' || game.name.trim() === '') throw new MalformedGameError('name must be a non-empty string')
  if (game.summary != null && typeof game.summary !== 'string') throw new MalformedGameError('summary must be a string')

  let first_release_date: string | null = null
  let release_year: number | null = null
  if (game.first_release_date != null) {
    const date = typeof game.first_release_date === 'number' ? new Date(game.first_release_date * 1000) : null
    if (!date || Number.isNaN(date.getTime())) throw new MalformedGameError('first_release_date must be unix seconds')
    first_release_date = date.toISOString().slice(0, 10)
    release_year = date.getUTCFullYear()
  }

  const imageId = (game.cover as { image_id?: unknown } | null | undefined)?.image_id
  const slug = igdbSlugOf(game.slug)
  const companies = listOf(game, 'involved_companies') as { developer?: unknown; company?: unknown }[]
  return {
    igdb: String(game.id),
    name: game.name.trim(),
    ...(slug === undefined ? {} : { slug }),
    summary: (game.summary as string | undefined) ?? null,
    first_release_date,
    release_year,
    platforms: namesOf(listOf(game, 'platforms')),
    genres: namesOf(listOf(game, 'genres')),
    developers: namesOf(companies.filter((entry) => entry?.developer === true).map((entry) => entry.company)),
    cover_url: igdbCoverUrl(imageId),
  }
}

function listOf(game: Record<string, unknown>, field: string): unknown[] {
  const value = game[field]
  if (value == null) return []
  if (!Array.isArray(value)) throw new MalformedGameError(`${field} must be an array`)
  return value
}

/** The distinct, non-empty `name`s of expanded references, in order. */
function namesOf(entries: unknown[]): string[] {
  const names = entries
    .map((entry) => (entry as { name?: unknown } | null)?.name)
    .filter((name): name is string => typeof name === 'string' && name.trim() !== '')
    .map((name) => name.trim())
  return [...new Set(names)]
}

/**
 * Asks IGDB for games matching `name` and stores each usable one in `games` (added, or refreshed by its igdb
 * id). The search route calls this before searching locally, so a failure of IGDB's (network, timeout, rate
 * limit, an error answer) must not fail the search: it is returned as `error`, and whatever the catalog
 * already holds still answers. Malformed records are skipped. Database errors are ours and are thrown.
 */
export async function cacheIgdbSearch(
  db: Db,
  client: IgdbClient,
  name: string,
  limit: number,
): Promise<{ cached: number; error?: IgdbError }> {
  let records: IgdbGame[]
  try {
    records = await client.searchGames(name, limit)
  } catch (error) {
    if (error instanceof IgdbError) return { cached: 0, error }
    throw error
  }
  let cached = 0
  for (const record of records) {
    let input: GameInput & { igdb: string }
    try {
      input = igdbGameToInput(record)
    } catch (error) {
      if (error instanceof MalformedGameError) continue
      throw error
    }
    try {
      await upsertGameByIgdb(db, input)
    } catch (error) {
      // A concurrent search cached the same game (igdb) or took the slug a moment ago: look again, once.
      if (!uniqueViolation(error)) throw error
      await upsertGameByIgdb(db, input)
    }
    cached++
  }
  return { cached }
}

export interface IgdbSearchCacheOptions {
  /** How long IGDB is not asked again about a query it answered: its games are in the catalog meanwhile. */
  ttlMs?: number
  /** Queries remembered at most; the one searched longest ago is forgotten first. */
  maxQueries?: number
  now?: () => number
}

interface AskedQuery {
  limit: number
  expiresAt: number
  answer: Promise<{ cached: number; error?: IgdbError }>
}

/**
 * cacheIgdbSearch, asking IGDB about a query at most once every `ttlMs`: the games it answered are in the
 * catalog by then, where the local search finds them. Queries are compared as search compares names ("Zelda!"
 * is "zelda"); one asked with a smaller limit is asked again. A search for a query being asked waits for that
 * answer instead of asking too. A failed question is forgotten, so the next search asks again.
 */
export function createIgdbSearchCache(
  db: Db,
  client: IgdbClient,
  { ttlMs = 3_600_000, maxQueries = 10_000, now = Date.now }: IgdbSearchCacheOptions = {},
) {
  const asked = new Map<string, AskedQuery>()
  // Most recently searched last, where the size bound forgets it last.
  const remember = (query: string, entry: AskedQuery) => {
    asked.delete(query)
    asked.set(query, entry)
  }
  const forget = (query: string, entry: AskedQuery) => asked.get(query) === entry && asked.delete(query)
  return async (name: string, limit: number): Promise<{ cached: number; error?: IgdbError }> => {
    const query = searchNameOf(name)
    const known = asked.get(query)
    if (known && known.limit >= limit && now() < known.expiresAt) {
      remember(query, known)
      await known.answer.catch(() => undefined)
      return { cached: 0 }
    }
    const entry = { limit, expiresAt: now() + ttlMs, answer: cacheIgdbSearch(db, client, name, limit) }
    remember(query, entry)
    if (asked.size > maxQueries) asked.delete(asked.keys().next().value as string)
    entry.answer.then(
      ({ error }) => error && forget(query, entry),
      () => forget(query, entry),
    )
    return entry.answer
  }
}
