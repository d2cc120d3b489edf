// Playthroughs on a game page: start one, log one, end one (finish, shelve, abandon), and the list of yours.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Link } from 'react-router'
import { api, unwrap } from '../api/client'
import type {
  Completion,
  GameDetails,
  Platform,
  Playthrough,
  PlaythroughBody,
  PlaythroughChanges,
  PlaythroughStatus,
  Storefront,
} from '../api/types'
import { today } from '../lib/format'
import {
  COMPLETION_LABELS,
  isPlatform,
  keysOf,
  MAX_ADJUSTMENT_MINUTES,
  PLATFORMS,
  playthroughFacts,
  playthroughTime,
  STATUS_LABELS,
  STOREFRONT_LABELS,
} from '../lib/playtime'
import { ConfirmDialog } from './ConfirmDialog'
import { Dialog } from './Dialog'
import { errorsOf, Field, FormActions, FormErrors, type FieldControlProps } from './Form'
import { DurationInput, minutesOf, refreshPlay, SessionButtons } from './PlaySession'

/** The game's own platforms first (those the server knows), then every other one. */
function PlatformSelect({
  platforms,
  value,
  onChange,
  ...props
}: FieldControlProps & { platforms: string[]; value: Platform | ''; onChange: (value: Platform | '') => void }) {
  const own = platforms.filter(isPlatform)
  const others = PLATFORMS.filter((p) => !own.includes(p))
  return (
    <select {...props} value={value} onChange={(e) => onChange(e.target.value as Platform | '')}>
      <option value="">Not saying</option>
      {own.length > 0 && (
        <optgroup label="This game’s platforms">
          {own.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </optgroup>
      )}
      <optgroup label={own.length > 0 ? 'Other platforms' : 'Platforms'}>
        {others.map((p) => (
          <option key={p}>{p}</option>
        ))}
      </optgroup>
    </select>
  )
}

/** Its one platform when the game has only one, else none chosen. */
function defaultPlatform(game: GameDetails): Platform | '' {
  const own = game.platforms.filter(isPlatform)
  return own.length === 1 ? (own[0] ?? '') : ''
}

function useCreatePlaythrough(game: GameDetails, onCreated: () => void) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: Omit<PlaythroughBody, 'game'>) => unwrap(api.POST('/api/playthroughs/', { body: { ...body, game: game.id } })),
    onSuccess: () => {
      refreshPlay(queryClient, game.slug)
      onCreated()
    },
  })
}

function StartPlaying({ game, onStarted }: { game: GameDetails; onStarted: () => void }) {
  const [platform, setPlatform] = useState<Platform | ''>(defaultPlatform(game))
  const start = useCreatePlaythrough(game, onStarted)
  const errors = errorsOf(start.error)
  return (
    <form
      className="start-playing"
      onSubmit={(event) => {
        event.preventDefault()
        start.mutate({ status: 'playing', platform: platform || null, started_on: today() })
      }}
    >
      <Field label="Platform" errors={errors.platform}>
        {(props) => <PlatformSelect {...props} platforms={game.platforms} value={platform} onChange={setPlatform} />}
      </Field>
      <FormErrors errors={errors} shownFields={['platform']} />
      <button type="submit" className="button button-wide" disabled={start.isPending}>
        {start.isPending ? 'Starting…' : 'Start playing'}
      </button>
    </form>
  )
}

const COMPLETIONS = keysOf(COMPLETION_LABELS)

/** An <option> for each value of a record of labels, in its order. */
const optionsOf = <K extends string>(labels: Record<K, string>) =>
  keysOf(labels).map((value) => (
    <option key={value} value={value}>
      {labels[value]}
    </option>
  ))

function CompletionChoice({ value, onChange, errors }: { value: Completion | ''; onChange: (value: Completion) => void; errors?: string[] }) {
  return (
    <fieldset className={`choice-group${errors?.length ? ' field-invalid' : ''}`}>
      <legend className="label">How far did you get?</legend>
      {COMPLETIONS.map((level) => (
        <label key={level} className="checkbox">
          <input type="radio" name="completion" value={level} checked={value === level} onChange={() => onChange(level)} />
          {COMPLETION_LABELS[level]}
        </label>
      ))}
      {errors && errors.length > 0 && <p className="field-errors">{errors.join(' ')}</p>}
    </fieldset>
  )
}

