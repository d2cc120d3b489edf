import assert from 'node:assert/strict'
import fs from 'node:fs'
import { describe, it } from 'node:test'
import { fillCatalogSummaries, loadCatalogIfEmpty, type CatalogEntry } from '../../src/games/catalog.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call } from '../helpers/client.js'

const ENTRIES = JSON.parse(fs.readFileSync(new URL('../../resources/games.json', import.meta.url), 'utf8')) as CatalogEntry[]
const WITH_SUMMARY = ENTRIES.filter((entry) => entry.summary)
const [FIRST, SECOND, THIRD, FOURTH] = WITH_SUMMARY as [CatalogEntry, CatalogEntry, CatalogEntry, CatalogEntry]

describe('the shipped catalog (resources/games.json)', () => {
  it('gives most games a summary of one or two short sentences', () => {
    assert.ok(WITH_SUMMARY.length >= ENTRIES.length * 0.9, `${WITH_SUMMARY.length} of ${ENTRIES.length} games have a summary`)
    for (const { slug, summary = '' } of WITH_SUMMARY) {
      assert.ok(summary.length <= 300, `${slug}: ${summary.length} characters`)
      assert.match(summary, /^[A-Z0-9"'(].*[.!?]$/s, slug)
      assert.doesNotMatch(summary, /\s{2}|\n/, slug)
    }
  })
})

describeEachDatabase('catalog summaries', (current) => {
  const db = () => current().db
  const summaryOf = async (slug: string) =>
    (await db().selectFrom('games').select('summary').where('slug', '=', slug).executeTakeFirstOrThrow()).summary

  // That a fresh install has the file's summaries is loadCatalogIfEmpty's test (catalog-search.test.ts).
  it("a fresh install's game page shows the file's summary", async () => {
    await loadCatalogIfEmpty(db())

    const page = await call(current().app, 'GET', `/api/games/${FIRST.slug}`)
    assert.equal(page.body.summary, FIRST.summary)
  })

  it('an install without them gets them, leaving summaries it has, provisional games and games of another year alone', async () => {
    await loadCatalogIfEmpty(db())
    await db().updateTable('games').set({ summary: null }).execute()
    await db().updateTable('games').set({ summary: 'From IGDB.' }).where('slug', '=', FIRST.slug).execute()
    await db().updateTable('games').set({ provisional: true }).where('slug', '=', SECOND.slug).execute()
    await db().updateTable('games').set({ release_year: (THIRD.year ?? 2000) + 1 }).where('slug', '=', THIRD.slug).execute()
    const page = await call(current().app, 'GET', `/api/games/${FOURTH.slug}`)
    assert.equal(page.body.summary, null)

    assert.equal(await fillCatalogSummaries(db()), WITH_SUMMARY.length - 3)

    assert.equal(await summaryOf(FIRST.slug), 'From IGDB.')
    assert.equal(await summaryOf(SECOND.slug), null)
    assert.equal(await summaryOf(THIRD.slug), null)
    assert.equal(await summaryOf(FOURTH.slug), FOURTH.summary)
    // The game's version moved with it: its cached page shows the summary.
    const after = await call(current().app, 'GET', `/api/games/${FOURTH.slug}`, { headers: { 'if-none-match': String(page.headers.etag) } })
    assert.equal(after.status, 200)
    assert.equal(after.body.summary, FOURTH.summary)
    assert.equal(await fillCatalogSummaries(db()), 0)
  })
})
