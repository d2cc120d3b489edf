import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { App } from '../../src/app.js'
import { loadCatalogIfEmpty } from '../../src/games/catalog.js'
import { buildTestApp, describeEachDatabase, testedDatabases, type TestApp } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'
import {
  commitImport,
  databaseState,
  importFixtureFile,
  playthroughsOf,
  previewFixture,
  previewText,
  summaryOf,
  writtenLibrary,
  signedInWithCatalog,
} from '../helpers/import-api.js'
import { importFixture } from '../helpers/import-files.js'

// Expectations are test/fixtures/imports/README.md's, section "Overworld's own export": through the API, with the
// shipped catalog.

type Exported = Record<string, any>

/**
 * The sections of an export that an import brings over, in terms that do not depend on the instance: games by
 * slug, playthroughs named by what they are rather than their ids, sessions inside their playthrough, and neither
 * ids nor the times rows were made. `following` and `review_comments` are left out (the README: they are not
 * brought over as they are), and so is the profile (the import goes into another account). Sections whose order is
 * their time are sorted; favorites and list games keep their order.
 */
function sectionsOf(exported: Exported) {
  const sorted = <T>(items: T[]) => items.map((item) => JSON.stringify(item)).sort().map((item) => JSON.parse(item) as T)
  const slug = (game: { slug: string }) => game.slug
  const playthroughName = new Map<number, string>(
    exported.playthroughs.map((p: Exported) => [p.id, `${p.game.slug} ${p.status} ${p.started_on}→${p.finished_on}`]),
  )
  return {
    statuses: sorted(exported.statuses.map((s: Exported) => [slug(s.game), s.status])),
    favorites: (exported.favorites ?? []).map(slug),
    ratings: sorted(exported.ratings.map((r: Exported) => [slug(r.game), r.rating])),
    journal: sorted(
      exported.journal.map(({ id: _id, created_at: _created, like_count: _likes, game, playthrough, ...entry }: Exported) => ({
        ...entry,
        game: slug(game),
        playthrough: playthrough === null ? null : playthroughName.get(playthrough),
      })),
    ),
    playthroughs: sorted(
      exported.playthroughs.map(({ id, created_at: _created, updated_at: _updated, edition: _edition, game, ...playthrough }: Exported) => ({
        ...playthrough,
        game: slug(game),
        sessions: sorted(
          exported.play_sessions
            .filter((session: Exported) => session.playthrough === id)
            .map(({ date, minutes, note, source }: Exported) => ({ date, minutes, note, source })),
        ),
      })),
    ),
    lists: sorted(
      (exported.lists ?? []).map(({ title, description, ranked, games }: Exported) => ({
        title,
        description,
        ranked,
        games: games.map(({ position, game, note }: Exported) => ({ position, game: slug(game), note })),
      })),
    ),
  }
}

const exportOf = async (app: App, user: RegisteredUser) => {
  const response = await call(app, 'GET', '/api/users/me/export', { token: user.token })
  assert.equal(response.status, 200, response.text)
  return response.body as Exported
}

const fixtureExport = (file: string) => JSON.parse(importFixture(file).replace(/^\uFEFF/, '')) as Exported

