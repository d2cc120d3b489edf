import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { it } from 'node:test'
import fc from 'fast-check'
import { createSessionLookup, issueToken } from '../../src/auth/tokens.js'
import type { Db } from '../../src/db/database.js'
import type { Tables } from '../../src/db/tables.js'
import { insertGame } from '../../src/games/repository.js'
import { buildTestApp, describeEachDatabase, type TestApp } from '../helpers/app.js'
import { call, registerUser, type ApiResponse } from '../helpers/client.js'

/**
 * Generated hostile input thrown at every route the OpenAPI document lists (so a new route is covered as soon as
 * it is registered): wrong types, huge and odd Unicode strings, nested junk, missing and extra fields, numbers out
 * of range, malformed paths and query strings, bad tokens, wrong content types. For every request:
 *   (a) never a 5xx;
 *   (b) a request answered 4xx changes nothing in the database;
 *   (c) every 4xx body is JSON, `{"detail": "..."}` or `{"field": ["message", ...]}`.
 * The runs use a fixed seed, so that every CI run throws the same inputs and a red run is a regression, not bad
 * luck; HOSTILE_RANDOM=1 explores fresh inputs (fast-check then prints its seed and path on failure, and
 * FC_SEED=<seed> FC_PATH=<path> replays one).
 * HOSTILE_RUNS changes the number of requests per route (25).
 */

const RUNS_PER_ROUTE = Number(process.env.HOSTILE_RUNS ?? 25)
const FIXED_SEED = 20261125
const replay = process.env.FC_SEED
  ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH }
  : process.env.HOSTILE_RANDOM
    ? {}
    : { seed: FIXED_SEED }

// ---------------------------------------------------------------------------------------------------------------
// The routes, from the app's own OpenAPI document

