import type { Db } from '../db/database.js'
import type { GameStatus } from '../db/tables.js'
import type { EntryValues } from '../journal/repository.js'
import type { PlaythroughValues } from '../playthroughs/repository.js'
import { sharesOf } from './formats/common.js'
import type { GameRow, ImportedEntry, ImportedPlaythrough, ImportedSession, ImportSource } from './rows.js'

/** Whose history an import writes, from where, and what they chose in the preview. */
export interface ImportContext {
  userId: number
  source: ImportSource
  options: ImportOptions
}

export interface ImportOptions {
  /** Steam: games never played go to the backlog (the default), or are left out. */
  backlogUnplayed: boolean
}

export const DEFAULT_IMPORT_OPTIONS: ImportOptions = { backlogUnplayed: true }

/** One thing an import does for a game row. Playthroughs and entries are named by their source key. */
export type Change =
  | { type: 'status'; status: GameStatus; value: boolean }
  | { type: 'rating'; halfStars: number | null }
  | { type: 'add-playthrough'; playthrough: ImportedPlaythrough }
  | { type: 'edit-playthrough'; key: string; playthroughId: number; fields: Partial<PlaythroughValues> }
  | { type: 'add-time'; key: string; playthroughId: number; minutes: number; date: string | null }
  | { type: 'adjust'; key: string; playthroughId: number; minutes: number }
  | { type: 'replace-total'; key: string; playthroughId: number; minutes: number }
  | { type: 'add-session'; playthroughKey: string; playthroughId: number; session: ImportedSession }
  | { type: 'add-entry'; entry: ImportedEntry }
  | { type: 'edit-entry'; entry: ImportedEntry; entryId: number; fields: Partial<EntryValues> }

export interface GameRowPlan {
  /** No import of this source has written this row before. */
  firstImport: boolean
  changes: Change[]
}

/** What an earlier import of the same source wrote, by kind and key. */
export interface Link {
  kind: string
  item_key: string
  target_id: number | null
  snapshot: string
}

/** What the last import knew of the game row: the source's statuses and rating at the time. */
export interface GameSnapshot {
  statuses: GameStatus[]
  rating: number | null
}

const linkId = (kind: string, key: string) => `${kind}\u0000${key}`

function keysOf(row: GameRow): string[] {
  return [
    row.key,
    ...row.playthroughs.flatMap((playthrough) => [playthrough.key, ...playthrough.sessions.map((session) => session.key)]),
    ...row.journal.map((entry) => entry.key),
  ]
}

/**
 * What importing this row into the person's library would change, read against what they have now and what the
 * last import of the same source wrote (imported_items): a row imported before changes only what changed at the
 * source since, so what the person edited here since stays, and importing the same file twice writes nothing.
 */
export async function planGameRow(db: Db, context: ImportContext, row: GameRow, gameId: number | null): Promise<GameRowPlan> {
  const { userId, source } = context
  const [links, statuses, rating] = await Promise.all([
    db
      .selectFrom('imported_items')
      .select(['kind', 'item_key', 'target_id', 'snapshot'])
      .where('user_id', '=', userId)
      .where('source', '=', source)
      .where('item_key', 'in', keysOf(row))
      .execute(),
    // A game new to the catalog (null) is in nobody's library yet.
    gameId === null ? [] : db.selectFrom('game_statuses').select('status').where('user_id', '=', userId).where('game_id', '=', gameId).execute(),
    gameId === null
      ? undefined
      : db.selectFrom('ratings').select('half_stars').where('user_id', '=', userId).where('game_id', '=', gameId).executeTakeFirst(),
  ])
  const linked = new Map(links.map((link) => [linkId(link.kind, link.item_key), link]))
  const existing = await existingTargets(db, userId, links)
  const gameLink = linked.get(linkId('game', row.key))
  const current = { statuses: new Set(statuses.map((status) => status.status)), rating: rating?.half_stars ?? null }
  const changes = [
    ...libraryChanges(context, row, current, gameLink && (JSON.parse(gameLink.snapshot) as GameSnapshot)),
    ...row.playthroughs.flatMap((playthrough) => playthroughChanges(playthrough, linked, existing)),
    ...row.journal.flatMap((entry) => entryChanges(entry, linked, existing)),
  ]
  return { firstImport: gameLink === undefined, changes }
}

