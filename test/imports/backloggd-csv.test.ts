import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseBackloggdCsv } from '../../src/imports/formats/backloggd.js'
import {
  assertKeysDistinct,
  assertKeysStable,
  assertRefusedAt,
  assertRows,
  gameRowsOf,
  importFixture,
  rowTitled,
  roundedTitles,
} from '../helpers/import-files.js'

// Expectations are test/fixtures/imports/README.md's, section "Backloggd".
const parse = (name: string) => gameRowsOf(parseBackloggdCsv(importFixture(name)))

describe('parseBackloggdCsv', () => {
  it('reads backloggd-basic.csv: statuses, ratings, the first playthrough with the time rules, reviews', () => {
    const rows = parse('backloggd-basic.csv')
    assertRows(rows, {
      Celeste: { statuses: ['played', 'liked'], rating: 10, playthroughs: ['finished main 2023-01-03→2023-01-21 860 min'] },
      Hades: { statuses: [], rating: 9, playthroughs: ['playing 2024-04-02→… 1865 min'] },
      // Played 62:00 wins over to-master 61:15.
      'Hollow Knight': { statuses: ['played'], rating: 9, playthroughs: ['finished mastered 2022-09-01→2022-11-20 3720 min'] },
      'The Witcher 3: Wild Hunt - Game of the Year Edition': {
        statuses: ['played'],
        rating: 8,
        playthroughs: ['finished main 2020-12-20→2021-02-14 6270 min'],
      },
      'Stardew Valley': { statuses: ['played'], rating: 7, playthroughs: ['shelved 2020-03-10→… 7200 min'] },
      // Hours/Minutes to Finish, the others being blank.
      'Portal 2': { statuses: ['played', 'liked'], rating: 10, playthroughs: ['finished main 2019-12-20→2019-12-27 520 min'] },
      'Elden Ring': { statuses: ['backlog'], rating: null, playthroughs: [] },
      "Baldur's Gate 3": { statuses: ['wishlist'], rating: null, playthroughs: [] },
      'Outer Wilds': { statuses: ['played'], rating: 10, playthroughs: ['finished main 2020-06-01→2020-06-15 1330 min'] },
      'Disco Elysium': { statuses: ['played'], rating: 9, playthroughs: ['finished main replay 2023-08-01→2023-08-28 1800 min'] },
      Tunic: { statuses: ['played'], rating: 8, playthroughs: ['finished main 2022-03-20→2022-04-02 690 min'] },
      'Hollow Knight: Silksong': { statuses: ['wishlist'], rating: null, playthroughs: [] },
      // Played, but no date and no time: no playthrough.
      Inscryption: { statuses: ['played', 'liked'], rating: 6, playthroughs: [] },
    })
    assert.deepEqual(roundedTitles(rows), [])
    assert.deepEqual(
      rows.map((row) => row.line),
      Array.from({ length: 13 }, (_, i) => i + 2),
    )
    assertKeysDistinct(rows)
  })

  it('turns reviews into journal entries dated the finish, with their spoilers flag, on the playthrough', () => {
    const rows = parse('backloggd-basic.csv')
    const celeste = rowTitled(rows, 'Celeste')
    assert.deepEqual(celeste.journal, [
      {
        key: '26226#review',
        date: '2023-01-21',
        entryType: 'finished',
        platform: null,
        review: 'Climbing as therapy. The B-sides broke me, in a good way.',
        spoilers: false,
        liked: true,
        halfStars: 10,
        playthroughKey: '26226#1',
      },
    ])
    const outerWilds = rowTitled(rows, 'Outer Wilds').journal
    assert.deepEqual(
      outerWilds.map((entry) => [entry.date, entry.entryType, entry.spoilers]),
      [['2020-06-15', 'finished', true]],
    )
    assert.deepEqual(
      rows.filter((row) => row.journal.length > 0).map((row) => row.game.title),
      ['Celeste', 'Outer Wilds'],
    )
  })

  it('names games by title and by IGDB id (Backloggd ID), and keys rows by ID and the playthrough as #1', () => {
    const celeste = rowTitled(parse('backloggd-basic.csv'), 'Celeste')
    assert.deepEqual(celeste.game, { title: 'Celeste', year: null, steamAppId: null, igdb: '26226', slug: null })
    assert.equal(celeste.key, '26226')
    assert.deepEqual(
      celeste.playthroughs.map((p) => p.key),
      ['26226#1'],
    )
  })

  it('reads backloggd-newer.csv with the same keys: grown times, a changed rating, one game more', () => {
    const basic = parse('backloggd-basic.csv')
    const newer = parse('backloggd-newer.csv')
    assert.equal(newer.length, 14)
    assertKeysStable(basic, newer)
    assert.equal(rowTitled(newer, 'Hades').playthroughs[0]!.totalMinutes, 2330)
    assert.equal(rowTitled(newer, 'Stardew Valley').playthroughs[0]!.totalMinutes, 7875)
    assert.equal(rowTitled(newer, 'The Witcher 3: Wild Hunt - Game of the Year Edition').rating?.halfStars, 9)
    assertRows(newer.slice(-1), {
      'Animal Well': { statuses: ['played'], rating: 9, playthroughs: ['finished main 2024-05-10→2024-05-19 560 min'] },
    })
    // Nothing else changed.
    const unchanged = (rows: typeof basic) =>
      rows.filter((row) => !['Hades', 'Stardew Valley', 'The Witcher 3: Wild Hunt - Game of the Year Edition', 'Animal Well'].includes(row.game.title!))
    assert.deepEqual(
      unchanged(newer).map(({ line: _line, ...row }) => row),
      unchanged(basic).map(({ line: _line, ...row }) => row),
    )
    assert.deepEqual(roundedTitles(newer), [])
  })

  it('reads backloggd-messy.csv: BOM, CRLF, reordered columns, a Platform column, odd booleans and dates, quotes', () => {
    const rows = parse('backloggd-messy.csv')
    assertRows(rows, {
      Celeste: { statuses: ['played', 'liked'], rating: 10, playthroughs: ['finished main 2023-01-03→2023-01-21 860 min PC'] },
      'Papers, Please': { statuses: ['played'], rating: 8, playthroughs: ['finished main 2017-01-02→2017-01-15 390 min PC'] },
      // Replay true, but no date and no time: no playthrough.
      'hollow knight': { statuses: ['played'], rating: null, playthroughs: [] },
      'NieR: Automata': {
        statuses: ['played', 'liked'],
        rating: 9,
        playthroughs: ['finished main 2023-08-10→2023-09-03 1740 min PlayStation 4'],
      },
      'ゼルダの伝説 ブレス オブ ザ ワイルド': {
        statuses: ['played'],
        rating: 10,
        playthroughs: ['finished main 2017-03-03→2017-05-01 5700 min Nintendo Switch'],
      },
      'Мор (Утопия)': { statuses: ['played'], rating: 7, playthroughs: ['shelved 2019-10-01→… 1125 min PC'] },
      'رمال الشرق': { statuses: ['backlog'], rating: null, playthroughs: [] },
      '"Cosmic" Crusade, Deluxe': { statuses: ['played'], rating: 4, playthroughs: ['shelved 125 min PC'] },
      // Currently Playing wins over Played.
      "Sid Meier's Civilization® VI": { statuses: ['played'], rating: 7, playthroughs: ['playing 2024-01-05→… 12400 min PC'] },
      // From to-Finish 12:25, finished with no start.
      'Grim Fandango Remastered': { statuses: ['played'], rating: 9, playthroughs: ['finished main …→2020-07-02 745 min PC'] },
    })
    assert.deepEqual(roundedTitles(rows), [])
    assertKeysDistinct(rows)
  })

  it('keeps the messy file’s reviews whole: doubled quotes, a line break inside the cell', () => {
    const rows = parse('backloggd-messy.csv')
    assert.equal(rowTitled(rows, 'Celeste').journal[0]?.review, 'She said "just one more screen", and then it was 3 a.m.')
    const papers = rowTitled(rows, 'Papers, Please')
    assert.deepEqual(
      papers.journal.map((entry) => [entry.review, entry.spoilers, entry.date]),
      [['Glory to Arstotzka.\nLine two of the review, inside the same cell.', false, '2017-01-15']],
    )
    // The review spans lines 3 and 4: the next row starts on line 5.
    assert.deepEqual(
      rows.slice(0, 4).map((row) => row.line),
      [2, 3, 5, 6],
    )
  })

  it('shares keys with backloggd-basic.csv for the games both files hold (Celeste: same ID, same playthrough #1)', () => {
    const basic = rowTitled(parse('backloggd-basic.csv'), 'Celeste')
    const messy = rowTitled(parse('backloggd-messy.csv'), 'Celeste')
    assert.equal(messy.key, basic.key)
    assert.deepEqual(
      messy.playthroughs.map((p) => p.key),
      basic.playthroughs.map((p) => p.key),
    )
  })

  it('refuses backloggd-malformed.csv at the quote that is never closed: line 5, column 135', () => {
    const message = assertRefusedAt(() => parseBackloggdCsv(importFixture('backloggd-malformed.csv')), 5, 135)
    assert.match(message, /quote/i)
  })
})
