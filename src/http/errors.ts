/** Field-level validation errors, as the contract shows them: `{"field": ["message", ...]}`. */
export type FieldErrors = Record<string, string[]>

/** An error the client caused; its body is sent as is with its status. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: { detail: string } | FieldErrors,
  ) {
    super('detail' in body && typeof body.detail === 'string' ? body.detail : 'Invalid input.')
  }
}

export const notFound = (detail = 'Not found.') => new ApiError(404, { detail })
export const forbidden = () => new ApiError(403, { detail: 'You do not have permission to perform this action.' })
export const badRequest = (detail: string) => new ApiError(400, { detail })
export const invalid = (errors: FieldErrors) => new ApiError(400, errors)

/** Adds a message to a field's list in an errors object. */
export function addFieldError(errors: FieldErrors, field: string, message: string): void {
  ;(errors[field] ??= []).push(message)
}
