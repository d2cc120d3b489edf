import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parsePlaynite } from '../../src/imports/formats/playnite.js'
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

// Expectations are test/fixtures/imports/README.md's, section "Playnite".
const parse = (name: string) => gameRowsOf(parsePlaynite(importFixture(name)))

describe('parsePlaynite', () => {
  it('reads playnite-basic.csv: completion statuses, decimal hours, sources, platforms, last activity, favorites', () => {
    const rows = parse('playnite-basic.csv')
    assertRows(rows, {
      // 14.33 h = 859.8 min.
      Celeste: { statuses: ['played', 'liked'], rating: 10, playthroughs: ['finished main 860 min PC steam last 2023-01-21'] },
      Hades: { statuses: [], rating: 9, playthroughs: ['playing 1865 min Nintendo Switch nintendo last 2024-05-30'] },
      'Hollow Knight': {
        statuses: ['played', 'liked'],
        rating: 9,
        playthroughs: ['finished completionist 3720 min PC gog last 2022-11-20'],
      },
      'The Witcher 3: Wild Hunt - Game of the Year Edition': {
        statuses: ['played'],
        rating: 8,
        playthroughs: ['finished main 6270 min PC gog last 2021-02-14'],
      },
      'Stardew Valley': { statuses: ['played'], rating: 7, playthroughs: ['shelved 7200 min PC steam last 2020-05-15'] },
      'Portal 2': { statuses: ['played'], rating: 10, playthroughs: ['finished main 520 min PC steam last 2019-12-27'] },
      'ELDEN RING': { statuses: ['backlog'], rating: null, playthroughs: [] },
      "Baldur's Gate 3": { statuses: ['backlog'], rating: null, playthroughs: [] },
      Cuphead: { statuses: ['played'], rating: 6, playthroughs: ['abandoned 390 min PC steam last 2021-05-02'] },
      'Outer Wilds': { statuses: ['played'], rating: null, playthroughs: ['shelved 555 min PC epic last 2020-06-10'] },
      'DARK SOULS™ III': { statuses: ['played'], rating: 9, playthroughs: ['finished main 4330 min PC steam last 2021-03-14'] },
      'Wallpaper Engine': { statuses: ['played'], rating: null, playthroughs: ['shelved 2250 min PC steam last 2024-05-31'] },
      "Sid Meier's Civilization® VI": { statuses: ['liked'], rating: 8, playthroughs: ['playing 12400 min PC epic last 2024-05-29'] },
    })
    assert.deepEqual(roundedTitles(rows), ['Hades', 'Hollow Knight', 'Portal 2', 'Cuphead', "Sid Meier's Civilization® VI"])
    assert.equal(rowTitled(rows, 'Cuphead').playthroughs[0]!.notes, 'Too hard for me right now')
    assert.ok(rows.every((row) => row.journal.length === 0 && row.notes.length === 0))
    assertKeysDistinct(rows)
  })

  it('gives the release year for matching and keys rows by the normalized name', () => {
    const rows = parse('playnite-basic.csv')
    assert.deepEqual(rowTitled(rows, 'Celeste').game, { title: 'Celeste', year: 2018, steamAppId: null, igdb: null, slug: null })
    const darkSouls = rowTitled(rows, 'DARK SOULS™ III')
    assert.deepEqual([darkSouls.key, darkSouls.playthroughs[0]!.key], ['dark souls iii', 'dark souls iii#1'])
  })

  it('reads playnite-newer.csv with the same keys: grown times, a new last activity, a changed score, one game more', () => {
    const basic = parse('playnite-basic.csv')
    const newer = parse('playnite-newer.csv')
    assert.equal(newer.length, 14)
    assertKeysStable(basic, newer)
    assert.equal(rowTitled(newer, 'Hades').playthroughs[0]!.totalMinutes, 2130)
    assert.equal(rowTitled(newer, 'Hades').playthroughs[0]!.lastPlayedOn, '2024-07-12')
    assert.equal(rowTitled(newer, "Sid Meier's Civilization® VI").playthroughs[0]!.totalMinutes, 12900)
    assert.equal(rowTitled(newer, 'Stardew Valley').rating?.halfStars, 8)
    assertRows(newer.slice(-1), {
      Balatro: { statuses: [], rating: 9, playthroughs: ['playing 735 min PC steam last 2024-07-13'] },
    })
    assert.equal(roundedTitles(newer).length, 5)
  })

  it('reads playnite-messy.csv: seconds, spaced and reordered headers, US dates, a renamed status, notes with quotes', () => {
    const rows = parse('playnite-messy.csv')
    assertRows(rows, {
      Celeste: { statuses: ['played', 'liked'], rating: 10, playthroughs: ['finished main 860 min PC steam last 2023-01-21'] },
      'Papers, Please': { statuses: ['played'], rating: 8, playthroughs: ['finished completionist 390 min PC gog last 2017-01-15'] },
      // "Finished" is no status of Playnite's: played, shelved as there is time. 97250 s = 1620.83 min.
      'hollow knight': { statuses: ['played'], rating: null, playthroughs: ['shelved 1621 min PC gog last 2023-06-30'] },
      'Grim Fandango Remastered': { statuses: ['played'], rating: 7, playthroughs: ['finished main 745 min PC steam last 2020-07-02'] },
      'ペルソナ５ ザ・ロイヤル': {
        statuses: ['played', 'liked'],
        rating: 10,
        playthroughs: ['finished completionist 3960 min PC steam last 2023-12-29'],
      },
      'Мор (Утопия)': { statuses: ['played'], rating: null, playthroughs: ['abandoned 1125 min PC gog last 2019-10-20'] },
      'رمال الشرق': { statuses: ['backlog'], rating: null, playthroughs: [] },
      // 7520 s = 125.33 min; a score of 4 is one half star at least.
      '"Cosmic" Crusade, Deluxe': { statuses: ['played'], rating: 1, playthroughs: ['shelved 125 min PC itch last 2024-02-03'] },
      // A blank status and no time: the backlog.
      'Elden Ring': { statuses: ['backlog'], rating: null, playthroughs: [] },
    })
    assert.deepEqual(roundedTitles(rows), ['Grim Fandango Remastered', 'ペルソナ５ ザ・ロイヤル', '"Cosmic" Crusade, Deluxe'])
    assert.equal(rowTitled(rows, 'Celeste').playthroughs[0]!.notes, 'She said "one more screen".\nThen it was 3 a.m.')
    assert.deepEqual(
      rows.filter((row) => row.notes.length > 0).map((row) => [row.game.title, row.notes.length]),
      [['hollow knight', 1]],
    )
    assert.match(rowTitled(rows, 'hollow knight').notes[0]!, /"Finished"/)
    assert.deepEqual(
      rows.map((row) => row.game.year),
      [2018, 2013, null, 2015, null, null, null, null, 2022],
    )
    // Letter case and a trailing space do not change a key: the messy Celeste is the basic one.
    assert.equal(rowTitled(rows, 'Celeste').key, rowTitled(parse('playnite-basic.csv'), 'Celeste').key)
  })

  it('refuses playnite-malformed.csv, whose header has no Name column, on line 1', () => {
    const message = assertRefusedAt(() => parsePlaynite(importFixture('playnite-malformed.csv')), 1, null)
    assert.match(message, /"Name"/)
  })

  it('keys a name the library holds twice apart, and skips a row with no name', () => {
    const rows = parsePlaynite('Name,Source,Completion Status\nCeleste,Steam,Beaten\n,GOG,Played\nceleste ,GOG,Beaten\n')
    assert.deepEqual(
      rows.map((row) => [row.kind, row.key, row.line]),
      [
        ['game', 'celeste', 2],
        ['skipped', 'line 3', 3],
        ['game', 'celeste (2)', 4],
      ],
    )
  })
})
