import assert from 'node:assert/strict'
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { loadConfig } from '../../src/config.js'
import { parseSteam, PRIVATE_PROFILE } from '../../src/imports/formats/steam.js'
import { fetchSteamLibrary, SteamApiError, type SteamApiFailure, type SteamLibraryRequest } from '../../src/imports/steam-api.js'
import { importFixture } from '../helpers/import-files.js'

const LIBRARY = importFixture('steam-basic.json')
const KEY = '0123456789ABCDEF0123456789ABCDEF'
const STEAM_ID = '76561197960287930'
const PRIVATE_STEAM_ID = '76561197960287931'
const SLOW_STEAM_ID = '76561197960287932'
const HUGE_STEAM_ID = '76561197960287933'
const BROKEN_STEAM_ID = '76561197960287934'
const HTML_STEAM_ID = '76561197960287935'
const STREAMED_STEAM_ID = '76561197960287936'

/**
 * Steam's Web API as far as GetOwnedGames goes: a key it knows, a 403 for any other (as Steam answers a bad key),
 * `{"response":{}}` for a private profile; and a few answers no real profile gives (slow, huge, broken, HTML).
 */
function fakeSteam() {
  const requests: URL[] = []
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://steam.test')
    requests.push(url)
    const query = Object.fromEntries(url.searchParams)
    if (request.method !== 'GET' || url.pathname !== '/IPlayerService/GetOwnedGames/v1/') {
      response.writeHead(404).end('Not Found')
      return
    }
    if (query.key !== KEY) {
      response.writeHead(403, { 'content-type': 'text/html' }).end('<html><body><h1>Forbidden</h1>Access is denied.</body></html>')
      return
    }
    const json = (body: string) => response.writeHead(200, { 'content-type': 'application/json' }).end(body)
    if (query.steamid === PRIVATE_STEAM_ID) json('{"response":{}}')
    else if (query.steamid === SLOW_STEAM_ID) response.writeHead(200).write('{"response":')
    else if (query.steamid === HUGE_STEAM_ID) json(`{"response":{"games":[]},"padding":"${'x'.repeat(4096)}"}`)
    else if (query.steamid === STREAMED_STEAM_ID) {
      // Chunked, without a Content-Length to refuse it by.
      response.writeHead(200, { 'content-type': 'application/json' })
      response.write('{"response":{"games":[]},"padding":"')
      for (let i = 0; i < 8; i++) response.write('x'.repeat(512))
      response.end('"}')
    }
    else if (query.steamid === BROKEN_STEAM_ID) response.writeHead(500).end('Internal Server Error')
    else if (query.steamid === HTML_STEAM_ID) response.writeHead(200, { 'content-type': 'text/html' }).end('<html>Maintenance</html>')
    else json(LIBRARY)
  })
  return { server, requests }
}

