import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, useNavigate } from 'react-router'
import { api, ApiError, setToken, unwrap } from '../api/client'
import type { GameSummary, Profile, ProfileUpdate } from '../api/types'
import { useAuth } from '../auth'
import { errorsOf, Field, FormErrors } from '../components/Form'
import { GameCombobox } from '../components/GameCombobox'
import { GameCover } from '../components/GameCover'
import { RequireAuth } from '../components/RequireAuth'
import { ErrorState, Skeleton } from '../components/States'
import { useTitle } from '../lib/hooks'
import { useProfile } from './Profile'

const MAX_FAVORITES = 5

function FavoritesPicker({ value, onChange }: { value: GameSummary[]; onChange: (games: GameSummary[]) => void }) {
  const [announce, setAnnounce] = useState('')
  const swap = (i: number, j: number) => {
    const next = [...value]
    const a = next[i]
    const b = next[j]
    if (!a || !b) return
    next[i] = b
    next[j] = a
    onChange(next)
    setAnnounce(`${a.name} moved to position ${j + 1}.`)
  }
  return (
    <fieldset className="rating-input">
      <legend>Favorite games</legend>
      <p className="field-hint">Up to {MAX_FAVORITES}, shown on your profile in this order.</p>
      {value.length < MAX_FAVORITES ? (
        <GameCombobox
          label="Add a favorite"
          hideLabel
          placeholder="Search for a game to add…"
          onSelect={(hit) => {
            if (value.some((g) => g.id === hit.id)) return setAnnounce(`${hit.name} is already a favorite.`)
            onChange([...value, { id: hit.id, igdb: hit.igdb, name: hit.name, slug: hit.slug, cover_url: hit.cover_url }])
            setAnnounce(`${hit.name} added.`)
          }}
        />
      ) : (
        <p className="field-hint">Remove one to add another.</p>
      )}
      <p className="visually-hidden" role="status">
        {announce}
      </p>
      <ol className="editor-items spaced">
        {value.map((game, i) => (
          <li key={game.id} className="editor-item">
            <span className="editor-item-pos">{i + 1}</span>
            <GameCover game={game} size="xs" decorative />
            <span className="editor-item-name">{game.name}</span>
            <div className="editor-item-controls">
              <button type="button" disabled={i === 0} onClick={() => swap(i, i - 1)} aria-label={`Move ${game.name} up`}>
                ↑
              </button>
              <button
                type="button"
                disabled={i === value.length - 1}
                onClick={() => swap(i, i + 1)}
                aria-label={`Move ${game.name} down`}
              >
                ↓
              </button>
              <button
                type="button"
                onClick={() => {
                  onChange(value.filter((g) => g.id !== game.id))
                  setAnnounce(`${game.name} removed.`)
                }}
                aria-label={`Remove ${game.name}`}
              >
                ✕
              </button>
            </div>
          </li>
        ))}
      </ol>
    </fieldset>
  )
}

