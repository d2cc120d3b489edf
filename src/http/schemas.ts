import { Type, type TSchema } from 'typebox'

/** `{"detail": "..."}`: the answer to a request-level error. */
export const Detail = Type.Object({ detail: Type.String() })

/**
 * `{"field": ["message", ...]}`, or `{"detail": ...}` for a body that could not be read at all. Two shapes, not
 * one object with an optional `detail`: a client's field may itself be called "detail".
 */
export const ValidationErrors = Type.Union([
  Detail,
  Type.Record(Type.String(), Type.Array(Type.String()), {
    description: 'Messages by field name; `non_field_errors` for errors of the whole input.',
  }),
])

/** Ids are 32-bit integers in PostgreSQL: a larger number can name no row (and must not reach the database). */
export const MAX_ID = 2_147_483_647

/** A row id as input. */
export const Id = Type.Integer({ minimum: 1, maximum: MAX_ID })

/** A value or null. Serialized as `type: [T, "null"]`, which fast-json-stringify handles without trying branches. */
export function Nullable<T extends TSchema & { type: string }>(schema: T) {
  return Type.Unsafe<import('typebox').Static<T> | null>({ ...schema, type: [schema.type, 'null'] })
}

const errorSchemas = {
  400: ValidationErrors,
  401: Detail,
  403: Detail,
  404: Detail,
  429: Detail,
} as const

/** The error answers a route can give, for its response schema (and so for the OpenAPI document). */
export function errorResponses<S extends keyof typeof errorSchemas>(...statuses: S[]) {
  return Object.fromEntries(statuses.map((status) => [status, errorSchemas[status]])) as Pick<typeof errorSchemas, S>
}

/** The answer of a route that answers 204. */
export const NoContent = Type.Null({ description: 'No content.' })

/** The answer to a GET whose If-None-Match names the current ETag: the client's copy is current. */
export const NotModified = Type.Null({ description: 'Not modified: the copy named by If-None-Match is current.' })

/** The OpenAPI security requirement of a route that needs a token. */
export const tokenSecurity = [{ token: [] }]
