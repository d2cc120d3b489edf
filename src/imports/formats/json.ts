import { isCalendarDate } from '../../journal/input.js'
import { ImportFormatError } from '../rows.js'

/**
 * A JSON file as uploaded: a UTF-8 BOM is dropped (editors on Windows write one), and a file that is not JSON is
 * refused with the line and column of the first error, counted in characters from 1, as an editor shows them.
 */
export function parseJsonFile(text: string): unknown {
  const json = text.startsWith('\uFEFF') ? text.slice(1) : text
  try {
    return JSON.parse(json)
  } catch (error) {
    const message = (error as Error).message
    const position = errorPositionOf(message, json)
    const what = message.replace(/ in JSON at position \d+$/, '').replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, '')
    if (position === null) throw new ImportFormatError(`Not valid JSON: ${what}`, null, null)
    const { line, column } = placeOf(json, position)
    throw new ImportFormatError(`Not valid JSON at line ${line}, column ${column}: ${what}`, line, column)
  }
}

/** How many characters V8 quotes on each side of an unexpected token. */
const V8_CONTEXT = 10

/**
 * Where (in UTF-16 units) the error V8 reports lies. Most messages end "at position N"; an unexpected token is
 * reported with the text around it instead (Node 20), which places it exactly when it starts or ends the quote,
 * and otherwise when the quoted text occurs once. "Unexpected end" is at the end.
 */
function errorPositionOf(message: string, text: string): number | null {
  const at = /at position (\d+)/.exec(message)
  if (at) return Number(at[1])
  if (message === 'Unexpected end of JSON input') return text.length
  const token = /^Unexpected token '([\s\S])', (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/.exec(message)
  if (!token) return null
  const [, character = '', before, quote = '', after] = token
  const onlyIndexOf = (part: string) => (text.indexOf(part) === text.lastIndexOf(part) ? text.indexOf(part) : -1)
  let position: number
  if (before && after) position = onlyIndexOf(quote) + V8_CONTEXT
  else if (before) position = text.length - quote.length + V8_CONTEXT
  else if (after) position = quote.length - V8_CONTEXT
  else position = onlyIndexOf(character)
  return position >= 0 && text[position] === character ? position : null
}

/** The line and column (from 1, in characters: an emoji is one) of a UTF-16 offset; CRLF is one line break. */
function placeOf(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position)
  let line = 1
  let lineStart = 0
  for (const lineBreak of before.matchAll(/\r\n?|\n/g)) {
    line++
    lineStart = lineBreak.index + lineBreak[0].length
  }
  return { line, column: [...before.slice(lineStart)].length + 1 }
}

/**
 * An object of an untrusted JSON file and where it is in the file (`response.games[3]`), so that a field of the
 * wrong type can be named in the error: "response.games[3].appid must be a whole number".
 */
export interface JsonObject {
  fields: Readonly<Record<string, unknown>>
  path: string
}

/** What a field must be, said the way the error says it. */
export interface JsonKind<T> {
  what: string
  is(value: unknown): value is T
}

export const STRING: JsonKind<string> = { what: 'a string', is: (value) => typeof value === 'string' }
export const NUMBER: JsonKind<number> = { what: 'a number', is: (value) => typeof value === 'number' }
export const WHOLE_NUMBER: JsonKind<number> = { what: 'a whole number', is: (value): value is number => Number.isSafeInteger(value) }
const BOOLEAN: JsonKind<boolean> = { what: 'true or false', is: (value) => typeof value === 'boolean' }
export const DATE: JsonKind<string> = {
  what: 'a date (YYYY-MM-DD)',
  is: (value): value is string => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && isCalendarDate(value),
}

export function oneOf<const T extends string>(values: readonly T[]): JsonKind<T> {
  return { what: `one of ${values.join(', ')}`, is: (value): value is T => values.includes(value as T) }
}

const pathOf = (object: JsonObject, key: string) => (object.path ? `${object.path}.${key}` : key)

function refuse(path: string, what: string): never {
  throw new ImportFormatError(`${path} must be ${what}`, null, null)
}

function objectAt(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) refuse(path || 'The file', 'a JSON object')
  return { fields: value as Record<string, unknown>, path }
}

/** The file's top-level object. */
export function rootObject(value: unknown): JsonObject {
  return objectAt(value, '')
}

/** A field that may be missing or null (then null). */
export function optional<T>(object: JsonObject, key: string, kind: JsonKind<T>): T | null {
  const value = object.fields[key]
  if (value === undefined || value === null) return null
  if (!kind.is(value)) refuse(pathOf(object, key), kind.what)
  return value
}

export function required<T>(object: JsonObject, key: string, kind: JsonKind<T>): T {
  return optional(object, key, kind) ?? refuse(pathOf(object, key), kind.what)
}

/** A true/false field; missing or null is false. */
export function flag(object: JsonObject, key: string): boolean {
  return optional(object, key, BOOLEAN) ?? false
}

/** A nested object that must be there. */
export function requiredObject(object: JsonObject, key: string): JsonObject {
  return objectAt(object.fields[key], pathOf(object, key))
}

/** An array field's items; a missing or null array is empty (an export leaves out what it has none of). */
function itemsOf(object: JsonObject, key: string): { value: unknown; path: string }[] {
  const value = object.fields[key]
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) refuse(pathOf(object, key), 'an array')
  return value.map((item, index) => ({ value: item, path: `${pathOf(object, key)}[${index}]` }))
}

export function objectsOf(object: JsonObject, key: string): JsonObject[] {
  return itemsOf(object, key).map((item) => objectAt(item.value, item.path))
}

/** An array of values of one kind; null items are refused too (a list of dates has no blank date). */
export function valuesOf<T>(object: JsonObject, key: string, kind: JsonKind<T>): T[] {
  return itemsOf(object, key).map((item) => (kind.is(item.value) ? item.value : refuse(item.path, kind.what)))
}
