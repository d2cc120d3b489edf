import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { api, unwrap } from '../api/client'
import type { GameDetails, JournalBody } from '../api/types'
import { today } from '../lib/format'
import { Dialog } from './Dialog'
import { errorsOf, Field, FormActions, FormErrors } from './Form'
import { RatingInput } from './RatingInput'

const ENTRY_TYPES = [
  ['finished', 'Finished'],
  ['played', 'Played'],
  ['started', 'Started'],
  ['replayed', 'Replayed'],
  ['abandoned', 'Abandoned'],
] as const

type EntryType = (typeof ENTRY_TYPES)[number][0]

function LogForm({ game, onDone }: { game: GameDetails; onDone: () => void }) {
  const queryClient = useQueryClient()
  const platformsId = useId()
  const [form, setForm] = useState({
    date: today(),
    entry_type: 'finished' as EntryType,
    platform: game.platforms.length === 1 ? (game.platforms[0] ?? '') : '',
    review: '',
    spoilers: false,
    liked: game.viewer?.liked ?? false,
    rating: game.viewer?.rating ?? null,
  })
  const save = useMutation({
    mutationFn: () => {
      const body: JournalBody = {
        game: game.id,
        date: form.date,
        entry_type: form.entry_type,
        platform: form.platform.trim() || null,
        review: form.review.trim() ? form.review : null,
        spoilers: form.spoilers,
        liked: form.liked,
        rating: form.rating,
      }
      return unwrap(api.POST('/api/actions/journal/', { body }))
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['game', game.slug] })
      void queryClient.invalidateQueries({ queryKey: ['reviews', game.slug] })
      onDone()
    },
  })
  const errors = errorsOf(save.error)
  const fields = ['date', 'entry_type', 'platform', 'review', 'spoilers', 'liked', 'rating']
  return (
    <form
      className="form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault()
        save.mutate()
      }}
    >
      <FormErrors errors={errors} shownFields={fields} />
      <div className="form-row">
        <Field label="Date" errors={errors.date}>
          {(props) => (
            <input
              {...props}
              type="date"
              required
              max={today()}
              value={form.date}
              onChange={(e) => setForm({ ...form, date: e.target.value })}
            />
          )}
        </Field>
        <Field label="What happened" errors={errors.entry_type}>
          {(props) => (
            <select {...props} value={form.entry_type} onChange={(e) => setForm({ ...form, entry_type: e.target.value as EntryType })}>
              {ENTRY_TYPES.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field label="Platform" errors={errors.platform} hint="Optional">
        {(props) => (
          <>
            <input
              {...props}
              list={platformsId}
              maxLength={100}
              value={form.platform}
              onChange={(e) => setForm({ ...form, platform: e.target.value })}
            />
            <datalist id={platformsId}>
              {game.platforms.map((p) => (
                <option key={p} value={p} />
              ))}
            </datalist>
          </>
        )}
      </Field>
      <Field label="Review" errors={errors.review} hint="Optional. With text, this entry is a review others can read.">
        {(props) => (
          <textarea {...props} maxLength={20000} value={form.review} onChange={(e) => setForm({ ...form, review: e.target.value })} />
        )}
      </Field>
      <div className="form-row">
        <label className="checkbox">
          <input type="checkbox" checked={form.spoilers} onChange={(e) => setForm({ ...form, spoilers: e.target.checked })} />
          Contains spoilers
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={form.liked} onChange={(e) => setForm({ ...form, liked: e.target.checked })} />
          Liked it
        </label>
      </div>
      <RatingInput label="Rating" value={form.rating} onChange={(rating) => setForm({ ...form, rating })} />
      {errors.rating && <p className="field-errors">{errors.rating.join(' ')}</p>}
      <FormActions label="Save" busy={save.isPending} onCancel={onDone} />
    </form>
  )
}

export function LogDialog({
  game,
  open,
  onClose,
  onLogged,
}: {
  game: GameDetails
  open: boolean
  onClose: () => void
  onLogged: () => void
}) {
  return (
    <Dialog open={open} onClose={onClose} title={`Log ${game.name}`}>
      <LogForm game={game} onDone={onLogged} />
    </Dialog>
  )
}