/** The statuses the row gives the game, after the person's choices. */
export function wantedStatuses(context: ImportContext, row: GameRow): GameStatus[] {
  const unplayedLeftOut = context.source === 'steam' && !context.options.backlogUnplayed
  return unplayedLeftOut ? row.statuses.filter((status) => status !== 'backlog') : row.statuses
}

export function gameSnapshotOf(context: ImportContext, row: GameRow): GameSnapshot {
  return { statuses: wantedStatuses(context, row), rating: row.rating?.halfStars ?? null }
}

function libraryChanges(
  context: ImportContext,
  row: GameRow,
  current: { statuses: Set<GameStatus>; rating: number | null },
  last: GameSnapshot | undefined,
): Change[] {
  const wanted = gameSnapshotOf(context, row)
  const changes: Change[] = []
  const before = new Set(last?.statuses ?? [])
  for (const status of wanted.statuses) {
    // A game the person has played here does not go back on their backlog because another tracker says so.
    if (status === 'backlog' && current.statuses.has('played')) continue
    if (!before.has(status) && !current.statuses.has(status)) changes.push({ type: 'status', status, value: true })
  }
  for (const status of before) {
    if (!wanted.statuses.includes(status) && current.statuses.has(status)) changes.push({ type: 'status', status, value: false })
  }
  const ratingChanged = last === undefined ? wanted.rating !== null : wanted.rating !== last.rating
  // A rating the source dropped is dropped here only if it is still the one the import wrote.
  const keepOwnRating = wanted.rating === null && current.rating !== last?.rating
  if (ratingChanged && !keepOwnRating && wanted.rating !== current.rating) changes.push({ type: 'rating', halfStars: wanted.rating })
  return changes
}

/** Which of the playthroughs and entries earlier imports wrote are still there (the person may have deleted some). */
async function existingTargets(db: Db, userId: number, links: Link[]): Promise<Set<string>> {
  const idsOf = (kind: string) => links.filter((link) => link.kind === kind && link.target_id !== null).map((link) => link.target_id as number)
  const playthroughIds = idsOf('playthrough')
  const entryIds = idsOf('journal')
  const [playthroughs, entries] = await Promise.all([
    playthroughIds.length === 0
      ? []
      : db.selectFrom('playthroughs').select('id').where('user_id', '=', userId).where('id', 'in', playthroughIds).execute(),
    entryIds.length === 0
      ? []
      : db.selectFrom('journal_entries').select('id').where('user_id', '=', userId).where('id', 'in', entryIds).execute(),
  ])
  return new Set([...playthroughs.map((row) => `playthrough:${row.id}`), ...entries.map((row) => `journal:${row.id}`)])
}

const minutesOf = (sessions: ImportedSession[]) => sessions.reduce((sum, session) => sum + session.minutes, 0)

/** A playthrough as the last import wrote it, with the minutes of the sessions it listed (each linked on its own). */
export type PlaythroughSnapshot = Omit<ImportedPlaythrough, 'sessions'> & { sessionMinutes: number }

/**
 * What the next import of the playthrough is read against. A total that follows listed sessions (Backloggd's CSV
 * after its JSON) is their time grown or not: the snapshot stays the listed one, the growth counted as undated time,
 * so that a file listing the sessions again is read against them, and the total is not counted twice.
 */
