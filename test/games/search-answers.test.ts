import assert from 'node:assert/strict'
import { beforeEach, it } from 'node:test'
import { loadCatalogIfEmpty } from '../../src/games/catalog.js'
import { insertGame, searchNameOf } from '../../src/games/repository.js'
import { createGameSearch, createSearchAnswers, type SearchHit } from '../../src/games/search.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser } from '../helpers/client.js'

/**
 * Search answers are kept serialized and checked against the catalog's version on every request: whatever
 * changes what a search shows (a game added, renamed, deleted), by this process or any other writing to the
 * database, is in the very next answer. Only the popularity tie-break may be one period old.
 */
describeEachDatabase('kept search answers', (current) => {
  beforeEach(async () => {
    await loadCatalogIfEmpty(current().db)
  })

  const namesFor = async (query: string) => {
    const response = await call(current().app, 'GET', `/api/games/search/${encodeURIComponent(query)}`)
    assert.equal(response.status, 200, response.text)
    return (response.body as SearchHit[]).map((hit) => hit.name)
  }

  it('finds a game added to the catalog on the very next search of a query answered before', async () => {
    assert.deepEqual(await namesFor('zyxxorblat'), [])
    assert.deepEqual(await namesFor('zyxxorblat'), [])

    await insertGame(current().db, { name: 'Zyxxorblat', platforms: ['PC'] })

    assert.deepEqual(await namesFor('zyxxorblat'), ['Zyxxorblat'])
  })

  it('shows a game renamed in the database (as another process would) under its new name at once, and not the old', async () => {
    assert.ok((await namesFor('hollow knight')).includes('Hollow Knight'))

    await current()
      .db.updateTable('games')
      .set({ name: 'Hallownest Story', search_name: searchNameOf('Hallownest Story') })
      .where('slug', '=', 'hollow-knight')
      .execute()

    assert.ok(!(await namesFor('hollow knight')).includes('Hollow Knight'))
    assert.ok((await namesFor('hallownest')).includes('Hallownest Story'))
  })

  it('drops a provisional game from the next answer once nobody uses it and it is deleted', async () => {
    const alice = await registerUser(current().app, 'alice')
    const added = await call(current().app, 'POST', '/api/actions/backlog/', {
      token: alice.token,
      body: { igdb: '990001', name: 'Quuxbert Adventures', value: true },
    })
    assert.equal(added.status, 200, added.text)
    assert.deepEqual(await namesFor('quuxbert'), ['Quuxbert Adventures'])

    const game = await current().db.selectFrom('games').select('id').where('igdb', '=', '990001').executeTakeFirstOrThrow()
    const removed = await call(current().app, 'POST', '/api/actions/backlog/', { token: alice.token, body: { game: game.id, value: false } })
    assert.equal(removed.status, 200, removed.text)

    assert.deepEqual(await namesFor('quuxbert'), [])
  })

  it('runs a search once per query, limit, catalog version and period, and keeps each answer apart', async () => {
    const { db } = current()
    const search = createGameSearch(db)
    const searched: string[] = []
    const counting = (query: string, limit: number) => {
      searched.push(`${query}/${limit}`)
      return search(query, limit)
    }
    let now = 1_000_000
    const answers = createSearchAnswers(db, counting, { maxBytes: 1 << 20, maxAgeMs: 60_000, now: () => now })
    const answer = async (query: string, limit: number) =>
      (JSON.parse((await answers.answer('hits', query, limit, (result) => JSON.stringify(result.hits))).toString()) as SearchHit[]).map((hit) => hit.name)

    const first = await answer('mass effec', 3)
    assert.deepEqual(first, ['Mass Effect 3', 'Mass Effect 2', 'Mass Effect'])
    assert.deepEqual(await answer('Mass  Effec!', 3), first, 'the same query, spelled differently, is one answer')
    assert.deepEqual(searched, ['mass effec/3'])

    assert.deepEqual(await answer('mass effec', 2), ['Mass Effect 3', 'Mass Effect 2'])
    assert.deepEqual(searched, ['mass effec/3', 'mass effec/2'])

    await insertGame(db, { name: 'Mass Effect Zeta' })
    assert.deepEqual(await answer('mass effec', 4), [...first, 'Mass Effect Zeta'])
    assert.deepEqual(await answer('mass effec', 3), first)
    assert.equal(searched.length, 4, 'a catalog change makes the next request search again')

    // Popularity (not part of the catalog's version) moves: within the period the kept order stands, after it
    // the next request ranks afresh.
    await db.updateTable('games').set({ popularity: 50 }).where('slug', '=', 'mass-effect').execute()
    assert.deepEqual(await answer('mass effec', 3), first)
    assert.equal(searched.length, 4)
    now += 60_000
    assert.deepEqual(await answer('mass effec', 3), ['Mass Effect', 'Mass Effect 3', 'Mass Effect 2'])
    assert.equal(searched.length, 5)
  })
})
