import { ImportFormatError, type ImportRow } from '../rows.js'
import type { FileValue } from './common.js'

/**
 * Reading the CSV files other trackers export (RFC 4180, leniently): a UTF-8 BOM, LF or CRLF line ends, quoted
 * cells with doubled quotes and line breaks inside them. Cells keep their spaces (the caller trims what it reads)
 * and know where they are, so that a value refused later can name its line and column. Lines and columns count
 * from 1, columns in characters (not bytes) of the file as an editor shows it.
 */

export interface CsvCell {
  /** The cell's value: quotes removed, doubled quotes undone, line breaks inside it as `\n`. */
  text: string
  line: number
  /** The column of the cell's first character (its opening quote, when quoted). */
  column: number
}

export interface CsvRecord {
  /** The line the record starts on (a quoted cell may carry it over several). */
  line: number
  cells: CsvCell[]
}

export interface CsvTable {
  header: CsvRecord
  records: CsvRecord[]
}

/**
 * The header and the records of a CSV file. Blank lines (and records of blank cells only) are skipped; a record
 * shorter than the header reads as blank cells at its end. Refused, with where: a quoted cell never closed, a
 * quote inside a cell that does not start with one, text after a closing quote, a record with more cells than
 * the header (a comma that should have been quoted shifts every cell after it), a file with no header.
 */
export function readCsv(text: string): CsvTable {
  const [header, ...records] = recordsOf(text.startsWith('\uFEFF') ? text.slice(1) : text)
  if (!header) throw new ImportFormatError('The file is empty: it has no header line.', 1, null)
  for (const record of records) {
    const extra = record.cells.slice(header.cells.length).find((cell) => cell.text.trim() !== '')
    if (extra) {
      throw new ImportFormatError(
        `Line ${record.line} has more cells than the header's ${header.cells.length} (a comma in a cell that is not quoted?).`,
        extra.line,
        extra.column,
      )
    }
  }
  return { header, records }
}

function recordsOf(text: string): CsvRecord[] {
  const scanner = new Scanner(text)
  const records: CsvRecord[] = []
  while (!scanner.atEnd()) {
    const record: CsvRecord = { line: scanner.line, cells: [] }
    do record.cells.push(scanner.cell())
    while (scanner.skipComma())
    scanner.skipLineBreak()
    if (record.cells.some((cell) => cell.text.trim() !== '')) records.push(record)
  }
  return records
}

/** Walks the text one cell at a time, keeping the line and column of where it is. */
class Scanner {
  private index = 0
  line = 1
  private column = 1

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.index >= this.text.length
  }

  skipComma(): boolean {
    if (this.text[this.index] !== ',') return false
    this.advance()
    return true
  }

  skipLineBreak(): void {
    const length = this.lineBreakLength()
    if (length === 0) return
    this.index += length
    this.line += 1
    this.column = 1
  }

  cell(): CsvCell {
    return this.text[this.index] === '"' ? this.quotedCell() : this.plainCell()
  }

  private plainCell(): CsvCell {
    const { line, column } = this
    const start = this.index
    while (!this.atEnd() && this.text[this.index] !== ',' && this.lineBreakLength() === 0) {
      if (this.text[this.index] === '"') {
        throw new ImportFormatError(
          'A quote inside a cell that does not start with one: such a cell must be quoted, with its quotes doubled.',
          this.line,
          this.column,
        )
      }
      this.advance()
    }
    return { text: this.text.slice(start, this.index), line, column }
  }

  private quotedCell(): CsvCell {
    const { line, column } = this
    this.advance()
    let text = ''
    let start = this.index
    for (;;) {
      if (this.atEnd()) {
        throw new ImportFormatError('A quoted cell is never closed: the file ends inside it.', line, column)
      }
      if (this.text[this.index] === '"') {
        text += this.text.slice(start, this.index)
        this.advance()
        if (this.text[this.index] !== '"') break
        this.advance()
        start = this.index - 1
      } else if (this.lineBreakLength() > 0) {
        text += this.text.slice(start, this.index) + '\n'
        this.skipLineBreak()
        start = this.index
      } else {
        this.advance()
      }
    }
    if (!this.atEnd() && this.text[this.index] !== ',' && this.lineBreakLength() === 0) {
      throw new ImportFormatError(
        'Text after the closing quote of a quoted cell (a quote inside it must be doubled).',
        this.line,
        this.column,
      )
    }
    return { text, line, column }
  }

  /** One character on: the second half of a surrogate pair is not a column of its own. */
  private advance(): void {
    this.index += 1
    const code = this.text.charCodeAt(this.index)
    if (!(code >= 0xdc00 && code <= 0xdfff)) this.column += 1
  }

  /** CRLF, LF or a lone CR at the current place: its length, or 0. */
  private lineBreakLength(): number {
    const char = this.text[this.index]
    if (char === '\n') return 1
    if (char === '\r') return this.text[this.index + 1] === '\n' ? 2 : 1
    return 0
  }
}

