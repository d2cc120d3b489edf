import { GAME_STATUSES } from '../../db/tables.js'
import { ENTRY_TYPES } from '../../journal/schemas.js'
import { PLAYTHROUGH_STATUSES, STOREFRONTS } from '../../playthroughs/schemas.js'
import { COMPLETION_LEVELS } from '../../stats/playtime.js'
import { halfStarsOf } from '../ratings.js'
import type { FavoritesRow, FollowRow, GameRow, ImportedPlaythrough, ImportedSession, ImportRow, ListRow, SkippedRow } from '../rows.js'
import { platformOf } from './common.js'
import {
  DATE,
  flag,
  NUMBER,
  objectsOf,
  oneOf,
  optional,
  parseJsonFile,
  required,
  requiredObject,
  rootObject,
  STRING,
  WHOLE_NUMBER,
  type JsonObject,
} from './json.js'


/**
 * Overworld's own JSON export (src/users/export.ts): a game row for each game the export names anywhere (key
 * `game:<id>`, the exporting instance's game id) with its statuses, rating, journal entries (keyed by entry id),
 * playthroughs (by playthrough id) and their sessions (by session id); then the favorites, one row per list
 * (`list:<id>`), one per followed account (`follow:<username>`), and the review comments, skipped. A section the
 * file leaves out is empty, never "remove what exists"; the profile is the importing account's own and not read.
 */
export function parseOverworldExport(text: string): ImportRow[] {
  const file = rootObject(parseJsonFile(text))
  const reading: Reading = { games: new Map(), playthroughs: new Map(), skipped: [] }
  readStatusesAndRatings(file, reading)
  // No favorites row without favorites: importing nothing would not clear the account's own.
  const favorites = objectsOf(file, 'favorites').map((game) => rowOfGame(reading, game).key)
  const favoritesRows: FavoritesRow[] = favorites.length > 0 ? [{ kind: 'favorites', key: 'favorites', line: null, gameKeys: favorites }] : []
  readPlaythroughs(file, reading)
  readJournal(file, reading)
  const lists = listRowsOf(file, reading)
  const follows: FollowRow[] = objectsOf(file, 'following').map((follow) => {
    const username = required(follow, 'username', STRING)
    return { kind: 'follow', key: `follow:${username}`, line: null, username }
  })
  for (const comment of objectsOf(file, 'review_comments')) {
    const id = required(comment, 'id', WHOLE_NUMBER)
    const title = `Comment on review ${optional(comment, 'review', WHOLE_NUMBER) ?? '?'}: ${optional(comment, 'body', STRING) ?? ''}`
    reading.skipped.push(skippedRow(`comment:${id}`, title, "comments on another instance's reviews are not imported"))
  }
  return [...reading.games.values(), ...favoritesRows, ...lists, ...follows, ...reading.skipped]
}

/** What reading the export has made so far: the game rows by exported game id, the playthroughs by id. */
interface Reading {
  games: Map<number, GameRow>
  playthroughs: Map<number, { playthrough: ImportedPlaythrough; row: GameRow }>
  skipped: SkippedRow[]
}

function readStatusesAndRatings(file: JsonObject, reading: Reading): void {
  for (const status of objectsOf(file, 'statuses')) {
    const row = rowOfGame(reading, requiredObject(status, 'game'))
    const value = required(status, 'status', oneOf(GAME_STATUSES))
    if (!row.statuses.includes(value)) row.statuses.push(value)
  }
  for (const rating of objectsOf(file, 'ratings')) {
    // In stars, as the API shows them; a later rating of the same game (there is none) would win.
    rowOfGame(reading, requiredObject(rating, 'game')).rating = halfStarsOf(required(rating, 'rating', NUMBER), 5)
  }
}

function readPlaythroughs(file: JsonObject, reading: Reading): void {
  for (const found of objectsOf(file, 'playthroughs')) {
    const row = rowOfGame(reading, requiredObject(found, 'game'))
    const id = required(found, 'id', WHOLE_NUMBER)
    const playthrough = playthroughOf(found, id)
    row.playthroughs.push(playthrough)
    reading.playthroughs.set(id, { playthrough, row })
  }
  for (const session of objectsOf(file, 'play_sessions')) {
    const playthroughId = required(session, 'playthrough', WHOLE_NUMBER)
    const id = required(session, 'id', WHOLE_NUMBER)
    const owner = reading.playthroughs.get(playthroughId)
    if (owner) owner.playthrough.sessions.push(sessionOf(session, id))
    else reading.skipped.push(skippedRow(`session:${id}`, `Play session ${id}`, `its playthrough (${playthroughId}) is not in the file`))
  }
}