type JsonSchema = {
  type?: string | string[]
  enum?: unknown[]
  const?: unknown
  anyOf?: JsonSchema[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  multipleOf?: number
  minItems?: number
  maxItems?: number
  uniqueItems?: boolean
  pattern?: string
  format?: string
}

interface Parameter {
  name: string
  schema: JsonSchema
}

interface Operation {
  method: string
  /** OpenAPI form: /api/lists/{id} */
  path: string
  pathParams: Parameter[]
  queryParams: Parameter[]
  body: JsonSchema | undefined
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const

async function discoverOperations(): Promise<Operation[]> {
  const discovery = await buildTestApp('sqlite')
  try {
    const response = await call(discovery.app, 'GET', '/openapi.json')
    assert.equal(response.status, 200)
    const operations: Operation[] = []
    for (const [path, item] of Object.entries<Record<string, any>>(response.body.paths)) {
      for (const method of HTTP_METHODS) {
        const operation = item[method]
        if (!operation) continue
        const parameters: { in: string; name: string; schema: JsonSchema }[] = operation.parameters ?? []
        operations.push({
          method: method.toUpperCase(),
          path,
          pathParams: parameters.filter((p) => p.in === 'path').map(({ name, schema }) => ({ name, schema })),
          queryParams: parameters.filter((p) => p.in === 'query').map(({ name, schema }) => ({ name, schema })),
          body: operation.requestBody?.content?.['application/json']?.schema,
        })
      }
    }
    return operations
  } finally {
    await discovery.close()
  }
}

const operations = await discoverOperations()

// ---------------------------------------------------------------------------------------------------------------
// The database's fingerprint: every table of src/db/tables.ts, its row count and a digest of its rows

/** `satisfies` makes a table added to Tables and not here a compile error. */
const TABLE_SET = {
  users: true,
  auth_tokens: true,
  trusted_devices: true,
  follows: true,
  games: true,
  game_statuses: true,
  favorites: true,
  ratings: true,
  journal_entries: true,
  review_likes: true,
  review_comments: true,
  lists: true,
  list_items: true,
  list_likes: true,
  list_comments: true,
  activities: true,
  feed_inbox: true,
  feed_deliveries: true,
  retired_usernames: true,
  game_additions: true,
  catalog_version: true,
  people_version: true,
  feed_versions: true,
  playthroughs: true,
  play_sessions: true,
  imports: true,
  import_rows: true,
  imported_items: true,
  notifications: true,
  notification_reads: true,
} as const satisfies Record<keyof Tables, true>
const TABLES = Object.keys(TABLE_SET) as (keyof Tables)[]

type Fingerprint = Record<string, string>

/** Row count and a digest of every row of every table (the seeded tables are small, so this stays cheap). */
async function fingerprint(db: Db): Promise<Fingerprint> {
  const entries = await Promise.all(
    TABLES.map(async (table) => {
      const rows = await db.selectFrom(table).selectAll().execute()
      const lines = rows.map((row) => JSON.stringify(row, (_key, value) => (typeof value === 'bigint' ? String(value) : value))).sort()
      const digest = createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16)
      return [table, `${rows.length} rows ${digest}`] as const
    }),
  )
  return Object.fromEntries(entries)
}

// ---------------------------------------------------------------------------------------------------------------
// The seeded data every route's requests aim at

interface SeedUser {
  id: number
  username: string
  email: string
  token: string
}

interface Seed {
  users: SeedUser[]
  gameIds: number[]
  slugs: string[]
  igdbIds: string[]
  reviewId: number
  entryId: number
  commentId: number
  listId: number
  playthroughId: number
  sessionId: number
}

async function seed(testApp: TestApp): Promise<Seed> {
  const { app, db } = testApp
  const expect = async (response: Promise<ApiResponse>, status: number) => {
    const answer = await response
    assert.equal(answer.status, status, answer.text)
    return answer.body
  }
  const alice = await registerUser(app, 'alice')
  const bob = await registerUser(app, 'bob')
  const games = [
    { name: 'Celeste', igdb: '26226' },
    { name: 'Ōkami HD', igdb: '1942' },
    { name: '1942' },
    { name: 'Outer Wilds', igdb: '11737' },
  ]
  const gameIds: number[] = []
  for (const game of games) gameIds.push(await insertGame(db, game))
  const [g0, g1, g2, g3] = gameIds as [number, number, number, number]
  const slugs = (await db.selectFrom('games').select('slug').orderBy('id').execute()).map((row) => row.slug)

  const review = await expect(
    call(app, 'POST', '/api/actions/journal/', {
      token: alice.token,
      body: { game: g0, date: '2024-01-02', entry_type: 'finished', review: 'Climb on.', rating: 4.5, liked: true },
    }),
    201,
  )
  const entry = await expect(
    call(app, 'POST', '/api/actions/journal/', { token: bob.token, body: { game: g1, date: '2024-02-03', entry_type: 'started' } }),
    201,
  )
  const list = await expect(
    call(app, 'POST', '/api/lists/', {
      token: alice.token,
      body: { title: 'Best climbs', ranked: true, games: [{ game: g0, note: 'peak' }, { game: g1 }] },
    }),
    201,
  )
  await expect(call(app, 'POST', '/api/users/follow/', { token: alice.token, body: { username: 'bob' } }), 200)
  await expect(call(app, 'POST', `/api/reviews/${review.id}/like`, { token: bob.token }), 200)
  const comment = await expect(call(app, 'POST', `/api/reviews/${review.id}/comments`, { token: bob.token, body: { body: 'Agreed!' } }), 201)
  await expect(call(app, 'POST', '/api/actions/ratings/', { token: bob.token, body: { game: g2, rating: 3 } }), 200)
  await expect(call(app, 'POST', '/api/actions/backlog/', { token: alice.token, body: { game: g3 } }), 200)
  await expect(call(app, 'POST', '/api/actions/favorites/add/', { token: alice.token, body: { game: g0 } }), 200)
  const playthrough = await expect(
    call(app, 'POST', '/api/playthroughs/', { token: alice.token, body: { game: g0, platform: 'PC', started_on: '2024-01-01' } }),
    201,
  )
  const { session } = await expect(
    call(app, 'POST', `/api/playthroughs/${playthrough.id}/sessions`, { token: alice.token, body: { date: '2024-01-02', minutes: 45 } }),
    201,
  )

  const seedUser = (user: typeof alice): SeedUser => ({ id: user.id, username: user.username, email: user.email, token: user.token })
  return {
    users: [seedUser(alice), seedUser(bob)],
    gameIds,
    slugs,
    igdbIds: games.flatMap((game) => (game.igdb ? [game.igdb] : [])),
    reviewId: review.id,
    entryId: entry.id,
    commentId: comment.id,
    listId: list.id,
    playthroughId: playthrough.id,
    sessionId: session.id,
  }
}

/** A request that succeeded may have revoked a seeded token (logout): issue a new one, so later requests still get in. */
async function refreshTokens(testApp: TestApp, seeded: Seed): Promise<void> {
  const findSessionByToken = createSessionLookup(testApp.db)
  for (const user of seeded.users) {
    if (await findSessionByToken(user.token)) continue
    const exists = await testApp.db.selectFrom('users').select('id').where('id', '=', user.id).executeTakeFirst()
    if (exists) user.token = (await issueToken(testApp.db, user.id, testApp.config.tokenTtlHours)).token
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Hostile values

/** JSON text placed verbatim in a body: what JSON.stringify cannot write (-0, 1e400, 20,000 levels of nesting). */
class RawJson {
  constructor(readonly json: string) {}
  [fc.toStringMethod](): string {
    return `raw(${clip(this.json, 60)})`
  }
}

const raw = (json: string) => new RawJson(json)

/** Serializes a body, writing RawJson values as their text. */
function toJsonText(value: unknown): string {
  const raws: string[] = []
  const text = JSON.stringify(value, (_key, inner) => (inner instanceof RawJson ? `@@raw${raws.push(inner.json) - 1}@@` : inner))
  if (text === undefined) return ''
  return text.replace(/"@@raw(\d+)@@"/g, (_match, index: string) => raws[Number(index)] as string)
}

/** A value as a form field or query value: strings as they are, anything else as its JSON. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value
  if (value instanceof RawJson) return value.json
  return toJsonText(value)
}

/** Percent-encodes every byte but the unreserved ones (a lone surrogate goes out as the bytes of U+FFFD). */
function pct(text: string): string {
  let out = ''
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte)
    out += /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** Shortens long text for failure messages, keeping both ends. */
function clip(text: string, max = 300): string {
  if (text.length <= max) return text
  return `${text.slice(0, Math.floor(max / 2))}…(${text.length} chars)…${text.slice(-Math.floor(max / 4))}`
}

const ODD_UNITS = [
  '\u0000', // NUL: PostgreSQL cannot store it
  '\uD800', '\uDBFF', '\uDC00', '\uDFFF', // lone surrogates (escaped as \\ud800 in JSON)
  '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', // zero-width
  '\u200E', '\u200F', '\u202E', '\u202D', '\u2066', '\u061C', // direction marks and overrides
  '\u0301', '\u0336', '\u20DD', 'e\u0301\u0301\u0301', // combining marks
  '😀', '👩‍👩‍👧‍👦', '🏳️‍🌈', '\u{10FFFF}', '\uFFFF', '\uFFFE', '\uFFFD',
  'é', 'ß', 'İ', 'ı', 'ﬀ', '\u212A', 'Σ', 'ς', 'ǅ', 'ａ', '٣', '߀', 'ﷺ', '𝔘',
  '\r', '\n', '\t', '\u000B', '\u001F', '\u007F', '\u0085', '\u2028', '\u2029', '\u00A0', '\u3000',
  '\\', '"', "'", '`', '%', '%00', '%zz', '<script>', '../', '${x}', '{{x}}', "' OR 1=1 --", ';drop table users;',
]

const oddChar = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ODD_UNITS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-composite', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 3 }) },
)
const oddString = fc.string({ unit: oddChar, maxLength: 40 })

/** Long strings, around and beyond the 64 KiB body limit (the cut may split a surrogate pair: also hostile). */
const hugeString = fc
  .tuple(fc.constantFrom('a', 'é', '😀', '\u0301', '\u200B', ' ', '\\', '"', '\uD800', 'ab\u0000', '<>&'), fc.integer({ min: 300, max: 70_000 }))
  .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length))

