import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { FastifySchemaCompiler } from 'fastify'
import { addFieldError, type FieldErrors } from './errors.js'

/**
 * A schema may carry the message its `pattern` or `format` failure should show, as an OpenAPI extension,
 * e.g. `Type.String({ pattern: '^[a-z]+$', 'x-error-message': 'Enter a valid username.' })`.
 */
export const ERROR_MESSAGE_KEYWORD = 'x-error-message'

// ajv-formats ships CommonJS whose default export is the plugin itself.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

function createAjv(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: true, verbose: true, useDefaults: true, removeAdditional: false, ...options })
  addFormats(ajv)
  ajv.addKeyword({ keyword: ERROR_MESSAGE_KEYWORD, schemaType: 'string' })
  return ajv
}

// Bodies are JSON and must arrive with the right types (a number is not a username); query strings and path
// parameters are text by nature, so they are coerced to the schema's types.
const bodyAjv = createAjv({ coerceTypes: false })
const urlAjv = createAjv({ coerceTypes: 'array' })

/** Bodies that came as `application/x-www-form-urlencoded`: all text, so validated with coercion, like URLs. */
const formBodies = new WeakSet<object>()

export function markFormBody<T extends object>(body: T): T {
  formBodies.add(body)
  return body
}

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const coercing = finiteNumbersOnly(urlAjv.compile(schema as object))
  if (httpPart !== 'body') return coercing
  const strict = bodyAjv.compile(schema as object)
  const validate = (data: unknown) => {
    const validator = typeof data === 'object' && data !== null && formBodies.has(data) ? coercing : strict
    const valid = validator(data)
    validate.errors = validator.errors
    return valid
  }
  validate.errors = null as ErrorObject[] | null | undefined
  return validate
}

/**
 * Coercion turns the text "Infinity" or "1e400" into a number that ajv's integer and range checks let through;
 * no field of ours takes one, so a value that coerced to a non-finite number is refused like any wrong type.
 */
function finiteNumbersOnly(validator: ValidateFunction) {
  const validate = (data: unknown) => {
    const valid = validator(data)
    validate.errors = validator.errors
    if (!valid || typeof data !== 'object' || data === null) return valid
    const infinite = Object.entries(data).find(([, value]) => typeof value === 'number' && !Number.isFinite(value))
    if (!infinite) return valid
    validate.errors = [
      { keyword: 'type', instancePath: `/${infinite[0]}`, schemaPath: '', params: { type: 'number' }, data: infinite[1] },
    ]
    return false
  }
  validate.errors = null as ErrorObject[] | null | undefined
  return validate
}

/** Turns ajv's errors into the contract's `{"field": ["message"]}` shape, with Django REST framework's wording. */
export function fieldErrorsFrom(errors: readonly Partial<ErrorObject>[]): FieldErrors {
  // No prototype: a client's field may be called "toString" or "__proto__".
  const result: FieldErrors = Object.create(null)
  for (const error of errors) {
    const described = describe(error as ErrorObject)
    if (!described) continue
    const [field, message] = described
    if (!result[field]?.includes(message)) addFieldError(result, field, message)
  }
  return result
}

function describe(error: ErrorObject): [field: string, message: string] | undefined {
  const path = error.instancePath.split('/').slice(1).join('.')
  const field = path || 'non_field_errors'
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'required':
      return [joinPath(path, String(params.missingProperty)), 'This field is required.']
    case 'additionalProperties':
      return [joinPath(path, String(params.additionalProperty)), 'Unexpected field: not accepted here.']
    case 'type':
      return describeType(field, String(params.type), error.data)
    case 'minLength':
      return [field, params.limit === 1 ? 'This field may not be blank.' : `Ensure this field has at least ${String(params.limit)} characters.`]
    case 'maxLength':
      return [field, `Ensure this field has no more than ${String(params.limit)} characters.`]
    case 'pattern':
    case 'format':
      return [field, customMessage(error) ?? (params.format === 'email' ? 'Enter a valid email address.' : 'Enter a valid value.')]
    case 'minimum':
      return [field, `Ensure this value is greater than or equal to ${String(params.limit)}.`]
    case 'maximum':
      return [field, `Ensure this value is less than or equal to ${String(params.limit)}.`]
    case 'multipleOf':
      return [field, `Ensure this value is a multiple of ${String(params.multipleOf)}.`]
    case 'enum':
    case 'const':
      // Only a plain value is quoted back: a nested one can be too deep to turn into text.
      return [field, isPlainValue(error.data) ? `"${String(error.data)}" is not a valid choice.` : 'Not a valid choice.']
    case 'minItems':
      return [field, `Ensure this field has at least ${String(params.limit)} elements.`]
    case 'maxItems':
      return [field, `Ensure this field has no more than ${String(params.limit)} elements.`]
    case 'uniqueItems':
      return [field, 'Ensure this field has no duplicate elements.']
    case 'anyOf':
      // The branches' own errors say what is wrong.
      return undefined
    default:
      return [field, error.message ?? 'Invalid value.']
  }
}

function isPlainValue(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function')
}

function joinPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key
}

function customMessage(error: ErrorObject): string | undefined {
  const message = (error.parentSchema as Record<string, unknown> | undefined)?.[ERROR_MESSAGE_KEYWORD]
  return typeof message === 'string' ? message : undefined
}

const typeMessages: Record<string, string> = {
  string: 'Not a valid string.',
  boolean: 'Must be a valid boolean.',
  integer: 'A valid integer is required.',
  number: 'A valid number is required.',
  array: 'Expected a list of items.',
}

function describeType(field: string, types: string, data: unknown): [string, string] | undefined {
  // For a nullable value ajv names both types ("string,null"), or in an anyOf reports the null branch
  // separately, which is noise: the other type is the one to name.
  const expected = types.split(',').find((type) => type !== 'null')
  if (expected === undefined) return undefined
  if (data === null) return [field, 'This field may not be null.']
  if (expected === 'object') {
    const got = Array.isArray(data) ? 'list' : typeof data
    return [field, `Invalid data. Expected a dictionary, but got ${got}.`]
  }
  return [field, typeMessages[expected] ?? `Expected ${expected}.`]
}
