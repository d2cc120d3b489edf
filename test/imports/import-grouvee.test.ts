import assert from 'node:assert/strict'
import { it } from 'node:test'
import { describeEachDatabase } from '../helpers/app.js'
import {
  assertReimportChangesNothing,
  assertWrittenGames,
  importFixtureFile,
  importIntoEmptyAccount,
  signedInWithCatalog,
  summaryOf,
  writtenGame as game,
  writtenJournal,
  writtenLibrary,
} from '../helpers/import-api.js'

// Expectations are test/fixtures/imports/README.md's, section "Grouvee": through the API, with the shipped catalog.

describeEachDatabase('Importing Grouvee collections, upload to commit', (current) => {
  const signedIn = (name: string) => signedInWithCatalog(current(), name)

  it('imports grouvee-basic.csv, then again (nothing changes), then grouvee-newer.csv (what changed)', async () => {
    const { db } = current()
    const mira = await signedIn('mira')
    await importIntoEmptyAccount(current(), mira, 'grouvee', 'grouvee-basic.csv', summaryOf({ added: 11, unmatched: 1 }))
    const basic = await writtenLibrary(db, mira.id)
    assertWrittenGames(basic, {
      celeste: game(['played'], 10, 'finished main 2023-01-03→2023-01-21 860 min PC'),
      hades: game([], 8, 'playing 2024-04-02→… 1865 min Nintendo Switch'),
      // Two dates entries, two playthroughs; two platforms, so none.
      'hollow-knight': game(['played'], 10, 'finished main_extras 2022-09-01→2022-11-20 2340 min', 'finished completionist replay 2023-05-02→2023-06-30 1621 min'),
      'elden-ring': game(['backlog'], null),
      'baldurs-gate-3': game(['wishlist'], null),
      cuphead: game(['played'], 4),
    })
    assert.equal(basic['stardew-valley']?.rating, 6)
    assert.deepEqual(
      (await writtenJournal(db, mira.id)).map(({ game, date, type, review }) => ({ game, type, ...(game === 'celeste' && { date, review }) })),
      [
        { game: 'the-witcher-3-wild-hunt', type: 'finished' },
        { game: 'celeste', type: 'finished', date: '2023-01-21', review: 'Climbing as therapy.' },
      ],
    )

    await assertReimportChangesNothing(current(), mira, 'grouvee', 'grouvee-basic.csv', summaryOf({ unchanged: 11, unmatched: 1 }))

    const newer = await importFixtureFile(current().app, mira.token, 'grouvee', 'grouvee-newer.csv')
    assert.deepEqual(newer.preview.summary, summaryOf({ added: 1, updated: 3, unchanged: 8, unmatched: 1 }))
    assert.deepEqual(await writtenLibrary(db, mira.id), {
      ...basic,
      hades: game([], 8, 'playing 2024-04-02→… 2330 min Nintendo Switch'),
      'stardew-valley': { ...basic['stardew-valley']!, playthroughs: ['shelved 2020-03-10→… 7875 min PC'] },
      'the-witcher-3-wild-hunt': { ...basic['the-witcher-3-wild-hunt']!, rating: 10 },
      'animal-well': game(['played'], 10, 'finished main 2024-05-10→2024-05-19 560 min PC'),
    })
  })

  it('imports grouvee-messy.csv into a fresh account: DOOM (2016) is not the catalog’s DOOM (1993)', async () => {
    const { db } = current()
    const mira = await signedIn('mira')
    const preview = await importIntoEmptyAccount(current(), mira, 'grouvee', 'grouvee-messy.csv', summaryOf({ added: 4, unmatched: 5 }))
    const doom = preview.rows.find((row) => row.title === 'DOOM')
    assert.equal(doom?.outcome, 'unmatched')
    assert.match(doom?.reason ?? '', /2016/)
    const library = await writtenLibrary(db, mira.id)
    assertWrittenGames(library, {
      'papers-please': game(['played'], 8, 'finished main 2017-01-02→2017-01-15 390 min'),
      'sid-meiers-civilization-vi': game([], 8, 'playing 2024-01-05→… 12400 min PC'),
      'hollow-knight': game(['played'], null),
    })
    assert.deepEqual(Object.keys(library).sort(), ['celeste', 'hollow-knight', 'papers-please', 'sid-meiers-civilization-vi'])
    assert.deepEqual(
      (await writtenJournal(db, mira.id)).map(({ game, review }) => ({ game, review })),
      [{ game: 'celeste', review: 'She said "one more screen".\nIt was 3 a.m.' }],
    )
  })
})
