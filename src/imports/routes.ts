import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { AuthHooks } from '../auth/authenticate.js'
import { sessionOf } from '../auth/authenticate.js'
import type { Config } from '../config.js'
import type { Db } from '../db/database.js'
import { decodeCursor, encodeCursor } from '../http/cursor.js'
import { ApiError, notFound } from '../http/errors.js'
import { Detail, errorResponses, NoContent, tokenSecurity } from '../http/schemas.js'
import type { ImportWork } from './jobs.js'
import { parseOffMainThread } from './parse-worker.js'
import { formatOfContent, type FileFormat } from './parse.js'
import {
  ACTIVE_STATUSES,
  findActiveImportId,
  findImport,
  findImportRow,
  findImportRowByKey,
  findImportRowsPage,
  findUserImports,
  insertImport,
  storeImportRows,
  updateImport,
  updateImportRow,
  type ImportRecord,
  type ShownRow,
} from './repository.js'
import { ImportFormatError, type ImportRow, type ImportSource } from './rows.js'
import {
  CommitBody,
  ImportCreated,
  ImportDetail,
  ImportDetailQuery,
  ImportList,
  ImportParams,
  ImportRowItem,
  ImportRowParams,
  MAX_UPLOAD_BYTES,
  PickBody,
  SteamFetchBody,
  UploadQuery,
  type ImportItem,
} from './schemas.js'
import { fetchSteamLibrary, SteamApiError } from './steam-api.js'

export interface ImportsRoutesOptions {
  db: Db
  config: Config
  auth: AuthHooks
  work: ImportWork
}

const tags = ['imports']
const security = tokenSecurity
/** The past imports a person is shown. */
const LISTED_IMPORTS = 20

const FormatProblem = Type.Object({
  detail: Type.String(),
  line: Type.Union([Type.Integer(), Type.Null()]),
  column: Type.Union([Type.Integer(), Type.Null()]),
})
const Conflict = Type.Object({ detail: Type.String(), id: Type.Integer({ description: 'The import in the way' }) })

function itemOf(record: ImportRecord): ImportItem {
  return {
    id: record.id,
    source: record.source,
    status: record.status,
    progress: { done: record.done, total: record.total },
    summary: record.summary,
    options: { backlog_unplayed: record.options.backlogUnplayed },
    error: record.error,
    created_at: record.created_at,
    expires_at: record.expires_at,
  }
}

function rowItemOf(row: ShownRow): ImportRowItem {
  const data = JSON.parse(row.data) as Partial<ImportRow>
  return {
    position: row.position,
    key: row.row_key,
    kind: row.kind as ImportRowItem['kind'],
    line: row.line,
    title: row.title,
    game: row.game,
    matched_by: row.matched_by,
    outcome: row.outcome,
    reason: row.reason,
    rounded: !!row.rounded,
    changes: JSON.parse(row.changes) as string[],
    notes: data.kind === 'game' ? (data.notes ?? []) : [],
  }
}

/** The person's own import: 404 for anyone else's, as if there were none. */
async function ownImport(db: Db, importId: number, userId: number): Promise<ImportRecord> {
  const record = await findImport(db, importId)
  if (!record || record.user_id !== userId) throw notFound()
  return record
}

function formatProblem(error: ImportFormatError): ApiError {
  const where = error.line === null ? '' : `Line ${error.line}${error.column === null ? '' : `, column ${error.column}`}: `
  const body = { detail: `${where}${error.message}`, line: error.line, column: error.column }
  return new ApiError(400, body)
}

function inProgress(id: number): ApiError {
  const body = { detail: 'You have an import in progress: commit or cancel it first.', id }
  return new ApiError(409, body)
}

/** Keeps parsed rows as a new import of the person's and starts matching them: one import at a time. */
async function startImport(db: Db, work: ImportWork, userId: number, source: ImportSource, rows: ImportRow[]): Promise<number> {
  const created = await db.transaction().execute((trx) => insertImport(trx, userId, source, rows.length))
  if ('active' in created) throw inProgress(created.active)
  await storeImportRows(db, created.id, rows)
  work.start(created.id)
  return created.id
}

/** The file's format, from its Content-Type; a type that says neither is read by its first character. */
function formatOf(contentType: string | undefined, body: Buffer): FileFormat {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase()
  if (type === 'text/csv') return 'csv'
  if (type === 'application/json') return 'json'
  return formatOfContent(body)
}

