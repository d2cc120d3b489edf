import type { Storefront } from '../../db/tables.js'
import { PLATFORM_ALIASES, PLATFORMS } from '../../games/platforms.js'
import { MAX_SESSION_MINUTES } from '../../playthroughs/schemas.js'
import { ImportFormatError, type GameReference, type GameRow, type ImportedPlaythrough, type SkippedRow } from '../rows.js'

const PLATFORM_BY_NAME = new Map<string, string>([
  ...PLATFORMS.map((name) => [name.toLowerCase(), name] as [string, string]),
  ...Object.entries(PLATFORM_ALIASES),
])

/** A platform as a file spells it, as one of PLATFORMS (through the aliases); null when blank or unknown. */
export function platformOf(value: string | null | undefined): string | null {
  if (!value) return null
  return PLATFORM_BY_NAME.get(value.trim().toLowerCase()) ?? null
}

const STOREFRONTS: Record<string, Storefront> = {
  steam: 'steam',
  gog: 'gog',
  'gog.com': 'gog',
  epic: 'epic',
  'epic games': 'epic',
  'epic games store': 'epic',
  'playstation store': 'playstation',
  playstation: 'playstation',
  psn: 'playstation',
  xbox: 'xbox',
  'microsoft store': 'xbox',
  nintendo: 'nintendo',
  'nintendo eshop': 'nintendo',
  'itch.io': 'itch',
  itch: 'itch',
  physical: 'physical',
}

/** Where a copy was bought, as a file names the store; anything unknown is `other`, blank is null. */
export function storefrontOf(value: string | null | undefined): Storefront | null {
  if (!value || !value.trim()) return null
  return STOREFRONTS[value.trim().toLowerCase()] ?? 'other'
}

/**
 * A value read from a file, with its name and where it is, so that refusing it can say what and where (CSV cells
 * know their line and column; a JSON reader may not).
 */
export interface FileValue {
  name: string
  text: string
  line: number | null
  column: number | null
}

function refuse(value: FileValue, expected: string): never {
  throw new ImportFormatError(`The ${value.name} "${value.text.trim()}" is not ${expected}.`, value.line, value.column)
}

/** Trimmed text; blank is null. */
export function textOf(value: FileValue): string | null {
  return value.text.trim() || null
}

/** Trimmed text that every row must have: blank is refused. */
export function requiredTextOf(value: FileValue): string {
  const text = textOf(value)
  if (text === null) throw new ImportFormatError(`The ${value.name} is blank: every row needs one.`, value.line, value.column)
  return text
}

/** A number written with digits and an optional decimal point (no sign, no thousands separator); blank is null. */
export function numberOf(value: FileValue): number | null {
  const text = value.text.trim()
  if (!text) return null
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(text)) refuse(value, 'a number')
  return Number(text)
}

/** True, true, TRUE and 1 are true; False, 0 and blank are false; anything else is refused. */
export function booleanOf(value: FileValue): boolean {
  const text = value.text.trim().toLowerCase()
  if (text === 'true' || text === '1') return true
  if (text === 'false' || text === '0' || text === '') return false
  return refuse(value, 'true or false')
}

const ISO_DAY = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i
const US_DAY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?(?: ?[AP]M)?)?$/i

/**
 * The day a date names, as YYYY-MM-DD: `2023-1-3`, `2023-01-03`, with a time (`2023-01-21 21:04:11`,
 * `2017-01-02T00:00:00.000Z`), or US-style (`1/21/2023`, `1/21/2023 9:04:11 PM`). A time never moves the day: the
 * exports write the day the person saw, and a time zone of theirs we cannot know. Blank is null; anything else,
 * or a day no calendar has, is refused.
 */
export function dayOf(value: FileValue): string | null {
  const text = value.text.trim()
  if (!text) return null
  const [year, month, day] = dayPartsOf(text) ?? refuse(value, 'a date')
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) {
    refuse(value, 'a date')
  }
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

function dayPartsOf(text: string): [year: number, month: number, day: number] | null {
  const iso = ISO_DAY.exec(text)
  if (iso) return [Number(iso[1]), Number(iso[2]), Number(iso[3])]
  const us = US_DAY.exec(text)
  if (us) return [Number(us[3]), Number(us[1]), Number(us[2])]
  return null
}

/**
 * The year of a release date (a date as dayOf reads it, or a year alone). Only a hint for matching, so a date that
 * cannot be read is no year rather than a refused file.
 */
export function yearOf(value: FileValue): number | null {
  const text = value.text.trim()
  if (/^\d{4}$/.test(text)) return Number(text)
  return dayPartsOf(text)?.[0] ?? null
}

/** `H:MM:SS` (hours as long as they need) in minutes, to the nearest minute; blank and `--` are no time. */
export function minutesOfClock(value: FileValue): number | null {
  const text = value.text.trim()
  if (!text || text === '--') return null
  const clock = /^(\d+):([0-5]\d):([0-5]\d)$/.exec(text) ?? refuse(value, 'a time as H:MM:SS')
  return Math.round(Number(clock[1]) * 60 + Number(clock[2]) + Number(clock[3]) / 60)
}

