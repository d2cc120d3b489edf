import assert from 'node:assert/strict'
import { it } from 'node:test'
import { describeEachDatabase } from '../helpers/app.js'
import {
  assertReimportChangesNothing,
  importFixtureFile,
  importIntoEmptyAccount,
  playthroughsOf,
  signedInWithCatalog,
  summaryOf,
  writtenGame as game,
  writtenJournal,
  writtenLibrary,
  writtenPlaythroughs,
} from '../helpers/import-api.js'

// Expectations are test/fixtures/imports/README.md's, section "Backloggd": through the API, with the shipped catalog.

const CSV_BASIC = {
  celeste: game(['liked', 'played'], 10, 'finished main 2023-01-03→2023-01-21 860 min'),
  hades: game([], 9, 'playing 2024-04-02→… 1865 min'),
  'hollow-knight': game(['played'], 9, 'finished mastered 2022-09-01→2022-11-20 3720 min'),
  'the-witcher-3-wild-hunt': game(['played'], 8, 'finished main 2020-12-20→2021-02-14 6270 min'),
  'stardew-valley': game(['played'], 7, 'shelved 2020-03-10→… 7200 min'),
  'portal-2': game(['liked', 'played'], 10, 'finished main 2019-12-20→2019-12-27 520 min'),
  'elden-ring': game(['backlog'], null),
  'baldurs-gate-3': game(['wishlist'], null),
  'outer-wilds': game(['played'], 10, 'finished main 2020-06-01→2020-06-15 1330 min'),
  'disco-elysium': game(['played'], 9, 'finished main replay 2023-08-01→2023-08-28 1800 min'),
  inscryption: game(['liked', 'played'], 6),
}

const JSON_BASIC = {
  celeste: game(
    ['liked', 'played'],
    10,
    'finished main 2023-01-03→2023-01-21 860 min PC',
    'finished mastered replay 2024-02-01→2024-02-18 360 min Nintendo Switch',
  ),
  hades: game([], 9, 'playing 2024-04-02→… 1865 min Nintendo Switch'),
  'hollow-knight': game(['played'], 9, 'finished mastered 2022-09-01→2022-11-20 3720 min PC'),
  'the-witcher-3-wild-hunt': game(['played'], 8, 'finished main 2020-12-20→2021-02-14 6270 min PlayStation 4'),
  'stardew-valley': game(['played'], 7, 'shelved 2020-03-10→… 7200 min PC'),
  'portal-2': game(['liked', 'played'], 10, 'finished main 2019-12-20→2019-12-27 520 min PC'),
  'elden-ring': game(['backlog'], null),
  'baldurs-gate-3': game(['wishlist'], null),
  'outer-wilds': game(['played'], 10, 'finished main 2020-06-01→2020-06-15 1330 min PC'),
  cuphead: game(['played'], 5, 'abandoned 2021-05-01→… 390 min Xbox One'),
  terraria: game(['played'], 8, 'finished 2015-06-01→2016-01-10 5100 min PC'),
  'slay-the-spire': game(['played'], 8, 'shelved 2021-11-01→… 2400 min PC'),
}

/** The play dates of each playthrough of the JSON ("860 min over 4 dates"), Terraria's time undated. */
const JSON_BASIC_DATES = {
  celeste: [4, 3],
  hades: [5],
  'hollow-knight': [7],
  'the-witcher-3-wild-hunt': [8],
  'stardew-valley': [10],
  'portal-2': [2],
  'outer-wilds': [3],
  cuphead: [2],
  terraria: [0],
  'slay-the-spire': [3],
}

