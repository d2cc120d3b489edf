import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api, unwrap } from '../api/client'
import type { Entry } from '../api/types'
import { useAuth } from '../auth'
import { ConfirmDialog } from './ConfirmDialog'
import { EditEntryDialog, refreshJournal } from './LogDialog'

/** Edit and Delete (after a confirmation) for a journal entry or review: only on your own. */
export function EntryActions({ entry }: { entry: Entry }) {
  const auth = useAuth()
  const queryClient = useQueryClient()
  const [editing, setEditing] = useState(false)
  const [deleting, setDeleting] = useState(false)
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/actions/journal/{id}', { params: { path: { id: entry.id } } })),
    onSuccess: () => {
      setDeleting(false)
      refreshJournal(queryClient, entry.game.slug)
    },
  })
  if (auth.user?.id !== entry.user.id) return null
  const what = `${entry.review ? 'review' : 'journal entry'} of ${entry.game.name}`
  return (
    <span className="entry-actions">
      <button type="button" className="link-button" onClick={() => setEditing(true)}>
        Edit<span className="visually-hidden"> your {what}</span>
      </button>
      <button type="button" className="link-button" onClick={() => setDeleting(true)}>
        Delete<span className="visually-hidden"> your {what}</span>
      </button>
      <EditEntryDialog entry={entry} open={editing} onClose={() => setEditing(false)} />
      <ConfirmDialog
        open={deleting}
        title={`Delete your ${what}?`}
        confirmLabel={entry.review ? 'Delete review' : 'Delete entry'}
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => remove.mutate()}
        onClose={() => setDeleting(false)}
      >
        <p>
          It goes from your journal{entry.review ? ', with its likes and comments' : ''}. This cannot be undone. Your rating,
          like and played status of the game stay as they are.
        </p>
      </ConfirmDialog>
    </span>
  )
}
