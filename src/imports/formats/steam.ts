import { ImportFormatError, type GameRow, type ImportRow } from '../rows.js'
import { objectsOf, optional, parseJsonFile, required, requiredObject, rootObject, STRING, WHOLE_NUMBER, type JsonObject } from './json.js'

/** The preview's word on a game Steam says was never played: it goes to the backlog unless the person says no. */
export const NEVER_PLAYED_NOTE = 'Never played on Steam: goes to the backlog unless you choose otherwise.'

/**
 * Steam's `GetOwnedGames` answer (`{response: {game_count, games}}`) as one row per game, keyed by app id. A game
 * with play time was played, in one playthrough on PC bought on Steam holding the whole time as a total; one never
 * played goes to the backlog (see isNeverPlayedOnSteam). Steam has no ratings, dates of finishing or reviews.
 */
export function parseSteam(text: string): ImportRow[] {
  const answer = parseJsonFile(text)
  if (isPrivateProfileAnswer(answer)) throw new ImportFormatError(PRIVATE_PROFILE, null, null)
  return objectsOf(requiredObject(rootObject(answer), 'response'), 'games').map(gameRowOf)
}

export const PRIVATE_PROFILE =
  "Steam lists no games for this profile: its game details are private (Steam's privacy settings: Game details, Public)."

/**
 * Steam answers `{"response": {}}`, not an error, when the profile's game details are private; an empty library
 * still has a `game_count` (0).
 */
export function isPrivateProfileAnswer(answer: unknown): boolean {
  const response = (answer as { response?: unknown } | null)?.response
  return typeof response === 'object' && response !== null && Object.keys(response).length === 0
}

function gameRowOf(game: JsonObject): GameRow {
  const appId = required(game, 'appid', WHOLE_NUMBER)
  const minutes = required(game, 'playtime_forever', WHOLE_NUMBER)
  const key = String(appId)
  const row: GameRow = {
    kind: 'game',
    key,
    line: null,
    game: { title: optional(game, 'name', STRING), year: null, steamAppId: appId, igdb: null, slug: null },
    statuses: ['backlog'],
    rating: null,
    playthroughs: [],
    journal: [],
    notes: [NEVER_PLAYED_NOTE],
  }
  if (minutes <= 0) return row
  const lastPlayed = optional(game, 'rtime_last_played', WHOLE_NUMBER) ?? 0
  return {
    ...row,
    statuses: ['played'],
    notes: [],
    playthroughs: [
      {
        key,
        // Steam only lists playtime_2weeks for games played in the last two weeks.
        status: optional(game, 'playtime_2weeks', WHOLE_NUMBER) === null ? 'shelved' : 'playing',
        completion: null,
        platform: 'PC',
        storefront: 'steam',
        startedOn: null,
        finishedOn: null,
        replay: false,
        difficulty: null,
        notes: null,
        totalMinutes: minutes,
        lastPlayedOn: lastPlayed > 0 ? new Date(lastPlayed * 1000).toISOString().slice(0, 10) : null,
        sessions: [],
        adjustmentMinutes: 0,
      },
    ],
  }
}

/**
 * Whether a row of parseSteam is a game never played: the only rows that go to the backlog, which the person may
 * choose in the preview not to do. Read from what the row is, so it holds for a row read back from import_rows.
 */
export function isNeverPlayedOnSteam(row: ImportRow): boolean {
  return row.kind === 'game' && row.playthroughs.length === 0 && row.statuses.length === 1 && row.statuses[0] === 'backlog'
}