/** Nesting deeper than any recursion should go: JSON text, since JSON.stringify itself would overflow. */
const deepJson = fc
  .tuple(fc.integer({ min: 2, max: 32_000 }), fc.constantFrom('array', 'object', 'mixed'))
  .map(([depth, kind]) => {
    if (kind === 'array') return raw('['.repeat(depth) + ']'.repeat(depth))
    if (kind === 'object') return raw('{"a":'.repeat(depth) + 'null' + '}'.repeat(depth))
    return raw('[{"b":'.repeat(depth) + '0' + '}]'.repeat(depth))
  })

const wrongType = fc.constantFrom<unknown>(null, true, false, 0, 1, -1, 1.5, '', ' ', 'true', 'null', '1', '0.5', [], [null], [1, 2], {}, { a: 1 }, [[]], [{}])

const hostileNumber = fc.oneof(
  fc.constantFrom<unknown>(
    -1, 0, 1e308, -1e308, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 2 ** 31, 2 ** 31 - 1, 2 ** 31 + 1, 2 ** 32, 2 ** 63, -(2 ** 31) - 1,
    Number.MIN_VALUE, 0.1, 0.25, 0.49, 0.5000001, 4.999999999, 5.5, 10, 11, 101, 1000, 1e21,
    raw('-0'), raw('-0.0'), raw('1e400'), raw('-1e400'), raw('1E+2'), raw('123456789012345678901234567890'),
    raw('0.0000000000000000000000001'), raw('1.0'), raw('4.50'), raw('2.5e0'), raw('1e-400'),
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
)

const hostileKey = fc.oneof(
  fc.constantFrom(
    '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', 'id', 'user_id', 'user', 'is_admin', 'admin',
    'like_count', 'created_at', 'game_id', 'password_hash', 'USERNAME', 'a.b', '$where', '0', 'non_field_errors', 'detail',
  ),
  oddString,
)

/** An object with these own properties, even "__proto__" (which a plain assignment would take as the prototype). */
function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  const object: Record<string, unknown> = {}
  for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true })
  return object
}

const DATE_TRAPS = [
  '2024-02-30', '2023-02-29', '2024-13-01', '2024-00-10', '0000-00-00', '0000-01-01', '9999-12-31', '2999-01-01', '2024-1-1',
  '２０２４-01-01', '-2024-01-01', '2024-01-01\n', ' 2024-01-01', '2024-01-01T00:00:00Z', '+275760-09-13', '1969-12-31', '0001-01-01',
]

/** Values just outside (or tricky inside) what the schema allows. */
function boundaryValues(schema: JsonSchema): unknown[] {
  const values: unknown[] = []
  const types = [schema.type ?? []].flat()
  if (schema.enum) {
    for (const option of schema.enum) {
      if (typeof option !== 'string') continue
      values.push(option.toUpperCase(), ` ${option}`, `${option}\u0000`, `${option}\u200B`, option.normalize('NFD') + '\u0301')
    }
  }
  if (types.includes('string')) {
    const max = schema.maxLength
    if (max !== undefined) values.push('a'.repeat(max + 1), '😀'.repeat(max), '😀'.repeat(max + 1), 'e\u0301'.repeat(max), ' '.repeat(max))
    if (schema.minLength) values.push('a'.repeat(schema.minLength - 1))
    if (schema.pattern?.includes('\\d{4}')) values.push(...DATE_TRAPS)
    if (schema.format === 'email') values.push('a@b', '@example.com', 'a@', 'a@@b.c', `${'a'.repeat(250)}@b.co`, 'ü@exämple.com', 'a@b.c\u0000')
  }
  if (types.includes('integer') || types.includes('number')) {
    if (schema.minimum !== undefined) values.push(schema.minimum - 1, schema.minimum - 0.25, -schema.minimum)
    if (schema.maximum !== undefined) values.push(schema.maximum + 1, schema.maximum + 0.25, schema.maximum * 2)
    // Beyond what an integer column holds, when the schema sets no maximum.
    else values.push(2 ** 31, 2 ** 53, 1e308, -(2 ** 31) - 1)
    if (schema.multipleOf !== undefined) values.push(schema.multipleOf / 2, schema.multipleOf * 1.5, 1 / 3)
  }
  return values
}

/**
 * A hostile value for a field of this schema, weighted by what the field is: numbers out of range for numbers, odd and
 * huge text for strings, one bad item among good ones for arrays, one bad field for objects; wrong types for all.
 */
function hostileValue(schema: JsonSchema, pools: Pools, depth = 2): fc.Arbitrary<unknown> {
  const types = [schema.type ?? []].flat()
  const numeric = types.includes('integer') || types.includes('number')
  const textual = types.includes('string') || schema.enum !== undefined
  const options: fc.WeightedArbitrary<unknown>[] = [
    { weight: 2, arbitrary: wrongType },
    { weight: numeric ? 4 : 1, arbitrary: hostileNumber },
    { weight: textual ? 4 : 1, arbitrary: oddString },
    { weight: textual ? 2 : 1, arbitrary: hugeString },
    { weight: 1, arbitrary: deepJson },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  ]
  const boundaries = boundaryValues(schema)
  if (boundaries.length > 0) options.push({ weight: 6, arbitrary: fc.constantFrom(...boundaries) })
  if (depth > 0 && types.includes('array') && schema.items) {
    const good = validValue(undefined, schema.items, pools)
    const bad = hostileValue(schema.items, pools, depth - 1)
    // Good items with one bad one among them: the bad one must get past the others to be noticed.
    options.push({
      weight: 8,
      arbitrary: fc
        .tuple(fc.array(good, { maxLength: 4 }), bad, fc.nat())
        .map(([items, item, at]) => [...items.slice(0, at % (items.length + 1)), item, ...items.slice(at % (items.length + 1))]),
    })
    options.push({ weight: 2, arbitrary: fc.array(fc.oneof(good, bad), { maxLength: 6 }) })
    if (schema.maxItems !== undefined) {
      const tooMany = schema.maxItems + 1
      options.push({ weight: 1, arbitrary: good.map((value) => Array.from({ length: tooMany }, () => value)) })
    }
    if (schema.uniqueItems) options.push({ weight: 1, arbitrary: good.map((value) => [value, value]) })
  }
  if (depth > 0 && types.includes('object') && schema.properties) {
    options.push({ weight: 8, arbitrary: mutatedObject(schema, pools, depth - 1) })
  }
  return fc.oneof(...options)
}

