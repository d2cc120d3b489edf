import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseBackloggdJson } from '../../src/imports/formats/backloggd-json.js'
import type { GameRow, ImportedPlaythrough } from '../../src/imports/rows.js'
import { assertRefusedAt, gameRowsOf as gameRows, importFixture as fixture } from '../helpers/import-files.js'

const minutesOf = (playthrough: ImportedPlaythrough) =>
  playthrough.sessions.reduce((sum, session) => sum + session.minutes, 0) + playthrough.adjustmentMinutes

/** A playthrough as the README's tables give it. */
const shownPlaythrough = (playthrough: ImportedPlaythrough) => ({
  key: playthrough.key,
  status: playthrough.status,
  completion: playthrough.completion,
  platform: playthrough.platform,
  from: playthrough.startedOn,
  to: playthrough.finishedOn,
  replay: playthrough.replay,
  minutes: minutesOf(playthrough),
  dates: playthrough.sessions.length,
})

const shown = (row: GameRow) => ({
  key: row.key,
  title: row.game.title,
  statuses: row.statuses,
  halfStars: row.rating?.halfStars ?? null,
  playthroughs: row.playthroughs.map(shownPlaythrough),
})

type Shown = ReturnType<typeof shownPlaythrough>
const played = (
  key: string,
  status: Shown['status'],
  completion: Shown['completion'],
  platform: string | null,
  [from, to]: [string | null, string | null],
  minutes: number,
  dates: number,
  replay = false,
): Shown => ({ key, status, completion, platform, from, to, replay, minutes, dates })

const BASIC = [
  {
    key: '26226',
    title: 'Celeste',
    statuses: ['played', 'liked'],
    halfStars: 10,
    playthroughs: [
      played('26226#1', 'finished', 'main', 'PC', ['2023-01-03', '2023-01-21'], 860, 4),
      played('26226#2', 'finished', 'mastered', 'Nintendo Switch', ['2024-02-01', '2024-02-18'], 360, 3, true),
    ],
  },
  {
    key: '113112',
    title: 'Hades',
    statuses: [],
    halfStars: 9,
    playthroughs: [played('113112#1', 'playing', null, 'Nintendo Switch', ['2024-04-02', null], 1865, 5)],
  },
  {
    key: '14593',
    title: 'Hollow Knight',
    statuses: ['played'],
    halfStars: 9,
    playthroughs: [played('14593#1', 'finished', 'mastered', 'PC', ['2022-09-01', '2022-11-20'], 3720, 7)],
  },
  {
    key: '55038',
    title: 'The Witcher 3: Wild Hunt - Game of the Year Edition',
    statuses: ['played'],
    halfStars: 8,
    playthroughs: [played('55038#1', 'finished', 'main', 'PlayStation 4', ['2020-12-20', '2021-02-14'], 6270, 8)],
  },
  {
    key: '17000',
    title: 'Stardew Valley',
    statuses: ['played'],
    halfStars: 7,
    playthroughs: [played('17000#1', 'shelved', null, 'PC', ['2020-03-10', null], 7200, 10)],
  },
  {
    key: '72',
    title: 'Portal 2',
    statuses: ['played', 'liked'],
    halfStars: 10,
    playthroughs: [played('72#1', 'finished', 'main', 'PC', ['2019-12-20', '2019-12-27'], 520, 2)],
  },
  { key: '119133', title: 'Elden Ring', statuses: ['backlog'], halfStars: null, playthroughs: [] },
  { key: '119171', title: "Baldur's Gate 3", statuses: ['wishlist'], halfStars: null, playthroughs: [] },
  {
    key: '11737',
    title: 'Outer Wilds',
    statuses: ['played'],
    halfStars: 10,
    playthroughs: [played('11737#1', 'finished', 'main', 'PC', ['2020-06-01', '2020-06-15'], 1330, 3)],
  },
  {
    key: '9061',
    title: 'Cuphead',
    statuses: ['played'],
    halfStars: 5,
    playthroughs: [played('9061#1', 'abandoned', null, 'Xbox One', ['2021-05-01', null], 390, 2)],
  },
  {
    key: '1879',
    title: 'Terraria',
    statuses: ['played'],
    halfStars: 8,
    // Retired: finished, no completion level; no play dates, so no sessions.
    playthroughs: [played('1879#1', 'finished', null, 'PC', ['2015-06-01', '2016-01-10'], 5100, 0)],
  },
  {
    key: '18225',
    title: 'Slay the Spire',
    statuses: ['played'],
    halfStars: 8,
    playthroughs: [played('18225#1', 'shelved', null, 'PC', ['2021-11-01', null], 2400, 3)],
  },
  {
    key: '23733',
    title: 'Tunic',
    statuses: ['played'],
    halfStars: 8,
    playthroughs: [played('23733#1', 'finished', 'main', 'PC', ['2022-03-20', '2022-04-02'], 690, 2)],
  },
]