describeEachDatabase("Importing Overworld's own export, upload to commit", (current) => {
  const signedIn = (name: string) => signedInWithCatalog(current(), name)

  it('imports overworld-basic.json, then again (nothing changes), then overworld-newer.json (what changed)', async () => {
    const { app, db } = current()
    const mira = await signedIn('mira')
    // jonas has an account here, petra not: only jonas is followed.
    await registerUser(app, 'jonas')
    const before = await databaseState(db)
    const preview = await previewFixture(app, mira.token, 'overworld', 'overworld-basic.json')
    // Seven games, favorites and two lists added; jonas followed; petra and the review comment skipped.
    assert.deepEqual(preview.summary, summaryOf({ added: 11, unmatched: 1, skipped: 2 }))
    assert.deepEqual(await databaseState(db), before, 'the preview wrote nothing')
    const classic = preview.rows.filter((row) => row.outcome === 'unmatched')
    assert.deepEqual(classic.map((row) => row.title), ['Celeste Classic'])
    assert.deepEqual(
      preview.rows.filter((row) => row.outcome === 'skipped').map((row) => row.kind),
      ['follow', 'skipped'],
    )
    assert.deepEqual((await commitImport(app, mira.token, preview.id)).summary, preview.summary)

    assert.deepEqual(await writtenLibrary(db, mira.id), {
      celeste: { statuses: ['liked', 'played'], rating: 10, playthroughs: ['finished main 2023-01-03→2023-01-21 860 min PC steam'] },
      'hollow-knight': { statuses: ['played'], rating: 9, playthroughs: ['finished completionist 2022-09-01→2022-11-20 3720 min PC gog'] },
      'the-witcher-3-wild-hunt': {
        statuses: ['played'],
        rating: 8,
        playthroughs: ['finished main 2020-12-20→2021-02-14 6270 min PlayStation 4 playstation'],
      },
      'portal-2': { statuses: ['played'], rating: 10, playthroughs: [] },
      'elden-ring': { statuses: ['backlog'], rating: null, playthroughs: [] },
      'baldurs-gate-3': { statuses: ['wishlist'], rating: null, playthroughs: [] },
      hades: { statuses: [], rating: 9, playthroughs: ['playing 2024-04-02→… 310 min Nintendo Switch nintendo'] },
    })
    const [celeste] = await playthroughsOf(db, mira.id, 'celeste')
    assert.deepEqual(
      [celeste!.adjustmentMinutes, celeste!.sessions.map((session) => [session.date, session.minutes, session.note, session.source])],
      [5, [['2023-01-03', 95, 'Forsaken City', 'manual'], ['2023-01-14', 760, null, 'steam']]],
    )
    const [hades] = await playthroughsOf(db, mira.id, 'hades')
    assert.equal(hades!.difficulty, 'Heat 8')
    const exported = sectionsOf(await exportOf(app, mira))
    assert.deepEqual(exported.favorites, ['celeste', 'hollow-knight', 'the-witcher-3-wild-hunt'])
    // Celeste Classic left unmatched: the list keeps the games it has here.
    assert.deepEqual(exported.lists, [
      { title: 'Best platformers', description: 'Precision first.', ranked: true, games: [
        { position: 1, game: 'celeste', note: 'The summit.' },
        { position: 2, game: 'hollow-knight', note: null },
      ] },
      { title: 'Someday', description: null, ranked: false, games: [] },
    ])
    assert.deepEqual(
      (exported.journal as Exported[]).map((entry) => [entry.game, entry.entry_type, entry.playthrough]),
      [
        ['the-witcher-3-wild-hunt', 'finished', 'the-witcher-3-wild-hunt finished 2020-12-20→2021-02-14'],
        ['hollow-knight', 'finished', 'hollow-knight finished 2022-09-01→2022-11-20'],
        ['celeste', 'finished', 'celeste finished 2023-01-03→2023-01-21'],
        ['hades', 'started', 'hades playing 2024-04-02→null'],
      ],
    )
    const following = await db.selectFrom('follows').innerJoin('users', 'users.id', 'follows.followee_id').select('users.username').where('follower_id', '=', mira.id).execute()
    assert.deepEqual(following, [{ username: 'jonas' }])

    const settled = await databaseState(db)
    const again = await importFixtureFile(app, mira.token, 'overworld', 'overworld-basic.json')
    assert.deepEqual(again.preview.summary, summaryOf({ unchanged: 11, unmatched: 1, skipped: 2 }))
    assert.deepEqual(await databaseState(db), settled, 'importing the same file again changed nothing')

    const newer = await importFixtureFile(app, mira.token, 'overworld', 'overworld-newer.json')
    assert.deepEqual(newer.preview.summary, summaryOf({ added: 1, updated: 2, unchanged: 9, unmatched: 1, skipped: 2 }))
    const library = await writtenLibrary(db, mira.id)
    assert.deepEqual(library.hades, { statuses: [], rating: 9, playthroughs: ['playing 2024-04-02→… 385 min Nintendo Switch nintendo'] })
    assert.equal(library['hollow-knight']?.rating, 10)
    assert.deepEqual(library['animal-well'], { statuses: ['played'], rating: 9, playthroughs: [] })
    const [hadesNow] = await playthroughsOf(db, mira.id, 'hades')
    assert.deepEqual(hadesNow!.sessions.at(-1), { ...hadesNow!.sessions.at(-1)!, date: '2024-06-03', minutes: 75 })
    const counts = await databaseState(db)
    for (const table of ['playthroughs', 'journal_entries', 'lists', 'list_items', 'favorites', 'follows'] as const) {
      assert.equal(counts[table]!.length, settled[table]!.length, `${table}: nothing twice`)
    }
    assert.equal(counts.play_sessions!.length, settled.play_sessions!.length + 1)
  })

  it('imports overworld-messy.json into a fresh account: unknown keys ignored, missing sections read as empty', async () => {
    const { app, db } = current()
    const mira = await signedIn('mira')
    const preview = await previewFixture(app, mira.token, 'overworld', 'overworld-messy.json')
    assert.deepEqual(preview.summary, summaryOf({ added: 2 }))
    await commitImport(app, mira.token, preview.id)
    const [celeste] = await playthroughsOf(db, mira.id, 'celeste')
    assert.deepEqual(celeste!.sessions.map((session) => [session.date, session.minutes, session.source]), [
      ['2023-01-03', 95, 'manual'],
      ['2023-01-14', 760, 'steam'],
    ])
    // Everything the file has comes back in an export of the account, with what it lacks read as empty.
    assert.deepEqual(sectionsOf(await exportOf(app, mira)), sectionsOf(fixtureExport('overworld-messy.json')))
  })

  it('brings overworld-basic.json back whole once Celeste Classic is added: an export of the account has the same sections', async () => {
    const { app, db } = current()
    const mira = await signedIn('mira')
    const preview = await previewFixture(app, mira.token, 'overworld', 'overworld-basic.json')
    const classic = preview.rows.find((row) => row.title === 'Celeste Classic')!
    await commitImport(app, mira.token, preview.id, { matches: { [classic.key]: 'new' } })
    const added = await db.selectFrom('games').select(['igdb', 'name', 'provisional']).where('igdb', '=', '288345').executeTakeFirstOrThrow()
    assert.deepEqual({ ...added, provisional: !!added.provisional }, { igdb: '288345', name: 'Celeste Classic', provisional: true })
    assert.deepEqual(sectionsOf(await exportOf(app, mira)), sectionsOf(fixtureExport('overworld-basic.json')))
  })
})