function readJournal(file: JsonObject, reading: Reading): void {
  for (const entry of objectsOf(file, 'journal')) {
    const row = rowOfGame(reading, requiredObject(entry, 'game'))
    const playthroughId = optional(entry, 'playthrough', WHOLE_NUMBER)
    // An entry can only be about a playthrough of its own game.
    const ofSameGame = playthroughId !== null && reading.playthroughs.get(playthroughId)?.row === row
    row.journal.push({
      key: String(required(entry, 'id', WHOLE_NUMBER)),
      date: required(entry, 'date', DATE),
      entryType: required(entry, 'entry_type', oneOf(ENTRY_TYPES)),
      // Free text on journal entries (older entries predate the platform list): kept as written.
      platform: optional(entry, 'platform', STRING),
      review: optional(entry, 'review', STRING),
      spoilers: flag(entry, 'spoilers'),
      liked: flag(entry, 'liked'),
      halfStars: halfStarsOf(optional(entry, 'rating', NUMBER), 5)?.halfStars ?? null,
      playthroughKey: ofSameGame ? String(playthroughId) : null,
    })
  }
}

function listRowsOf(file: JsonObject, reading: Reading): ListRow[] {
  return objectsOf(file, 'lists').map((list) => ({
    kind: 'list',
    key: `list:${required(list, 'id', WHOLE_NUMBER)}`,
    line: null,
    title: required(list, 'title', STRING),
    description: optional(list, 'description', STRING),
    ranked: flag(list, 'ranked'),
    items: objectsOf(list, 'games').map((item) => ({
      gameKey: rowOfGame(reading, requiredObject(item, 'game')).key,
      note: optional(item, 'note', STRING),
    })),
  }))
}

/** The row of an exported game (`{id, igdb, name, slug}`), made the first time the export names it. */
function rowOfGame({ games }: Reading, game: JsonObject): GameRow {
  const id = required(game, 'id', WHOLE_NUMBER)
  let row = games.get(id)
  if (!row) {
    row = {
      kind: 'game',
      key: `game:${id}`,
      line: null,
      game: {
        title: optional(game, 'name', STRING),
        year: null,
        steamAppId: null,
        igdb: optional(game, 'igdb', STRING),
        slug: optional(game, 'slug', STRING),
      },
      statuses: [],
      rating: null,
      playthroughs: [],
      journal: [],
      notes: [],
    }
    games.set(id, row)
  }
  return row
}

function playthroughOf(playthrough: JsonObject, id: number): ImportedPlaythrough {
  return {
    key: String(id),
    status: required(playthrough, 'status', oneOf(PLAYTHROUGH_STATUSES)),
    completion: optional(playthrough, 'completion', oneOf(COMPLETION_LEVELS)),
    platform: platformOf(optional(playthrough, 'platform', STRING)),
    storefront: optional(playthrough, 'storefront', oneOf(STOREFRONTS)),
    startedOn: optional(playthrough, 'started_on', DATE),
    finishedOn: optional(playthrough, 'finished_on', DATE),
    replay: flag(playthrough, 'replay'),
    difficulty: optional(playthrough, 'difficulty', STRING),
    notes: optional(playthrough, 'notes', STRING),
    // The export lists the sessions; its `minutes` is their sum and the adjustment, so it is not read.
    totalMinutes: null,
    lastPlayedOn: null,
    sessions: [],
    adjustmentMinutes: optional(playthrough, 'adjustment_minutes', WHOLE_NUMBER) ?? 0,
  }
}

function sessionOf(session: JsonObject, id: number): ImportedSession {
  return {
    key: String(id),
    date: required(session, 'date', DATE),
    minutes: required(session, 'minutes', WHOLE_NUMBER),
    note: optional(session, 'note', STRING),
    source: optional(session, 'source', STRING) ?? undefined,
  }
}

const skippedRow = (key: string, title: string, reason: string): SkippedRow => ({ kind: 'skipped', key, line: null, title, reason })
