import { hash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { notFound } from './errors.js'

/**
 * Answers kept serialized, each with the version it was built from. A read looks its answer up with the
 * version it has just read from the database, so an entry built from older data is never served: there is no
 * expiry to guess. Bounded by total bytes; entries not read for longest go first (the CLOCK approximation of
 * least recently used: a read only marks its entry, so it allocates nothing).
 */
export interface AnswerCache<T> {
  get(key: AnswerKey, version: AnswerVersion): CachedAnswer<T> | undefined
  set(key: AnswerKey, version: AnswerVersion, body: Buffer, data: T): CachedAnswer<T>
}

type AnswerKey = string | number
type AnswerVersion = string | number

export interface CachedAnswer<T> {
  version: AnswerVersion
  /** The public answer, as sent to anonymous readers. */
  body: Buffer
  /** What the viewer-specific part of the answer is made from (never sent as is). */
  data: T
}

interface Entry<T> extends CachedAnswer<T> {
  /** Read since the eviction last passed it. */
  used: boolean
}

export function createAnswerCache<T>(maxBytes: number): AnswerCache<T> {
  // A Map iterates in insertion order: the oldest entries first. Moving an entry to the end on every read
  // (delete and set) reallocated the Map's table tens of thousands of times a second, and those tables
  // outlived young-generation collections: a read only sets `used`; eviction moves a used entry to the end.
  const entries = new Map<AnswerKey, Entry<T>>()
  let bytes = 0
  const remove = (key: AnswerKey, entry: Entry<T>) => {
    entries.delete(key)
    bytes -= entry.body.length
  }
  return {
    get(key, version) {
      const entry = entries.get(key)
      if (!entry || entry.version !== version) return undefined
      entry.used = true
      return entry
    },
    set(key, version, body, data) {
      const entry = { version, body, data, used: false }
      const old = entries.get(key)
      if (old) remove(key, old)
      if (body.length > maxBytes) return entry
      while (bytes + body.length > maxBytes) {
        const [oldestKey, oldest] = entries.entries().next().value as [AnswerKey, Entry<T>]
        remove(oldestKey, oldest)
        if (oldest.used) {
          // A second chance: to the end, unmarked.
          oldest.used = false
          entries.set(oldestKey, oldest)
          bytes += oldest.body.length
        }
      }
      entries.set(key, entry)
      bytes += body.length
      return entry
    },
  }
}

/** The answer with a viewer's fields added to the public object's bytes (`{...}` becomes `{...,"me":...}`). */
function withViewerFields(body: Buffer, fields: Record<string, unknown>): Buffer {
  const extra = JSON.stringify(fields)
  if (extra === '{}') return body
  const separator = body.length > 2 ? ',' : ''
  return Buffer.concat([body.subarray(0, body.length - 1), Buffer.from(separator + extra.slice(1))])
}

/**
 * An entity tag for one viewer's answer: the public version, and a digest of what the viewer's own part was
 * made from, so that a change to either changes the tag (and the digest does not show that part in clear).
 */
function viewerTag(publicVersion: string, viewerPart: string): string {
  return `"${publicVersion}.${hash('sha1', viewerPart, 'base64url').slice(0, 12)}"`
}

/** Raise it when a release changes what a cached answer says for the same data without changing its schema. */
const ANSWER_REVISION = 1

/**
 * A short digest of an answer's schema (and ANSWER_REVISION), to be part of its version: a release that changes
 * what an answer looks like for the same data changes its tag too, so no client or shared cache keeps the old
 * answer on a 304. Every instance of one release computes the same digest.
 */
function answerFormat(schema: unknown): string {
  return hash('sha1', `${ANSWER_REVISION}:${JSON.stringify(schema)}`, 'base64url').slice(0, 8)
}

function publicTag(publicVersion: string): string {
  return `"${publicVersion}"`
}

/** Whether an If-None-Match header names this tag (or `*`); compared weakly, as RFC 9110 says for it. */
export function matchesIfNoneMatch(header: string | undefined, tag: string): boolean {
  if (header === undefined) return false
  if (header === tag || header === '*') return true
  return header.split(',').some((candidate) => {
    const trimmed = candidate.trim()
    return (trimmed.startsWith('W/') ? trimmed.slice(2) : trimmed) === tag
  })
}

/**
 * The headers of an answer that clients may cache: always revalidated (no-cache), kept by shared caches only
 * when it is the anonymous answer, and never one viewer's answer given to another (Vary: Authorization, private).
 */
function cacheHeaders(tag: string, forOneViewer: boolean) {
  return { etag: tag, 'cache-control': forOneViewer ? 'private, no-cache' : 'public, no-cache' }
}

/** The same with Vary, as the fast path's flat list (no CORS there, so the answer varies by Authorization alone). */
function cacheHeaderList(tag: string, forOneViewer: boolean): string[] {
  return ['etag', tag, 'cache-control', forOneViewer ? 'private, no-cache' : 'public, no-cache', 'vary', 'Authorization']
}

/** Sends JSON already serialized (kept bytes, or JSON built by the database), as it is. */
export function sendJsonBytes(reply: FastifyReply, body: Buffer | string): FastifyReply {
  return reply.type(JSON_TYPE).send(body)
}

/** A kept answer as its route reads it afresh: whose it is, its public part, and what viewers' fields are made of. */
export interface FreshAnswer<T> {
  id: number
  /** The public part, serialized by the route's 200 schema; or `json`, when the database has built it already. */
  publicAnswer?: unknown
  json?: string
  data: T
}

/** What a read has just learned of the entity answered: its id, its version, and who is asking. */
export interface AnswerHead<V> {
  id: number
  version: number | string
  viewer: V | undefined
  /** Which of the entity's answers (a list and page of a library), kept apart under the one version. */
  part?: string
}

/**
 * A kept answer ready to send without Fastify (src/http/fast-reads.ts): 304, or 200 with its bytes. `headers` is a
 * flat list of names and values (content type and length included when there is a body): node:http writes such
 * a list far faster than an object assembled by spreading.
 */
export interface KeptAnswer {
  status: 200 | 304
  headers: readonly string[]
  body?: Buffer
}

const JSON_TYPE = 'application/json; charset=utf-8'

/** A 200 carrying JSON bytes, with `headers` (a flat list of names and values) before its type and length. */
export function keptJson(body: Buffer, headers: readonly string[] = []): KeptAnswer {
  return { status: 200, headers: [...headers, 'content-type', JSON_TYPE, 'content-length', String(body.length)], body }
}

/** What a versioned answer keeps beside its bytes: what viewers' fields are made of, and the anonymous answer's headers. */
interface KeptPublicAnswer<T> {
  data: T
  publicAnswer: KeptAnswer
}

/**
 * Answers one kind of read (profiles, game pages) from serialized answers kept by version. A request has just
 * read the entity's id and version; with them it gets 304 when the client's copy is current, else the kept
 * public bytes (read, serialized by the route's 200 schema and kept on a miss), with the viewer's own fields
 * added for a signed-in viewer. `kind` starts the tag; `schema` (the answer's) goes into the version.
 */
export function createVersionedAnswers<T, V>(options: {
  kind: string
  schema: unknown
  maxBytes: number
  viewerFields: (data: T, viewer: V) => Record<string, unknown>
}) {
  const cache = createAnswerCache<KeptPublicAnswer<T>>(options.maxBytes)
  const format = answerFormat(options.schema)

  // Tags carry the kind, id and format; entries are kept by id (and part) and checked against the version as
  // read, which is all that can differ under one key: no tag string is built to find an anonymous answer.
  const versionOf = (head: AnswerHead<V>) => `${options.kind}${head.id}.${head.version}.${format}`
  const keyOf = (head: AnswerHead<V>): AnswerKey => (head.part === undefined ? head.id : `${head.id}:${head.part}`)
  const tagOf = (version: string, viewer: V | undefined) =>
    viewer === undefined ? publicTag(version) : viewerTag(version, JSON.stringify(viewer))

  function keep(head: AnswerHead<V>, body: Buffer, data: T): void {
    const publicAnswer = keptJson(body, cacheHeaderList(publicTag(versionOf(head)), false))
    cache.set(keyOf(head), head.version, body, { data, publicAnswer })
  }

  function bodyFor(body: Buffer, data: T, viewer: V | undefined): Buffer {
    return viewer === undefined ? body : withViewerFields(body, options.viewerFields(data, viewer))
  }

  /**
   * Viewers' answers as sent, by what the viewer's part is made from: splicing the bytes, digesting the part for
   * the tag and allocating a copy of the page for every signed-in read cost more than the rest of the read (the
   * copies' garbage most: bench/results/2026-12-04-night.md). Two viewers whose parts are made from the same
   * values get the same bytes, so an entry holds nothing one viewer may not see of their own answer.
   */
  const viewerAnswers = createAnswerCache<{ tag: string; answer: KeptAnswer }>(Math.floor(options.maxBytes / 2))

  function keptForViewer(ifNoneMatch: string | undefined, head: AnswerHead<V>): KeptAnswer | undefined {
    const viewerPart = JSON.stringify(head.viewer)
    const key = `${keyOf(head)} ${viewerPart}`
    const known = viewerAnswers.get(key, head.version)?.data
    const tag = known?.tag ?? viewerTag(versionOf(head), viewerPart)
    if (matchesIfNoneMatch(ifNoneMatch, tag)) return { status: 304, headers: cacheHeaderList(tag, true) }
    if (known) return known.answer
    const kept = cache.get(keyOf(head), head.version)
    if (!kept) return undefined
    const body = bodyFor(kept.body, kept.data.data, head.viewer)
    const answer = keptJson(body, cacheHeaderList(tag, true))
    viewerAnswers.set(key, head.version, body, { tag, answer })
    return answer
  }

  return {
    /** The answer through Fastify: 304, or the kept bytes, or the entity read afresh, serialized and kept. */
    async send(
      request: FastifyRequest,
      reply: FastifyReply,
      head: AnswerHead<V>,
      read: () => Promise<FreshAnswer<T> | undefined>,
    ): Promise<FastifyReply> {
      const version = versionOf(head)
      const tag = tagOf(version, head.viewer)
      reply.headers(cacheHeaders(tag, head.viewer !== undefined))
      // Added to, not replaced: with CORS_ORIGINS set, the CORS plugin has already said the answer varies by Origin.
      const vary = reply.getHeader('vary')
      reply.header('vary', vary === undefined ? 'Authorization' : `${String(vary)}, Authorization`)
      if (matchesIfNoneMatch(request.headers['if-none-match'], tag)) return reply.code(304).send()
      const kept = cache.get(keyOf(head), head.version)
      if (kept) return sendJsonBytes(reply, bodyFor(kept.body, kept.data.data, head.viewer))
      const fresh = await read()
      if (!fresh) throw notFound()
      const body = Buffer.from(fresh.json ?? (reply.serializeInput(fresh.publicAnswer as never, '200') as string))
      // Another entity than the one whose version was read (renamed, or a slug taken meanwhile): sent as it is
      // now, not kept under that version.
      if (fresh.id === head.id) keep(head, body, fresh.data)
      return sendJsonBytes(reply, bodyFor(body, fresh.data, head.viewer))
    },
    /**
     * The same answer when it needs nothing but kept bytes (or is a 304), else undefined: the fast path's share
     * (no CORS there, so Vary is Authorization alone). A miss is left to `send`, which reads and keeps it. The
     * anonymous answer, the most read, is sent with headers listed once when it was kept.
     */
    kept(ifNoneMatch: string | undefined, head: AnswerHead<V>): KeptAnswer | undefined {
      if (head.viewer !== undefined) return keptForViewer(ifNoneMatch, head)
      if (ifNoneMatch !== undefined) {
        const tag = publicTag(versionOf(head))
        if (matchesIfNoneMatch(ifNoneMatch, tag)) return { status: 304, headers: cacheHeaderList(tag, false) }
      }
      return cache.get(keyOf(head), head.version)?.data.publicAnswer
    },
  }
}
