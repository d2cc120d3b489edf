import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api, unwrap } from '../api/client'
import type { Entry, GameDetails } from '../api/types'
import { today } from '../lib/format'
import { useGame } from '../lib/game'
import { Dialog } from './Dialog'
import { errorsOf, Field, FormActions, FormErrors, type FieldControlProps } from './Form'
import { RatingInput } from './RatingInput'
import { Skeleton } from './States'

const ENTRY_TYPES = [
  ['finished', 'Finished'],
  ['played', 'Played'],
  ['started', 'Started'],
  ['replayed', 'Replayed'],
  ['abandoned', 'Abandoned'],
] as const

type EntryType = (typeof ENTRY_TYPES)[number][0]

/** What the form edits: the fields of a journal entry a person writes, as the API takes them. */
interface EntryFields {
  date: string
  entry_type: EntryType
  platform: string | null
  review: string | null
  spoilers: boolean
  liked: boolean
  rating: number | null
}

/** Everything a journal entry shows up in: the game page, reviews, the journal, activity, feeds and stats. */
export function refreshJournal(queryClient: QueryClient, slug: string): void {
  for (const queryKey of [['game', slug], ['reviews'], ['journal'], ['activity'], ['feed'], ['profile'], ['stats'], ['year']]) {
    void queryClient.invalidateQueries({ queryKey })
  }
}

/** The value of the "Other…" choice: no platform name starts with a control character. */
const OTHER = '\u0000other'

/** One of the game's platforms, none, or "Other…", which opens a text box for any name. */
function PlatformChoice({ platforms, value, onChange, errors }: { platforms: string[]; value: string; onChange: (value: string) => void; errors?: string[] }) {
  const [other, setOther] = useState(value !== '' && !platforms.includes(value))
  return (
    <>
      <Field label="Platform" errors={other ? undefined : errors} hint="Optional">
        {(props: FieldControlProps) => (
          <select
            {...props}
            value={other ? OTHER : value}
            onChange={(e) => {
              const chosen = e.target.value
              setOther(chosen === OTHER)
              onChange(chosen === OTHER ? '' : chosen)
            }}
          >
            <option value="">Not saying</option>
            {platforms.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
            <option value={OTHER}>Other…</option>
          </select>
        )}
      </Field>
      {other && (
        <Field label="Other platform" errors={errors}>
          {(props) => <input {...props} autoFocus maxLength={100} value={value} onChange={(e) => onChange(e.target.value)} />}
        </Field>
      )}
    </>
  )
}

/** The journal entry form: a new entry, or an edit of one. `save` sends it; the form closes once it is saved. */
function EntryForm({
  platforms,
  initial,
  slug,
  save,
  onDone,
}: {
  platforms: string[]
  initial: EntryFields
  slug: string
  save: (fields: EntryFields) => Promise<unknown>
  onDone: () => void
}) {
  const queryClient = useQueryClient()
  const [form, setForm] = useState({ ...initial, platform: initial.platform ?? '', review: initial.review ?? '' })
  const mutation = useMutation({
    mutationFn: () =>
      save({
        ...form,
        platform: form.platform.trim() || null,
        review: form.review.trim() ? form.review : null,
      }),
    onSuccess: () => {
      refreshJournal(queryClient, slug)
      onDone()
    },
  })
  const errors = errorsOf(mutation.error)
  const fields = ['date', 'entry_type', 'platform', 'review', 'spoilers', 'liked', 'rating']
  return (
    <form
      className="form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault()
        mutation.mutate()
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
      <PlatformChoice platforms={platforms} value={form.platform} errors={errors.platform} onChange={(platform) => setForm({ ...form, platform })} />
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
      <FormActions label="Save" busy={mutation.isPending} onCancel={onDone} />
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
  const initial: EntryFields = {
    date: today(),
    entry_type: 'finished',
    platform: game.platforms.length === 1 ? (game.platforms[0] ?? null) : null,
    review: null,
    spoilers: false,
    liked: game.viewer?.liked ?? false,
    rating: game.viewer?.rating ?? null,
  }
  return (
    <Dialog open={open} onClose={onClose} title={`Log ${game.name}`}>
      <EntryForm
        platforms={game.platforms}
        initial={initial}
        slug={game.slug}
        save={(fields) => unwrap(api.POST('/api/actions/journal/', { body: { game: game.id, ...fields } }))}
        onDone={onLogged}
      />
    </Dialog>
  )
}

function fieldsOf(entry: Entry): EntryFields {
  const { date, entry_type, platform, review, spoilers, liked, rating } = entry
  return { date, entry_type, platform, review, spoilers, liked, rating }
}

/** The edit form of one of your entries, once the game's platforms are known. */
function EditEntryForm({ entry, onDone }: { entry: Entry; onDone: () => void }) {
  const game = useGame(entry.game.slug)
  if (game.isPending) return <Skeleton lines={4} />
  return (
    <EntryForm
      platforms={game.data?.platforms ?? []}
      initial={fieldsOf(entry)}
      slug={entry.game.slug}
      save={(fields) => unwrap(api.PATCH('/api/actions/journal/{id}', { params: { path: { id: entry.id } }, body: fields }))}
      onDone={onDone}
    />
  )
}

export function EditEntryDialog({ entry, open, onClose }: { entry: Entry; open: boolean; onClose: () => void }) {
  const what = entry.review ? 'review' : 'journal entry'
  return (
    <Dialog open={open} onClose={onClose} title={`Edit your ${what} of ${entry.game.name}`}>
      <EditEntryForm entry={entry} onDone={onClose} />
    </Dialog>
  )
}
