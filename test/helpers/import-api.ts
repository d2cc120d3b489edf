import assert from 'node:assert/strict'
import type { App } from '../../src/app.js'
import type { Db } from '../../src/db/database.js'
import type { ImportSummary } from '../../src/imports/repository.js'
import { readImportFile } from '../../src/imports/parse.js'
import type { ImportedPlaythrough, ImportRow, ImportSource } from '../../src/imports/rows.js'
import { loadCatalogIfEmpty } from '../../src/games/catalog.js'
import { call, registerUser, type ApiResponse } from './client.js'
import { importFixture, playthroughSummary } from './import-files.js'

/** What the preview or the end of an import says, as the API answers it. */
export interface ImportAnswer {
  id: number
  status: string
  summary: ImportSummary
  rows: { position: number; key: string; kind: string; title: string; outcome: string; reason: string | null; game: { slug: string } | null; changes: string[]; notes: string[] }[]
}

const contentTypeOf = (file: string) => (file.endsWith('.json') ? 'application/json' : 'text/csv')

/** Uploads a file's text as the body of POST /api/imports/ (JSON for Steam and Overworld unless told, else CSV). */
export function uploadImport(
  app: App,
  token: string,
  source: ImportSource,
  text: string,
  contentType = source === 'steam' || source === 'overworld' ? 'application/json' : 'text/csv',
): Promise<ApiResponse> {
  return call(app, 'POST', `/api/imports/?source=${source}`, { token, body: text, headers: { 'content-type': contentType } })
}

/** Follows an import until it stops moving (ready after an upload, done after a commit). */
export async function settledImport(app: App, token: string, id: number, query = ''): Promise<ApiResponse> {
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline) {
    const response = await call(app, 'GET', `/api/imports/${id}?limit=200${query}`, { token })
    assert.equal(response.status, 200, response.text)
    if (response.body.status !== 'matching' && response.body.status !== 'committing') return response
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error(`import ${id} did not settle`)
}

/** Uploads a sample file of test/fixtures/imports and waits for its preview. */
export async function previewFixture(app: App, token: string, source: ImportSource, file: string): Promise<ImportAnswer> {
  return previewText(app, token, source, importFixture(file), contentTypeOf(file))
}

export async function previewText(app: App, token: string, source: ImportSource, text: string, contentType: string): Promise<ImportAnswer> {
  const uploaded = await uploadImport(app, token, source, text, contentType)
  assert.equal(uploaded.status, 202, uploaded.text)
  const preview = await settledImport(app, token, uploaded.body.id)
  assert.equal(preview.body.status, 'ready', preview.text)
  return preview.body
}

/** Commits an import in preview and waits for it to be done. */
export async function commitImport(app: App, token: string, id: number, body: unknown = {}): Promise<ImportAnswer> {
  const commit = await call(app, 'POST', `/api/imports/${id}/commit`, { token, body })
  assert.equal(commit.status, 202, commit.text)
  const done = await settledImport(app, token, id)
  assert.equal(done.body.status, 'done', done.text)
  return done.body
}

/** A sample file imported from upload to commit: the preview and the end. */
export async function importFixtureFile(app: App, token: string, source: ImportSource, file: string, commitBody: unknown = {}) {
  const preview = await previewFixture(app, token, source, file)
  return { preview, done: await commitImport(app, token, preview.id, commitBody) }
}

/** A summary as the fixtures README writes it: the five counts, skipped and failed 0 unless said. */
export function summaryOf(counts: Partial<ImportSummary>): ImportSummary {
  return { added: 0, updated: 0, unchanged: 0, unmatched: 0, skipped: 0, failed: 0, rounded: 0, ...counts }
}

/**
 * Every row of the tables an import (or anything it sets off) can write, as plain values in a stable order:
 * equal before and after means the import changed nothing. imported_items's times are left out (a row read
 * again notes when it was last seen); what it links and remembers is kept.
 */
export async function databaseState(db: Db): Promise<Record<string, string[]>> {
  const tables = [
    'games',
    'game_additions',
    'game_statuses',
    'favorites',
    'ratings',
    'journal_entries',
    'playthroughs',
    'play_sessions',
    'lists',
    'list_items',
    'follows',
    'activities',
  ] as const
  const state: Record<string, string[]> = {}
  for (const table of tables) state[table] = (await db.selectFrom(table).selectAll().execute()).map((row) => JSON.stringify(row)).sort()
  const links = await db.selectFrom('imported_items').select(['user_id', 'source', 'kind', 'item_key', 'target_id', 'snapshot']).execute()
  state.imported_items = links.map((row) => JSON.stringify(row)).sort()
  return state
}

