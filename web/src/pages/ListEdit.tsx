import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import { api, ApiError, unwrap } from '../api/client'
import type { GameSummary, ListBody } from '../api/types'
import { useAuth } from '../auth'
import { errorsOf, Field, FormErrors } from '../components/Form'
import { GameCombobox } from '../components/GameCombobox'
import { GameCover } from '../components/GameCover'
import { RequireAuth } from '../components/RequireAuth'
import { ErrorState, NotFoundState, Skeleton } from '../components/States'
import { useTitle } from '../lib/hooks'
import { useList } from './ListView'

interface Item {
  game: GameSummary
  note: string
}

interface Draft {
  title: string
  description: string
  ranked: boolean
  items: Item[]
}

function Editor({ id, initial }: { id?: string; initial: Draft }) {
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const [draft, setDraft] = useState(initial)
  const [announce, setAnnounce] = useState('')
  const save = useMutation({
    mutationFn: () => {
      const body: ListBody = {
        title: draft.title,
        description: draft.description.trim() ? draft.description : null,
        ranked: draft.ranked,
        games: draft.items.map((item) => ({ game: item.game.id, note: item.note.trim() ? item.note : null })),
      }
      return unwrap(
        id ? api.PATCH('/api/lists/{id}', { params: { path: { id } }, body }) : api.POST('/api/lists/', { body }),
      )
    },
    onSuccess: (list) => {
      queryClient.setQueryData(['list', String(list.id)], list)
      void queryClient.invalidateQueries({ queryKey: ['lists'] })
      navigate(`/lists/${list.id}`)
    },
  })
  const errors = errorsOf(save.error)

  function move(index: number, by: -1 | 1) {
    const items = [...draft.items]
    const target = index + by
    const moving = items[index]
    const other = items[target]
    if (!moving || !other) return
    items[index] = other
    items[target] = moving
    setDraft({ ...draft, items })
    setAnnounce(`${moving.game.name} moved to position ${target + 1} of ${items.length}.`)
  }

  function remove(index: number) {
    const item = draft.items[index]
    setDraft({ ...draft, items: draft.items.filter((_, i) => i !== index) })
    if (item) setAnnounce(`${item.game.name} removed.`)
  }

  return (
    <form
      className="form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault()
        save.mutate()
      }}
    >
      <FormErrors errors={errors} shownFields={['title', 'description', 'ranked']} />
      <Field label="Title" errors={errors.title}>
        {(props) => (
          <input {...props} required maxLength={200} value={draft.title} onChange={(e) => setDraft({ ...draft, title: e.target.value })} />
        )}
      </Field>
      <Field label="Description" errors={errors.description} hint="Optional">
        {(props) => (
          <textarea
            {...props}
            maxLength={5000}
            value={draft.description}
            onChange={(e) => setDraft({ ...draft, description: e.target.value })}
          />
        )}
      </Field>
      <label className="checkbox">
        <input type="checkbox" checked={draft.ranked} onChange={(e) => setDraft({ ...draft, ranked: e.target.checked })} />
        Ranked list (show each game’s position)
      </label>

      <section aria-labelledby="list-games-heading">
        <h2 id="list-games-heading" className="section-title">
          Games ({draft.items.length})
        </h2>
        <GameCombobox
          label="Add a game"
          placeholder="Search for a game to add…"
          onSelect={(hit) => {
            if (draft.items.some((item) => item.game.id === hit.id)) {
              setAnnounce(`${hit.name} is already in the list.`)
              return
            }
            const game: GameSummary = { id: hit.id, igdb: hit.igdb, name: hit.name, slug: hit.slug, cover_url: hit.cover_url }
            setDraft({ ...draft, items: [...draft.items, { game, note: '' }] })
            setAnnounce(`${hit.name} added at position ${draft.items.length + 1}.`)
          }}
        />
        {/* One element both shows and announces it: a hidden twin of it was read out a second time. */}
        <p className="field-hint" role="status">
          {announce}
        </p>
        <ol className="editor-items spaced">
          {draft.items.map((item, index) => (
            <li key={item.game.id} className="editor-item">
              <span className="editor-item-pos">{index + 1}</span>
              <GameCover game={item.game} size="xs" decorative />
              <div className="editor-item-body">
                <span className="editor-item-name">{item.game.name}</span>
                <label className="visually-hidden" htmlFor={`note-${item.game.id}`}>
                  Note for {item.game.name}
                </label>
                <input
                  id={`note-${item.game.id}`}
                  placeholder="Add a note (optional)"
                  maxLength={1000}
                  value={item.note}
                  onChange={(e) =>
                    setDraft({
                      ...draft,
                      items: draft.items.map((it, i) => (i === index ? { ...it, note: e.target.value } : it)),
                    })
                  }
                />
              </div>
              <div className="editor-item-controls">
                <button type="button" onClick={() => move(index, -1)} disabled={index === 0} aria-label={`Move ${item.game.name} up`}>
                  ↑
                </button>
                <button
                  type="button"
                  onClick={() => move(index, 1)}
                  disabled={index === draft.items.length - 1}
                  aria-label={`Move ${item.game.name} down`}
                >
                  ↓
                </button>
                <button type="button" onClick={() => remove(index)} aria-label={`Remove ${item.game.name}`}>
                  ✕
                </button>
              </div>
            </li>
          ))}
        </ol>
      </section>
      <div className="form-actions">
        <button type="submit" className="button" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : id ? 'Save list' : 'Create list'}
        </button>
        <Link to={id ? `/lists/${id}` : '/'} className="button button-ghost">
          Cancel
        </Link>
      </div>
    </form>
  )
}

function EditExisting({ id }: { id: string }) {
  const list = useList(id)
  const auth = useAuth()
  useTitle(list.data ? `Edit ${list.data.title}` : 'Edit list')
  if (list.isPending) return <Skeleton lines={5} />
  if (list.isError) {
    if (list.error instanceof ApiError && list.error.status === 404) return <NotFoundState what="list" />
    return <ErrorState error={list.error} retry={() => list.refetch()} />
  }
  if (auth.user && auth.user.id !== list.data.user.id) {
    return <ErrorState error={new Error('Only the owner of this list can edit it.')} />
  }
  const l = list.data
  return (
    <>
      <h1 className="page-title">Edit list</h1>
      <Editor
        id={id}
        initial={{
          title: l.title,
          description: l.description ?? '',
          ranked: l.ranked,
          items: l.games.map((item) => ({ game: item.game, note: item.note ?? '' })),
        }}
      />
    </>
  )
}

function CreateNew() {
  useTitle('New list')
  return (
    <>
      <h1 className="page-title">New list</h1>
      <Editor initial={{ title: '', description: '', ranked: false, items: [] }} />
    </>
  )
}

export default function ListEdit() {
  const { id } = useParams()
  return (
    <RequireAuth>
      <div className="settings">{id ? <EditExisting id={id} /> : <CreateNew />}</div>
    </RequireAuth>
  )
}
