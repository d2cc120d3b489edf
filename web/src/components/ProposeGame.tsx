// Proposing a game the catalog lacks (POST /api/games/): it is added provisionally, and the page goes to it.
import { useMutation } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, useLocation, useNavigate } from 'react-router'
import { api, ApiError, unwrap } from '../api/client'
import type { Body, Platform, SearchHit } from '../api/types'
import { useAuth } from '../auth'
import { PLATFORMS } from '../lib/playtime'
import { Dialog } from './Dialog'
import { errorsOf, Field, FormActions, FormErrors } from './Form'

type GameProposal = Body<'/api/games/', 'post'>

/** "Propose a game" under search results, for a signed-in person; a way to sign in for anyone else. */
export function ProposeGame({ name }: { name: string }) {
  const { signedIn } = useAuth()
  const location = useLocation()
  const [open, setOpen] = useState(false)
  if (!signedIn) {
    return (
      <p className="propose-game muted">
        Not the game you were looking for? <Link to={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`}>Sign in</Link> to
        propose it.
      </p>
    )
  }
  return (
    <div className="propose-game muted">
      Not the game you were looking for?{' '}
      <button type="button" className="button button-ghost button-small" onClick={() => setOpen(true)}>
        Propose a game
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Propose a game">
        <ProposeGameForm initialName={name} onCancel={() => setOpen(false)} />
      </Dialog>
    </div>
  )
}

/** The game the catalog already has under that name and year, from a 409. */
function existingGameOf(error: unknown): SearchHit | undefined {
  if (!(error instanceof ApiError) || error.status !== 409) return undefined
  return (error.body as { game?: SearchHit } | null)?.game
}

function ProposeGameForm({ initialName, onCancel }: { initialName: string; onCancel: () => void }) {
  const navigate = useNavigate()
  const [name, setName] = useState(initialName)
  const [year, setYear] = useState('')
  const [platforms, setPlatforms] = useState<Platform[]>([])
  const propose = useMutation({
    mutationFn: (body: GameProposal) => unwrap(api.POST('/api/games/', { body })),
    onSuccess: (game) => navigate(`/games/${game.slug}`),
  })
  const existing = existingGameOf(propose.error)
  const errors = existing ? {} : errorsOf(propose.error)
  const toggle = (platform: Platform) =>
    setPlatforms((chosen) => (chosen.includes(platform) ? chosen.filter((p) => p !== platform) : [...chosen, platform]))
  return (
    <form
      className="form"
      onSubmit={(event) => {
        event.preventDefault()
        propose.mutate({ name, release_year: Number(year), platforms })
      }}
    >
      <p className="muted">It is added for everyone to find; it goes again if nobody logs, rates or lists it.</p>
      <Field label="Title" errors={errors.name}>
        {(props) => <input {...props} value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />}
      </Field>
      <Field label="Release year" errors={errors.release_year}>
        {(props) => <input {...props} type="number" inputMode="numeric" value={year} onChange={(e) => setYear(e.target.value)} required min={1947} />}
      </Field>
      <fieldset className="choice-group propose-game-platforms">
        <legend className="label">Platforms</legend>
        {PLATFORMS.map((platform) => (
          <label key={platform} className="checkbox">
            <input type="checkbox" checked={platforms.includes(platform)} onChange={() => toggle(platform)} />
            {platform}
          </label>
        ))}
      </fieldset>
      {existing && (
        <p className="form-errors" role="alert">
          The catalog has it already: <Link to={`/games/${existing.slug}`}>{existing.name}</Link> ({existing.release_year}).
        </p>
      )}
      <FormErrors errors={errors} shownFields={['name', 'release_year']} />
      <FormActions label="Add the game" busy={propose.isPending} busyLabel="Adding…" onCancel={onCancel} />
    </form>
  )
}