/** Hours and minutes from two cells (either may be blank); both blank is no time. */
export function minutesOfHoursAndMinutes(hours: FileValue, minutes: FileValue): number | null {
  const h = numberOf(hours)
  const m = numberOf(minutes)
  if (h === null && m === null) return null
  return Math.round((h ?? 0) * 60 + (m ?? 0))
}

/** Seconds in minutes, to the nearest minute; blank is no time. */
export function minutesOfSeconds(value: FileValue): number | null {
  const seconds = numberOf(value)
  return seconds === null ? null : Math.round(seconds / 60)
}

/** Decimal hours (`14.33`) in minutes, to the nearest minute; blank is no time. */
export function minutesOfHours(value: FileValue): number | null {
  const hours = numberOf(value)
  return hours === null ? null : Math.round(hours * 60)
}

/** A playthrough, with what the file does not say left empty. */
export function playthroughOf(
  fields: Pick<ImportedPlaythrough, 'key' | 'status'> & Partial<ImportedPlaythrough>,
): ImportedPlaythrough {
  return {
    completion: null,
    platform: null,
    storefront: null,
    startedOn: null,
    finishedOn: null,
    replay: false,
    difficulty: null,
    notes: null,
    totalMinutes: null,
    lastPlayedOn: null,
    sessions: [],
    adjustmentMinutes: 0,
    ...fields,
  }
}

/**
 * `minutes` shared out over `count` days as evenly as whole minutes go (the first days take the odd minutes), each
 * share at most a day's worth; none when there are fewer minutes than days (a session is a minute at least).
 */
export function sharesOf(minutes: number, count: number): number[] {
  if (count === 0 || minutes < count) return []
  const share = Math.floor(minutes / count)
  const extra = minutes % count
  return Array.from({ length: count }, (_, index) => Math.min(MAX_SESSION_MINUTES, share + (index < extra ? 1 : 0)))
}

/** A game row with nothing in it yet. */
export function gameRowOf(key: string, line: number | null, game: Partial<GameReference>): GameRow {
  return {
    kind: 'game',
    key,
    line,
    game: { title: null, year: null, steamAppId: null, igdb: null, slug: null, ...game },
    statuses: [],
    rating: null,
    playthroughs: [],
    journal: [],
    notes: [],
  }
}

/**
 * A row that names no game (a blank title where the title is the key): nothing to match or key it by, so it is
 * skipped, and said to be.
 */
export function untitledRow(line: number): SkippedRow {
  return { kind: 'skipped', key: `line ${line}`, line, title: '', reason: 'The row names no game.' }
}

export interface Review {
  key: string
  text: string | null
  spoilers: boolean
  startedOn: string | null
  finishedOn: string | null
  /** The playthrough the review is about, if the row has one. */
  playthrough: ImportedPlaythrough | null
  platform: string | null
}

/**
 * Adds a review to a row as a journal entry dated the day the play ended, else the day it began: `finished` when
 * the playthrough was finished, `played` otherwise. It carries the row's rating and like, as an entry written here
 * would (an entry's rating becomes the person's rating of the game). A review with no day to date it by cannot be
 * an entry: the row's notes say so instead of losing it silently.
 */
export function addReview(row: GameRow, review: Review): void {
  if (!review.text) return
  const date = review.finishedOn ?? review.startedOn
  if (!date) {
    row.notes.push('The review is not imported: the row gives no date to file it under.')
    return
  }
  row.journal.push({
    key: review.key,
    date,
    entryType: review.playthrough?.status === 'finished' ? 'finished' : 'played',
    platform: review.platform,
    review: review.text,
    spoilers: review.spoilers,
    liked: row.statuses.includes('liked'),
    halfStars: row.rating?.halfStars ?? null,
    playthroughKey: review.playthrough?.key ?? null,
  })
}

/**
 * A title as part of an idempotency key: what may differ between two exports of the same title (case, spaces,
 * ™ and ®, typographic apostrophes) does not change the key. Deliberately not the matcher's normalization, which
 * may grow: a key that changed would make the next import write everything twice.
 */
export function titleKeyOf(title: string): string {
  return title.replace(/[™®]/g, '').replace(/’/g, "'").replace(/\s+/g, ' ').trim().toLowerCase()
}

/**
 * Keys made from names can repeat within one file (two copies of a game in a Playnite library): the second `k`
 * becomes `k (2)`, and so on, in file order.
 */
export function distinctKeys(): (key: string) => string {
  const seen = new Map<string, number>()
  return (key) => {
    const count = (seen.get(key) ?? 0) + 1
    seen.set(key, count)
    return count === 1 ? key : `${key} (${count})`
  }
}