/** A whole playthrough told at once: played before, or played elsewhere. Its time is an adjustment (no date). */
function LogPlaythroughForm({ game, onSaved, onCancel }: { game: GameDetails; onSaved: () => void; onCancel: () => void }) {
  const [form, setForm] = useState({
    platform: defaultPlatform(game),
    storefront: '' as Storefront | '',
    status: 'finished' as PlaythroughStatus,
    completion: 'main' as Completion | '',
    started_on: '',
    finished_on: today(),
    hours: '',
    minutes: '',
    replay: false,
    notes: '',
  })
  const save = useCreatePlaythrough(game, onSaved)
  const errors = errorsOf(save.error)
  const ended = form.status !== 'playing'
  const fields = ['platform', 'storefront', 'status', 'completion', 'started_on', 'finished_on', 'adjustment_minutes', 'replay', 'notes']
  return (
    <form
      className="form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault()
        save.mutate({
          platform: form.platform || null,
          storefront: form.storefront || null,
          status: form.status,
          completion: form.status === 'finished' && form.completion ? form.completion : null,
          started_on: form.started_on || null,
          finished_on: ended && form.finished_on ? form.finished_on : null,
          adjustment_minutes: minutesOf(form.hours, form.minutes),
          replay: form.replay,
          notes: form.notes.trim() || null,
        })
      }}
    >
      <FormErrors errors={errors} shownFields={fields} />
      <div className="form-row">
        <Field label="Platform" errors={errors.platform}>
          {(props) => (
            <PlatformSelect {...props} platforms={game.platforms} value={form.platform} onChange={(platform) => setForm({ ...form, platform })} />
          )}
        </Field>
        <Field label="Storefront" errors={errors.storefront}>
          {(props) => (
            <select {...props} value={form.storefront} onChange={(e) => setForm({ ...form, storefront: e.target.value as Storefront | '' })}>
              <option value="">Not saying</option>
              {optionsOf(STOREFRONT_LABELS)}
            </select>
          )}
        </Field>
      </div>
      <Field label="Status" errors={errors.status}>
        {(props) => (
          <select {...props} value={form.status} onChange={(e) => setForm({ ...form, status: e.target.value as PlaythroughStatus })}>
            {optionsOf(STATUS_LABELS)}
          </select>
        )}
      </Field>
      {form.status === 'finished' && (
        <CompletionChoice value={form.completion} errors={errors.completion} onChange={(completion) => setForm({ ...form, completion })} />
      )}
      <div className="form-row">
        <Field label="Started on" errors={errors.started_on} hint="Optional">
          {(props) => (
            <input {...props} type="date" max={today()} value={form.started_on} onChange={(e) => setForm({ ...form, started_on: e.target.value })} />
          )}
        </Field>
        {ended && (
          <Field label={form.status === 'finished' ? 'Finished on' : 'Stopped on'} errors={errors.finished_on} hint="Optional">
            {(props) => (
              <input {...props} type="date" max={today()} value={form.finished_on} onChange={(e) => setForm({ ...form, finished_on: e.target.value })} />
            )}
          </Field>
        )}
      </div>
      <DurationInput
        legend="Time played"
        hours={form.hours}
        minutes={form.minutes}
        maxHours={Math.floor(MAX_ADJUSTMENT_MINUTES / 60)}
        errors={errors.adjustment_minutes}
        hint="Optional: the whole time, undated. Sessions you add later count toward their year."
        onChange={(hours, minutes) => setForm({ ...form, hours, minutes })}
      />
      <label className="checkbox">
        <input type="checkbox" checked={form.replay} onChange={(e) => setForm({ ...form, replay: e.target.checked })} />
        I had played it before (a replay)
      </label>
      <Field label="Notes" errors={errors.notes} hint="Optional">
        {(props) => <textarea {...props} maxLength={5000} value={form.notes} onChange={(e) => setForm({ ...form, notes: e.target.value })} />}
      </Field>
      <FormActions label="Save playthrough" busy={save.isPending} onCancel={onCancel} />
    </form>
  )
}

type Ending = Exclude<PlaythroughStatus, 'playing'>

const ENDINGS: { status: Ending; label: string; title: string }[] = [
  { status: 'finished', label: 'Finish…', title: 'Finish' },
  { status: 'shelved', label: 'Shelve…', title: 'Shelve' },
  { status: 'abandoned', label: 'Abandon…', title: 'Abandon' },
]

function usePatchPlaythrough(p: Playthrough, onDone: () => void) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: PlaythroughChanges) =>
      unwrap(api.PATCH('/api/playthroughs/{id}', { params: { path: { id: p.id } }, body })),
    onSuccess: () => {
      refreshPlay(queryClient, p.game.slug)
      onDone()
    },
  })
}

/** Finishing asks how far; shelving and abandoning ask only when. Each ends the run on the day given. */
function EndForm({ playthrough, ending, onDone }: { playthrough: Playthrough; ending: Ending; onDone: () => void }) {
  const [completion, setCompletion] = useState<Completion | ''>('main')
  const [date, setDate] = useState(today())
  const end = usePatchPlaythrough(playthrough, onDone)
  const errors = errorsOf(end.error)
  const title = ENDINGS.find((e) => e.status === ending)?.title ?? ''
  return (
    <form
      className="form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault()
        end.mutate({ status: ending, finished_on: date || null, ...(ending === 'finished' ? { completion: completion || null } : {}) })
      }}
    >
      <FormErrors errors={errors} shownFields={['completion', 'finished_on']} />
      {ending === 'finished' && <CompletionChoice value={completion} errors={errors.completion} onChange={setCompletion} />}
      <Field label={ending === 'finished' ? 'Finished on' : 'Stopped on'} errors={errors.finished_on}>
        {(props) => <input {...props} type="date" max={today()} value={date} onChange={(e) => setDate(e.target.value)} />}
      </Field>
      {ending === 'shelved' ? (
        <p className="field-hint">A shelved game stays yours to resume later.</p>
      ) : (
        <p className="field-hint">The game is marked played, and your journal says so.</p>
      )}
      <FormActions label={title} busy={end.isPending} onCancel={onDone} />
    </form>
  )
}