function ProfileForm({ profile }: { profile: Profile }) {
  const queryClient = useQueryClient()
  const navigate = useNavigate()
  const [form, setForm] = useState({
    username: profile.username,
    email: profile.email ?? '',
    bio: profile.bio ?? '',
    location: profile.location ?? '',
    twitter: profile.twitter ?? '',
    useGravatar: profile.use_gravatar ?? false,
    refreshAvatar: false,
  })
  const [favorites, setFavorites] = useState<GameSummary[]>(profile.favorites)
  const save = useMutation({
    mutationFn: () => {
      const body: ProfileUpdate = {
        bio: form.bio.trim() ? form.bio : null,
        location: form.location.trim() ? form.location : null,
        twitter: form.twitter.trim() ? form.twitter.trim() : null,
        favorites: favorites.map((g) => g.id),
      }
      if (form.username !== profile.username) body.username = form.username
      if (form.email !== (profile.email ?? '')) body.email = form.email
      if (form.useGravatar !== (profile.use_gravatar ?? false)) body.use_gravatar = form.useGravatar
      if (form.refreshAvatar) body.refreshAvatar = true
      return unwrap(api.POST('/api/users/profile/{username}', { params: { path: { username: profile.username } }, body }))
    },
    onSuccess: (updated) => {
      void queryClient.invalidateQueries({ queryKey: ['me'] })
      void queryClient.invalidateQueries({ queryKey: ['profile'] })
      setForm((f) => ({ ...f, refreshAvatar: false }))
      if (updated.username !== profile.username) navigate('/settings', { replace: true })
    },
  })
  const errors = errorsOf(save.error)
  const set = (key: 'username' | 'email' | 'bio' | 'location' | 'twitter') =>
    (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => setForm({ ...form, [key]: e.target.value })
  return (
    <form
      className="form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault()
        save.mutate()
      }}
    >
      <FormErrors errors={errors} shownFields={['username', 'email', 'bio', 'location', 'twitter', 'favorites']} />
      <div className="form-row">
        <Field label="Username" errors={errors.username}>
          {(props) => <input {...props} autoComplete="username" value={form.username} onChange={set('username')} />}
        </Field>
        <Field label="Email" errors={errors.email}>
          {(props) => <input {...props} type="email" autoComplete="email" value={form.email} onChange={set('email')} />}
        </Field>
      </div>
      <Field label="Bio" errors={errors.bio} hint="Up to 255 characters.">
        {(props) => <textarea {...props} maxLength={255} value={form.bio} onChange={set('bio')} />}
      </Field>
      <div className="form-row">
        <Field label="Location" errors={errors.location}>
          {(props) => <input {...props} maxLength={50} value={form.location} onChange={set('location')} />}
        </Field>
        <Field label="Twitter" errors={errors.twitter} hint="Your handle, like @overworld">
          {(props) => <input {...props} maxLength={16} value={form.twitter} onChange={set('twitter')} />}
        </Field>
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={form.useGravatar} onChange={(e) => setForm({ ...form, useGravatar: e.target.checked })} />
        Use the Gravatar of my email as my avatar (it is public: anyone who guesses your email can confirm it)
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={form.refreshAvatar} onChange={(e) => setForm({ ...form, refreshAvatar: e.target.checked })} />
        {form.useGravatar ? 'Refresh my avatar from Gravatar' : 'Give me a new random avatar'}
      </label>
      <FavoritesPicker value={favorites} onChange={setFavorites} />
      {errors.favorites && <p className="field-errors">{errors.favorites.join(' ')}</p>}
      <div className="form-actions">
        <button type="submit" className="button" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save profile'}
        </button>
        {save.isSuccess && (
          <p className="success" role="status">
            Saved. <Link to={`/u/${save.data.username}`}>See your profile</Link>
          </p>
        )}
      </div>
    </form>
  )
}

function Export() {
  const [error, setError] = useState<string | null>(null)
  const download = useMutation({
    mutationFn: async (format: 'json' | 'csv') => {
      const { data, error: failure, response } = await api.GET('/api/users/me/export', {
        params: { query: { format } },
        parseAs: 'blob',
      })
      // Refused (one export at a time, a few an hour): say why, in the API's words.
      if (!response.ok || !data) throw new ApiError(response.status, failure)
      const disposition = response.headers.get('content-disposition') ?? ''
      const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `overworld.${format}`
      const url = URL.createObjectURL(data as Blob)
      const a = document.createElement('a')
      a.href = url
      a.download = name
      document.body.append(a)
      a.click()
      a.remove()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
    },
    onError: (e) => setError(e.message),
    onSuccess: () => setError(null),
  })
  return (
    <section className="settings-section" aria-labelledby="export-heading">
      <h2 id="export-heading">Export your data</h2>
      <p>Everything you own: profile, games, ratings, journal, reviews and lists.</p>
      <div className="form-actions">
        <button type="button" className="button button-ghost" onClick={() => download.mutate('json')} disabled={download.isPending}>
          Download JSON
        </button>
        <button type="button" className="button button-ghost" onClick={() => download.mutate('csv')} disabled={download.isPending}>
          Download CSV
        </button>
      </div>
      {error && (
        <p className="panel-error" role="alert">
          {error}
        </p>
      )}
    </section>
  )
}

function ImportSection() {
  return (
    <section className="settings-section" aria-labelledby="import-heading">
      <h2 id="import-heading">Import your games</h2>
      <p>From Steam, Backloggd, Grouvee, HowLongToBeat, Playnite or another Overworld. You see what it will do before anything is written.</p>
      <Link to="/settings/import" className="button button-ghost">
        Import…
      </Link>
    </section>
  )
}