// ---------------------------------------------------------------------------------------------------------------
// Valid values, aimed at the seeded rows (so hostility reaches past the first check)

type Pools = Record<string, unknown[]>

function poolsOf(seeded: Seed): Pools {
  const usernames = seeded.users.map((user) => user.username)
  return {
    username: [...usernames, usernames[0]?.toUpperCase(), 'nobody', 'new_player'],
    email: ['someone@example.com', seeded.users[0]?.email],
    password: ['wrong-password-123', 'violet-harbor-lantern-43'],
    game: seeded.gameIds,
    igdb: [...seeded.igdbIds, 'igdb-new-1'],
    name: ['A New Game'],
    date: ['2024-01-02', '2020-02-29'],
    title: ['My list'],
    description: ['About these games', '', null],
    note: ['a note', null],
    body: ['Nice review'],
    bio: ['hello', null],
    location: ['Paris', ''],
    twitter: ['@alice_1', null],
    platform: ['PC', null],
    review: ['Great game', '', null],
    favorites: [[], seeded.gameIds.slice(0, 2), [seeded.gameIds[3]]],
    started_on: ['2024-01-01', null],
    finished_on: ['2024-02-01', null],
    playthrough: [seeded.playthroughId, null],
  }
}

function validValue(name: string | undefined, schema: JsonSchema, pools: Pools): fc.Arbitrary<unknown> {
  const pool = name === undefined ? undefined : pools[name]
  if (pool && pool.length > 0) return fc.constantFrom(...pool)
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum)
  if (schema.const !== undefined) return fc.constant(schema.const)
  if (schema.anyOf && schema.anyOf.length > 0) return fc.oneof(...schema.anyOf.map((branch) => validValue(undefined, branch, pools)))
  const types = [schema.type ?? []].flat()
  const type = types.find((candidate) => candidate !== 'null')
  let base: fc.Arbitrary<unknown>
  switch (type) {
    case 'string':
      base = fc.constantFrom('abc', 'Some text', 'x'.repeat(Math.max(1, schema.minLength ?? 1)))
      break
    case 'integer':
      base = fc.integer({ min: schema.minimum ?? 0, max: Math.min(schema.maximum ?? 100, (schema.minimum ?? 0) + 100) })
      break
    case 'number':
      base = schema.multipleOf
        ? fc.integer({ min: 1, max: 10 }).map((n) => n * (schema.multipleOf as number))
        : fc.double({ min: schema.minimum ?? 0, max: schema.maximum ?? 100, noNaN: true })
      break
    case 'boolean':
      base = fc.boolean()
      break
    case 'array':
      base = schema.items
        ? fc.array(validValue(undefined, schema.items, pools), { maxLength: Math.min(schema.maxItems ?? 3, 3) })
        : fc.constant([])
      break
    case 'object':
      base = validObject(schema, pools)
      break
    default:
      base = fc.constant(null)
  }
  return types.includes('null') ? fc.oneof({ weight: 4, arbitrary: base }, { weight: 1, arbitrary: fc.constant(null) }) : base
}

function validObject(schema: JsonSchema, pools: Pools): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {}
  const model = Object.fromEntries(Object.entries(properties).map(([key, inner]) => [key, validValue(key, inner, pools)]))
  return fc.record(model, { requiredKeys: (schema.required ?? []).filter((key) => key in properties) }) as fc.Arbitrary<Record<string, unknown>>
}

type Mutation = { kind: 'set'; key: string; value: unknown } | { kind: 'delete'; key: string } | { kind: 'extra'; key: string; value: unknown }

/** A valid object with one to three things wrong: a field of a wrong or hostile value, a field missing, a field too many. */
function mutatedObject(schema: JsonSchema, pools: Pools, depth = 2): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.entries(schema.properties ?? {})
  const mutations: fc.Arbitrary<Mutation>[] = [
    fc.record({ kind: fc.constant('extra' as const), key: hostileKey, value: hostileValue({}, pools, 0) }),
  ]
  if (properties.length > 0) {
    const setField = fc
      .constantFrom(...properties)
      .chain(([key, inner]) => hostileValue(inner, pools, depth).map((value): Mutation => ({ kind: 'set', key, value })))
    mutations.push(setField, setField, setField)
    mutations.push(fc.constantFrom(...properties).map(([key]): Mutation => ({ kind: 'delete', key })))
  }
  return fc.tuple(validObject(schema, pools), fc.array(fc.oneof(...mutations), { minLength: 1, maxLength: 3 })).map(([base, changes]) => {
    const entries = new Map(Object.entries(base))
    for (const change of changes) {
      if (change.kind === 'delete') entries.delete(change.key)
      else entries.set(change.key, change.value)
    }
    return objectOf([...entries])
  })
}

// ---------------------------------------------------------------------------------------------------------------
// Whole requests: mostly a valid request with exactly one thing wrong, sometimes everything wrong at once

/** Authorization resolved when sent: a seeded token may have been reissued since the request was generated. */
interface AuthSpec {
  label: string
  header(tokens: string[]): string | undefined
}

const PRINTABLE_LATIN1 = fc.string({
  unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff })).map((code) => String.fromCharCode(code)),
  maxLength: 200,
})

const tokenOf = (tokens: string[], user: number) => tokens[user] ?? ''

const validAuth = (user: number) =>
  fc.constantFrom('Token', 'Bearer', 'token', 'BEARER').map(
    (scheme): AuthSpec => ({ label: `${scheme} <user ${user}'s token>`, header: (tokens) => `${scheme} ${tokenOf(tokens, user)}` }),
  )