/** A column of a file, found in its header by name; `index` is null when the file has no such column. */
export interface CsvColumn {
  /** The name the file gives it (or, when missing, the first name asked for): what errors call it. */
  name: string
  index: number | null
}

/** A header name as compared: case, spaces and a stray BOM do not count (`Last Activity` is `LastActivity`). */
function headerKeyOf(name: string): string {
  return name.replace(/[\s\uFEFF]/g, '').toLowerCase()
}

/** The first column of the header called by any of `names`. */
export function findColumn(header: CsvRecord, names: readonly string[]): CsvColumn {
  const keys = names.map(headerKeyOf)
  const index = header.cells.findIndex((cell) => keys.includes(headerKeyOf(cell.text)))
  if (index === -1) return { name: names[0] ?? '', index: null }
  return { name: header.cells[index]!.text.replace(/\uFEFF/g, '').trim(), index }
}

/** Like findColumn, but a file without the column is refused, naming it, on the header's line. */
export function requireColumn(header: CsvRecord, names: readonly string[]): CsvColumn {
  const column = findColumn(header, names)
  if (column.index === null) {
    throw new ImportFormatError(`The required column "${column.name}" is missing from the header.`, header.line, null)
  }
  return column
}

/** The columns a parser reads, by its own names for them, each found by any of the names files give it. */
export function columnsOf<Names extends Readonly<Record<string, readonly string[]>>>(
  header: CsvRecord,
  names: Names,
  required: readonly (keyof Names)[],
): Record<keyof Names, CsvColumn> {
  const entries = Object.entries(names).map(([name, spellings]) => {
    const find = required.includes(name) ? requireColumn : findColumn
    return [name, find(header, spellings)] as const
  })
  return Object.fromEntries(entries) as Record<keyof Names, CsvColumn>
}

/** A record's cell in a column, named for errors; blank when the file has no such column or the record stops before it. */
export function valueIn(record: CsvRecord, column: CsvColumn): FileValue {
  const cell = column.index === null ? undefined : record.cells[column.index]
  return { name: column.name, text: cell?.text ?? '', line: cell?.line ?? record.line, column: cell?.column ?? null }
}

/** A record's cells by the parser's own names for its columns. */
export type CsvField<Names> = (name: keyof Names) => FileValue

/**
 * A CSV export's rows: its header read for the columns a parser knows (`required` ones or the file is refused),
 * then each record made into a row by `rowOf`, with the line it starts on.
 */
export function rowsOfCsv<Names extends Readonly<Record<string, readonly string[]>>>(
  text: string,
  names: Names,
  required: readonly (keyof Names)[],
  rowOf: (field: CsvField<Names>, line: number) => ImportRow,
): ImportRow[] {
  const { header, records } = readCsv(text)
  const columns = columnsOf(header, names, required)
  return records.map((record) => rowOf((name) => valueIn(record, columns[name]), record.line))
}
