import { isPrivateProfileAnswer, PRIVATE_PROFILE } from './formats/steam.js'

export type SteamApiFailure =
  | 'steam_id'
  | 'key_refused'
  | 'private_profile'
  | 'unreachable'
  | 'timeout'
  | 'too_large'
  | 'bad_answer'
  | 'http_status'

/**
 * Why a Steam library could not be fetched, in words for the person who asked. Never carries the Web API key: not
 * in the message, not as a cause (an HTTP library's error may quote the URL, which holds the key).
 */
export class SteamApiError extends Error {
  override name = 'SteamApiError'
  constructor(
    readonly failure: SteamApiFailure,
    message: string,
    /** Steam's HTTP status, when it answered. */
    readonly status: number | null = null,
  ) {
    super(message)
  }
}

export interface SteamLibraryRequest {
  /** Config's steamApiUrl: https://api.steampowered.com, or a local server in tests. */
  baseUrl: string
  /** The person's Steam Web API key, for this request only: never stored, logged or repeated. */
  key: string
  /** SteamID64: 17 digits. */
  steamId: string
  fetch?: typeof globalThis.fetch
  timeoutMs?: number
  maxBytes?: number
}

const TIMEOUT_MS = 10_000
/** The upload limit of an import: a library as a file could be no larger. */
const MAX_BYTES = 20 * 1024 * 1024

/**
 * The person's Steam library: the text of Steam's `IPlayerService/GetOwnedGames` answer, for parseSteam, with
 * names and free games played. Refused before calling when the SteamID64 is not one; a key Steam refuses, a
 * private profile, an answer too slow, too large or not JSON, and a network failure each say so.
 */
export async function fetchSteamLibrary(request: SteamLibraryRequest): Promise<string> {
  const { baseUrl, key, steamId, fetch = globalThis.fetch, timeoutMs = TIMEOUT_MS, maxBytes = MAX_BYTES } = request
  if (!/^\d{17}$/.test(steamId)) {
    throw new SteamApiError('steam_id', 'A SteamID64 is 17 digits (e.g. 76561197960287930); find yours on your Steam profile page.')
  }
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}/IPlayerService/GetOwnedGames/v1/`)
  url.search = new URLSearchParams({
    key,
    steamid: steamId,
    include_appinfo: '1',
    include_played_free_games: '1',
    format: 'json',
  }).toString()

  let text: string
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } })
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel()
      const message = `Steam refused the Web API key (HTTP ${response.status}): check it at https://steamcommunity.com/dev/apikey.`
      throw new SteamApiError('key_refused', message, response.status)
    }
    if (!response.ok) {
      await response.body?.cancel()
      throw new SteamApiError('http_status', `Steam answered HTTP ${response.status}; try again later.`, response.status)
    }
    text = await boundedText(response, maxBytes)
  } catch (error) {
    if (error instanceof SteamApiError) throw error
    if ((error as Error).name === 'TimeoutError') {
      throw new SteamApiError('timeout', `Steam did not answer within ${timeoutMs / 1000} s; try again later.`)
    }
    throw new SteamApiError('unreachable', `Could not reach Steam (${networkCodeOf(error)}); try again later.`)
  }
  let answer: unknown
  try {
    answer = JSON.parse(text)
  } catch {
    throw new SteamApiError('bad_answer', 'Steam answered something that is not JSON; try again later.')
  }
  if (isPrivateProfileAnswer(answer)) throw new SteamApiError('private_profile', PRIVATE_PROFILE)
  return text
}

/** The answer's text, refused once it passes `maxBytes`: read as it comes, never held whole beyond the limit. */
async function boundedText(response: Response, maxBytes: number): Promise<string> {
  const tooLarge = () => new SteamApiError('too_large', `Steam's answer is larger than ${maxBytes / 1024 / 1024} MB.`)
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body?.cancel()
    throw tooLarge()
  }
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength
    // Leaving the loop cancels the stream: the rest is never downloaded.
    if (size > maxBytes) throw tooLarge()
    chunks.push(chunk)
  }
  return new TextDecoder().decode(Buffer.concat(chunks))
}

/** What failed, in a word (ECONNREFUSED, ENOTFOUND…): the error's own message may quote the URL and its key. */
function networkCodeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause
  return typeof cause?.code === 'string' ? cause.code : 'network error'
}
