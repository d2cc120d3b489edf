import { useId } from 'react'
import { ApiError } from '../api/client'

export type FieldErrors = Record<string, string[]>

/** The messages of a failed request, by field; anything else becomes non_field_errors. */
export function errorsOf(error: unknown): FieldErrors {
  if (!error) return {}
  if (error instanceof ApiError) {
    const fields = error.fields
    if (Object.keys(fields).length > 0) return fields
    return { non_field_errors: [error.message] }
  }
  return { non_field_errors: [error instanceof Error ? error.message : 'Something went wrong.'] }
}

/** Messages about the whole form: non_field_errors, detail, and those of fields the form does not show. */
export function FormErrors({ errors, shownFields = [] }: { errors: FieldErrors; shownFields?: string[] }) {
  const messages = Object.entries(errors)
    .filter(([field]) => !shownFields.includes(field))
    .flatMap(([field, list]) =>
      field === 'non_field_errors' || field === 'detail' ? list : list.map((message) => `${field}: ${message}`),
    )
  if (messages.length === 0) return null
  return (
    <div className="form-errors" role="alert">
      {messages.map((message, i) => (
        <p key={i}>{message}</p>
      ))}
    </div>
  )
}

export interface FieldControlProps {
  id: string
  'aria-invalid': boolean | undefined
  'aria-describedby': string | undefined
}

/** A labelled control with its hint and the server's messages for it right below. */
export function Field({
  label,
  errors,
  hint,
  children,
}: {
  label: string
  errors?: string[]
  hint?: React.ReactNode
  children: (props: FieldControlProps) => React.ReactNode
}) {
  const id = useId()
  const hintId = `${id}-hint`
  const errorId = `${id}-error`
  const invalid = errors !== undefined && errors.length > 0
  const describedBy = [hint ? hintId : null, invalid ? errorId : null].filter(Boolean).join(' ') || undefined
  return (
    <div className={`field${invalid ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': invalid || undefined, 'aria-describedby': describedBy })}
      {hint && (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
      {invalid && (
        <ul className="field-errors" id={errorId}>
          {errors.map((message, i) => (
            <li key={i}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  )
}

/** A dialog form's buttons: submit (saying so while busy) and cancel. */
export function FormActions({ label, busy, busyLabel = 'Saving…', onCancel }: { label: string; busy: boolean; busyLabel?: string; onCancel: () => void }) {
  return (
    <div className="form-actions">
      <button type="submit" className="button" disabled={busy}>
        {busy ? busyLabel : label}
      </button>
      <button type="button" className="button button-ghost" onClick={onCancel}>
        Cancel
      </button>
    </div>
  )
}