export function playthroughSnapshotOf({ sessions, ...playthrough }: ImportedPlaythrough, last?: PlaythroughSnapshot): PlaythroughSnapshot {
  if (last && last.totalMinutes === null && playthrough.totalMinutes !== null) {
    const { sessionMinutes } = last
    return { ...playthrough, totalMinutes: null, sessionMinutes, adjustmentMinutes: playthrough.totalMinutes - sessionMinutes }
  }
  return { ...playthrough, sessionMinutes: minutesOf(sessions) }
}

/** The stored columns of an imported playthrough. */
export function playthroughValuesOf(playthrough: ImportedPlaythrough): PlaythroughValues {
  return {
    platform: playthrough.platform,
    storefront: playthrough.storefront,
    status: playthrough.status,
    completion: playthrough.completion,
    started_on: playthrough.startedOn,
    finished_on: playthrough.finishedOn,
    replay: playthrough.replay,
    difficulty: playthrough.difficulty,
    notes: playthrough.notes,
    adjustment_minutes: playthrough.adjustmentMinutes,
  }
}

function changedFields<T extends object>(before: T, after: T): Partial<T> {
  const fields: Partial<T> = {}
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (before[key] !== after[key]) fields[key] = after[key]
  }
  return fields
}

function playthroughChanges(playthrough: ImportedPlaythrough, linked: Map<string, Link>, existing: Set<string>): Change[] {
  const link = linked.get(linkId('playthrough', playthrough.key))
  if (!link) return [{ type: 'add-playthrough', playthrough }]
  // Deleted here since: the person's choice stands.
  if (!existing.has(`playthrough:${link.target_id}`)) return []
  const playthroughId = link.target_id as number
  const last = JSON.parse(link.snapshot) as PlaythroughSnapshot
  const changes: Change[] = []
  const { adjustment_minutes: _after, ...after } = playthroughValuesOf(playthrough)
  const { adjustment_minutes: _before, ...before } = playthroughValuesOf({ ...last, sessions: [] })
  const fields = changedFields(before, after)
  if (Object.keys(fields).length > 0) changes.push({ type: 'edit-playthrough', key: playthrough.key, playthroughId, fields })
  const fresh = playthrough.sessions.filter((session) => !linked.has(linkId('session', session.key)))
  return [...changes, ...timeChanges(playthrough, last, playthroughId, fresh)]
}

/**
 * The time a playthrough imported before gained or lost at the source. A source gives either a total, whose growth
 * is added (dated when the source says when it was last played), or the sessions themselves, added as they come,
 * with the minutes beside them. Sessions that share out a total (Backloggd's JSON) are shared out again: the days a
 * newer file adds take what the total gained, so that the sessions still add up to it. When sessions come for a
 * playthrough an earlier file knew only by its total (Backloggd's JSON after its CSV), they replace what was written
 * for that total instead of adding to it.
 */
function timeChanges(playthrough: ImportedPlaythrough, last: PlaythroughSnapshot, playthroughId: number, fresh: ImportedSession[]): Change[] {
  const { key } = playthrough
  if (playthrough.totalMinutes !== null) {
    const before = last.totalMinutes ?? last.sessionMinutes + last.adjustmentMinutes
    if (playthrough.totalMinutes === before) return []
    const date = playthrough.lastPlayedOn !== last.lastPlayedOn ? playthrough.lastPlayedOn : null
    return [{ type: 'add-time', key, playthroughId, minutes: playthrough.totalMinutes - before, date }]
  }
  const replacing = last.totalMinutes !== null
  const changes: Change[] = replacing ? [{ type: 'replace-total', key, playthroughId, minutes: last.totalMinutes as number }] : []
  const total = minutesOf(playthrough.sessions) + playthrough.adjustmentMinutes
  const gained = total - (replacing ? 0 : last.sessionMinutes + last.adjustmentMinutes)
  const shares = playthrough.sharedTotal && !replacing ? sharesOf(gained, fresh.length) : []
  const sessions = shares.length > 0 ? fresh.map((session, index) => ({ ...session, minutes: shares[index]! })) : fresh
  for (const session of sessions) changes.push({ type: 'add-session', playthroughKey: key, playthroughId, session })
  // Sessions of their own stay as they were listed; the minutes beside them follow the source's.
  const adjusted = playthrough.sharedTotal || replacing ? gained - minutesOf(sessions) : playthrough.adjustmentMinutes - last.adjustmentMinutes
  if (adjusted !== 0) changes.push({ type: 'adjust', key, playthroughId, minutes: adjusted })
  return changes
}

