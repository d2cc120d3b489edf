import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { openDatabase, type Db } from '../../src/db/database.js'
import { importGames, progressWriter } from '../../src/games/import.js'
import { describeEachDatabase } from '../helpers/app.js'
import { directoryPerTest, runCommand } from '../helpers/command.js'

const PORTAL = {
  id: 71,
  name: 'Portal',
  slug: 'portal',
  summary: 'A puzzle game with a portal gun.',
  first_release_date: 1192406400,
  platforms: [{ id: 6, name: 'PC (Microsoft Windows)' }],
  genres: [{ id: 9, name: 'Puzzle' }],
  involved_companies: [
    { company: { name: 'Valve Corporation' }, developer: true },
    { company: { name: 'Electronic Arts' }, developer: false },
  ],
  cover: { image_id: 'co1x7d' },
}
const TETRIS = { id: 2, name: 'Tetris' }
/** Each malformed record, its index in RECORDS and the reason the import gives. */
const MALFORMED: [unknown, number, string][] = [
  [{ name: 'Missing Id' }, 1, 'id must be a positive integer'],
  [{ id: 3, name: 42 }, 2, 'name must be a non-empty string'],
  [{ id: '4', name: 'String Id' }, 4, 'id must be a positive integer'],
  ['Not An Object', 5, 'record is not an object'],
]
const RECORDS: unknown[] = [PORTAL, MALFORMED[0]![0], MALFORMED[1]![0], TETRIS, MALFORMED[2]![0], MALFORMED[3]![0]]
const SKIPPED = MALFORMED.map(([, index, reason]) => ({ index, reason }))

const PORTAL_ROW = {
  igdb: '71',
  slug: 'portal',
  name: 'Portal',
  summary: 'A puzzle game with a portal gun.',
  first_release_date: '2007-10-15',
  release_year: 2007,
  platforms: '["PC (Microsoft Windows)"]',
  genres: '["Puzzle"]',
  developers: '["Valve Corporation"]',
  cover_url: 'https://images.igdb.com/igdb/image/upload/t_cover_big/co1x7d.jpg',
}
const TETRIS_ROW = {
  igdb: '2',
  slug: 'tetris',
  name: 'Tetris',
  summary: null,
  first_release_date: null,
  release_year: null,
  platforms: '[]',
  genres: '[]',
  developers: '[]',
  cover_url: null,
}

/** The games that came from IGDB (the shipped catalog has no igdb ids), and any game named like a malformed record. */
async function importedGames(db: Db) {
  const rows = await db
    .selectFrom('games')
    .select(['igdb', 'slug', 'name', 'summary', 'first_release_date', 'release_year', 'platforms', 'genres', 'developers', 'cover_url'])
    .where((eb) => eb.or([eb('igdb', 'is not', null), eb('name', 'in', ['Missing Id', 'String Id'])]))
    .orderBy('igdb')
    .execute()
  return rows
}

describeEachDatabase('importGames', (current) => {
  it('adds valid records and skips malformed ones with their index and reason, writing nothing of them', async () => {
    const progress: [number, number][] = []
    const summary = await importGames(current().db, RECORDS, (done, total) => progress.push([done, total]))
    assert.deepEqual(summary, { added: 2, updated: 0, skipped: SKIPPED })
    assert.deepEqual(await importedGames(current().db), [TETRIS_ROW, PORTAL_ROW])
    assert.deepEqual(progress, [1, 2, 3, 4, 5, 6].map((done) => [done, 6]))
  })

  it('updates games already imported, by igdb id, keeping their slug', async () => {
    await importGames(current().db, RECORDS)
    const renamed = { ...PORTAL, name: 'Portal (2007)', slug: 'portal-2007', first_release_date: 1192492800 }
    const summary = await importGames(current().db, [renamed, TETRIS, { id: 72, name: 'Portal 2' }])
    assert.deepEqual(summary, { added: 1, updated: 2, skipped: [] })
    assert.deepEqual(await importedGames(current().db), [
      TETRIS_ROW,
      { ...PORTAL_ROW, name: 'Portal (2007)', first_release_date: '2007-10-16' },
      { ...TETRIS_ROW, igdb: '72', slug: 'portal-2', name: 'Portal 2' },
    ])
  })
})

describe('progressWriter', () => {
  const output = (isTTY: boolean, total: number) => {
    let written = ''
    const report = progressWriter({ isTTY, write: (text: string) => (written += text) } as unknown as NodeJS.WriteStream)
    for (let done = 1; done <= total; done++) report(done, total)
    return written
  }

  it('redraws one bar in place on a terminal', () => {
    assert.equal(
      output(true, 4),
      `\r[${'#'.repeat(7)}${'-'.repeat(23)}] 25% 1/4\r[${'#'.repeat(15)}${'-'.repeat(15)}] 50% 2/4` +
        `\r[${'#'.repeat(22)}${'-'.repeat(8)}] 75% 3/4\r[${'#'.repeat(30)}] 100% 4/4\n`,
    )
  })

  it('writes a line every tenth of the way elsewhere', () => {
    const lines = [1, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20].map((done) => `${done}/20 (${done * 5}%)\n`)
    assert.equal(output(false, 20), lines.join(''))
  })
})

describe('npm run import-games', () => {
  const dir = directoryPerTest('overworld-import-')

  /** Runs the real CLI on a SQLite file in the test's directory. */
  const runImport = (...args: string[]) => runCommand('src/games/import.ts', args, { databaseUrl: `sqlite:${path.join(dir(), 'x.db')}` })

  const writeFile = (name: string, content: string) => {
    const file = path.join(dir(), name)
    fs.writeFileSync(file, content)
    return file
  }

  it('imports a file into the database and prints the summary', async () => {
    const result = await runImport(writeFile('games.json', JSON.stringify(RECORDS)))
    assert.equal(result.code, 0, result.stderr)
    assert.equal(
      result.stdout,
      [
        'added 2, updated 0, skipped 4',
        '  record [1]: id must be a positive integer',
        '  record [2]: name must be a non-empty string',
        '  record [4]: id must be a positive integer',
        '  record [5]: record is not an object',
        '',
      ].join('\n'),
    )
    // Not a terminal: plain progress lines.
    assert.equal(result.stderr, ['1/6 (16%)', '2/6 (33%)', '3/6 (50%)', '4/6 (66%)', '5/6 (83%)', '6/6 (100%)', ''].join('\n'))

    const db = openDatabase(`sqlite:${path.join(dir(), 'x.db')}`)
    try {
      assert.deepEqual(await importedGames(db), [TETRIS_ROW, PORTAL_ROW])
    } finally {
      await db.destroy()
    }
  })

  it('fails with a clear message, touching no database, when the file is missing or not a JSON array', async () => {
    const cases: [string, RegExp][] = [
      [path.join(dir(), 'missing.json'), /^import-games: cannot read .*missing\.json: no such file\n$/],
      [writeFile('object.json', '{"id": 1}'), /^import-games: .*object\.json must hold a JSON array of IGDB games records\n$/],
      [writeFile('broken.json', '[{"id": 1,'), /^import-games: cannot read .*broken\.json: .*JSON/],
    ]
    for (const [file, message] of cases) {
      const result = await runImport(file)
      assert.equal(result.code, 1, file)
      assert.match(result.stderr, message)
      assert.equal(result.stdout, '')
    }
    assert.equal(fs.existsSync(path.join(dir(), 'x.db')), false)
  })
})