/** Two instances, each with its own fresh database: one exports, the other imports. */
for (const kind of testedDatabases) {
  describe(`Moving an account from one Overworld to another [${kind}]`, () => {
    let origin: TestApp
    let target: TestApp
    before(async () => {
      origin = await buildTestApp(kind)
      target = await buildTestApp(kind)
      await loadCatalogIfEmpty(origin.db)
      await loadCatalogIfEmpty(target.db)
    })
    after(async () => {
      await origin.close()
      await target.close()
    })

    /** A library made through the API: statuses, ratings, favorites, playthroughs with sessions, a review, lists. */
    async function buildLibrary(app: App, db: TestApp['db'], user: RegisteredUser) {
      const gameId = async (slug: string) => (await db.selectFrom('games').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id
      const [celeste, hollowKnight, hades, portal, elden] = await Promise.all(['celeste', 'hollow-knight', 'hades', 'portal-2', 'elden-ring'].map(gameId))
      const ok = async (method: string, url: string, body: unknown, status = 200) => {
        const response = await call(app, method, url, { token: user.token, body })
        assert.equal(response.status, status, `${method} ${url}: ${response.text}`)
        return response.body
      }
      for (const [game, action] of [
        [celeste, 'like'],
        [hollowKnight, 'log'],
        [portal, 'log'],
        [elden, 'backlog'],
      ] as const) {
        await ok('POST', `/api/actions/${action}/`, { game, value: true }, 200)
      }
      await ok('POST', '/api/actions/ratings/', { game: hollowKnight, rating: 4.5 })
      await ok('POST', '/api/actions/ratings/', { game: portal, rating: 3.5 })
      const run = await ok(
        'POST',
        '/api/playthroughs/',
        { game: celeste, platform: 'PC', storefront: 'steam', status: 'finished', completion: 'main', started_on: '2023-01-03', finished_on: '2023-01-21', adjustment_minutes: 5 },
        201,
      )
      await ok('POST', `/api/playthroughs/${run.id}/sessions`, { date: '2023-01-03', minutes: 95, note: 'Forsaken City' }, 201)
      await ok('POST', `/api/playthroughs/${run.id}/sessions`, { date: '2023-01-14', minutes: 760 }, 201)
      const current = await ok('POST', '/api/playthroughs/', { game: hades, platform: 'Nintendo Switch', storefront: 'nintendo', difficulty: 'Heat 8', started_on: '2024-04-02' }, 201)
      await ok('POST', `/api/playthroughs/${current.id}/sessions`, { date: '2024-04-02', minutes: 120 }, 201)
      // Finishing Celeste wrote its journal entry; the review goes on it.
      const [finished] = (await db.selectFrom('journal_entries').select('id').where('user_id', '=', user.id).where('playthrough_id', '=', run.id).execute())
      await ok('PATCH', `/api/actions/journal/${finished!.id}`, { review: 'Climbing as therapy.', liked: true, rating: 5 })
      await ok('POST', '/api/actions/journal/', { game: hades, date: '2024-04-02', entry_type: 'started', platform: 'Nintendo Switch', playthrough: current.id }, 201)
      // A game this instance's catalog did not have either.
      await ok('POST', '/api/actions/journal/', { igdb: '288345', name: 'Celeste Classic', date: '2023-02-02', entry_type: 'played', platform: 'Web browser', rating: 3.5 }, 201)
      const classic = (await db.selectFrom('games').select('id').where('igdb', '=', '288345').executeTakeFirstOrThrow()).id
      await ok('PATCH', `/api/users/profile/${user.username}`, { favorites: [celeste, hollowKnight] })
      await ok('POST', '/api/lists/', { title: 'Best platformers', description: 'Precision first.', ranked: true, games: [
        { game: celeste, note: 'The summit.' },
        { game: hollowKnight },
        { game: classic, note: 'Where it started' },
      ] }, 201)
      await ok('POST', '/api/lists/', { title: 'Someday', ranked: false, games: [] }, 201)
    }

    it('gives the same library, ratings, journal, reviews, playthroughs, sessions and lists on the other instance', async () => {
      const mira = await registerUser(origin.app, 'mira')
      await buildLibrary(origin.app, origin.db, mira)
      const exported = await exportOf(origin.app, mira)
      assert.ok(exported.journal.some((entry: Exported) => entry.review), 'the export has a review')

      const nora = await registerUser(target.app, 'nora')
      const preview = await previewText(target.app, nora.token, 'overworld', JSON.stringify(exported), 'application/json')
      const unmatched = preview.rows.filter((row) => row.outcome === 'unmatched')
      assert.deepEqual(unmatched.map((row) => row.title), ['Celeste Classic'])
      await commitImport(target.app, nora.token, preview.id, { matches: { [unmatched[0]!.key]: 'new' } })

      assert.deepEqual(sectionsOf(await exportOf(target.app, nora)), sectionsOf(exported))
    })
  })
}