const hostileAuth: fc.Arbitrary<AuthSpec> = fc.oneof(
  fc.constant<AuthSpec>({ label: '(none)', header: () => undefined }),
  fc.tuple(fc.constantFrom(0, 1), fc.integer({ min: 0, max: 63 })).map(([user, cut]) => ({
    label: `Token <user ${user}'s token cut to ${cut} chars>`,
    header: (tokens: string[]) => `Token ${tokenOf(tokens, user).slice(0, cut)}`,
  })),
  fc.tuple(fc.constantFrom(0, 1), PRINTABLE_LATIN1).map(([user, suffix]) => ({
    label: `Token <user ${user}'s token>${JSON.stringify(suffix)}`,
    header: (tokens: string[]) => `Token ${tokenOf(tokens, user)}${suffix}`,
  })),
  fc.constantFrom(0, 1).map((user) => ({
    label: `Token <user ${user}'s token, upper case>`,
    header: (tokens: string[]) => `Token ${tokenOf(tokens, user).toUpperCase()}`,
  })),
  fc.constantFrom(0, 1).map((user) => ({
    label: `Token <user ${user}'s token key, wrong rest>`,
    header: (tokens: string[]) => `Token ${tokenOf(tokens, user).slice(0, 8)}${'0'.repeat(56)}`,
  })),
  fc.tuple(PRINTABLE_LATIN1, fc.constantFrom(0, 1)).map(([scheme, user]) => ({
    label: `${JSON.stringify(scheme)} <user ${user}'s token>`,
    header: (tokens: string[]) => `${scheme} ${tokenOf(tokens, user)}`,
  })),
  fc
    .constantFrom(
      '', ' ', 'Token', 'Token ', 'Bearer', 'Token a b', 'Token\t', 'Basic dXNlcjpwYXNz', `Token ${'0'.repeat(64)}`, `Token ${'g'.repeat(64)}`,
      `Token ${'a'.repeat(10_240)}`, 'x'.repeat(10_240), `Bearer ${'é'.repeat(64)}`, 'Token null', 'Token undefined', 'Token %00',
      'Digest username="a"', 'Token ,', 'Token\u00a0abc',
    )
    .map((value) => ({ label: JSON.stringify(clip(value, 80)), header: () => value })),
  PRINTABLE_LATIN1.map((value) => ({ label: JSON.stringify(value), header: () => value })),
)

/** Content types other than JSON's, and JSON's spelled oddly. */
const ODD_CONTENT_TYPES = [
  'text/plain', 'application/xml', 'multipart/form-data; boundary=----x', 'application/json; charset=utf-16le', 'application/json; charset=latin1',
  'APPLICATION/JSON', 'application/json-patch+json', 'application/jsonx', 'application/x-www-form-urlencoded', 'application/octet-stream',
  ';;;', 'application/json; boundary="', 'application/json;;', '*/*', 'json', `application/${'x'.repeat(2000)}`, 'application/json ; charset=utf-8',
]

const MALFORMED_BODIES = [
  '{', '{"a":', '{"a":1,}', "{'a':1}", '[1,2', 'undefined', 'NaN', 'Infinity', '{"a":NaN}', '\uFEFF{}', '{"a":1}{"a":2}', '{"a":1} x',
  '{"a":"\\u00"}', '{"a":"\\x41"}', '{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"isAdmin":true}}}', '{"a":"\u0000"}',
  '\u0000', '"\\u0000"', '{"\\u0000":1}', 'null', 'true', '0', '-0', '""', '[]', '[[]]', '{"":""}', ' ', '\n\n', '{"a":1e999999}',
  '{"username":"alice","username":"bob"}', '[{"__proto__":[]}]',
]

interface BodySpec {
  payload: string
  /** undefined: no content-type header at all. */
  contentType: string | undefined
}

const jsonBody = (value: unknown): BodySpec => ({ payload: toJsonText(value), contentType: 'application/json' })

function formText(value: Record<string, unknown>): string {
  const form = new URLSearchParams()
  for (const [key, inner] of Object.entries(value)) form.append(key, asText(inner))
  return form.toString()
}

/** A whole body that is wrong as a whole: not an object, not JSON, a form, or JSON under another content type. */
function hostileBody(operation: Operation, pools: Pools): fc.Arbitrary<BodySpec | undefined> {
  const objectBody = operation.body ? mutatedObject(operation.body, pools) : fc.dictionary(hostileKey, hostileValue({}, pools, 1), { maxKeys: 3 })
  const anyObject = fc.oneof(objectBody, operation.body ? validObject(operation.body, pools) : fc.constant({}))
  return fc.oneof(
    { weight: 3, arbitrary: objectBody.map(jsonBody) },
    {
      weight: 3,
      arbitrary: fc
        .oneof(
          fc.array<unknown>(anyObject, { maxLength: 3 }),
          wrongType,
          oddString,
          hostileNumber,
          deepJson,
          hugeString,
        )
        .map(jsonBody),
    },
    {
      weight: 2,
      arbitrary: fc
        .oneof(fc.constantFrom(...MALFORMED_BODIES), fc.string({ unit: oddChar, maxLength: 100 }))
        .map((payload) => ({ payload, contentType: 'application/json' })),
    },
    { weight: 1, arbitrary: fc.constantFrom<BodySpec | undefined>(undefined, { payload: '', contentType: 'application/json' }) },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          anyObject.map(formText),
          fc.constantFrom('a=%zz', '&&&=', 'username=%00', 'a=1&a=2&a=3', '%E0%A4%A=1', 'username[]=a', 'username[x]=a', '=', 'game=1e308&rating=-0'),
        )
        .map((payload) => ({ payload, contentType: 'application/x-www-form-urlencoded' })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(anyObject, fc.constantFrom<string | undefined>(undefined, ...ODD_CONTENT_TYPES))
        .map(([value, contentType]) => ({ payload: toJsonText(value), contentType })),
    },
  )
}