export interface WrittenGame {
  statuses: string[]
  /** Half stars, or null. */
  rating: number | null
  /** As playthroughSummary writes them, in the order they were added. */
  playthroughs: string[]
}

/**
 * A person's library as written, by game slug: the statuses, the rating and the playthroughs (their time is
 * their sessions plus their adjustment), in the terms of the fixtures README. `last` adds each playthrough's
 * last session day, for the sources that say when a game was last played (Steam, Playnite).
 */
export async function writtenLibrary(db: Db, userId: number, { last = false } = {}): Promise<Record<string, WrittenGame>> {
  const library: Record<string, WrittenGame> = {}
  const gameOf = (slug: string) => (library[slug] ??= { statuses: [], rating: null, playthroughs: [] })
  const statuses = await db
    .selectFrom('game_statuses')
    .innerJoin('games', 'games.id', 'game_statuses.game_id')
    .select(['games.slug', 'game_statuses.status'])
    .where('game_statuses.user_id', '=', userId)
    .orderBy('game_statuses.status')
    .execute()
  for (const { slug, status } of statuses) gameOf(slug).statuses.push(status)
  const ratings = await db
    .selectFrom('ratings')
    .innerJoin('games', 'games.id', 'ratings.game_id')
    .select(['games.slug', 'ratings.half_stars'])
    .where('ratings.user_id', '=', userId)
    .execute()
  for (const { slug, half_stars } of ratings) gameOf(slug).rating = half_stars
  for (const playthrough of await writtenPlaythroughs(db, userId)) {
    gameOf(playthrough.slug).playthroughs.push(playthroughSummary({ ...playthrough, lastPlayedOn: last ? playthrough.lastPlayedOn : null }))
  }
  return library
}

type WrittenPlaythrough = Omit<ImportedPlaythrough, 'key' | 'difficulty' | 'notes' | 'adjustmentMinutes'> & {
  id: number
  slug: string
  notes: string | null
  difficulty: string | null
  adjustmentMinutes: number
}

/** A person's playthroughs as written, in the order they were added, with their sessions (oldest first). */
export async function writtenPlaythroughs(db: Db, userId: number): Promise<WrittenPlaythrough[]> {
  const rows = await db
    .selectFrom('playthroughs')
    .innerJoin('games', 'games.id', 'playthroughs.game_id')
    .select([
      'playthroughs.id',
      'games.slug',
      'playthroughs.status',
      'playthroughs.completion',
      'playthroughs.platform',
      'playthroughs.storefront',
      'playthroughs.started_on',
      'playthroughs.finished_on',
      'playthroughs.replay',
      'playthroughs.difficulty',
      'playthroughs.notes',
      'playthroughs.adjustment_minutes',
    ])
    .where('playthroughs.user_id', '=', userId)
    .orderBy('playthroughs.id')
    .execute()
  const written: WrittenPlaythrough[] = []
  for (const row of rows) {
    const sessions = await db
      .selectFrom('play_sessions')
      .select(['id', 'played_on', 'minutes', 'note', 'source'])
      .where('playthrough_id', '=', row.id)
      .orderBy('played_on')
      .orderBy('id')
      .execute()
    written.push({
      id: row.id,
      slug: row.slug,
      status: row.status,
      completion: row.completion,
      platform: row.platform,
      storefront: row.storefront,
      startedOn: row.started_on,
      finishedOn: row.finished_on,
      replay: !!row.replay,
      difficulty: row.difficulty,
      notes: row.notes,
      totalMinutes: sessions.reduce((sum, session) => sum + session.minutes, row.adjustment_minutes),
      lastPlayedOn: sessions.at(-1)?.played_on ?? null,
      adjustmentMinutes: row.adjustment_minutes,
      sessions: sessions.map((session) => ({ key: String(session.id), date: session.played_on, minutes: session.minutes, note: session.note, source: session.source })),
    })
  }
  return written
}

/** The playthroughs of one game, as written. */
export async function playthroughsOf(db: Db, userId: number, slug: string): Promise<WrittenPlaythrough[]> {
  return (await writtenPlaythroughs(db, userId)).filter((playthrough) => playthrough.slug === slug)
}