describe('fetchSteamLibrary against a local server speaking the Web API', () => {
  const steam = fakeSteam()
  let baseUrl = ''
  /** Errors seen by the tests: none may hold the key. */
  const errors: unknown[] = []

  before(async () => {
    steam.server.listen(0, '127.0.0.1')
    await once(steam.server, 'listening')
    baseUrl = `http://127.0.0.1:${(steam.server.address() as AddressInfo).port}`
  })
  after(async () => {
    steam.server.closeAllConnections()
    steam.server.close()
    await once(steam.server, 'close')
  })

  const fetchWith = (request: Partial<SteamLibraryRequest>) => fetchSteamLibrary({ baseUrl, key: KEY, steamId: STEAM_ID, ...request })

  async function refused(request: Partial<SteamLibraryRequest>, failure: SteamApiFailure, message: RegExp | string) {
    const error = await fetchWith(request).then(
      () => assert.fail('the fetch succeeded'),
      (error: unknown) => error,
    )
    errors.push(error)
    assert.ok(error instanceof SteamApiError, String(error))
    assert.equal(error.failure, failure)
    if (typeof message === 'string') assert.equal(error.message, message)
    else assert.match(error.message, message)
    return error
  }

  it('asks GetOwnedGames with the key, the SteamID64, app info and free games played, and returns the answer as is', async () => {
    const text = await fetchWith({ baseUrl: `${baseUrl}/` })
    assert.equal(text, LIBRARY)
    assert.equal(parseSteam(text).length, 13)
    const asked = steam.requests.at(-1)
    assert.equal(asked?.pathname, '/IPlayerService/GetOwnedGames/v1/')
    assert.deepEqual(Object.fromEntries(asked?.searchParams ?? []), {
      key: KEY,
      steamid: STEAM_ID,
      include_appinfo: '1',
      include_played_free_games: '1',
      format: 'json',
    })
  })

  it('says the key was refused when Steam answers 403', async () => {
    const error = await refused({ key: 'NOT-THE-KEY-5F3A9C' }, 'key_refused', /^Steam refused the Web API key \(HTTP 403\)/)
    assert.equal(error.status, 403)
    assert.doesNotMatch(error.message, /NOT-THE-KEY-5F3A9C/)
  })

  it('says the profile\'s game details are private when Steam answers {"response":{}}', async () => {
    await refused({ steamId: PRIVATE_STEAM_ID }, 'private_profile', PRIVATE_PROFILE)
  })

  it('refuses a SteamID64 that is not 17 digits without calling Steam', async () => {
    const before = steam.requests.length
    for (const steamId of ['7656119796028793', '765611979602879300', 'mira_plays', '7656119796028793x', ''])
      await refused({ steamId }, 'steam_id', /^A SteamID64 is 17 digits/)
    assert.equal(steam.requests.length, before)
  })

  it('says when Steam cannot be reached, does not answer in time, answers too much, an error or not JSON', async () => {
    const closed = http.createServer()
    closed.listen(0, '127.0.0.1')
    await once(closed, 'listening')
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`
    closed.close()
    await once(closed, 'close')
    await refused({ baseUrl: closedUrl }, 'unreachable', 'Could not reach Steam (ECONNREFUSED); try again later.')
    await refused({ steamId: SLOW_STEAM_ID, timeoutMs: 300 }, 'timeout', 'Steam did not answer within 0.3 s; try again later.')
    await refused({ steamId: HUGE_STEAM_ID, maxBytes: 1024 }, 'too_large', /^Steam's answer is larger than/)
    await refused({ steamId: STREAMED_STEAM_ID, maxBytes: 1024 }, 'too_large', /^Steam's answer is larger than/)
    assert.equal(JSON.parse(await fetchWith({ steamId: STREAMED_STEAM_ID })).padding.length, 4096)
    await refused({ steamId: BROKEN_STEAM_ID }, 'http_status', 'Steam answered HTTP 500; try again later.')
    await refused({ steamId: HTML_STEAM_ID }, 'bad_answer', 'Steam answered something that is not JSON; try again later.')
  })

  it('never shows the key in an error: not in its message, stack, fields or cause', () => {
    assert.ok(errors.length >= 10, `errors seen: ${errors.length}`)
    for (const error of errors) {
      const shown = [String(error), (error as Error).stack, JSON.stringify(error), String((error as Error).cause)].join('\n')
      assert.doesNotMatch(shown, new RegExp(KEY))
      assert.equal((error as Error).cause, undefined)
    }
  })
})

describe('STEAM_API_URL', () => {
  it('is Steam\'s by default, any http(s) URL when set (without a trailing slash), and refused otherwise', () => {
    assert.equal(loadConfig({}).steamApiUrl, 'https://api.steampowered.com')
    assert.equal(loadConfig({ STEAM_API_URL: 'http://127.0.0.1:9999/steam/' }).steamApiUrl, 'http://127.0.0.1:9999/steam')
    assert.throws(() => loadConfig({ STEAM_API_URL: 'ftp://steam.example' }), /STEAM_API_URL must be an http\(s\) URL/)
  })
})
