import { Type } from 'typebox'
import { ApiError } from './errors.js'
import { MAX_ID, Nullable } from './schemas.js'

/** Cursor numbers are ids and counts: whole, not negative, within what a database column holds. */
const isIdRange = (value: number) => Number.isInteger(value) && value >= 0 && value <= MAX_ID

/** The position after the last item of a page, opaque to clients. */
export type CursorValues = (string | number)[]

export function encodeCursor(values: CursorValues): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url')
}

type CursorPart = 'string' | 'number' | 'timestamp'

const ISO_TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d{1,6})?Z$/

/**
 * A time that exists, as our timestamps are written: JavaScript rolls `2024-02-30` over into March and knows a
 * year 0, while PostgreSQL refuses both, so the date and time must print back exactly as given.
 */
function isTimestamp(value: string): boolean {
  const seconds = ISO_TIMESTAMP.exec(value)?.[1]
  if (seconds === undefined || seconds < '0001') return false
  const date = new Date(`${seconds}Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(seconds)
}

function isCursorPart(value: unknown, part: CursorPart): boolean {
  if (part === 'number') return typeof value === 'number' && isIdRange(value)
  if (part === 'timestamp') return typeof value === 'string' && isTimestamp(value)
  return typeof value === 'string' && value.length <= 100
}

/**
 * Reads a cursor back: none means the first page; anything a client made up or mangled is a 400, never a 500.
 * A cursor is valid only as we write it: its values, encoded again, give the same cursor.
 */
export function decodeCursor<T extends CursorValues>(cursor: string | undefined, shape: CursorPart[]): T | undefined {
  if (cursor === undefined) return undefined
  let values: unknown
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    values = undefined
  }
  const valid =
    Array.isArray(values) &&
    values.length === shape.length &&
    values.every((value, i) => isCursorPart(value, shape[i] as CursorPart)) &&
    encodeCursor(values) === cursor
  if (!valid) throw new ApiError(400, { cursor: ['Invalid cursor.'] })
  return values as T
}

/** The page size of a list read without a limit. */
export const DEFAULT_PAGE_LIMIT = 20

export const CursorQuery = {
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'The `next` of the previous page' })),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: DEFAULT_PAGE_LIMIT }),
}

/** A page of a list that can grow without bound. */
export function Page<T extends import('typebox').TSchema>(item: T) {
  return Type.Object({
    results: Type.Array(item),
    next: Nullable(Type.String({ description: 'Cursor of the next page; null on the last' })),
  })
}

/** Splits one extra fetched row off a page: its presence says there is a next page. */
export function pageOf<T>(rows: T[], limit: number, cursorOf: (last: T) => CursorValues) {
  const results = rows.slice(0, limit)
  const last = results[results.length - 1]
  return { results, next: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null }
}
