import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { insertGame } from '../../src/games/repository.js'
import { parseOverworldExport } from '../../src/imports/formats/overworld.js'
import type { GameRow, ImportedPlaythrough, ImportRow } from '../../src/imports/rows.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser } from '../helpers/client.js'
import { assertRefusedAt, importFixture as fixture } from '../helpers/import-files.js'

const gameRowsOf = (rows: ImportRow[]) => new Map(rows.filter((row): row is GameRow => row.kind === 'game').map((row) => [row.game.slug, row]))

function gameRow(games: Map<string | null, GameRow>, slug: string): GameRow {
  const row = games.get(slug)
  assert.ok(row, `a row for ${slug}`)
  return row
}

const minutesOf = (playthrough: ImportedPlaythrough) =>
  playthrough.sessions.reduce((sum, session) => sum + session.minutes, 0) + playthrough.adjustmentMinutes

describe('parseOverworldExport', () => {
  const basic = parseOverworldExport(fixture('overworld-basic.json'))
  const games = gameRowsOf(basic)

  it('overworld-basic.json: one row per game named anywhere, keyed by its exported id, with its statuses and rating', () => {
    assert.deepEqual(
      [...games.values()].map((row) => [row.key, row.game.title, row.game.igdb, row.game.slug, row.statuses, row.rating]),
      [
        ['game:482', 'Celeste', null, 'celeste', ['played', 'liked'], { halfStars: 10, rounded: false }],
        ['game:455', 'Hollow Knight', null, 'hollow-knight', ['played'], { halfStars: 9, rounded: false }],
        ['game:408', 'The Witcher 3: Wild Hunt', null, 'the-witcher-3-wild-hunt', ['played'], { halfStars: 8, rounded: false }],
        ['game:338', 'Portal 2', null, 'portal-2', ['played'], { halfStars: 10, rounded: false }],
        ['game:580', 'Elden Ring', '119133', 'elden-ring', ['backlog'], null],
        ['game:588', "Baldur's Gate 3", null, 'baldurs-gate-3', ['wishlist'], null],
        ['game:1203', 'Celeste Classic', '288345', 'celeste-classic', ['played'], { halfStars: 7, rounded: false }],
        ['game:540', 'Hades', null, 'hades', [], { halfStars: 9, rounded: false }],
      ],
    )
  })

  it('carries the journal, each entry keyed by its id and pointing at its playthrough', () => {
    const journal = [...games.values()].flatMap((row) => row.journal.map((entry) => ({ game: row.game.slug, ...entry })))
    assert.deepEqual(
      journal.map((entry) => [entry.key, entry.game, entry.date, entry.entryType, entry.platform, entry.halfStars, entry.playthroughKey]),
      [
        ['3202', 'celeste', '2023-01-21', 'finished', 'PC', 10, '903'],
        ['3150', 'hollow-knight', '2022-11-20', 'finished', 'PC', 9, '902'],
        ['3101', 'the-witcher-3-wild-hunt', '2021-02-14', 'finished', 'PlayStation 4', 8, '901'],
        ['3230', 'celeste-classic', '2023-02-02', 'played', 'Web browser', 7, null],
        ['3390', 'hades', '2024-04-02', 'started', 'Nintendo Switch', null, '904'],
      ],
    )
    const celeste = journal.find((entry) => entry.key === '3202')
    assert.deepEqual([celeste?.review, celeste?.liked, celeste?.spoilers], ['Climbing as therapy. The B-sides broke me, in a good way.', true, false])
  })

  it('carries the playthroughs with their adjustment and listed sessions, so that their time is the exported one', () => {
    const playthroughs = [...games.values()].flatMap((row) => row.playthroughs.map((playthrough) => ({ game: row.game.slug, ...playthrough })))
    assert.deepEqual(
      playthroughs.map((p) => [p.key, p.game, p.status, p.completion, p.platform, p.storefront, p.adjustmentMinutes, minutesOf(p), p.totalMinutes]),
      [
        ['903', 'celeste', 'finished', 'main', 'PC', 'steam', 5, 860, null],
        ['902', 'hollow-knight', 'finished', 'completionist', 'PC', 'gog', 3000, 3720, null],
        ['901', 'the-witcher-3-wild-hunt', 'finished', 'main', 'PlayStation 4', 'playstation', 6270, 6270, null],
        ['904', 'hades', 'playing', null, 'Nintendo Switch', 'nintendo', 0, 310, null],
      ],
    )
    const hades = playthroughs.find((p) => p.key === '904')
    assert.deepEqual([hades?.difficulty, hades?.startedOn, hades?.finishedOn, hades?.replay], ['Heat 8', '2024-04-02', null, false])
    assert.deepEqual(
      playthroughs.flatMap((p) => p.sessions.map((session) => [p.key, session.key, session.date, session.minutes, session.note, session.source])),
      [
        ['903', '7003', '2023-01-03', 95, 'Forsaken City', 'manual'],
        ['903', '7004', '2023-01-14', 760, null, 'steam'],
        ['902', '7001', '2022-09-01', 360, null, 'manual'],
        ['902', '7002', '2022-11-20', 360, 'Radiance', 'manual'],
        ['904', '7005', '2024-04-02', 120, null, 'manual'],
        ['904', '7006', '2024-05-30', 190, 'First escape', 'manual'],
      ],
    )
  })

  it('then the favorites in order, the lists with their games by row key, the follows, and the review comment skipped', () => {
    assert.deepEqual(
      basic.filter((row) => row.kind !== 'game'),
      [
        { kind: 'favorites', key: 'favorites', line: null, gameKeys: ['game:482', 'game:455', 'game:408'] },
        {
          kind: 'list',
          key: 'list:31',
          line: null,
          title: 'Best platformers',
          description: 'Precision first.',
          ranked: true,
          items: [
            { gameKey: 'game:482', note: 'The summit.' },
            { gameKey: 'game:455', note: null },
            { gameKey: 'game:1203', note: 'Where it started' },
          ],
        },
        { kind: 'list', key: 'list:32', line: null, title: 'Someday', description: null, ranked: false, items: [] },
        { kind: 'follow', key: 'follow:jonas', line: null, username: 'jonas' },
        { kind: 'follow', key: 'follow:petra', line: null, username: 'petra' },
        {
          kind: 'skipped',
          key: 'comment:55',
          line: null,
          title: 'Comment on review 4410: Agreed about the ending!',
          reason: "comments on another instance's reviews are not imported",
        },
      ],
    )
  })

  it('Celeste Classic, unknown to the catalog, is one row used by a status, a rating, an entry and a list item', () => {
    const classic = gameRow(games, 'celeste-classic')
    assert.deepEqual([classic.statuses, classic.rating?.halfStars, classic.journal.map((entry) => entry.key)], [['played'], 7, ['3230']])
    assert.equal(basic.filter((row) => row.kind === 'game' && row.game.igdb === '288345').length, 1)
  })

  it('overworld-newer.json: the same keys, the new session, the changed rating and the added game', () => {
    const newer = parseOverworldExport(fixture('overworld-newer.json'))
    const newerGames = gameRowsOf(newer)
    const hades = gameRow(newerGames, 'hades').playthroughs[0]
    assert.ok(hades)
    assert.deepEqual([hades.key, minutesOf(hades)], ['904', 385])
    assert.deepEqual(hades.sessions.at(-1), { key: '7100', date: '2024-06-03', minutes: 75, note: null, source: 'manual' })
    assert.deepEqual(gameRow(newerGames, 'hollow-knight').rating, { halfStars: 10, rounded: false })
    const animalWell = gameRow(newerGames, 'animal-well')
    assert.deepEqual([animalWell.key, animalWell.statuses, animalWell.rating], ['game:599', ['played'], { halfStars: 9, rounded: false }])
    // Everything else is the same row.
    for (const row of basic) {
      const same = newer.find((other) => other.key === row.key)
      if (row.kind === 'game' && (row.game.slug === 'hades' || row.game.slug === 'hollow-knight')) continue
      assert.deepEqual(same, row, row.key)
    }
    assert.equal(newer.length, basic.length + 1)
  })

  it('overworld-messy.json: BOM, unknown keys ignored, nulls, and the left-out sections read as empty', () => {
    const rows = parseOverworldExport(fixture('overworld-messy.json'))
    assert.deepEqual(
      rows.map((row) => row.kind),
      ['game', 'game'],
    )
    const messyGames = gameRowsOf(rows)
    const celeste = gameRow(messyGames, 'celeste')
    assert.deepEqual([celeste.statuses, celeste.rating], [['played'], { halfStars: 10, rounded: false }])
    assert.deepEqual(gameRow(messyGames, 'elden-ring').statuses, ['backlog'])
    assert.deepEqual(celeste.journal, [
      {
        key: '3202',
        date: '2023-01-21',
        entryType: 'finished',
        platform: null,
        review: 'Line one.\nLine two, with "quotes", commas and ここは日本語.',
        spoilers: false,
        liked: true,
        halfStars: null,
        playthroughKey: '903',
      },
    ])
    const [playthrough] = celeste.playthroughs
    assert.ok(playthrough)
    assert.deepEqual(
      [playthrough.key, playthrough.status, playthrough.completion, playthrough.platform, playthrough.storefront, minutesOf(playthrough)],
      ['903', 'finished', 'main', null, null, 860],
    )
    assert.deepEqual(
      playthrough.sessions.map((session) => [session.key, session.minutes, session.source]),
      [
        ['7003', 95, 'manual'],
        ['7004', 760, 'steam'],
      ],
    )
  })

  it('overworld-malformed.json: refused where the cut-off string ends the file, line 396', () => {
    const message = assertRefusedAt(() => parseOverworldExport(fixture('overworld-malformed.json')), 396, 24)
    assert.equal(message, 'Not valid JSON at line 396, column 24: Unterminated string')
  })

  it('says when a rating fell between two half stars', () => {
    const game = { id: 1, igdb: null, name: 'Celeste', slug: 'celeste' }
    const rows = parseOverworldExport(JSON.stringify({ ratings: [{ game, rating: 4.3 }] }))
    assert.deepEqual((rows[0] as GameRow).rating, { halfStars: 9, rounded: true })
  })

  it('skips a session whose playthrough is not in the file, and ties an entry only to a playthrough of its game', () => {
    const celeste = { id: 1, igdb: null, name: 'Celeste', slug: 'celeste' }
    const hades = { id: 2, igdb: null, name: 'Hades', slug: 'hades' }
    const rows = parseOverworldExport(
      JSON.stringify({
        playthroughs: [{ id: 10, game: hades, status: 'playing' }],
        journal: [{ id: 20, game: celeste, date: '2024-01-01', entry_type: 'played', playthrough: 10 }],
        play_sessions: [{ id: 30, playthrough: 11, game: 2, date: '2024-01-01', minutes: 5 }],
      }),
    )
    assert.equal((rows.find((row) => row.key === 'game:1') as GameRow).journal[0]?.playthroughKey, null)
    assert.deepEqual(rows.at(-1), {
      kind: 'skipped',
      key: 'session:30',
      line: null,
      title: 'Play session 30',
      reason: 'its playthrough (11) is not in the file',
    })
  })

  it('names the section, item and field of a value of the wrong type', () => {
    const game = { id: 1, igdb: null, name: 'Celeste', slug: 'celeste' }
    const refused = (file: unknown, message: string) => assert.throws(() => parseOverworldExport(JSON.stringify(file)), { message })
    refused(
      { journal: [{ id: 1, game, date: '2024-01-01', entry_type: 'beaten' }] },
      'journal[0].entry_type must be one of finished, started, played, abandoned, replayed',
    )
    refused({ statuses: [{ status: 'played', game: { ...game, id: '1' } }] }, 'statuses[0].game.id must be a whole number')
  })
})

