import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isNeverPlayedOnSteam, NEVER_PLAYED_NOTE, parseSteam, PRIVATE_PROFILE } from '../../src/imports/formats/steam.js'
import type { GameRow } from '../../src/imports/rows.js'
import { assertRefusedAt, gameRowsOf as gameRows, importFixture as fixture } from '../helpers/import-files.js'

/** What the README's tables say of each game: app id, name, then the playthrough (status, minutes, last day) or backlog. */
type Expected = [appId: number, title: string | null, playthrough: [status: string, minutes: number, lastPlayedOn: string] | 'backlog']

const shown = (row: GameRow): Expected => {
  const [playthrough] = row.playthroughs
  return [
    row.game.steamAppId as number,
    row.game.title,
    playthrough ? [playthrough.status, playthrough.totalMinutes as number, playthrough.lastPlayedOn as string] : 'backlog',
  ]
}

const STEAM_BASIC: Expected[] = [
  [504230, 'Celeste', ['shelved', 1432, '2023-02-11']],
  [1145360, 'Hades', ['playing', 3875, '2024-05-30']],
  [367520, 'Hollow Knight', ['shelved', 2710, '2023-11-04']],
  [292030, 'The Witcher® 3: Wild Hunt', ['shelved', 6120, '2022-08-19']],
  [413150, 'Stardew Valley', ['playing', 9045, '2024-05-28']],
  [620, 'Portal 2', ['shelved', 612, '2019-12-26']],
  [374320, 'DARK SOULS™ III', ['shelved', 4330, '2021-03-14']],
  [316790, 'Grim Fandango Remastered', ['shelved', 745, '2020-07-02']],
  [489830, 'The Elder Scrolls V: Skyrim Special Edition', 'backlog'],
  [1030300, 'Hollow Knight: Silksong', 'backlog'],
  [431960, 'Wallpaper Engine', ['playing', 2250, '2024-05-31']],
  [698780, 'Doki Doki Literature Club', ['shelved', 280, '2018-10-31']],
  [1794680, 'Vampire Survivors', 'backlog'],
]

describe('parseSteam', () => {
  it('steam-basic.json: 13 games keyed by app id, played ones with one playthrough on PC/Steam, the others backlog', () => {
    const rows = gameRows(parseSteam(fixture('steam-basic.json')))
    assert.deepEqual(rows.map(shown), STEAM_BASIC)
    assert.deepEqual(
      rows.map((row) => row.key),
      STEAM_BASIC.map(([appId]) => String(appId)),
    )
    for (const row of rows) {
      assert.equal(row.rating, null, 'Steam has no ratings')
      assert.deepEqual(row.journal, [])
      assert.deepEqual(row.game, { title: row.game.title, year: null, steamAppId: Number(row.key), igdb: null, slug: null })
      const [playthrough] = row.playthroughs
      if (!playthrough) {
        assert.deepEqual([row.statuses, row.notes], [['backlog'], [NEVER_PLAYED_NOTE]])
        continue
      }
      assert.deepEqual(row.statuses, ['played'])
      assert.equal(row.playthroughs.length, 1)
      assert.deepEqual(playthrough, {
        key: row.key,
        status: playthrough.status,
        completion: null,
        platform: 'PC',
        storefront: 'steam',
        startedOn: null,
        finishedOn: null,
        replay: false,
        difficulty: null,
        notes: null,
        totalMinutes: playthrough.totalMinutes,
        lastPlayedOn: playthrough.lastPlayedOn,
        sessions: [],
        adjustmentMinutes: 0,
      })
    }
  })

  it('tells the games never played (which the person may keep off the backlog) from the rest', () => {
    const rows = parseSteam(fixture('steam-basic.json'))
    assert.deepEqual(
      rows.filter(isNeverPlayedOnSteam).map((row) => row.key),
      ['489830', '1030300', '1794680'],
    )
  })

  it('steam-newer.json: the same keys, the grown play times and the new game; every other game the same row', () => {
    const basic = new Map(gameRows(parseSteam(fixture('steam-basic.json'))).map((row) => [row.key, row]))
    const newer = gameRows(parseSteam(fixture('steam-newer.json')))
    assert.equal(newer.length, 14)
    const changed: Record<string, Expected> = {
      '504230': [504230, 'Celeste', ['shelved', 1519, '2024-06-20']],
      '1145360': [1145360, 'Hades', ['playing', 4410, '2024-07-12']],
      '413150': [413150, 'Stardew Valley', ['playing', 9960, '2024-07-14']],
      '1092790': [1092790, 'Inscryption', ['playing', 615, '2024-07-10']],
      // Loses playtime_2weeks.
      '431960': [431960, 'Wallpaper Engine', ['shelved', 2250, '2024-05-31']],
    }
    for (const row of newer) {
      if (changed[row.key]) assert.deepEqual(shown(row), changed[row.key])
      else assert.deepEqual(row, basic.get(row.key), `${row.key} is the same game object`)
    }
    assert.deepEqual(
      [...basic.keys()].filter((key) => !newer.some((row) => row.key === key)),
      [],
      'every game of the basic file keeps its key',
    )
  })

  it('steam-messy.json: BOM, unknown and extra fields, nulls, a game without name, localized names', () => {
    const rows = gameRows(parseSteam(fixture('steam-messy.json')))
    assert.deepEqual(rows.map(shown), [
      [524220, 'NieR:Automata™', ['shelved', 2890, '2023-09-03']],
      [289070, 'Sid Meier’s Civilization® VI', ['shelved', 12400, '2024-04-02']],
      [239030, 'Papers, Please', ['shelved', 390, '2017-01-15']],
      // playtime_2weeks null: not played in the last two weeks.
      [1145360, null, ['shelved', 120, '2024-05-01']],
      [1245620, 'ELDEN RING', ['shelved', 7300, '2024-03-10']],
      [1687950, 'ペルソナ５ ザ・ロイヤル', ['shelved', 3960, '2023-12-29']],
      [638230, 'Путешествие', ['shelved', 140, '2020-06-07']],
      [2379780, 'Balatro', 'backlog'],
    ])
  })

  it('steam-malformed.json: refused at the trailing comma\'s closing bracket, line 45', () => {
    const message = assertRefusedAt(() => parseSteam(fixture('steam-malformed.json')), 45, 5)
    assert.equal(message, "Not valid JSON at line 45, column 5: Unexpected token ']'")
  })

  it('a game never played has no last-played day; a played one without rtime_last_played neither', () => {
    const [row] = gameRows(parseSteam('{"response": {"game_count": 1, "games": [{"appid": 10, "playtime_forever": 5}]}}'))
    assert.equal(row?.playthroughs[0]?.lastPlayedOn, null)
    assert.equal(row?.game.title, null)
  })

  it('refuses a private profile\'s answer, a file that is not an answer, and a game without a whole app id', () => {
    const refused = (text: string, message: string) => assert.throws(() => parseSteam(text), { message })
    refused('{"response": {}}', PRIVATE_PROFILE)
    refused('{"games": []}', 'response must be a JSON object')
    refused('{"response": {"games": [{"appid": "620", "playtime_forever": 1}]}}', 'response.games[0].appid must be a whole number')
    refused('{"response": {"games": [{"appid": 620}]}}', 'response.games[0].playtime_forever must be a whole number')
    assert.deepEqual(parseSteam('{"response": {"game_count": 0}}'), [])
  })
})
