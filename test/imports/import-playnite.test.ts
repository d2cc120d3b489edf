import assert from 'node:assert/strict'
import { it } from 'node:test'
import { describeEachDatabase } from '../helpers/app.js'
import {
  assertReimportChangesNothing,
  assertWrittenGames,
  importFixtureFile,
  importIntoEmptyAccount,
  playthroughsOf,
  signedInWithCatalog,
  summaryOf,
  writtenGame as game,
  writtenJournal,
  writtenLibrary,
} from '../helpers/import-api.js'

// Expectations are test/fixtures/imports/README.md's, section "Playnite": through the API, with the shipped catalog.

describeEachDatabase('Importing Playnite libraries, upload to commit', (current) => {
  const signedIn = (name: string) => signedInWithCatalog(current(), name)

  it('imports playnite-basic.csv, then again (nothing changes), then playnite-newer.csv (what changed)', async () => {
    const { db } = current()
    const mira = await signedIn('mira')
    await importIntoEmptyAccount(current(), mira, 'playnite', 'playnite-basic.csv', summaryOf({ added: 12, unmatched: 1, rounded: 5 }))
    const basic = await writtenLibrary(db, mira.id, { last: true })
    assertWrittenGames(basic, {
      celeste: game(['liked', 'played'], 10, 'finished main 860 min PC steam last 2023-01-21'),
      hades: game([], 9, 'playing 1865 min Nintendo Switch nintendo last 2024-05-30'),
      'elden-ring': game(['backlog'], null),
      'baldurs-gate-3': game(['backlog'], null),
    })
    const library = await writtenLibrary(db, mira.id)
    assertWrittenGames(library, {
      'hollow-knight': game(['liked', 'played'], 9, 'finished completionist 3720 min PC gog'),
      'the-witcher-3-wild-hunt': game(['played'], 8, 'finished main 6270 min PC gog'),
      'stardew-valley': game(['played'], 7, 'shelved 7200 min PC steam'),
      'portal-2': game(['played'], 10, 'finished main 520 min PC steam'),
      cuphead: game(['played'], 6, 'abandoned 390 min PC steam'),
      'outer-wilds': game(['played'], null, 'shelved 555 min PC epic'),
      'dark-souls-iii': game(['played'], 9, 'finished main 4330 min PC steam'),
      'sid-meiers-civilization-vi': game(['liked'], 8, 'playing 12400 min PC epic'),
    })
    const [cuphead] = await playthroughsOf(db, mira.id, 'cuphead')
    assert.equal(cuphead!.notes, 'Too hard for me right now')
    assert.deepEqual(await writtenJournal(db, mira.id), [])

    await assertReimportChangesNothing(current(), mira, 'playnite', 'playnite-basic.csv', summaryOf({ unchanged: 12, unmatched: 1, rounded: 5 }))

    const newer = await importFixtureFile(current().app, mira.token, 'playnite', 'playnite-newer.csv')
    assert.deepEqual(newer.preview.summary, summaryOf({ added: 1, updated: 3, unchanged: 9, unmatched: 1, rounded: 5 }))
    const after = await writtenLibrary(db, mira.id, { last: true })
    assert.deepEqual(after, {
      ...basic,
      hades: game([], 9, 'playing 2130 min Nintendo Switch nintendo last 2024-07-12'),
      'sid-meiers-civilization-vi': { ...basic['sid-meiers-civilization-vi']!, playthroughs: ['playing 12900 min PC epic last 2024-07-14'] },
      'stardew-valley': { ...basic['stardew-valley']!, rating: 8 },
      balatro: game([], 9, 'playing 735 min PC steam last 2024-07-13'),
    })
    // What grew is a session of the difference on the newer last activity day.
    for (const [slug, date, minutes] of [
      ['hades', '2024-07-12', 265],
      ['sid-meiers-civilization-vi', '2024-07-14', 500],
    ] as const) {
      const [playthrough] = await playthroughsOf(db, mira.id, slug)
      assert.deepEqual(playthrough!.sessions.map((session) => [session.date, session.minutes, session.source]).at(-1), [date, minutes, 'playnite'], slug)
    }
  })

  it('imports playnite-messy.csv into a fresh account: seconds, US dates, a renamed status', async () => {
    const { db } = current()
    const mira = await signedIn('mira')
    const preview = await importIntoEmptyAccount(current(), mira, 'playnite', 'playnite-messy.csv', summaryOf({ added: 5, unmatched: 4, rounded: 3 }))
    assert.deepEqual(await writtenLibrary(db, mira.id, { last: true }), {
      celeste: game(['liked', 'played'], 10, 'finished main 860 min PC steam last 2023-01-21'),
      'papers-please': game(['played'], 8, 'finished completionist 390 min PC gog last 2017-01-15'),
      'hollow-knight': game(['played'], null, 'shelved 1621 min PC gog last 2023-06-30'),
      'grim-fandango': game(['played'], 7, 'finished main 745 min PC steam last 2020-07-02'),
      'elden-ring': game(['backlog'], null),
    })
    const [celeste] = await playthroughsOf(db, mira.id, 'celeste')
    assert.equal(celeste!.notes, 'She said "one more screen".\nThen it was 3 a.m.')
    const renamed = preview.rows.find((row) => row.game?.slug === 'hollow-knight')
    assert.match(renamed!.notes[0]!, /"Finished"/, 'the preview notes the unknown status')
  })
})
