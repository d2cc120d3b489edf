import type { Completion, EntryType, GameStatus, PlaythroughStatus, Storefront } from '../db/tables.js'

/**
 * What every format's parser turns a file into: rows that say what the person has of one game (or one list, one
 * follow…), in Overworld's own terms, before any game is matched or anything is written. Each row and each thing
 * in it carries a key that is stable from one export of the same history to the next, so that importing a file
 * again finds what the last import wrote instead of writing it twice (see the README of test/fixtures/imports).
 */
export const IMPORT_SOURCES = ['steam', 'backloggd', 'grouvee', 'hltb', 'playnite', 'overworld'] as const
export type ImportSource = (typeof IMPORT_SOURCES)[number]

/** How the file names a game; matching tries the ids first, then the title (and year, when given). */
export interface GameReference {
  title: string | null
  year: number | null
  steamAppId: number | null
  igdb: string | null
  /** Only Overworld's own export names games by slug. */
  slug: string | null
}

/** A rating converted to half stars (1–10); rounded when the source's value fell between two half stars. */
export interface ImportedRating {
  halfStars: number
  rounded: boolean
}

export interface ImportedSession {
  key: string
  /** YYYY-MM-DD */
  date: string
  /** 1 to 1,440 */
  minutes: number
  note: string | null
  /**
   * Where the session first came from, when the file says (Overworld's export: `manual`, `steam`…), so that moving
   * an account keeps it; when absent, the session's source is the import's.
   */
  source?: string
}

export interface ImportedPlaythrough {
  key: string
  status: PlaythroughStatus
  /** Only when finished. */
  completion: Completion | null
  /** One of PLATFORMS (src/games/platforms.ts), already read through the aliases; null when unknown. */
  platform: string | null
  storefront: Storefront | null
  startedOn: string | null
  finishedOn: string | null
  replay: boolean
  difficulty: string | null
  notes: string | null
  /**
   * The time the source reports as one total (Steam, Backloggd, Grouvee, HLTB, Playnite), in minutes; null when the
   * source lists the sessions themselves (Overworld's export).
   */
  totalMinutes: number | null
  /** The day the source says it was last played (Steam's rtime_last_played, Playnite's LastActivity), if it says. */
  lastPlayedOn: string | null
  /** Sessions listed one by one (Overworld's export, Backloggd's JSON); empty otherwise. */
  sessions: ImportedSession[]
  /** With listed sessions: the minutes beside them (Overworld's adjustment_minutes); 0 otherwise. */
  adjustmentMinutes: number
  /**
   * The sessions are one total shared out over the days the source lists (Backloggd's JSON), not times of their
   * own: the days a newer file adds share what the total gained since, whatever the new file's sharing gives them.
   */
  sharedTotal?: boolean
}

export interface ImportedEntry {
  key: string
  /** YYYY-MM-DD */
  date: string
  entryType: EntryType
  platform: string | null
  review: string | null
  spoilers: boolean
  liked: boolean
  halfStars: number | null
  /** The key of the playthrough (in the same row) the entry is about. */
  playthroughKey: string | null
}

/** What a person has of one game. */
export interface GameRow {
  kind: 'game'
  key: string
  /** The line of the file the row starts on (CSV), or null (JSON). */
  line: number | null
  game: GameReference
  statuses: GameStatus[]
  rating: ImportedRating | null
  playthroughs: ImportedPlaythrough[]
  journal: ImportedEntry[]
  /** What the preview should tell the person about this row (an unknown status read as "played"…). */
  notes: string[]
}

/** One of the person's lists (Overworld's export); its games are game rows of the same file, by key. */
export interface ListRow {
  kind: 'list'
  key: string
  line: number | null
  title: string
  description: string | null
  ranked: boolean
  items: { gameKey: string; note: string | null }[]
}

/** The person's favorites, in order (Overworld's export). */
export interface FavoritesRow {
  kind: 'favorites'
  key: string
  line: number | null
  gameKeys: string[]
}

/** Someone the person follows (Overworld's export): followed when an account of that name exists here. */
export interface FollowRow {
  kind: 'follow'
  key: string
  line: number | null
  username: string
}

/** Something in the file that is not imported, and why (review comments on another instance's reviews…). */
export interface SkippedRow {
  kind: 'skipped'
  key: string
  line: number | null
  title: string
  reason: string
}

export type ImportRow = GameRow | ListRow | FavoritesRow | FollowRow | SkippedRow

/** A file that cannot be read: refused with 400, saying what is wrong and where. Lines and columns count from 1. */
export class ImportFormatError extends Error {
  constructor(
    message: string,
    readonly line: number | null,
    readonly column: number | null,
  ) {
    super(message)
  }
}