const HOSTILE_SEGMENTS = [
  '', '..', '.', '%2e%2e', '%2E', '%2F', '..%2F..%2Fetc%2Fpasswd', '%', '%zz', '%E0%A4%A', '%ED%A0%80', '%C0%AF', '%FF%FE', '%F0%9F%98%80',
  '%E2%80%AE', '%E2%80%8B', 'e%CC%81', '%20', '+', '-1', '0', '-0', '1e3', '1.5', '2147483648', '2147483647', '9007199254740993', '1e308',
  '1e400', 'Infinity', '-Infinity', '0x1', '00000000001', 'NaN', 'null', 'undefined', '%00', '%2500', '%25', '%3Fa%3D1', '%23', 'user', 'me',
  'register', '%7B%7D', '[]',
]

/** A path parameter naming a seeded row, as `user` would: their own name, list, entry. */
function validSegment(operation: Operation, parameter: Parameter, seeded: Seed, user: number): fc.Arbitrary<string> {
  const owner = seeded.users[user] as SeedUser
  const ids = (...values: number[]) => fc.constantFrom(...values.map(String))
  switch (parameter.name) {
    case 'username':
      return fc.constantFrom(owner.username, owner.username.toUpperCase())
    case 'name':
      return fc.constantFrom('cel', 'okami', 'outer wilds', '1942').map(pct)
    case 'idOrSlug':
      return fc.constantFrom(...seeded.gameIds.map(String), ...seeded.slugs).map(pct)
    case 'commentId':
      return ids(seeded.commentId)
    case 'session_id':
      return ids(seeded.sessionId)
    default:
      if (operation.path.includes('/lists/')) return ids(seeded.listId)
      if (operation.path.includes('/playthroughs/')) return ids(seeded.playthroughId)
      if (operation.path.includes('/journal/')) return user === 0 ? ids(seeded.reviewId) : ids(seeded.entryId)
      if (operation.path.includes('/reviews/')) return ids(seeded.reviewId)
      return ids(seeded.reviewId, seeded.entryId, seeded.commentId, seeded.listId, ...seeded.gameIds)
  }
}

const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS) },
  { weight: 2, arbitrary: oddString.map(pct) },
  { weight: 1, arbitrary: fc.integer({ min: 150, max: 3_000 }).map((length) => 'a'.repeat(length)) },
  { weight: 1, arbitrary: hostileNumber.map((value) => pct(asText(value))) },
  { weight: 1, arbitrary: fc.constantFrom('bob', 'BOB', 'nobody', '1', '2', '3', '4', '5', '999999').map(pct) },
)

function cursorArb(): fc.Arbitrary<string> {
  const part = fc.oneof(hostileNumber, oddString, wrongType, fc.constantFrom('2024-01-01T00:00:00Z', '2024-13-45T99:99:99Z', '9999-12-31T23:59:59.999999Z'))
  return fc.oneof(
    fc.array(part, { maxLength: 3 }).map((parts) => Buffer.from(toJsonText(parts)).toString('base64url')),
    fc.jsonValue({ maxDepth: 2 }).map((value) => Buffer.from(JSON.stringify(value) ?? '').toString('base64url')),
    fc.string({ unit: 'grapheme-ascii', maxLength: 250 }).map(pct),
  )
}

const HOSTILE_QUERY_VALUES = [
  '', ' ', '-1', '0', '-0', '1e308', '1e400', '-1e400', 'Infinity', '-Infinity', '9007199254740993', '2147483648', '1.5', 'NaN', 'true', 'null',
  '[]', '%00', '0x10', '1_000', '%D9%A1%D9%A2', '%', '%zz', '%ED%A0%80', 'a'.repeat(5_000), '101', '51', '1e2',
]

const hostileQueryValue = (parameter: Parameter | undefined): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_QUERY_VALUES) },
    { weight: 2, arbitrary: oddString.map(pct) },
    { weight: 1, arbitrary: hostileNumber.map((value) => pct(asText(value))) },
    { weight: parameter?.name === 'cursor' ? 4 : 0, arbitrary: cursorArb() },
  )

const validQueryValue = (parameter: Parameter, pools: Pools) =>
  validValue(parameter.name, parameter.schema, pools).map((value) => pct(asText(value)))

/** Pairs of the declared parameters (each present or not), valid or hostile. */
function queryPairs(operation: Operation, value: (parameter: Parameter) => fc.Arbitrary<string>): fc.Arbitrary<string[]> {
  const declared = operation.queryParams.map((parameter) =>
    fc.option(value(parameter).map((text) => `${parameter.name}=${text}`), { nil: undefined, freq: 2 }),
  )
  return fc.tuple(...declared).map((parts) => parts.filter((part): part is string => part !== undefined))
}

function extraQueryPair(operation: Operation): fc.Arbitrary<string> {
  const names = operation.queryParams.map((parameter) => parameter.name)
  const key = fc.oneof(
    fc.constantFrom('__proto__', 'constructor', 'toString', '__proto__[x]', 'constructor[prototype][x]', 'a[b][c]', 'limit[]', 'x', '%00', '%zz', ''),
    oddString.map(pct),
    ...(names.length > 0 ? [fc.constantFrom(...names), fc.constantFrom(...names).map((name) => `${name}[]`)] : []),
  )
  return fc.tuple(key, hostileQueryValue(undefined)).map(([name, value]) => `${name}=${value}`)
}

const RAW_QUERIES = ['?', '?&&', '?=', '?%', '?%zz=1', '?a=%E0%A4%A', `?${'a'.repeat(8_000)}`, '?#frag', '??', '?&=&=', '?limit', '?limit=&cursor=']

const queryText = (pairs: string[]) => (pairs.length > 0 ? `?${pairs.join('&')}` : '')

const hostileHeaders: fc.Arbitrary<Record<string, string>> = fc.oneof(
  PRINTABLE_LATIN1.map((id) => ({ 'x-request-id': id })),
  fc.constant({ 'x-request-id': 'r'.repeat(10_240) }),
  fc.constantFrom('text/csv', '*/*', 'application/xml', 'garbage;;;q=x', '').map((accept) => ({ accept })),
  PRINTABLE_LATIN1.map((value) => ({ 'x-forwarded-for': value, origin: value })),
)

