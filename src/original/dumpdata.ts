import { timestampAt } from '../db/time.js'
import { gameNameProblem } from '../games/input.js'
import { igdbCoverUrl, igdbSlugOf } from '../games/igdb.js'
import { halfStarsOf } from '../imports/ratings.js'
import { ImportFormatError, type ImportedEntry, type ImportedRating } from '../imports/rows.js'
import { isCalendarDate } from '../journal/input.js'
import { ENTRY_TYPE_CODES } from '../journal/schemas.js'

/**
 * The original Overworld's Django `dumpdata` (see docs/import-formats.md), read into what this instance
 * keeps of it. Every record is checked before anything is written, so a file that is not what it claims to be
 * is refused whole, saying which record is wrong. Models other than these four (content types, knox's sessions)
 * are not data and are left out.
 */

export interface OriginalAccount {
  pk: number
  username: string
  email: string
  /** Django's hash string, kept as is: `pbkdf2_sha256$…` signs in once, `!…` is unusable. */
  passwordHash: string
  /** Django's is_active: a deactivated account must not sign in here either. */
  active: boolean
  /** date_joined, in src/db/time.ts's format. */
  joinedAt: string
  bio: string | null
  location: string | null
  twitter: string | null
  /** Games, by pk. */
  played: number[]
  liked: number[]
  backlog: number[]
  wishlist: number[]
  favorites: number[]
  /** Accounts, by pk. */
  following: number[]
}

export interface OriginalGame {
  pk: number
  igdb: string | null
  name: string
  slug: string | undefined
  coverUrl: string | null
}

export interface OriginalRating {
  user: number
  game: number
  rating: ImportedRating
}

/** A journal entry of an account (by pk), of a game (by pk); its platform as written. */
export type OriginalEntry = Omit<ImportedEntry, 'key' | 'playthroughKey'> & { user: number; game: number }

export interface OriginalInstance {
  /** In pk order: of two accounts with one name, the older one is moved. */
  accounts: OriginalAccount[]
  games: Map<number, OriginalGame>
  ratings: OriginalRating[]
  journal: OriginalEntry[]
}

/** One record's fields, read with the record named in every complaint. */
class RecordFields {
  constructor(
    private readonly where: string,
    private readonly fields: Record<string, unknown>,
  ) {}

  raw(field: string): unknown {
    return this.fields[field]
  }

  fail(field: string, problem: string): never {
    throw new ImportFormatError(`${this.where}: ${field} ${problem}`, null, null)
  }

  string(field: string): string {
    const value = this.fields[field]
    if (typeof value !== 'string') this.fail(field, 'must be a string')
    // PostgreSQL cannot store them, and no text of the original had one.
    if (value.includes('\u0000')) this.fail(field, 'must not hold NUL characters')
    return value
  }

  name(field: string): string {
    const value = this.string(field)
    if (value.trim() === '') this.fail(field, 'must not be blank')
    return value
  }

  /** Django's blank text means nothing. */
  optionalText(field: string): string | null {
    if (this.fields[field] === null || this.fields[field] === undefined) return null
    const value = this.string(field)
    return value.trim() ? value : null
  }

  /** IGDB's id of a game, as our games keep it (text); none when null. */
  igdbId(field: string): string | null {
    const value = this.fields[field]
    if (value === null || value === undefined) return null
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) this.fail(field, 'must be a positive integer or null')
    return String(value)
  }

  boolean(field: string): boolean {
    const value = this.fields[field]
    if (typeof value !== 'boolean') this.fail(field, 'must be true or false')
    return value
  }

  pk(field: string, known: ReadonlySet<number>): number {
    const value = this.fields[field]
    if (typeof value !== 'number' || !known.has(value)) this.fail(field, `must be the pk of a record of the file (${JSON.stringify(value)})`)
    return value
  }

  pks(field: string, known: ReadonlySet<number>): number[] {
    const value = this.fields[field]
    if (!Array.isArray(value)) this.fail(field, 'must be a list of pks')
    const unknown = value.filter((pk) => typeof pk !== 'number' || !known.has(pk))
    if (unknown.length > 0) this.fail(field, `names records the file does not hold: ${JSON.stringify(unknown)}`)
    return [...new Set(value as number[])]
  }

  /** A Django datetime; one without a zone was written in UTC (USE_TZ off on a UTC server). */
  timestamp(field: string): string {
    const value = this.string(field)
    const time = Date.parse(/(Z|[+-]\d\d:\d\d)$/.test(value) ? value : `${value}Z`)
    if (Number.isNaN(time)) this.fail(field, `must be a date and time (${JSON.stringify(value)})`)
    return timestampAt(time)
  }

  date(field: string): string {
    const value = this.string(field)
    if (!/^\d{4}-\d\d-\d\d$/.test(value) || !isCalendarDate(value)) this.fail(field, `must be a YYYY-MM-DD date (${JSON.stringify(value)})`)
    return value
  }

  /** A DecimalField of 0–5 stars (a string, or a number in hand-made files) as half stars; 0 or null is no rating. */
  rating(field: string): ImportedRating | null {
    const value = this.fields[field]
    if (value === null || value === undefined) return null
    const stars = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
    if (typeof stars !== 'number' || !Number.isFinite(stars) || stars < 0 || stars > 5) this.fail(field, `must be 0 to 5 stars (${JSON.stringify(value)})`)
    return halfStarsOf(stars, 5)
  }
}

