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

// Expectations are test/fixtures/imports/README.md's, section "HowLongToBeat": through the API, with the shipped
// catalog.

describeEachDatabase('Importing HowLongToBeat files, upload to commit', (current) => {
  const signedIn = (name: string) => signedInWithCatalog(current(), name)

  it('imports hltb-basic.csv, then again (nothing changes), then hltb-newer.csv (what changed)', async () => {
    const { db } = current()
    const mira = await signedIn('mira')
    await importIntoEmptyAccount(current(), mira, 'hltb', 'hltb-basic.csv', summaryOf({ added: 12, unmatched: 2, rounded: 6 }))
    const basic = await writtenLibrary(db, mira.id)
    assertWrittenGames(basic, {
      celeste: game(['played'], 10, 'finished main_extras 2023-01-03→2023-01-21 860 min PC steam'),
      hades: game([], 9, 'playing 2024-04-02→… 1865 min Nintendo Switch nintendo'),
      'hollow-knight': game(['played'], 10, 'finished completionist 2022-09-01→2022-11-20 3720 min PC gog'),
      'final-fantasy-vii-remake': game(['played'], 9, 'finished main 2020-04-10→2020-05-02 1995 min PlayStation 4 physical'),
      // Two rows, one game: two playthroughs, the second a replay, one rating.
      'disco-elysium': game(
        ['played'],
        9,
        'finished main 2021-04-02→2021-05-01 1800 min PC gog',
        'finished main_extras replay 2023-08-01→2023-08-28 1575 min PC gog',
      ),
      // The Replay mark is HLTB's "want to replay" list, not a replay.
      portal: game(['played'], 9, 'finished main 2019-12-14→2019-12-15 185 min PC steam'),
      'elden-ring': game(['backlog'], null),
    })
    const [stardew] = await playthroughsOf(db, mira.id, 'stardew-valley')
    assert.deepEqual([stardew!.status, stardew!.totalMinutes, stardew!.notes], ['abandoned', 7200, 'Year 3, drifted away'])
    assert.deepEqual(
      (await writtenJournal(db, mira.id)).map(({ game, date, type, review, halfStars }) => ({ game, date, type, review, halfStars })),
      [{ game: 'celeste', date: '2023-01-21', type: 'finished', review: 'Climbing as therapy.', halfStars: 10 }],
    )

    await assertReimportChangesNothing(current(), mira, 'hltb', 'hltb-basic.csv', summaryOf({ unchanged: 12, unmatched: 2, rounded: 6 }))

    const newer = await importFixtureFile(current().app, mira.token, 'hltb', 'hltb-newer.csv')
    assert.deepEqual(newer.preview.summary, summaryOf({ added: 1, updated: 3, unchanged: 9, unmatched: 2, rounded: 7 }))
    assert.deepEqual(await writtenLibrary(db, mira.id), {
      ...basic,
      hades: game([], 9, 'playing 2024-04-02→… 2200 min Nintendo Switch nintendo'),
      'hollow-knight': game(['played'], 10, 'finished completionist 2022-09-01→2022-11-20 3865 min PC gog'),
      'portal-2': { ...basic['portal-2']!, rating: 10 },
      'animal-well': game(['played'], 9, 'finished main 2024-05-10→2024-05-19 560 min PC steam'),
    })
  })

  it('imports hltb-messy.csv into a fresh account', async () => {
    const { db } = current()
    const mira = await signedIn('mira')
    await importIntoEmptyAccount(current(), mira, 'hltb', 'hltb-messy.csv', summaryOf({ added: 5, unmatched: 4, rounded: 3 }))
    assert.deepEqual(await writtenLibrary(db, mira.id), {
      celeste: game(['played'], 10, 'finished main_extras 2023-01-03→2023-01-21 860 min PC steam'),
      'papers-please': game(['played'], 8, 'finished main 2017-01-02→2017-01-15 390 min PC gog'),
      'hollow-knight': game([], null, 'playing replay 2023-05-02→… 6726 min Nintendo Switch'),
      'dark-souls-iii': game(['played'], 1, 'finished main_extras …→2021-03-14 4330 min PC steam'),
      'baldurs-gate-3': game([], null, 'playing 2023-08-03→… 60 min PC steam'),
    })
    const [hollowKnight] = await playthroughsOf(db, mira.id, 'hollow-knight')
    assert.equal(hollowKnight!.notes, 'Steel Soul run.\nSecond line of the note.')
  })
})