const OTHER_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

interface RequestParts {
  method: string
  segments: string[]
  query: string
  auth: AuthSpec
  headers: Record<string, string>
  /** The JSON body as an object, while it is one. */
  fields: Record<string, unknown> | undefined
  /** A body that replaces `fields`: not an object, not JSON, or not sent as JSON. */
  body?: BodySpec | undefined
}

class HostileRequest {
  constructor(
    readonly fault: string,
    readonly method: string,
    readonly url: string,
    readonly auth: AuthSpec,
    readonly headers: Record<string, string>,
    readonly body: BodySpec | undefined,
  ) {}

  /** The headers to send, with the seeded tokens as they are now. */
  headersFor(tokens: string[]): Record<string, string> {
    const headers = { ...this.headers }
    const authorization = this.auth.header(tokens)
    if (authorization !== undefined) headers.authorization = authorization
    if (this.body?.contentType !== undefined) headers['content-type'] = this.body.contentType
    return headers
  }

  [fc.toStringMethod](): string {
    const lines = [`(${this.fault}) ${this.method} ${JSON.stringify(clip(this.url, 200))}`, `  authorization: ${this.auth.label}`]
    for (const [name, value] of Object.entries(this.headers)) lines.push(`  ${name}: ${JSON.stringify(clip(value, 100))}`)
    if (this.body) {
      lines.push(`  content-type: ${JSON.stringify(this.body.contentType === undefined ? '(none)' : clip(this.body.contentType, 80))}`)
      lines.push(`  body: ${JSON.stringify(clip(this.body.payload, 400))}`)
    }
    return lines.join('\n')
  }
}

type Fault = { name: string; apply(parts: RequestParts): RequestParts }

const fault = (name: string, apply: (parts: RequestParts) => RequestParts): Fault => ({ name, apply })

function withField(fields: Record<string, unknown> | undefined, key: string, value: unknown): Record<string, unknown> {
  return objectOf([...Object.entries(fields ?? {}).filter(([name]) => name !== key), [key, value]])
}

/** Exactly one thing wrong with an otherwise valid request. */
function faultArb(operation: Operation, pools: Pools): fc.Arbitrary<Fault> {
  const faults: fc.WeightedArbitrary<Fault>[] = [
    { weight: 3, arbitrary: hostileAuth.map((auth) => fault('authorization', (parts) => ({ ...parts, auth }))) },
    {
      weight: 3,
      arbitrary: fc.oneof(
        fc.tuple(queryPairs(operation, (parameter) => hostileQueryValue(parameter)), fc.array(extraQueryPair(operation), { maxLength: 2 })).map(([pairs, extra]) =>
          fault('query', (parts) => ({ ...parts, query: queryText([...pairs, ...extra]) })),
        ),
        fc.constantFrom(...RAW_QUERIES).map((query) => fault('raw query', (parts) => ({ ...parts, query }))),
      ),
    },
    { weight: 1, arbitrary: hostileHeaders.map((headers) => fault('headers', (parts) => ({ ...parts, headers }))) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...OTHER_METHODS.filter((method) => method !== operation.method)).map((method) =>
        fault('method', (parts) => ({ ...parts, method })),
      ),
    },
    { weight: operation.body ? 3 : 1, arbitrary: hostileBody(operation, pools).map((body) => fault('body', (parts) => ({ ...parts, body }))) },
  ]
  if (operation.pathParams.length > 0) {
    const index = fc.integer({ min: 0, max: operation.pathParams.length - 1 })
    faults.push({
      weight: 3,
      arbitrary: fc.tuple(index, hostileSegment).map(([at, segment]) =>
        fault(`path {${operation.pathParams[at]?.name}}`, (parts) => ({ ...parts, segments: parts.segments.map((old, i) => (i === at ? segment : old)) })),
      ),
    })
  }
  const properties = Object.entries(operation.body?.properties ?? {})
  if (properties.length > 0) {
    faults.push(
      {
        weight: 8,
        arbitrary: fc
          .constantFrom(...properties)
          .chain(([key, schema]) =>
            hostileValue(schema, pools).map((value) => fault(`field ${key}`, (parts) => ({ ...parts, fields: withField(parts.fields, key, value) }))),
          ),
      },
      {
        weight: 2,
        arbitrary: fc.constantFrom(...properties).map(([key]) =>
          fault(`missing ${key}`, (parts) => ({ ...parts, fields: objectOf(Object.entries(parts.fields ?? {}).filter(([name]) => name !== key)) })),
        ),
      },
      {
        weight: 2,
        arbitrary: fc
          .tuple(hostileKey, hostileValue({}, pools, 1))
          .map(([key, value]) => fault(`extra field`, (parts) => ({ ...parts, fields: withField(parts.fields, key, value) }))),
      },
    )
  }
  return fc.oneof(...faults)
}

/** A valid request by user 0 (mostly) or user 1, at their own rows. */
function validParts(operation: Operation, seeded: Seed, pools: Pools): fc.Arbitrary<RequestParts> {
  return fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }).chain((user) =>
    fc.record({
      method: fc.constant(operation.method),
      segments: fc.tuple(...operation.pathParams.map((parameter) => validSegment(operation, parameter, seeded, user))),
      query: queryPairs(operation, (parameter) => validQueryValue(parameter, pools)).map(queryText),
      auth: validAuth(user),
      headers: fc.constant({}),
      fields: operation.body ? validObject(operation.body, pools) : fc.constant(undefined),
    }),
  )
}

