// Adding time to a playthrough being played: one-press sessions of today, or a session told in a dialog.
import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api, unwrap } from '../api/client'
import type { Playthrough, SessionBody } from '../api/types'
import { today } from '../lib/format'
import { formatMinutes, MAX_SESSION_MINUTES } from '../lib/playtime'
import { Dialog } from './Dialog'
import { errorsOf, Field, FormActions, FormErrors } from './Form'

/**
 * After any change to a playthrough: everything that shows playthroughs or counts their time, and what ending one
 * changes (the game played, a journal entry).
 */
export function refreshPlay(queryClient: QueryClient, slug: string): void {
  for (const queryKey of [['game', slug], ['playthroughs'], ['playing'], ['profile'], ['stats'], ['year'], ['activity'], ['library']]) {
    void queryClient.invalidateQueries({ queryKey })
  }
}

function useAddSession(playthrough: Playthrough, onAdded: (text: string) => void) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: SessionBody) =>
      unwrap(api.POST('/api/playthroughs/{id}/sessions', { params: { path: { id: playthrough.id } }, body })),
    onSuccess: (result) => {
      refreshPlay(queryClient, playthrough.game.slug)
      onAdded(`Added ${formatMinutes(result.session.minutes)}. Total: ${formatMinutes(result.playthrough.minutes)}.`)
    },
  })
}

const QUICK = [
  [30, '+30 min'],
  [60, '+1 h'],
] as const

/** +30 min, +1 h (sessions of today) and "Custom…"; says what it added in a live region. */
export function SessionButtons({ playthrough }: { playthrough: Playthrough }) {
  const [said, say] = useState('')
  const [customOpen, setCustomOpen] = useState(false)
  const add = useAddSession(playthrough, say)
  const name = playthrough.game.name
  return (
    <div className="session-buttons">
      <div className="play-buttons" role="group" aria-label={`Add play time to ${name}`}>
        {QUICK.map(([minutes, label]) => (
          <button
            key={minutes}
            type="button"
            className="button button-small"
            disabled={add.isPending}
            onClick={() => add.mutate({ date: today(), minutes })}
          >
            {label}
            <span className="visually-hidden"> of {name} today</span>
          </button>
        ))}
        <button type="button" className="button button-ghost button-small" onClick={() => setCustomOpen(true)}>
          Custom…<span className="visually-hidden"> session of {name}</span>
        </button>
      </div>
      <p className="play-status" role="status">
        {said}
      </p>
      {add.error && (
        <p className="panel-error" role="alert">
          {add.error.message}
        </p>
      )}
      <Dialog open={customOpen} onClose={() => setCustomOpen(false)} title={`Add a session of ${name}`}>
        <SessionForm
          playthrough={playthrough}
          onDone={(text) => {
            setCustomOpen(false)
            if (text) say(text)
          }}
        />
      </Dialog>
    </div>
  )
}

/** Hours and minutes as two numbers; NaN when either is not a whole number (the server then says why). */
export function minutesOf(hours: string, minutes: string): number {
  const h = hours.trim() === '' ? 0 : Number(hours)
  const m = minutes.trim() === '' ? 0 : Number(minutes)
  return Number.isInteger(h) && Number.isInteger(m) ? h * 60 + m : Number.NaN
}

/** Two number inputs, hours and minutes, under one legend; the server's messages for the total below them. */
export function DurationInput({
  legend,
  hours,
  minutes,
  maxHours,
  errors,
  hint,
  onChange,
}: {
  legend: string
  hours: string
  minutes: string
  maxHours: number
  errors?: string[]
  hint?: string
  onChange: (hours: string, minutes: string) => void
}) {
  return (
    <fieldset className={`duration${errors?.length ? ' field-invalid' : ''}`}>
      <legend className="label">{legend}</legend>
      <div className="duration-inputs">
        <label>
          <input type="number" inputMode="numeric" min={0} max={maxHours} step={1} value={hours} onChange={(e) => onChange(e.target.value, minutes)} />
          <span>hours</span>
        </label>
        <label>
          <input type="number" inputMode="numeric" min={0} max={59} step={1} value={minutes} onChange={(e) => onChange(hours, e.target.value)} />
          <span>minutes</span>
        </label>
      </div>
      {hint && <p className="field-hint">{hint}</p>}
      {errors && errors.length > 0 && (
        <ul className="field-errors">
          {errors.map((message, i) => (
            <li key={i}>{message}</li>
          ))}
        </ul>
      )}
    </fieldset>
  )
}

function SessionForm({ playthrough, onDone }: { playthrough: Playthrough; onDone: (text: string) => void }) {
  const [form, setForm] = useState({ date: today(), hours: '1', minutes: '0', note: '' })
  const add = useAddSession(playthrough, onDone)
  const errors = errorsOf(add.error)
  return (
    <form
      className="form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault()
        add.mutate({ date: form.date, minutes: minutesOf(form.hours, form.minutes), note: form.note.trim() || null })
      }}
    >
      <FormErrors errors={errors} shownFields={['date', 'minutes', 'note']} />
      <Field label="Date" errors={errors.date}>
        {(props) => <input {...props} type="date" required max={today()} value={form.date} onChange={(e) => setForm({ ...form, date: e.target.value })} />}
      </Field>
      <DurationInput
        legend="How long"
        hours={form.hours}
        minutes={form.minutes}
        maxHours={MAX_SESSION_MINUTES / 60}
        errors={errors.minutes}
        hint="Up to 24 hours."
        onChange={(hours, minutes) => setForm({ ...form, hours, minutes })}
      />
      <Field label="Note" errors={errors.note} hint="Optional">
        {(props) => <input {...props} maxLength={1000} value={form.note} onChange={(e) => setForm({ ...form, note: e.target.value })} />}
      </Field>
      <FormActions label="Add session" busy={add.isPending} busyLabel="Adding…" onCancel={() => onDone('')} />
    </form>
  )
}