function EndButtons({ playthrough }: { playthrough: Playthrough }) {
  const [ending, setEnding] = useState<Ending | null>(null)
  const name = playthrough.game.name
  const title = ENDINGS.find((e) => e.status === ending)?.title
  return (
    <div className="play-buttons">
      {ENDINGS.map(({ status, label }) => (
        <button key={status} type="button" className="button button-ghost button-small" onClick={() => setEnding(status)}>
          {label}
        </button>
      ))}
      <Dialog open={ending !== null} onClose={() => setEnding(null)} title={`${title ?? ''} ${name}`}>
        {ending && <EndForm playthrough={playthrough} ending={ending} onDone={() => setEnding(null)} />}
      </Dialog>
    </div>
  )
}

function PlaythroughItem({ playthrough: p }: { playthrough: Playthrough }) {
  const [confirming, setConfirming] = useState(false)
  const queryClient = useQueryClient()
  const resume = usePatchPlaythrough(p, () => undefined)
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/playthroughs/{id}', { params: { path: { id: p.id } } })),
    onSuccess: () => {
      setConfirming(false)
      refreshPlay(queryClient, p.game.slug)
    },
  })
  return (
    <li className="playthrough" data-status={p.status}>
      <p className="playthrough-facts">{playthroughFacts(p).join(' · ')}</p>
      <p className="playthrough-time">{playthroughTime(p)}</p>
      {p.status === 'playing' && (
        <>
          <SessionButtons playthrough={p} />
          <EndButtons playthrough={p} />
        </>
      )}
      <div className="button-row">
        {p.status === 'shelved' && (
          <button
            type="button"
            className="button button-ghost button-small"
            disabled={resume.isPending}
            onClick={() => resume.mutate({ status: 'playing', finished_on: null })}
          >
            Resume
          </button>
        )}
        <button type="button" className="link-button playthrough-delete" onClick={() => setConfirming(true)}>
          Delete<span className="visually-hidden"> this playthrough</span>
        </button>
      </div>
      {resume.error && (
        <p className="panel-error" role="alert">
          {resume.error.message}
        </p>
      )}
      <ConfirmDialog
        open={confirming}
        title="Delete this playthrough?"
        confirmLabel="Delete playthrough"
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => remove.mutate()}
        onClose={() => setConfirming(false)}
      >
        <p>Its {p.session_count === 1 ? 'session goes' : 'sessions go'} with it. Journal entries about it stay.</p>
      </ConfirmDialog>
    </li>
  )
}

/** The signed-in person's playthroughs of the game, and what they can do with it. */
export function PlayPanel({ game, username }: { game: GameDetails; username: string }) {
  const [logOpen, setLogOpen] = useState(false)
  const [said, say] = useState('')
  const playthroughs = useQuery({
    queryKey: ['playthroughs', username, 'game', game.id],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/users/{username}/playthroughs', {
          params: { path: { username }, query: { game: game.id, limit: 50 } },
          signal,
        }),
      ),
  })
  const items = playthroughs.data?.results ?? []
  const playing = items.some((p) => p.status === 'playing')
  return (
    <section className="panel play-panel" aria-labelledby="play-heading">
      <h2 id="play-heading" className="section-title">
        Your playthroughs
      </h2>
      {playthroughs.isPending ? (
        <div className="skeleton-block skeleton-line" role="status" aria-busy="true" aria-label="Loading" />
      ) : playthroughs.isError ? (
        <p className="panel-error" role="alert">
          {playthroughs.error.message}
        </p>
      ) : (
        items.length > 0 && (
          <ul className="playthroughs" aria-label={`Your playthroughs of ${game.name}`}>
            {items.map((p) => (
              <PlaythroughItem key={p.id} playthrough={p} />
            ))}
          </ul>
        )
      )}
      {playthroughs.data?.next && (
        <p>
          <Link to={`/u/${username}/playthroughs`}>All your playthroughs</Link>
        </p>
      )}
      {!playthroughs.isPending && !playing && <StartPlaying game={game} onStarted={() => say(`Playing ${game.name}.`)} />}
      <button type="button" className="button button-ghost button-wide spaced" onClick={() => setLogOpen(true)}>
        Log a playthrough…
      </button>
      <p className="visually-hidden" role="status">
        {said}
      </p>
      <Dialog open={logOpen} onClose={() => setLogOpen(false)} title={`Log a playthrough of ${game.name}`}>
        <LogPlaythroughForm
          game={game}
          onSaved={() => {
            setLogOpen(false)
            say('Playthrough saved.')
          }}
          onCancel={() => setLogOpen(false)}
        />
      </Dialog>
    </section>
  )
}