function Sessions() {
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const logoutAll = useMutation({
    mutationFn: () => unwrap(api.POST('/api/users/logoutall/')),
    onSuccess: () => {
      setToken(null)
      queryClient.clear()
      navigate('/signin', { replace: true })
    },
  })
  return (
    <section className="settings-section" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Sign out everywhere</h2>
      <p>Signs you out on every device and browser, this one included.</p>
      <button type="button" className="button button-ghost" onClick={() => logoutAll.mutate()} disabled={logoutAll.isPending}>
        Sign out everywhere
      </button>
      {logoutAll.error && (
        <p className="panel-error" role="alert">
          {logoutAll.error.message}
        </p>
      )}
    </section>
  )
}

function ChangePassword() {
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const change = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/users/user/password/', { body: { current_password: current, new_password: next } })),
    onSuccess: () => {
      setCurrent('')
      setNext('')
    },
  })
  const errors = errorsOf(change.error)
  return (
    <section className="settings-section" aria-labelledby="password-heading">
      <h2 id="password-heading">Change password</h2>
      <p>Your other sessions are signed out; this one stays signed in.</p>
      <form
        className="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault()
          change.mutate()
        }}
      >
        <FormErrors errors={errors} shownFields={['current_password', 'new_password']} />
        <Field label="Current password" errors={errors.current_password}>
          {(props) => (
            <input {...props} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
          )}
        </Field>
        <Field label="New password" errors={errors.new_password}>
          {(props) => (
            <input {...props} type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />
          )}
        </Field>
        <div>
          <button type="submit" className="button" disabled={!current || !next || change.isPending}>
            {change.isPending ? 'Changing…' : 'Change password'}
          </button>
          {change.isSuccess && <p role="status">Password changed.</p>}
        </div>
      </form>
    </section>
  )
}

function DeleteAccount() {
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const [password, setPassword] = useState('')
  const [sure, setSure] = useState(false)
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/users/user/', { body: { password } })),
    // Leave this page before forgetting the token: a signed-out visitor of settings is sent to sign in instead.
    onSuccess: async () => {
      await navigate('/', { replace: true })
      setToken(null)
      queryClient.clear()
    },
  })
  const errors = errorsOf(remove.error)
  return (
    <section className="settings-section danger-zone" aria-labelledby="delete-heading">
      <h2 id="delete-heading">Delete your account</h2>
      <p>This deletes your account and everything it owns — games, ratings, journal, reviews, lists. It cannot be undone.</p>
      <form
        className="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault()
          if (sure && password) remove.mutate()
        }}
      >
        <FormErrors errors={errors} shownFields={['password']} />
        <Field label="Your password, to confirm" errors={errors.password}>
          {(props) => (
            <input {...props} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          )}
        </Field>
        <label className="checkbox">
          <input type="checkbox" checked={sure} onChange={(e) => setSure(e.target.checked)} />I understand this cannot be undone
        </label>
        <div>
          <button type="submit" className="button button-danger" disabled={!sure || !password || remove.isPending}>
            {remove.isPending ? 'Deleting…' : 'Delete my account'}
          </button>
        </div>
      </form>
    </section>
  )
}

function SettingsContent() {
  const auth = useAuth()
  const profile = useProfile(auth.user?.username ?? '')
  if (!auth.user || profile.isPending) return <Skeleton lines={6} />
  if (profile.isError) return <ErrorState error={profile.error} retry={() => profile.refetch()} />
  return (
    <>
      <section className="settings-section" aria-labelledby="profile-heading">
        <h2 id="profile-heading">Profile</h2>
        <ProfileForm key={profile.data.username} profile={profile.data} />
      </section>
      <ChangePassword />
      <Sessions />
      <ImportSection />
      <Export />
      <DeleteAccount />
    </>
  )
}

export default function Settings() {
  useTitle('Settings')
  return (
    <RequireAuth>
      <div className="settings">
        <h1 className="page-title">Settings</h1>
        <SettingsContent />
      </div>
    </RequireAuth>
  )
}