/** A person's journal as written, oldest day first: what the fixtures README says of entries. */
export async function writtenJournal(db: Db, userId: number) {
  const rows = await db
    .selectFrom('journal_entries')
    .innerJoin('games', 'games.id', 'journal_entries.game_id')
    .select([
      'games.slug',
      'journal_entries.played_on',
      'journal_entries.entry_type',
      'journal_entries.review',
      'journal_entries.spoilers',
      'journal_entries.liked',
      'journal_entries.half_stars',
      'journal_entries.playthrough_id',
    ])
    .where('journal_entries.user_id', '=', userId)
    .orderBy('journal_entries.played_on')
    .orderBy('journal_entries.id')
    .execute()
  return rows.map((row) => ({
    game: row.slug,
    date: row.played_on,
    type: row.entry_type,
    review: row.review,
    spoilers: !!row.spoilers,
    liked: !!row.liked,
    halfStars: row.half_stars,
    about: row.playthrough_id,
  }))
}

/**
 * What a file's matched rows say a library holds, by slug: what an import into an empty account must write. (Marking
 * a game played takes it off the backlog, as it does anywhere in Overworld.)
 */
export function libraryOfRows(rows: ImportRow[], preview: ImportAnswer): Record<string, WrittenGame> {
  const slugs = new Map(preview.rows.filter((row) => row.game !== null).map((row) => [row.key, row.game!.slug]))
  const library: Record<string, WrittenGame> = {}
  for (const row of rows) {
    const slug = row.kind === 'game' && slugs.get(row.key)
    if (row.kind !== 'game' || !slug) continue
    const game = (library[slug] ??= { statuses: [], rating: null, playthroughs: [] })
    game.statuses = [...new Set([...game.statuses, ...row.statuses])].sort()
    if (game.statuses.includes('played')) game.statuses = game.statuses.filter((status) => status !== 'backlog')
    game.rating = row.rating?.halfStars ?? game.rating
    for (const playthrough of row.playthroughs) {
      const listed = playthrough.sessions.reduce((sum, session) => sum + session.minutes, playthrough.adjustmentMinutes)
      game.playthroughs.push(playthroughSummary({ ...playthrough, totalMinutes: playthrough.totalMinutes ?? listed, lastPlayedOn: null }))
    }
  }
  // A row with nothing to write leaves no trace.
  return Object.fromEntries(Object.entries(library).filter(([, game]) => game.statuses.length > 0 || game.rating !== null || game.playthroughs.length > 0))
}

/** A sample file read as the server reads an upload. */
export function parsedFixture(source: ImportSource, file: string): ImportRow[] {
  return readImportFile(source, file.endsWith('.json') ? 'json' : 'csv', Buffer.from(importFixture(file)))
}

/**
 * Imports a sample file into an account with nothing in it, checking on the way that the preview has the summary
 * the README gives and writes nothing, that the commit ends with the same summary, and that the library then holds
 * exactly what the file's matched rows say.
 */
export async function importIntoEmptyAccount(
  { app, db }: { app: App; db: Db },
  user: { id: number; token: string },
  source: ImportSource,
  file: string,
  summary: ImportSummary,
): Promise<ImportAnswer> {
  const before = await databaseState(db)
  const preview = await previewFixture(app, user.token, source, file)
  assert.deepEqual(preview.summary, summary, `${file}: the preview's summary`)
  assert.deepEqual(await databaseState(db), before, `${file}: the preview wrote nothing`)
  const done = await commitImport(app, user.token, preview.id)
  assert.deepEqual(done.summary, summary, `${file}: the summary at the end`)
  assert.deepEqual(await writtenLibrary(db, user.id), libraryOfRows(parsedFixture(source, file), preview), `${file}: the library`)
  return preview
}

/** Imports the same file again: the README's "added 0, updated 0", and not a row of the database changes. */
export async function assertReimportChangesNothing(
  { app, db }: { app: App; db: Db },
  user: { token: string },
  source: ImportSource,
  file: string,
  summary: ImportSummary,
): Promise<void> {
  const before = await databaseState(db)
  const again = await importFixtureFile(app, user.token, source, file)
  assert.deepEqual(again.preview.summary, summary, `${file} again: the preview's summary`)
  assert.deepEqual(again.done.summary, summary, `${file} again: the summary at the end`)
  assert.deepEqual(await databaseState(db), before, `${file} again: nothing changed`)
}

/** The games named are written as said (others may be there too). */
export function assertWrittenGames(library: Record<string, WrittenGame>, expected: Record<string, WrittenGame>): void {
  for (const [slug, game] of Object.entries(expected)) assert.deepEqual(library[slug], game, slug)
}

/** A game as writtenLibrary shows it. */
export const writtenGame = (statuses: string[], rating: number | null, ...playthroughs: string[]): WrittenGame => ({ statuses, rating, playthroughs })

/** A new account on an instance that has loaded the shipped catalog, as a server does on its first start. */
export async function signedInWithCatalog({ app, db }: { app: App; db: Db }, username: string) {
  await loadCatalogIfEmpty(db)
  return registerUser(app, username)
}