/** The upload route reads its body as bytes, up to 20 MB: in a context of its own, so no other route does. */
const uploadRoutes: FastifyPluginAsyncTypebox<ImportsRoutesOptions> = async (app, { db, auth, work }) => {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(['text/csv', 'application/json', 'text/plain', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, (_request, body, done) =>
    done(null, body),
  )

  app.post(
    '/api/imports/',
    {
      onRequest: auth.requireUser,
      bodyLimit: MAX_UPLOAD_BYTES,
      schema: {
        tags,
        security,
        summary: 'Upload a file to import (nothing is written until you commit)',
        description:
          'The body is the file, up to 20 MB: `text/csv` (Backloggd, Grouvee, HowLongToBeat, Playnite) or ' +
          "`application/json` (Steam's GetOwnedGames answer, Backloggd's JSON, Overworld's own export). The " +
          'answer names the import; its games are being found: follow `GET /api/imports/{id}` until it is ' +
          '`ready`, then commit it. A file that cannot be read is refused with what is wrong and where; one ' +
          'import at a time (409 while another is in progress).',
        querystring: UploadQuery,
        consumes: ['text/csv', 'application/json'],
        response: { 202: ImportCreated, 400: FormatProblem, 409: Conflict, 413: Detail, ...errorResponses(401, 429) },
      },
    },
    async (request, reply) => {
      const user = sessionOf(request).user
      const body = request.body as Buffer | undefined
      if (!body || body.length === 0) throw new ApiError(400, { detail: 'Send the file as the body.' })
      const { source } = request.query
      const active = await findActiveImportId(db, user.id)
      if (active !== undefined) throw inProgress(active)
      const rows = await parseOffMainThread(source, formatOf(request.headers['content-type'], body), body).catch((error: unknown) => {
        throw error instanceof ImportFormatError ? formatProblem(error) : error
      })
      const id = await startImport(db, work, user.id, source, rows)
      return reply.code(202).send({ id, status: 'matching' as const })
    },
  )
}

export const importsRoutes: FastifyPluginAsyncTypebox<ImportsRoutesOptions> = async (app, options) => {
  const { db, config, auth, work } = options
  await app.register(uploadRoutes, options)

  app.post(
    '/api/imports/steam',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security,
        summary: 'Import a Steam library, fetched by the server with your Steam Web API key',
        description:
          'The key is used for this one request to Steam and never stored or logged. The profile\'s game details ' +
          'must be public. Then as an upload: follow the import until it is `ready`, then commit it.',
        body: SteamFetchBody,
        response: { 202: ImportCreated, 400: FormatProblem, 409: Conflict, ...errorResponses(401, 429), 502: Detail },
      },
    },
    async (request, reply) => {
      const user = sessionOf(request).user
      const active = await findActiveImportId(db, user.id)
      if (active !== undefined) throw inProgress(active)
      const text = await fetchSteamLibrary({ baseUrl: config.steamApiUrl, key: request.body.key, steamId: request.body.steam_id }).catch(
        (error: unknown) => {
          if (!(error instanceof SteamApiError)) throw error
          // What the person can fix is theirs (400); Steam failing is not (502).
          const theirs = error.failure === 'steam_id' || error.failure === 'key_refused' || error.failure === 'private_profile'
          throw new ApiError(theirs ? 400 : 502, { detail: error.message })
        },
      )
      const rows = await parseOffMainThread('steam', 'json', Buffer.from(text)).catch((error: unknown) => {
        throw error instanceof ImportFormatError ? formatProblem(error) : error
      })
      const id = await startImport(db, work, user.id, 'steam', rows)
      return reply.code(202).send({ id, status: 'matching' as const })
    },
  )

  app.get(
    '/api/imports/',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security,
        summary: 'Your imports, newest first (the last 20), with their summaries',
        response: { 200: ImportList, ...errorResponses(401, 429) },
      },
    },
    async (request) => ({ results: (await findUserImports(db, sessionOf(request).user.id, LISTED_IMPORTS)).map(itemOf) }),
  )

  app.get(
    '/api/imports/:id',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security,
        summary: 'One of your imports: its progress, its summary and a page of its rows',
        description:
          'Before the commit, each row says what it will do (`changes`), or why it cannot (`reason`); after it, ' +
          'only the rows that were not imported are kept, with their reasons. `outcome` filters the rows.',
        params: ImportParams,
        querystring: ImportDetailQuery,
        response: { 200: ImportDetail, ...errorResponses(400, 401, 404, 429) },
      },
    },
    async (request) => {
      const record = await ownImport(db, request.params.id, sessionOf(request).user.id)
      const { outcome, cursor, limit } = request.query
      const [afterPosition] = decodeCursor<[number]>(cursor, ['number']) ?? [0]
      const rows = await findImportRowsPage(db, record.id, { outcome, afterPosition, limit: limit + 1 })
      const page = rows.slice(0, limit)
      const next = rows.length > limit ? encodeCursor([page.at(-1)!.position]) : null
      return { ...itemOf(record), rows: page.map(rowItemOf), next }
    },
  )

  app.put(
    '/api/imports/:id/rows/:position',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security,
        summary: 'Pick the game of a row of an import in preview',
        description: 'A game id, `"new"` to add the game the row names to the catalog at commit, or null to leave it out.',
        params: ImportRowParams,
        body: PickBody,
        response: { 200: ImportRowItem, 409: Detail, ...errorResponses(400, 401, 404, 429) },
      },
    },
    async (request) => {
      const record = await ownImport(db, request.params.id, sessionOf(request).user.id)
      if (record.status !== 'ready') throw new ApiError(409, { detail: 'Rows can be changed while the import is in preview (ready) only.' })
      const row = await findImportRow(db, record.id, request.params.position)
      if (!row) throw notFound()
      if (row.kind !== 'game') throw new ApiError(400, { game: ['Only rows about a game have a game to pick.'] })
      await pickGame(db, record.id, row.position, request.body.game)
      await work.refreshRow(record, row.position)
      const [shown] = await findImportRowsPage(db, record.id, { afterPosition: row.position - 1, limit: 1 })
      return rowItemOf(shown!)
    },
  )

  app.post(
    '/api/imports/:id/commit',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security,
        summary: 'Write an import in preview into your library',
        description:
          'It runs in the background in small steps: follow `GET /api/imports/{id}` for its progress and, once ' +
          '`done`, its summary. Importing the same file again changes nothing; a newer file brings what changed.',
        params: ImportParams,
        body: Type.Union([CommitBody, Type.Null()]),
        response: { 202: ImportCreated, 409: Detail, ...errorResponses(400, 401, 404, 429) },
      },
    },
    async (request, reply) => {
      const user = sessionOf(request).user
      const { matches = {}, backlog_unplayed } = request.body ?? {}
      await db.transaction().execute(async (trx) => {
        const record = await ownImport(trx, request.params.id, user.id)
        if (record.status !== 'ready') throw new ApiError(409, { detail: `The import is ${record.status}: only one that is ready can be committed.` })
        await requireGames(trx, Object.values(matches))
        for (const [key, game] of Object.entries(matches)) {
          const row = await findImportRowByKey(trx, record.id, key)
          if (!row || row.kind !== 'game') throw new ApiError(400, { matches: [`The import has no game row with the key ${JSON.stringify(key)}.`] })
          await pickGame(trx, record.id, row.position, game)
        }
        const options = { ...record.options, ...(backlog_unplayed !== undefined && { backlogUnplayed: backlog_unplayed }) }
        await updateImport(trx, record.id, { status: 'committing', done: 0, options, lease_until: null })
      })
      work.start(request.params.id)
      return reply.code(202).send({ id: request.params.id, status: 'committing' as const })
    },
  )

  app.delete(
    '/api/imports/:id',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security,
        summary: 'Cancel an import not yet committed (its rows are forgotten)',
        params: ImportParams,
        response: { 204: NoContent, 409: Detail, ...errorResponses(400, 401, 404, 429) },
      },
    },
    async (request, reply) => {
      await db.transaction().execute(async (trx) => {
        const record = await ownImport(trx, request.params.id, sessionOf(request).user.id)
        if (!ACTIVE_STATUSES.includes(record.status) || record.status === 'committing') {
          throw new ApiError(409, { detail: `The import is ${record.status}: only one not yet committed can be cancelled.` })
        }
        await updateImport(trx, record.id, { status: 'cancelled', lease_until: null })
        await trx.deleteFrom('import_rows').where('import_id', '=', record.id).execute()
      })
      return reply.code(204).send(null)
    },
  )
}

/** A picked game must exist: 400 naming the first that does not. */
async function requireGames(db: Db, choices: (number | 'new' | null)[]): Promise<void> {
  const ids = [...new Set(choices.filter((choice): choice is number => typeof choice === 'number'))]
  if (ids.length === 0) return
  const found = new Set((await db.selectFrom('games').select('id').where('id', 'in', ids).execute()).map((row) => row.id))
  const missing = ids.find((id) => !found.has(id))
  if (missing !== undefined) throw new ApiError(400, { game: [`No game has the id ${missing}.`] })
}

async function pickGame(db: Db, importId: number, position: number, game: number | 'new' | null): Promise<void> {
  if (typeof game === 'number') await requireGames(db, [game])
  await updateImportRow(db, importId, position, {
    game_id: typeof game === 'number' ? game : null,
    matched_by: game === null ? 'left' : game === 'new' ? 'new' : 'picked',
  })
}
