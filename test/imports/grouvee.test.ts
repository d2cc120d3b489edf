import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseGrouvee } from '../../src/imports/formats/grouvee.js'
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

// Expectations are test/fixtures/imports/README.md's, section "Grouvee".
const parse = (name: string) => gameRowsOf(parseGrouvee(importFixture(name)))

describe('parseGrouvee', () => {
  it('reads grouvee-basic.csv: shelves, ratings 1–5, one playthrough per dates object, platforms when only one', () => {
    const rows = parse('grouvee-basic.csv')
    assertRows(rows, {
      Celeste: { statuses: ['played'], rating: 10, playthroughs: ['finished main 2023-01-03→2023-01-21 860 min PC'] },
      // The Playing shelf makes the last playthrough playing; it is no library status.
      Hades: { statuses: [], rating: 8, playthroughs: ['playing 2024-04-02→… 1865 min Nintendo Switch'] },
      // Two platforms: none. 97250 s = 1620.83 min.
      'Hollow Knight': {
        statuses: ['played'],
        rating: 10,
        playthroughs: [
          'finished main_extras 2022-09-01→2022-11-20 2340 min',
          'finished completionist replay 2023-05-02→2023-06-30 1621 min',
        ],
      },
      'The Witcher 3: Wild Hunt': {
        statuses: ['played'],
        rating: 8,
        playthroughs: ['finished main 2020-12-20→2021-02-14 6270 min PlayStation 4'],
      },
      // The custom shelf Cozy is ignored.
      'Stardew Valley': { statuses: ['played'], rating: 6, playthroughs: ['shelved 2020-03-10→… 7200 min PC'] },
      'Portal 2': { statuses: ['played'], rating: 10, playthroughs: ['finished main 2019-12-20→2019-12-27 520 min PC'] },
      'Elden Ring': { statuses: ['backlog'], rating: null, playthroughs: [] },
      "Baldur's Gate III": { statuses: ['wishlist'], rating: null, playthroughs: [] },
      'Outer Wilds': { statuses: ['played'], rating: 10, playthroughs: ['finished main_extras 2020-06-01→2020-06-15 1330 min PC'] },
      'NieR: Automata': {
        statuses: ['played'],
        rating: 8,
        playthroughs: ['finished main 2023-08-10→2023-09-03 1740 min PlayStation 4'],
      },
      'Hollow Knight: Silksong': { statuses: ['wishlist'], rating: null, playthroughs: [] },
      Cuphead: { statuses: ['played'], rating: 4, playthroughs: [] },
    })
    assert.deepEqual(roundedTitles(rows), [])
    assertKeysDistinct(rows)
  })

  it('gives the year of release_date for matching (none when blank) and keys by id, playthroughs by their index', () => {
    const rows = parse('grouvee-basic.csv')
    assert.deepEqual(rowTitled(rows, 'Celeste').game, { title: 'Celeste', year: 2018, steamAppId: null, igdb: null, slug: null })
    assert.equal(rowTitled(rows, 'Hollow Knight: Silksong').game.year, null)
    const hollowKnight = rowTitled(rows, 'Hollow Knight')
    assert.equal(hollowKnight.key, '78334')
    assert.deepEqual(
      hollowKnight.playthroughs.map((p) => p.key),
      ['78334#1', '78334#2'],
    )
  })

  it('turns reviews into entries dated the last finish, about that playthrough', () => {
    const rows = parse('grouvee-basic.csv')
    assert.deepEqual(rowTitled(rows, 'Celeste').journal, [
      {
        key: '120488#review',
        date: '2023-01-21',
        entryType: 'finished',
        platform: 'PC',
        review: 'Climbing as therapy.',
        spoilers: false,
        liked: false,
        halfStars: 10,
        playthroughKey: '120488#1',
      },
    ])
    assert.deepEqual(
      rows.filter((row) => row.journal.length > 0).map((row) => [row.game.title, row.journal[0]!.review, row.journal[0]!.date]),
      [
        ['Celeste', 'Climbing as therapy.', '2023-01-21'],
        ['The Witcher 3: Wild Hunt', 'Gwent ate a third of my play time.', '2021-02-14'],
      ],
    )
  })

  it('reads grouvee-newer.csv with the same keys: grown times, a changed rating, one game more', () => {
    const basic = parse('grouvee-basic.csv')
    const newer = parse('grouvee-newer.csv')
    assert.equal(newer.length, 13)
    assertKeysStable(basic, newer)
    assert.equal(rowTitled(newer, 'Hades').playthroughs[0]!.totalMinutes, 2330)
    assert.equal(rowTitled(newer, 'Stardew Valley').playthroughs[0]!.totalMinutes, 7875)
    assert.equal(rowTitled(newer, 'The Witcher 3: Wild Hunt').rating?.halfStars, 10)
    assertRows(newer.slice(-1), {
      'Animal Well': { statuses: ['played'], rating: 10, playthroughs: ['finished main 2024-05-10→2024-05-19 560 min PC'] },
    })
  })

  it('reads grouvee-messy.csv: newer and reordered columns, blank dates, a year-only release date, quotes', () => {
    const rows = parse('grouvee-messy.csv')
    assertRows(rows, {
      Celeste: { statuses: ['played'], rating: 10, playthroughs: ['finished main 2023-01-03→2023-01-21 860 min PC'] },
      'Papers, Please': { statuses: ['played'], rating: 8, playthroughs: ['finished main 2017-01-02→2017-01-15 390 min'] },
      DOOM: { statuses: ['played'], rating: 8, playthroughs: ['finished main 2016-05-14→2016-06-01 840 min PC'] },
      'ゼルダの伝説 ブレス オブ ザ ワイルド': {
        statuses: ['played'],
        rating: 10,
        playthroughs: ['finished completionist 2017-03-03→2017-05-01 5700 min Nintendo Switch'],
      },
      'Мор (Утопия)': { statuses: ['played'], rating: null, playthroughs: ['shelved 2019-10-01→… 1125 min PC'] },
      'رمال الشرق': { statuses: ['wishlist'], rating: null, playthroughs: [] },
      '"Cosmic" Crusade, Deluxe': { statuses: ['backlog'], rating: 2, playthroughs: [] },
      "Sid Meier's Civilization VI": { statuses: [], rating: 8, playthroughs: ['playing 2024-01-05→… 12400 min PC'] },
      // A blank dates cell: no playthroughs.
      'hollow knight': { statuses: ['played'], rating: null, playthroughs: [] },
    })
    assert.deepEqual(roundedTitles(rows), [])
    assert.deepEqual(
      rows.map((row) => [row.game.year, row.game.igdb]),
      [
        [2018, '26226'],
        [2013, null],
        [2016, '7351'],
        [2017, '7346'],
        [2005, null],
        [null, null],
        [2021, null],
        [2016, '10919'],
        [2017, '14593'],
      ],
    )
    assert.deepEqual(
      rowTitled(rows, 'Celeste').journal.map((entry) => entry.review),
      ['She said "one more screen".\nIt was 3 a.m.'],
    )
  })

  it('refuses grouvee-malformed.csv at the shelves cell that is not JSON: line 3, column 14', () => {
    const message = assertRefusedAt(() => parseGrouvee(importFixture('grouvee-malformed.csv')), 3, 14)
    assert.match(message, /shelves/)
  })
})