describeEachDatabase('parseOverworldExport reads what GET /api/users/me/export writes', (current) => {
  it('every section of a real export, with the exporting instance\'s ids as keys', async () => {
    const { app, db } = current()
    const alice = await registerUser(app, 'alice')
    await registerUser(app, 'bob')
    const celeste = await insertGame(db, { name: 'Celeste', igdb: '26226' })
    const hades = await insertGame(db, { name: 'Hades' })
    const write = async (method: string, url: string, body: Record<string, unknown>) => {
      const response = await call(app, method, url, { token: alice.token, body })
      assert.ok(response.status < 300, response.text)
      return response.body
    }
    await write('POST', '/api/users/follow/', { username: 'bob' })
    await write('POST', '/api/actions/wishlist/', { game: hades, value: true })
    await write('POST', '/api/actions/ratings/', { game: celeste, rating: 4.5 })
    await write('POST', '/api/actions/favorites/add/', { game: hades })
    const playthrough = await write('POST', '/api/playthroughs/', {
      game: celeste,
      platform: 'PC',
      storefront: 'gog',
      status: 'playing',
      started_on: '2024-01-02',
      replay: true,
      difficulty: 'Assist',
      notes: 'Farewell next',
      adjustment_minutes: 30,
    })
    const { session } = await write('POST', `/api/playthroughs/${playthrough.id}/sessions`, { date: '2024-01-03', minutes: 90, note: 'Summit' })
    const entry = await write('POST', '/api/actions/journal/', {
      game: celeste,
      date: '2024-01-03',
      entry_type: 'played',
      review: 'Hard, fair.',
      spoilers: true,
      playthrough: playthrough.id,
    })
    await write('POST', '/api/lists/', { title: 'Climbs', ranked: true, games: [{ game: hades, note: 'Not a climb' }, { game: celeste }] })

    const exported = await call(app, 'GET', '/api/users/me/export?format=json', { token: alice.token })
    assert.equal(exported.status, 200, exported.text)
    const rows = parseOverworldExport(exported.text)
    const celesteRow = rows.find((row) => row.key === `game:${celeste}`) as GameRow
    assert.deepEqual(celesteRow.game, { title: 'Celeste', year: null, steamAppId: null, igdb: '26226', slug: 'celeste' })
    assert.deepEqual(celesteRow.statuses, ['played'])
    assert.deepEqual(celesteRow.rating, { halfStars: 9, rounded: false })
    assert.deepEqual(celesteRow.playthroughs, [
      {
        key: String(playthrough.id),
        status: 'playing',
        completion: null,
        platform: 'PC',
        storefront: 'gog',
        startedOn: '2024-01-02',
        finishedOn: null,
        replay: true,
        difficulty: 'Assist',
        notes: 'Farewell next',
        totalMinutes: null,
        lastPlayedOn: null,
        sessions: [{ key: String(session.id), date: '2024-01-03', minutes: 90, note: 'Summit', source: 'manual' }],
        adjustmentMinutes: 30,
      },
    ])
    assert.deepEqual(celesteRow.journal.find((found) => found.key === String(entry.id)), {
      key: String(entry.id),
      date: '2024-01-03',
      entryType: 'played',
      platform: null,
      review: 'Hard, fair.',
      spoilers: true,
      liked: false,
      halfStars: null,
      playthroughKey: String(playthrough.id),
    })
    const hadesRow = rows.find((row) => row.key === `game:${hades}`) as GameRow
    assert.deepEqual(hadesRow.statuses, ['wishlist'])
    assert.deepEqual(
      rows.filter((row) => row.kind !== 'game').map(({ key: _key, ...row }) => row),
      [
        { kind: 'favorites', line: null, gameKeys: [`game:${hades}`] },
        {
          kind: 'list',
          line: null,
          title: 'Climbs',
          description: null,
          ranked: true,
          items: [
            { gameKey: `game:${hades}`, note: 'Not a climb' },
            { gameKey: `game:${celeste}`, note: null },
          ],
        },
        { kind: 'follow', line: null, username: 'bob' },
      ],
    )
  })
})
