import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  DATE,
  flag,
  objectsOf,
  oneOf,
  optional,
  parseJsonFile,
  required,
  requiredObject,
  rootObject,
  STRING,
  valuesOf,
  WHOLE_NUMBER,
} from '../../src/imports/formats/json.js'
import { ImportFormatError } from '../../src/imports/rows.js'
import { assertRefusedAt } from '../helpers/import-files.js'

describe('parseJsonFile', () => {
  it('drops a UTF-8 BOM', () => {
    assert.deepEqual(parseJsonFile('\uFEFF{"a": 1}'), { a: 1 })
  })

  it('places an error given "at position N" by line and column, CRLF counting as one line break', () => {
    const message = assertRefusedAt(() => parseJsonFile('{\r\n  "a": 1,\r\n  "b": 2,,\r\n}'), 3, 10)
    assert.equal(message, 'Not valid JSON at line 3, column 10: Expected double-quoted property name')
  })

  it('counts columns in characters, an emoji being one, and after a BOM as an editor does', () => {
    assertRefusedAt(() => parseJsonFile('\uFEFF{"😀😀": 1,\n "é😀": 2 3}'), 2, 10)
  })

  it('places the end of the input when the file stops short', () => {
    const message = assertRefusedAt(() => parseJsonFile('{\n  "a": [1,'), 2, 11)
    assert.equal(message, 'Not valid JSON at line 2, column 11: Unexpected end of JSON input')
  })

  it('places an unexpected token that Node reports with the text around it instead of a position', () => {
    // Near the start, in the middle (quoted text found once), near the end, and in a short text.
    const start = assertRefusedAt(() => parseJsonFile('[1, ]                         '), 1, 5)
    assert.equal(start, "Not valid JSON at line 1, column 5: Unexpected token ']'")
    assertRefusedAt(() => parseJsonFile('{\n  "games": [\n    1,\n  ],\n  "other": "value that is long"\n}'), 4, 3)
    assertRefusedAt(() => parseJsonFile('{"games": [1, 2, 3,\n]}'), 2, 1)
    assertRefusedAt(() => parseJsonFile('{"a":tru}'), 1, 9)
  })

  it('says what is wrong without a place when Node gives none', () => {
    assert.throws(() => parseJsonFile('undefined'), { message: 'Not valid JSON: "undefined" is not valid JSON', line: null, column: null })
  })
})

describe('reading untrusted JSON values', () => {
  const file = rootObject(
    parseJsonFile(
      JSON.stringify({
        games: [{ id: 1, name: 'Celeste', date: '2023-01-21', flag: null, dates: ['2023-01-03'] }, { id: 2.5 }],
        response: 'not an object',
      }),
    ),
  )
  const [first, second] = objectsOf(file, 'games')

  it('reads fields of the right type; missing and null are null, and false for a flag', () => {
    assert.ok(first && second)
    assert.equal(required(first, 'id', WHOLE_NUMBER), 1)
    assert.equal(optional(first, 'name', STRING), 'Celeste')
    assert.equal(optional(first, 'missing', STRING), null)
    assert.equal(optional(first, 'date', DATE), '2023-01-21')
    assert.equal(flag(first, 'flag'), false)
    assert.deepEqual(valuesOf(first, 'dates', DATE), ['2023-01-03'])
    assert.deepEqual(objectsOf(file, 'missing'), [])
  })

  it('names the item and field of a value of the wrong type', () => {
    assert.ok(first && second)
    assert.throws(() => required(second, 'id', WHOLE_NUMBER), ImportFormatError)
    assert.throws(() => required(second, 'id', WHOLE_NUMBER), { message: 'games[1].id must be a whole number' })
    assert.throws(() => required(second, 'name', STRING), { message: 'games[1].name must be a string' })
    assert.throws(() => optional(first, 'name', WHOLE_NUMBER), { message: 'games[0].name must be a whole number' })
    assert.throws(() => optional(first, 'name', oneOf(['a', 'b'])), { message: 'games[0].name must be one of a, b' })
    assert.throws(() => optional(first, 'name', DATE), { message: 'games[0].name must be a date (YYYY-MM-DD)' })
    assert.throws(() => objectsOf(first, 'name'), { message: 'games[0].name must be an array' })
    assert.throws(() => valuesOf(first, 'dates', WHOLE_NUMBER), { message: 'games[0].dates[0] must be a whole number' })
    assert.throws(() => requiredObject(file, 'response'), { message: 'response must be a JSON object' })
    assert.throws(() => rootObject([]), { message: 'The file must be a JSON object' })
  })

  it('refuses a day that does not exist', () => {
    const dated = rootObject({ date: '2023-02-30' })
    assert.throws(() => optional(dated, 'date', DATE), { message: 'date must be a date (YYYY-MM-DD)' })
  })
})
