import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { columnsOf, findColumn, readCsv, requireColumn, valueIn, type CsvRecord } from '../../src/imports/formats/csv.js'
import { assertRefusedAt } from '../helpers/import-files.js'

/** A record as [text, line, column] per cell. */
const placed = (record: CsvRecord) => record.cells.map((cell) => [cell.text, cell.line, cell.column])

describe('readCsv', () => {
  it('gives the header and the records, each cell with its line and column, each record with its line', () => {
    const { header, records } = readCsv('ID,Game Name\n26226,Celeste\n72,Portal 2\n')
    assert.deepEqual(placed(header), [
      ['ID', 1, 1],
      ['Game Name', 1, 4],
    ])
    assert.deepEqual(
      records.map((record) => [record.line, placed(record)]),
      [
        [2, [['26226', 2, 1], ['Celeste', 2, 7]]],
        [3, [['72', 3, 1], ['Portal 2', 3, 4]]],
      ],
    )
  })

  it('strips a UTF-8 BOM, which takes no column, and reads CRLF like LF', () => {
    const { header, records } = readCsv('\uFEFFName,Source\r\nCeleste,Steam\r\n')
    assert.deepEqual(placed(header), [
      ['Name', 1, 1],
      ['Source', 1, 6],
    ])
    assert.deepEqual(placed(records[0]!), [
      ['Celeste', 2, 1],
      ['Steam', 2, 9],
    ])
  })

  it('reads quoted cells: commas, doubled quotes, line breaks (as \\n), and counts the lines they take', () => {
    const { records } = readCsv('Name,Notes,Score\n"""Cosmic"" Crusade, Deluxe","Line one.\r\nLine two, ""quoted"".",41\nCeleste,,100\n')
    assert.deepEqual(placed(records[0]!), [
      ['"Cosmic" Crusade, Deluxe', 2, 1],
      ['Line one.\nLine two, "quoted".', 2, 30],
      ['41', 3, 24],
    ])
    assert.deepEqual(
      records.map((record) => record.line),
      [2, 4],
    )
  })

  it('counts columns in characters, not bytes or UTF-16 halves', () => {
    const { records } = readCsv('Title,Score\nゼルダの伝説,10\n😀 Party,4\n')
    assert.deepEqual(
      records.map((record) => record.cells[1]!.column),
      [8, 9],
    )
  })

  it('keeps spaces around unquoted cells for the caller to trim', () => {
    const { records } = readCsv('Title,Platform\nCeleste   , PC\n')
    assert.deepEqual(
      records[0]!.cells.map((cell) => cell.text),
      ['Celeste   ', ' PC'],
    )
  })

  it('skips blank lines (and records of blank cells) wherever they are, lines still counted', () => {
    const { header, records } = readCsv('\n\nName,Score\n\nCeleste,10\n   \n,\n\r\nHades,9')
    assert.equal(header.line, 3)
    assert.deepEqual(
      records.map((record) => [record.line, record.cells[0]!.text]),
      [
        [5, 'Celeste'],
        [9, 'Hades'],
      ],
    )
  })

  it('reads a record shorter than the header as blank cells at its end, and blank cells at the end of a longer one', () => {
    const { header, records } = readCsv('Name,Source,Score\nCeleste\nHades,Nintendo,86,,\n')
    const score = findColumn(header, ['Score'])
    assert.deepEqual(
      records.map((record) => valueIn(record, score).text),
      ['', '86'],
    )
  })

  it('refuses a quoted cell never closed, at its opening quote', () => {
    const message = assertRefusedAt(() => readCsv('Name,Review\nCeleste,"Climbing as therapy.\nHades,Fine\n'), 2, 9)
    assert.match(message, /never closed/)
  })

  it('refuses a quote inside a cell that does not start with one, at the quote', () => {
    assertRefusedAt(() => readCsv('Name,Review\nCeleste,She said "hi"\n'), 2, 18)
  })

  it('refuses text after a closing quote, where it starts', () => {
    assertRefusedAt(() => readCsv('Name,Review\n"Celeste"x,fine\n'), 2, 10)
  })

  it('refuses a record with more cells than the header, at the first cell too many', () => {
    const message = assertRefusedAt(() => readCsv('Name,Score\nPapers, Please,8\n'), 2, 16)
    assert.match(message, /more cells than the header/)
  })

  it('refuses a file without a header', () => {
    assertRefusedAt(() => readCsv(''), 1, null)
    assertRefusedAt(() => readCsv('\uFEFF\r\n\r\n'), 1, null)
  })
})

describe('finding columns by name', () => {
  const { header, records } = readCsv('Id,Time Played,  LastActivity ,USER SCORE,\uFEFFNotes\nx,51600,1/21/2023,100,hi\n')

  it('finds a column by any of its names, ignoring case, spaces and a BOM, and names it as the file does', () => {
    assert.deepEqual(findColumn(header, ['Last Activity']), { name: 'LastActivity', index: 2 })
    assert.deepEqual(findColumn(header, ['UserScore']), { name: 'USER SCORE', index: 3 })
    assert.deepEqual(findColumn(header, ['TimePlayedHours', 'Time Played']), { name: 'Time Played', index: 1 })
    assert.deepEqual(findColumn(header, ['Notes']), { name: 'Notes', index: 4 })
  })

  it('tells a missing column apart, which reads as blank in every record', () => {
    const missing = findColumn(header, ['Source', 'Storefront'])
    assert.deepEqual(missing, { name: 'Source', index: null })
    assert.deepEqual(valueIn(records[0]!, missing), { name: 'Source', text: '', line: 2, column: null })
  })

  it('refuses a file without a required column, naming it, on the header’s line', () => {
    const message = assertRefusedAt(() => requireColumn(header, ['Name']), 1, null)
    assert.match(message, /"Name"/)
    assert.deepEqual(requireColumn(header, ['ID']), { name: 'Id', index: 0 })
  })

  it('gives a parser its columns by its own names, and each record’s cells with their name and place', () => {
    const columns = columnsOf(header, { score: ['UserScore'], favorite: ['Favorite'] }, ['score'])
    assert.deepEqual(valueIn(records[0]!, columns.score), { name: 'USER SCORE', text: '100', line: 2, column: 19 })
    assert.equal(columns.favorite.index, null)
    assertRefusedAt(() => columnsOf(header, { score: ['UserScore'], favorite: ['Favorite'] }, ['favorite']), 1, null)
  })
})
