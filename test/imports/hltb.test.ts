import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseHltb } from '../../src/imports/formats/hltb.js'
import {
  assertKeysDistinct,
  assertRefusedAt,
  assertRows,
  gameRowsOf,
  importFixture,
  rowTitled,
  roundedTitles,
} from '../helpers/import-files.js'
import type { GameRow } from '../../src/imports/rows.js'

// Expectations are test/fixtures/imports/README.md's, section "HowLongToBeat".
const parse = (name: string) => gameRowsOf(parseHltb(importFixture(name)))

/** The rows of a game HLTB lists twice (Disco Elysium), in file order. */
const rowsTitled = (rows: GameRow[], title: string) => rows.filter((row) => row.game.title === title)

describe('parseHltb', () => {
  it('reads hltb-basic.csv: one row per playthrough, marks, the highest completion level with a time, Progress', () => {
    const rows = parse('hltb-basic.csv')
    assert.equal(rows.length, 14)
    assertRows(rows.filter((row) => row.game.title !== 'Disco Elysium'), {
      Celeste: { statuses: ['played'], rating: 10, playthroughs: ['finished main_extras 2023-01-03→2023-01-21 860 min PC steam'] },
      Hades: { statuses: [], rating: 9, playthroughs: ['playing 2024-04-02→… 1865 min Nintendo Switch nintendo'] },
      'Hollow Knight': { statuses: ['played'], rating: 10, playthroughs: ['finished completionist 2022-09-01→2022-11-20 3720 min PC gog'] },
      'The Witcher 3: Wild Hunt': {
        statuses: ['played'],
        rating: 8,
        playthroughs: ['finished main 2020-12-20→2021-02-14 6270 min PlayStation 4 playstation'],
      },
      'Stardew Valley': { statuses: ['played'], rating: 7, playthroughs: ['abandoned 2020-03-10→… 7200 min PC steam'] },
      'Portal 2': { statuses: ['played'], rating: 9, playthroughs: ['finished main 2019-12-20→2019-12-27 520 min PC steam'] },
      'Elden Ring': { statuses: ['backlog'], rating: null, playthroughs: [] },
      'Final Fantasy 7 Remake': {
        statuses: ['played'],
        rating: 9,
        playthroughs: ['finished main 2020-04-10→2020-05-02 1995 min PlayStation 4 physical'],
      },
      'Outer Wilds': { statuses: ['played'], rating: 10, playthroughs: ['finished main 2020-06-01→2020-06-15 1330 min PC epic'] },
      // The Replay mark is HLTB's "want to replay" list: not a replay.
      Portal: { statuses: ['played'], rating: 9, playthroughs: ['finished main 2019-12-14→2019-12-15 185 min PC steam'] },
      Tunic: { statuses: ['played'], rating: 9, playthroughs: ['finished main 2022-03-20→2022-04-02 690 min PC steam'] },
      // Backlog plus a Custom list: the list is ignored.
      'Hollow Knight: Silksong': { statuses: ['backlog'], rating: null, playthroughs: [] },
    })
    // Disco Elysium's two playthroughs, told apart by their line.
    assertRows(
      rowsTitled(rows, 'Disco Elysium').map((row) => ({ ...row, game: { ...row.game, title: `Disco Elysium ${row.line}` } })),
      {
        'Disco Elysium 11': { statuses: ['played'], rating: 9, playthroughs: ['finished main 2021-04-02→2021-05-01 1800 min PC gog'] },
        'Disco Elysium 12': {
          statuses: ['played'],
          rating: 9,
          playthroughs: ['finished main_extras replay 2023-08-01→2023-08-28 1575 min PC gog'],
        },
      },
    )
    assert.deepEqual(roundedTitles(rows), [
      'Hades',
      'Hollow Knight',
      'Stardew Valley',
      'Final Fantasy 7 Remake',
      'Disco Elysium',
      'Disco Elysium',
    ])
    assertKeysDistinct(rows)
  })

  it('keeps Retired Notes as the playthrough’s notes and Review Notes as a journal entry', () => {
    const rows = parse('hltb-basic.csv')
    assert.equal(rowTitled(rows, 'Stardew Valley').playthroughs[0]!.notes, 'Year 3, drifted away')
    const celeste = rowTitled(rows, 'Celeste')
    assert.deepEqual(
      celeste.journal.map((entry) => [entry.date, entry.entryType, entry.review, entry.halfStars, entry.playthroughKey]),
      [['2023-01-21', 'finished', 'Climbing as therapy.', 10, celeste.playthroughs[0]!.key]],
    )
  })

  it('keys a row by its normalized title, platform and playthrough number, and names no id or year', () => {
    const rows = parse('hltb-basic.csv')
    assert.deepEqual(
      rowsTitled(rows, 'Disco Elysium').map((row) => [row.key, row.playthroughs[0]!.key]),
      [
        ['disco elysium|pc#1', 'disco elysium|pc#1'],
        ['disco elysium|pc#2', 'disco elysium|pc#2'],
      ],
    )
    assert.deepEqual(rowTitled(rows, 'Celeste').game, { title: 'Celeste', year: null, steamAppId: null, igdb: null, slug: null })
  })

  it('reads hltb-newer.csv with the same keys: grown times, a changed review score, one game more', () => {
    const basic = parse('hltb-basic.csv')
    const newer = parse('hltb-newer.csv')
    assert.equal(newer.length, 15)
    assert.deepEqual(
      newer.slice(0, basic.length).map((row) => [row.key, row.playthroughs.map((p) => p.key), row.journal.map((e) => e.key)]),
      basic.map((row) => [row.key, row.playthroughs.map((p) => p.key), row.journal.map((e) => e.key)]),
    )
    assert.equal(rowTitled(newer, 'Hades').playthroughs[0]!.totalMinutes, 2200)
    assert.equal(rowTitled(newer, 'Hollow Knight').playthroughs[0]!.totalMinutes, 3865)
    assert.equal(rowTitled(newer, 'Portal 2').rating?.halfStars, 10)
    assertRows(newer.slice(-1), {
      'Animal Well': { statuses: ['played'], rating: 9, playthroughs: ['finished main 2024-05-10→2024-05-19 560 min PC steam'] },
    })
    assert.equal(roundedTitles(newer).length, 7)
  })

  it('reads hltb-messy.csv: 19 reordered columns, ✓ marks, blank and -- times, a date with a time, notes on two lines', () => {
    const rows = parse('hltb-messy.csv')
    assertRows(rows, {
      Celeste: { statuses: ['played'], rating: 10, playthroughs: ['finished main_extras 2023-01-03→2023-01-21 860 min PC steam'] },
      'Papers, Please': { statuses: ['played'], rating: 8, playthroughs: ['finished main 2017-01-02→2017-01-15 390 min PC gog'] },
      // 112:05:40 = 6725.67 min; Playthrough 2 is a replay.
      'hollow knight': { statuses: [], rating: null, playthroughs: ['playing replay 2023-05-02→… 6726 min Nintendo Switch'] },
      // 72:10:20 = 4330.33 min; a Review of 4 is 0.4 half stars, and never less than one.
      'DARK SOULS™ III': { statuses: ['played'], rating: 1, playthroughs: ['finished main_extras …→2021-03-14 4330 min PC steam'] },
      'ファイナルファンタジーVII リメイク': {
        statuses: ['played'],
        rating: 9,
        playthroughs: ['finished main 2020-04-10→2020-05-02 1995 min PlayStation 4 playstation'],
      },
      'Мор (Утопия)': { statuses: ['played'], rating: null, playthroughs: ['abandoned 2019-10-01→… 1125 min PC gog'] },
      'رمال الشرق': { statuses: ['backlog'], rating: null, playthroughs: [] },
      // In the backlog with 45 minutes of Progress: the time is kept, on a shelved playthrough.
      '"Cosmic" Crusade, Deluxe': { statuses: ['backlog'], rating: 4, playthroughs: ['shelved 45 min PC itch'] },
      // 0:59:59 is 60 minutes.
      'Baldurs Gate III': { statuses: [], rating: null, playthroughs: ['playing 2023-08-03→… 60 min PC steam'] },
    })
    assert.deepEqual(roundedTitles(rows), ['DARK SOULS™ III', 'ファイナルファンタジーVII リメイク', '"Cosmic" Crusade, Deluxe'])
    assert.equal(rowTitled(rows, 'hollow knight').playthroughs[0]!.notes, 'Steel Soul run.\nSecond line of the note.')
    assert.equal(rowTitled(rows, 'Celeste').journal[0]?.review, 'She said "one more screen", then it was 3 a.m.')
    // Trailing spaces and letter case do not change a key: the messy Celeste is the basic one.
    assert.equal(rowTitled(rows, 'Celeste').key, rowTitled(parse('hltb-basic.csv'), 'Celeste').key)
    assertKeysDistinct(rows)
  })

  it('refuses hltb-malformed.csv at the Main Story time that is not H:MM:SS: line 4, column 55', () => {
    const message = assertRefusedAt(() => parseHltb(importFixture('hltb-malformed.csv')), 4, 55)
    assert.match(message, /Main Story/)
  })
})