describe('parseBackloggdJson', () => {
  it('backloggd-basic.json: statuses, every playthrough with its time over its play dates, ratings never rounded', () => {
    const rows = gameRows(parseBackloggdJson(fixture('backloggd-basic.json')))
    assert.deepEqual(rows.map(shown), BASIC)
    for (const row of rows) {
      assert.deepEqual(row.game, { title: row.game.title, year: null, steamAppId: null, igdb: row.key, slug: null })
      assert.equal(row.rating?.rounded ?? false, false)
      assert.deepEqual(row.notes, [])
    }
  })

  it('makes a session of each play date, 1 to 1,440 minutes, adding up to the time; without dates the time is an adjustment', () => {
    const file = JSON.parse(fixture('backloggd-basic.json'))
    const rows = gameRows(parseBackloggdJson(fixture('backloggd-basic.json')))
    rows.forEach((row, index) =>
      row.playthroughs.forEach((playthrough, number) => {
        const dates: string[] = file.games[index].playthroughs[number].play_dates
        assert.deepEqual(
          playthrough.sessions.map((session) => [session.key, session.date]),
          dates.map((date) => [`${playthrough.key}@${date}`, date]),
        )
        for (const session of playthrough.sessions) assert.ok(session.minutes >= 1 && session.minutes <= 1440, session.key)
        assert.equal(playthrough.adjustmentMinutes, dates.length === 0 ? minutesOf(playthrough) : 0)
        assert.equal(playthrough.totalMinutes, null)
      }),
    )
    const celeste = rows[0]?.playthroughs[0]
    assert.deepEqual(
      celeste?.sessions.map((session) => session.minutes),
      [215, 215, 215, 215],
    )
    assert.deepEqual(
      rows.find((row) => row.key === '11737')?.playthroughs[0]?.sessions.map((session) => session.minutes),
      [444, 443, 443],
    )
  })

  it('files each review as a journal entry keyed <ID>#review, dated by the first playthrough as the CSV does', () => {
    const rows = gameRows(parseBackloggdJson(fixture('backloggd-basic.json')))
    const journal = rows.flatMap((row) => row.journal)
    assert.deepEqual(journal, [
      {
        key: '26226#review',
        date: '2023-01-21',
        entryType: 'finished',
        platform: 'PC',
        review: 'Climbing as therapy. The B-sides broke me, in a good way.',
        spoilers: false,
        liked: true,
        halfStars: 10,
        playthroughKey: '26226#1',
      },
      {
        key: '11737#review',
        date: '2020-06-15',
        entryType: 'finished',
        platform: 'PC',
        review: 'Do not look anything up. The ending made me sit in the dark for an hour.',
        spoilers: true,
        liked: false,
        halfStars: 10,
        playthroughKey: '11737#1',
      },
    ])
  })

  it('backloggd-newer.json: the same keys, the grown times and new dates, the changed rating, the added game', () => {
    const basic = new Map(gameRows(parseBackloggdJson(fixture('backloggd-basic.json'))).map((row) => [row.key, row]))
    const newer = gameRows(parseBackloggdJson(fixture('backloggd-newer.json')))
    assert.equal(newer.length, 14)
    const changed = new Set(['113112', '17000', '55038', '250634'])
    for (const row of newer.filter((row) => !changed.has(row.key))) assert.deepEqual(row, basic.get(row.key), row.key)
    const byKey = new Map(newer.map((row) => [row.key, row]))

    const hades = byKey.get('113112')?.playthroughs[0]
    assert.equal(hades?.key, '113112#1')
    assert.equal(hades && minutesOf(hades), 2330)
    assert.deepEqual(hades?.sessions.slice(-2).map((session) => session.key), ['113112#1@2024-06-15', '113112#1@2024-06-29'])
    const stardew = byKey.get('17000')?.playthroughs[0]
    assert.equal(stardew && minutesOf(stardew), 7875)
    assert.equal(stardew?.sessions.at(-1)?.date, '2024-06-20')
    assert.deepEqual(byKey.get('55038')?.rating, { halfStars: 9, rounded: false })
    assert.deepEqual(byKey.get('55038')?.playthroughs, basic.get('55038')?.playthroughs)
    const animalWell = byKey.get('250634')
    assert.ok(animalWell)
    assert.deepEqual(shown(animalWell), {
      key: '250634',
      title: 'Animal Well',
      statuses: ['played'],
      halfStars: 9,
      playthroughs: [played('250634#1', 'finished', 'main', 'PC', ['2024-05-10', '2024-05-19'], 560, 3)],
    })
    // Every key of the basic file, of games, playthroughs and sessions kept, is still there.
    const keysOf = (rows: Iterable<GameRow>) =>
      [...rows].flatMap((row) => [row.key, ...row.playthroughs.map((playthrough) => playthrough.key), ...row.journal.map((entry) => entry.key)])
    const newerKeys = new Set(keysOf(newer))
    assert.deepEqual(keysOf(basic.values()).filter((key) => !newerKeys.has(key)), [])
  })

  it('backloggd-messy.json: BOM, extra and left-out keys, nulls as false or empty, non-Latin names', () => {
    const rows = gameRows(parseBackloggdJson(fixture('backloggd-messy.json')))
    assert.deepEqual(rows.map(shown), [
      {
        key: '26226',
        title: 'Celeste™',
        statuses: ['played', 'liked'],
        halfStars: 10,
        // play_dates null: the time is the adjustment.
        playthroughs: [played('26226#1', 'finished', 'main', 'PC', ['2023-01-03', '2023-01-21'], 860, 0)],
      },
      {
        key: '7346',
        title: 'ゼルダの伝説 ブレス オブ ザ ワイルド',
        statuses: ['played'],
        halfStars: 10,
        playthroughs: [played('7346#1', 'finished', 'main', 'Nintendo Switch', ['2017-03-03', '2017-05-01'], 5700, 0)],
      },
      {
        key: '9242',
        title: 'Мор (Утопия)',
        statuses: ['played'],
        halfStars: null,
        playthroughs: [played('9242#1', 'abandoned', null, null, [null, null], 1125, 0)],
      },
      { key: '999001', title: 'رمال الشرق', statuses: ['backlog'], halfStars: null, playthroughs: [] },
      {
        key: '11156',
        title: 'NieR: Automata',
        statuses: ['played'],
        halfStars: 9,
        playthroughs: [
          played('11156#1', 'finished', 'main', 'PlayStation 4', ['2023-08-10', '2023-09-03'], 1740, 3),
          played('11156#2', 'finished', 'main', 'PlayStation 4', [null, null], 0, 0, true),
        ],
      },
      { key: '14593', title: 'HOLLOW KNIGHT', statuses: [], halfStars: null, playthroughs: [] },
    ])
    const celeste = rows[0]?.playthroughs[0]
    assert.equal(celeste?.difficulty, 'Assist mode off')
    const nier = rows[4]
    assert.deepEqual(
      nier?.playthroughs.map((playthrough) => playthrough.notes),
      ['Route A', 'Route C'],
    )
    assert.deepEqual(
      nier?.journal.map((entry) => [entry.key, entry.review, entry.date, entry.playthroughKey]),
      [['11156#review', 'Play to ending E.\nThen play it again.', '2023-09-03', '11156#1']],
    )
  })

  it('backloggd-malformed.json: refused at the second comma, line 63, column 19', () => {
    const message = assertRefusedAt(() => parseBackloggdJson(fixture('backloggd-malformed.json')), 63, 19)
    assert.equal(message, 'Not valid JSON at line 63, column 19: Expected double-quoted property name')
  })

  it('shares out time the play dates cannot hold: over 1,440 a day, or fewer minutes than dates, as the adjustment', () => {
    const playthroughOf = (hours: number, minutes: number, dates: string[]) => {
      const text = JSON.stringify({ games: [{ id: 1, status: 'played', playthroughs: [{ hours, minutes, play_dates: dates }] }] })
      const [row] = gameRows(parseBackloggdJson(text))
      const playthrough = row?.playthroughs[0]
      assert.ok(playthrough)
      return [playthrough.sessions.map((session) => session.minutes), playthrough.adjustmentMinutes]
    }
    assert.deepEqual(playthroughOf(50, 0, ['2024-01-01', '2024-01-02']), [[1440, 1440], 120])
    assert.deepEqual(playthroughOf(0, 2, ['2024-01-01', '2024-01-02', '2024-01-03']), [[], 2])
    assert.deepEqual(playthroughOf(0, 3, ['2024-01-01', '2024-01-01', '2024-01-02']), [[2, 1], 0])
  })

  it('says a review is not imported when no playthrough gives it a day', () => {
    const [row] = gameRows(parseBackloggdJson('{"games": [{"id": 5, "status": "played", "review": "Fine.", "playthroughs": [{"hours": 2}]}]}'))
    assert.deepEqual([row?.journal, row?.notes], [[], ['The review is not imported: the row gives no date to file it under.']])
  })

  it('gives the last playthrough, when the game is being played, no finish date', () => {
    const text = '{"games": [{"id": 5, "playing": true, "playthroughs": [{"start_date": "2024-01-01", "finish_date": "2024-01-05"}]}]}'
    const playthrough = gameRows(parseBackloggdJson(text))[0]?.playthroughs[0]
    assert.deepEqual([playthrough?.status, playthrough?.startedOn, playthrough?.finishedOn], ['playing', '2024-01-01', null])
  })

  it('reads an unknown Backloggd status as played and says so', () => {
    const [row] = gameRows(parseBackloggdJson('{"games": [{"id": 5, "status": "beaten", "playthroughs": [{"finish_date": "2024-01-02"}]}]}'))
    assert.deepEqual(row?.statuses, ['played'])
    assert.deepEqual(row?.notes, ['Unknown Backloggd status "beaten" read as played.'])
    assert.equal(row?.playthroughs[0]?.status, 'finished')
  })

  it('names the game and field of a value of the wrong type', () => {
    assert.throws(() => parseBackloggdJson('{"games": [{"id": 1}, {"id": 2, "playthroughs": [{"start_date": "01/02/2024"}]}]}'), {
      message: 'games[1].playthroughs[0].start_date must be a date (YYYY-MM-DD)',
    })
  })
})
