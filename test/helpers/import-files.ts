import assert from 'node:assert/strict'
import fs from 'node:fs'
import { ImportFormatError, type GameRow, type ImportedPlaythrough, type ImportRow } from '../../src/imports/rows.js'

/** A sample file of test/fixtures/imports, byte for byte (BOMs and CRLFs included). */
export function importFixture(name: string): string {
  return fs.readFileSync(new URL(`../fixtures/imports/${name}`, import.meta.url), 'utf8')
}

/** The rows, all of which must be game rows. */
export function gameRowsOf(rows: ImportRow[]): GameRow[] {
  return rows.map((row) => {
    assert.equal(row.kind, 'game', `row ${row.key} is a ${row.kind} row`)
    return row as GameRow
  })
}

/** The one row naming the game `title` (as the file spells it, trimmed). */
export function rowTitled(rows: GameRow[], title: string): GameRow {
  const found = rows.filter((row) => row.game.title === title)
  assert.equal(found.length, 1, `rows titled ${title}: ${found.length}`)
  return found[0]!
}

/**
 * A playthrough as the fixtures README writes it, so that expectations read like the oracle:
 * `finished main replay 2023-01-03→2023-01-21 860 min PC steam last 2023-01-21`.
 */
export function playthroughSummary(
  playthrough: Pick<ImportedPlaythrough, 'status' | 'completion' | 'replay' | 'startedOn' | 'finishedOn' | 'totalMinutes' | 'platform' | 'storefront' | 'lastPlayedOn'>,
): string {
  const dates =
    playthrough.startedOn || playthrough.finishedOn ? `${playthrough.startedOn ?? '…'}→${playthrough.finishedOn ?? '…'}` : null
  return [
    playthrough.status,
    playthrough.completion,
    playthrough.replay ? 'replay' : null,
    dates,
    playthrough.totalMinutes === null ? null : `${playthrough.totalMinutes} min`,
    playthrough.platform,
    playthrough.storefront,
    playthrough.lastPlayedOn ? `last ${playthrough.lastPlayedOn}` : null,
  ]
    .filter((part) => part !== null)
    .join(' ')
}

export interface ExpectedRow {
  statuses: string[]
  /** Half stars, or null for no rating. */
  rating: number | null
  playthroughs: string[]
}

/** Every row of the file, in order: its title, statuses, rating and playthroughs (as playthroughSummary writes them). */
export function assertRows(rows: GameRow[], expected: Record<string, ExpectedRow>): void {
  assert.deepEqual(
    rows.map((row) => row.game.title),
    Object.keys(expected),
  )
  for (const row of rows) {
    assert.deepEqual(
      {
        statuses: row.statuses,
        rating: row.rating?.halfStars ?? null,
        playthroughs: row.playthroughs.map(playthroughSummary),
      },
      expected[row.game.title!],
      `row ${row.game.title}`,
    )
  }
}

/** The titles of the rows whose rating was rounded. */
export function roundedTitles(rows: GameRow[]): (string | null)[] {
  return rows.filter((row) => row.rating?.rounded).map((row) => row.game.title)
}

/**
 * Keys stay the same from one export to the next: each game of the older file has, in the newer, the same row key,
 * playthrough keys and journal keys.
 */
export function assertKeysStable(older: GameRow[], newer: GameRow[]): void {
  for (const row of older) {
    const again = rowTitled(newer, row.game.title!)
    assert.equal(again.key, row.key, `row key of ${row.game.title}`)
    assert.deepEqual(again.playthroughs.map((p) => p.key), row.playthroughs.map((p) => p.key), `playthroughs of ${row.game.title}`)
    assert.deepEqual(again.journal.map((e) => e.key), row.journal.map((e) => e.key), `journal of ${row.game.title}`)
  }
}

/** No key is used twice within a file (rows, or playthroughs and entries among themselves). */
export function assertKeysDistinct(rows: GameRow[]): void {
  for (const keys of [
    rows.map((row) => row.key),
    rows.flatMap((row) => row.playthroughs.map((p) => p.key)),
    rows.flatMap((row) => row.journal.map((e) => e.key)),
  ]) {
    assert.equal(new Set(keys).size, keys.length, `repeated keys in ${keys.join(', ')}`)
  }
}

/** `parse` refuses the file with an ImportFormatError at this line (and column); returns the error's message. */
export function assertRefusedAt(parse: () => unknown, line: number, column: number | null): string {
  let message = ''
  assert.throws(parse, (error: unknown) => {
    assert.ok(error instanceof ImportFormatError, `not an ImportFormatError: ${String(error)}`)
    assert.deepEqual({ line: error.line, column: error.column }, { line, column })
    message = error.message
    return true
  })
  return message
}