/** The stored columns of an imported entry, but for the playthrough it is about (known once that is written). */
export function entryValuesOf(entry: ImportedEntry): Omit<EntryValues, 'playthrough_id'> {
  return {
    played_on: entry.date,
    entry_type: entry.entryType,
    platform: entry.platform,
    review: entry.review,
    spoilers: entry.spoilers,
    liked: entry.liked,
    half_stars: entry.halfStars,
  }
}

function entryChanges(entry: ImportedEntry, linked: Map<string, Link>, existing: Set<string>): Change[] {
  const link = linked.get(linkId('journal', entry.key))
  if (!link) return [{ type: 'add-entry', entry }]
  if (!existing.has(`journal:${link.target_id}`)) return []
  const fields = changedFields(entryValuesOf(JSON.parse(link.snapshot) as ImportedEntry), entryValuesOf(entry))
  return Object.keys(fields).length === 0 ? [] : [{ type: 'edit-entry', entry, entryId: link.target_id as number, fields }]
}

const STATUS_WORDS: Record<GameStatus, [add: string, remove: string]> = {
  played: ['mark played', 'unmark played'],
  liked: ['like', 'unlike'],
  backlog: ['add to backlog', 'take off backlog'],
  wishlist: ['add to wishlist', 'take off wishlist'],
}

export function durationOf(minutes: number): string {
  const hours = Math.floor(Math.abs(minutes) / 60)
  const rest = Math.abs(minutes) % 60
  return [hours ? `${hours} h` : '', rest || !hours ? `${rest} min` : ''].filter(Boolean).join(' ')
}

const starsOf = (halfStars: number) => `${halfStars / 2} stars`

/** A change in words, for the preview. */
export function describeChange(change: Change): string {
  switch (change.type) {
    case 'status':
      return STATUS_WORDS[change.status][change.value ? 0 : 1]
    case 'rating':
      return change.halfStars === null ? 'remove rating' : `rate ${starsOf(change.halfStars)}`
    case 'add-playthrough': {
      const { status, completion, platform, totalMinutes, sessions, adjustmentMinutes } = change.playthrough
      const minutes = totalMinutes ?? sessions.reduce((sum, session) => sum + session.minutes, adjustmentMinutes)
      const details = [completion && completion.replace('_', ' + '), platform, minutes > 0 && durationOf(minutes)].filter(Boolean)
      return `add a ${status} playthrough${details.length ? ` (${details.join(', ')})` : ''}`
    }
    case 'edit-playthrough':
      return `update the playthrough's ${Object.keys(change.fields).join(', ').replaceAll('_', ' ')}`
    case 'add-time':
      return `${change.minutes >= 0 ? 'add' : 'take away'} ${durationOf(change.minutes)} of play${change.date ? ` (${change.date})` : ''}`
    case 'adjust':
      return `${change.minutes >= 0 ? 'add' : 'take away'} ${durationOf(change.minutes)} of undated play`
    case 'replace-total':
      return `replace the total of ${durationOf(change.minutes)} by the sessions listed`
    case 'add-session':
      return `add a session of ${durationOf(change.session.minutes)} (${change.session.date})`
    case 'add-entry':
      return `add a journal entry: ${change.entry.entryType} on ${change.entry.date}${change.entry.review ? ', with a review' : ''}`
    case 'edit-entry':
      return `update the journal entry's ${Object.keys(change.fields).join(', ').replaceAll('_', ' ')}`
  }
}