interface DumpRecord {
  model: string
  pk: unknown
  fields: Record<string, unknown>
}

function recordsOf(text: string): DumpRecord[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (error) {
    throw new ImportFormatError(`not JSON: ${(error as Error).message}`, null, null)
  }
  if (!Array.isArray(parsed)) throw new ImportFormatError('not a dumpdata file: it must hold a JSON array of records', null, null)
  return parsed.map((record: unknown, index) => {
    const { model, fields } = (record ?? {}) as Partial<DumpRecord>
    if (typeof model !== 'string' || typeof fields !== 'object' || fields === null) {
      throw new ImportFormatError(`record [${index}]: not a dumpdata record ({model, pk, fields})`, null, null)
    }
    return record as DumpRecord
  })
}

const ACCOUNT = 'users.customuser'
const GAME = 'games.game'
const RATING = 'actions.ratings'
const ENTRY = 'actions.journal'

/** Reads a dumpdata file; ImportFormatError names the first record that is not as the original wrote them. */
export function parseDumpdata(text: string): OriginalInstance {
  const records = recordsOf(text)
  const numbered = (model: string) =>
    records.flatMap((record, index) => {
      if (record.model !== model) return []
      if (!Number.isSafeInteger(record.pk)) throw new ImportFormatError(`record [${index}] (${model}): pk must be an integer`, null, null)
      return [{ pk: record.pk as number, fields: new RecordFields(`record [${index}] (${model} ${record.pk})`, record.fields) }]
    })
  const accountRecords = numbered(ACCOUNT)
  const gameRecords = numbered(GAME)
  const accountPks = new Set(accountRecords.map((record) => record.pk))
  const gamePks = new Set(gameRecords.map((record) => record.pk))

  const games = new Map(gameRecords.map(({ pk, fields }) => [pk, gameOf(pk, fields)]))
  const accounts = accountRecords.map(({ pk, fields }) => accountOf(pk, fields, gamePks, accountPks)).sort((a, b) => a.pk - b.pk)
  const ratings = numbered(RATING).flatMap(({ fields }) => {
    const [user, game, rating] = [fields.pk('user', accountPks), fields.pk('game', gamePks), fields.rating('rating')]
    return rating ? [{ user, game, rating }] : []
  })
  const journal = numbered(ENTRY).map(({ fields }) => entryOf(fields, gamePks, accountPks))
  return { accounts, games, ratings, journal }
}

function gameOf(pk: number, fields: RecordFields): OriginalGame {
  const name = fields.name('name').trim()
  const problem = gameNameProblem(name)
  if (problem) fields.fail('name', problem)
  return { pk, igdb: fields.igdbId('igdb'), name, slug: igdbSlugOf(fields.raw('slug')), coverUrl: igdbCoverUrl(fields.raw('cover_id')) }
}

function accountOf(pk: number, fields: RecordFields, gamePks: ReadonlySet<number>, accountPks: ReadonlySet<number>): OriginalAccount {
  return {
    pk,
    username: fields.name('username'),
    email: fields.string('email').trim(),
    passwordHash: fields.string('password'),
    active: fields.boolean('is_active'),
    joinedAt: fields.timestamp('date_joined'),
    bio: fields.optionalText('bio'),
    location: fields.optionalText('location'),
    // As profile edits store it: the handle, without the @.
    twitter: fields.optionalText('twitter')?.replace(/^@/, '') || null,
    played: fields.pks('played', gamePks),
    liked: fields.pks('liked', gamePks),
    backlog: fields.pks('backlog', gamePks),
    wishlist: fields.pks('wishlist', gamePks),
    favorites: fields.pks('favorites', gamePks),
    following: fields.pks('following', accountPks),
  }
}

function entryOf(fields: RecordFields, gamePks: ReadonlySet<number>, accountPks: ReadonlySet<number>): OriginalEntry {
  const code = fields.string('entry_type')
  const entryType = ENTRY_TYPE_CODES[code]
  if (!entryType) fields.fail('entry_type', `must be one of F, S, P, A, R (${JSON.stringify(code)})`)
  return {
    user: fields.pk('user', accountPks),
    game: fields.pk('game', gamePks),
    date: fields.date('date'),
    entryType,
    platform: fields.optionalText('platform')?.trim() ?? null,
    review: fields.optionalText('review'),
    spoilers: fields.boolean('spoilers'),
    liked: fields.boolean('liked'),
    halfStars: fields.rating('rating')?.halfStars ?? null,
  }
}