/** Everything at once: hostile, valid or missing in every part. */
function chaosParts(operation: Operation, seeded: Seed, pools: Pools): fc.Arbitrary<RequestParts> {
  const anyUser = fc.constantFrom(0, 1)
  return fc.record({
    method: fc.oneof({ weight: 8, arbitrary: fc.constant(operation.method) }, { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) }),
    segments: fc.tuple(
      ...operation.pathParams.map((parameter) => fc.oneof(anyUser.chain((user) => validSegment(operation, parameter, seeded, user)), hostileSegment)),
    ),
    query: fc.oneof(
      { weight: 6, arbitrary: fc.tuple(queryPairs(operation, (parameter) => fc.oneof(validQueryValue(parameter, pools), hostileQueryValue(parameter))), fc.array(extraQueryPair(operation), { maxLength: 2 })).map(([pairs, extra]) => queryText([...pairs, ...extra])) },
      { weight: 1, arbitrary: fc.constantFrom(...RAW_QUERIES) },
    ),
    auth: fc.oneof({ weight: 2, arbitrary: anyUser.chain(validAuth) }, { weight: 1, arbitrary: hostileAuth }),
    headers: fc.oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: hostileHeaders }),
    fields: fc.constant(undefined),
    body: operation.body
      ? fc.oneof({ weight: 2, arbitrary: mutatedObject(operation.body, pools).map(jsonBody) }, { weight: 1, arbitrary: hostileBody(operation, pools) })
      : fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: hostileBody(operation, pools) }),
  })
}

function requestArb(operation: Operation, seeded: Seed): fc.Arbitrary<HostileRequest> {
  const pools = poolsOf(seeded)
  const toRequest = (kind: string, parts: RequestParts) => {
    let index = 0
    const path = operation.path.replace(/\{[^}]+\}/g, () => parts.segments[index++] ?? '')
    const body = 'body' in parts ? parts.body : parts.fields === undefined ? undefined : jsonBody(parts.fields)
    return new HostileRequest(kind, parts.method, path + parts.query, parts.auth, parts.headers, body)
  }
  const singleFault = fc
    .tuple(validParts(operation, seeded, pools), faultArb(operation, pools))
    .map(([parts, { name, apply }]) => toRequest(`one fault: ${name}`, apply(parts)))
  const chaos = chaosParts(operation, seeded, pools).map((parts) => toRequest('chaos', parts))
  return fc.oneof({ weight: 3, arbitrary: singleFault }, { weight: 1, arbitrary: chaos })
}

// ---------------------------------------------------------------------------------------------------------------
// The contract's error shape

function assertErrorShape(response: ApiResponse): void {
  const type = String(response.headers['content-type'] ?? '')
  assert.match(type, /^application\/json/, `a ${response.status} must be JSON, got content-type ${JSON.stringify(type)}: ${clip(response.text)}`)
  const body: unknown = response.body
  assert.ok(typeof body === 'object' && body !== null && !Array.isArray(body), `a ${response.status} body must be a JSON object: ${clip(response.text)}`)
  const fields = Object.entries(body)
  assert.ok(fields.length > 0, `a ${response.status} body must say what is wrong: ${response.text}`)
  // {"detail": "..."} is a request-level error; a client's own field called "detail" gets a list of messages.
  if ('detail' in body && !Array.isArray((body as { detail: unknown }).detail)) {
    assert.deepEqual(Object.keys(body), ['detail'], `{"detail": ...} comes alone: ${clip(response.text)}`)
    assert.equal(typeof (body as { detail: unknown }).detail, 'string', `"detail" must be a string: ${clip(response.text)}`)
    return
  }
  for (const [field, messages] of fields) {
    assert.ok(
      Array.isArray(messages) && messages.length > 0 && messages.every((message) => typeof message === 'string'),
      `field ${JSON.stringify(field)} must hold a list of messages: ${clip(response.text)}`,
    )
  }
}

// ---------------------------------------------------------------------------------------------------------------

describeEachDatabase('hostile input', (current) => {
  it('finds the routes in the OpenAPI document', () => {
    const listed = new Set(operations.map((operation) => `${operation.method} ${operation.path}`))
    for (const route of ['POST /api/users/register/', 'POST /api/users/follow/', 'PATCH /api/lists/{id}', 'POST /api/actions/journal/', 'GET /api/feed/']) {
      assert.ok(listed.has(route), `${route} is missing from /openapi.json`)
    }
    assert.ok(operations.length >= 40, `only ${operations.length} operations found`)
  })

  it('notices a change to any table in its fingerprint, even one that keeps the row count', async () => {
    const { db } = current()
    await seed(current())
    let before = await fingerprint(db)
    assert.deepEqual(Object.keys(before).sort(), [...TABLES].sort())
    await db.updateTable('users').set({ bio: 'changed' }).where('username', '=', 'bob').execute()
    let after = await fingerprint(db)
    assert.notEqual(after.users, before.users)
    // A bio is shown in lists of people: its change moves their version too (migration 0017).
    assert.notEqual(after.people_version, before.people_version)
    assert.deepEqual({ ...after, users: '', people_version: '' }, { ...before, users: '', people_version: '' })
    before = after
    await db.updateTable('list_items').set({ note: 'changed' }).execute()
    after = await fingerprint(db)
    assert.notEqual(after.list_items, before.list_items)
  })

  for (const operation of operations) {
    it(`${operation.method} ${operation.path}: no 5xx; a 4xx changes nothing and answers {"detail"} or {field: [...]}`, async () => {
      const testApp = current()
      const seeded = await seed(testApp)
      /** The database as the last request left it; unknown (undefined) after a failure or a token refresh. */
      let known: Fingerprint | undefined

      await fc.assert(
        fc.asyncProperty(requestArb(operation, seeded), async (request) => {
          const before = known ?? (await fingerprint(testApp.db))
          known = undefined
          const response = await call(testApp.app, request.method, request.url, {
            headers: request.headersFor(seeded.users.map((user) => user.token)),
            ...(request.body === undefined ? {} : { body: request.body.payload }),
          })

          assert.ok(response.status < 500, `answered ${response.status}: ${clip(response.text)}`)
          if (response.status >= 400) {
            assertErrorShape(response)
            const after = await fingerprint(testApp.db)
            const changed = TABLES.filter((table) => after[table] !== before[table])
            assert.deepEqual(changed, [], `a request answered ${response.status} changed ${changed.join(', ')}: ${clip(response.text)}`)
            known = after
          } else {
            await refreshTokens(testApp, seeded)
          }
        }),
        { numRuns: RUNS_PER_ROUTE, includeErrorInReport: true, ...replay },
      )
    })
  }
})
