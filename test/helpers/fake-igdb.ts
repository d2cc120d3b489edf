import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach } from 'node:test'
import { createIgdbClient, type IgdbClientOptions, type IgdbGame } from '../../src/games/igdb.js'

export const CLIENT_ID = 'test-client-id'
export const CLIENT_SECRET = 'test-client-secret'
/** What Twitch says a fresh app token lives, in seconds. */
export const TOKEN_LIFETIME_S = 5_011_271

export interface Answer {
  status: number
  body: unknown
  headers?: Record<string, string>
}

export interface FakeIgdb {
  tokenUrl: string
  apiUrl: string
  /** The catalog `POST /v4/games` searches; tests may change it. */
  games: IgdbGame[]
  tokenRequests: number
  /** Every request to /v4/games, answered or not. */
  gameRequests: number
  /** The searches answered from the catalog: the apicalypse body and what the server read in it. */
  searches: { body: string; search: string; limit: number }[]
  /** The look-ups by id or slug (`where id = (…)`, `where slug = (…)`) answered. */
  lookups: { field: 'id' | 'slug'; values: (number | string)[]; limit: number }[]
  /** Answers (or 'hang': never answer) given, in order, to the next authorized /v4/games requests. */
  scripted: (Answer | 'hang')[]
  /** Makes every token issued so far invalid, as when Twitch revokes or expires it early. */
  revokeTokens(): void
  close(): Promise<void>
}

export const IGDB_UNAUTHORIZED = {
  message: 'Authorization Failure. Have you tried:',
  'Tip 1': 'Ensure you are sending Authorization and Client-ID as headers.',
  'Tip 2': 'Ensure Authorization value starts with "Bearer ", including the space',
  'Tip 3': 'Ensure Authorization value ends with the App Access Token you generated, NOT your Client Secret.',
}
export const syntaxError = (cause: string) => [{ title: 'Syntax Error', status: 400, cause }]

/** A local server answering as Twitch's token endpoint and IGDB v4's games endpoint document. */
export async function startFakeIgdb(games: IgdbGame[] = []): Promise<FakeIgdb> {
  const validTokens = new Set<string>()
  const fake = {
    games,
    tokenRequests: 0,
    gameRequests: 0,
    searches: [],
    lookups: [],
    scripted: [],
    revokeTokens: () => validTokens.clear(),
  } as unknown as FakeIgdb

  const server = http.createServer(async (request, response) => {
    const send = ({ status, body, headers }: Answer) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body))
    }
    let body = ''
    for await (const chunk of request) body += chunk
    const url = new URL(request.url ?? '/', 'http://localhost')

    if (request.method === 'POST' && url.pathname === '/oauth2/token') {
      fake.tokenRequests++
      const query = url.searchParams
      if (query.get('grant_type') !== 'client_credentials') return send({ status: 400, body: { status: 400, message: 'unsupported grant type' } })
      if (query.get('client_id') !== CLIENT_ID) return send({ status: 400, body: { status: 400, message: 'invalid client' } })
      if (query.get('client_secret') !== CLIENT_SECRET) return send({ status: 403, body: { status: 403, message: 'invalid client secret' } })
      const token = `token-${fake.tokenRequests}`
      validTokens.add(token)
      return send({ status: 200, body: { access_token: token, expires_in: TOKEN_LIFETIME_S, token_type: 'bearer' } })
    }

    if (request.method === 'POST' && url.pathname === '/v4/games') {
      fake.gameRequests++
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1]
      if (request.headers['client-id'] !== CLIENT_ID || !bearer || !validTokens.has(bearer)) {
        return send({ status: 401, body: IGDB_UNAUTHORIZED })
      }
      const scripted = fake.scripted.shift()
      if (scripted === 'hang') return
      if (scripted) return send(scripted)
      const limit = Number(/ limit (\d+);$/.exec(body)?.[1] ?? 10)
      const lookup = readLookup(body)
      if (lookup) {
        fake.lookups.push({ ...lookup, limit })
        const wanted = new Set(lookup.values)
        const found = fake.games.filter((game) => wanted.has(lookup.field === 'id' ? game.id : (game.slug ?? '')))
        return send({ status: 200, body: found.slice(0, limit) })
      }
      const search = /^search "((?:[^"\\]|\\.)*)";/.exec(body)?.[1]?.replace(/\\(.)/g, '$1')
      if (search === undefined || !/ fields [^;]+;/.test(body)) return send({ status: 400, body: syntaxError(`cannot read "${body}"`) })
      fake.searches.push({ body, search, limit })
      const found = fake.games.filter((game) => game.name.toLowerCase().includes(search.toLowerCase()))
      return send({ status: 200, body: found.slice(0, limit) })
    }
    send({ status: 404, body: { message: 'not found' } })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return Object.assign(fake, {
    tokenUrl: `${base}/oauth2/token`,
    apiUrl: `${base}/v4`,
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  })
}

/** `fields …; where id = (1,2); limit 2;` or `… where slug = ("a","b"); …`: the field and its values. */
function readLookup(body: string): { field: 'id' | 'slug'; values: (number | string)[] } | undefined {
  const where = /^fields [^;]+; where (id|slug) = \(([^)]*)\); limit \d+;$/.exec(body)
  if (!where) return undefined
  const [, field, list = ''] = where
  if (field === 'id') return { field, values: list.split(',').map(Number) }
  return { field: 'slug', values: [...list.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => (match[1] as string).replace(/\\(.)/g, '$1')) }
}

/** A fresh fake IGDB for each test of the enclosing suite. */
export function useFakeIgdb(games: IgdbGame[] = []): () => FakeIgdb {
  let fake: FakeIgdb | undefined
  beforeEach(async () => {
    fake = await startFakeIgdb(structuredClone(games))
  })
  afterEach(async () => {
    await fake?.close()
  })
  return () => fake as FakeIgdb
}

export const clientOf = (fake: FakeIgdb, options: Partial<IgdbClientOptions> = {}) =>
  createIgdbClient({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tokenUrl: fake.tokenUrl, apiUrl: fake.apiUrl, ...options })