describeEachDatabase('Importing Backloggd files, upload to commit', (current) => {
  const signedIn = (name: string) => signedInWithCatalog(current(), name)

  /** Sessions per playthrough of each game, and that they hold all of its time (one session per play date). */
  async function assertPlayDates(userId: number, expected: Record<string, number[]>) {
    const playthroughs = await writtenPlaythroughs(current().db, userId)
    for (const [slug, counts] of Object.entries(expected)) {
      const ofGame = playthroughs.filter((playthrough) => playthrough.slug === slug)
      assert.deepEqual(ofGame.map((playthrough) => playthrough.sessions.length), counts, slug)
      for (const playthrough of ofGame) {
        assert.equal(new Set(playthrough.sessions.map((session) => session.date)).size, playthrough.sessions.length, `${slug}: a session per date`)
        assert.ok(playthrough.sessions.every((session) => session.minutes >= 1 && session.minutes <= 1440 && session.source === 'backloggd'), slug)
        if (playthrough.sessions.length > 0) assert.equal(playthrough.adjustmentMinutes, 0, `${slug}: the sessions hold the whole time`)
      }
    }
  }

  it('imports backloggd-basic.csv, then again (nothing changes), then backloggd-newer.csv (what changed, no second playthrough)', async () => {
    const { db } = current()
    const mira = await signedIn('mira')
    await importIntoEmptyAccount(current(), mira, 'backloggd', 'backloggd-basic.csv', summaryOf({ added: 11, unmatched: 2 }))
    assert.deepEqual(await writtenLibrary(db, mira.id), CSV_BASIC)
    const journal = await writtenJournal(db, mira.id)
    assert.deepEqual(
      journal.map(({ game, date, type, review, spoilers }) => ({ game, date, type, review, spoilers })),
      [
        { game: 'outer-wilds', date: '2020-06-15', type: 'finished', spoilers: true, review: 'Do not look anything up. The ending made me sit in the dark for an hour.' },
        { game: 'celeste', date: '2023-01-21', type: 'finished', spoilers: false, review: 'Climbing as therapy. The B-sides broke me, in a good way.' },
      ],
    )
    const [celesteRun] = await playthroughsOf(db, mira.id, 'celeste')
    assert.equal(journal[1]!.about, celesteRun!.id, 'the review is about the playthrough')

    await assertReimportChangesNothing(current(), mira, 'backloggd', 'backloggd-basic.csv', summaryOf({ unchanged: 11, unmatched: 2 }))

    const newer = await importFixtureFile(current().app, mira.token, 'backloggd', 'backloggd-newer.csv')
    assert.deepEqual(newer.preview.summary, summaryOf({ added: 1, updated: 3, unchanged: 8, unmatched: 2 }))
    assert.deepEqual(await writtenLibrary(db, mira.id), {
      ...CSV_BASIC,
      hades: game([], 9, 'playing 2024-04-02→… 2330 min'),
      'stardew-valley': game(['played'], 7, 'shelved 2020-03-10→… 7875 min'),
      'the-witcher-3-wild-hunt': game(['played'], 9, 'finished main 2020-12-20→2021-02-14 6270 min'),
      'animal-well': game(['played'], 9, 'finished main 2024-05-10→2024-05-19 560 min'),
    })
    assert.equal((await writtenJournal(db, mira.id)).length, 2)
  })

  it('imports backloggd-messy.csv into a fresh account', async () => {
    const { db } = current()
    const mira = await signedIn('mira')
    const preview = await importIntoEmptyAccount(current(), mira, 'backloggd', 'backloggd-messy.csv', summaryOf({ added: 6, unmatched: 4 }))
    assert.deepEqual(
      preview.rows.filter((row) => row.outcome === 'unmatched').map((row) => row.key),
      ['7346', '9242', '999001', '999002'],
    )
    assert.deepEqual(await writtenLibrary(db, mira.id), {
      celeste: game(['liked', 'played'], 10, 'finished main 2023-01-03→2023-01-21 860 min PC'),
      'papers-please': game(['played'], 8, 'finished main 2017-01-02→2017-01-15 390 min PC'),
      // Replay, but no dates or time: no playthrough.
      'hollow-knight': game(['played'], null),
      'nier-automata': game(['liked', 'played'], 9, 'finished main 2023-08-10→2023-09-03 1740 min PlayStation 4'),
      'sid-meiers-civilization-vi': game(['played'], 7, 'playing 2024-01-05→… 12400 min PC'),
      'grim-fandango': game(['played'], 9, 'finished main …→2020-07-02 745 min PC'),
    })
    assert.deepEqual(
      (await writtenJournal(db, mira.id)).map(({ game, review, spoilers }) => ({ game, review, spoilers })),
      [
        { game: 'papers-please', review: 'Glory to Arstotzka.\nLine two of the review, inside the same cell.', spoilers: false },
        { game: 'celeste', review: 'She said "just one more screen", and then it was 3 a.m.', spoilers: false },
      ],
    )
  })

  it('imports backloggd-basic.json (a session per play date), then again (nothing changes), then backloggd-newer.json', async () => {
    const { db } = current()
    const mira = await signedIn('mira')
    await importIntoEmptyAccount(current(), mira, 'backloggd', 'backloggd-basic.json', summaryOf({ added: 12, unmatched: 1 }))
    assert.deepEqual(await writtenLibrary(db, mira.id), JSON_BASIC)
    await assertPlayDates(mira.id, JSON_BASIC_DATES)
    const [terraria] = await playthroughsOf(db, mira.id, 'terraria')
    assert.equal(terraria!.adjustmentMinutes, 5100, 'no play dates: the time is undated')
    assert.deepEqual(
      (await writtenJournal(db, mira.id)).map(({ game, date, type, spoilers }) => ({ game, date, type, spoilers })),
      [
        { game: 'outer-wilds', date: '2020-06-15', type: 'finished', spoilers: true },
        { game: 'celeste', date: '2023-01-21', type: 'finished', spoilers: false },
      ],
    )

    await assertReimportChangesNothing(current(), mira, 'backloggd', 'backloggd-basic.json', summaryOf({ unchanged: 12, unmatched: 1 }))

    const newer = await importFixtureFile(current().app, mira.token, 'backloggd', 'backloggd-newer.json')
    assert.deepEqual(newer.preview.summary, summaryOf({ added: 1, updated: 3, unchanged: 9, unmatched: 1 }))
    assert.deepEqual(await writtenLibrary(db, mira.id), {
      ...JSON_BASIC,
      hades: game([], 9, 'playing 2024-04-02→… 2330 min Nintendo Switch'),
      'stardew-valley': game(['played'], 7, 'shelved 2020-03-10→… 7875 min PC'),
      'the-witcher-3-wild-hunt': game(['played'], 9, 'finished main 2020-12-20→2021-02-14 6270 min PlayStation 4'),
      'animal-well': game(['played'], 9, 'finished main 2024-05-10→2024-05-19 560 min PC'),
    })
    await assertPlayDates(mira.id, { ...JSON_BASIC_DATES, hades: [7], 'stardew-valley': [11], 'animal-well': [3] })
    // The new play dates share what the total gained.
    const [hades] = await playthroughsOf(db, mira.id, 'hades')
    assert.deepEqual(hades!.sessions.slice(-2).map((session) => [session.date, session.minutes]), [['2024-06-15', 233], ['2024-06-29', 232]])
    const [stardew] = await playthroughsOf(db, mira.id, 'stardew-valley')
    assert.deepEqual(stardew!.sessions.slice(-1).map((session) => [session.date, session.minutes]), [['2024-06-20', 675]])
  })

  it('imports backloggd-messy.json into a fresh account', async () => {
    const { db } = current()
    const mira = await signedIn('mira')
    await importIntoEmptyAccount(current(), mira, 'backloggd', 'backloggd-messy.json', summaryOf({ added: 2, unchanged: 1, unmatched: 3 }))
    assert.deepEqual(await writtenLibrary(db, mira.id), {
      celeste: game(['liked', 'played'], 10, 'finished main 2023-01-03→2023-01-21 860 min PC'),
      'nier-automata': game(['played'], 9, 'finished main 2023-08-10→2023-09-03 1740 min PlayStation 4', 'finished main replay 0 min PlayStation 4'),
    })
    const [celeste] = await playthroughsOf(db, mira.id, 'celeste')
    assert.deepEqual([celeste!.sessions, celeste!.adjustmentMinutes], [[], 860], 'play_dates null: the time is undated')
    assert.deepEqual(await playthroughsOf(db, mira.id, 'hollow-knight'), [])
    assert.deepEqual(
      (await writtenJournal(db, mira.id)).map(({ game, review }) => ({ game, review })),
      [{ game: 'nier-automata', review: 'Play to ending E.\nThen play it again.' }],
    )
  })

  it('imports the CSV and then the JSON of one history: the JSON completes the CSV’s playthroughs, nothing twice', async () => {
    const { db } = current()
    const mira = await signedIn('mira')
    await importFixtureFile(current().app, mira.token, 'backloggd', 'backloggd-basic.csv')
    const json = await importFixtureFile(current().app, mira.token, 'backloggd', 'backloggd-basic.json')
    // The ten games of both files: seven gain platforms and sessions, Elden Ring and Baldur's Gate 3 have nothing
    // new; Cuphead, Terraria and Slay the Spire are only in the JSON.
    assert.deepEqual(json.preview.summary, summaryOf({ added: 3, updated: 7, unchanged: 2, unmatched: 1 }))
    // The JSON's playthroughs, with the time the CSV gave them once (not twice); the CSV's own games stay.
    assert.deepEqual(await writtenLibrary(db, mira.id), {
      ...JSON_BASIC,
      'disco-elysium': CSV_BASIC['disco-elysium'],
      inscryption: CSV_BASIC.inscryption,
    })
    await assertPlayDates(mira.id, JSON_BASIC_DATES)
    assert.equal((await writtenJournal(db, mira.id)).length, 2, 'the reviews are the same entries')

    await assertReimportChangesNothing(current(), mira, 'backloggd', 'backloggd-basic.json', summaryOf({ unchanged: 12, unmatched: 1 }))
  })
})
