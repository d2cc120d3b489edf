import { useInfiniteQuery, useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { Link } from 'react-router'
import type { Comment } from '../api/types'
import { cursorPaging } from '../api/pages'
import { useAuth } from '../auth'
import { timeAgo } from '../lib/format'
import { Avatar } from './Avatar'
import { ConfirmDialog } from './ConfirmDialog'
import { errorsOf } from './Form'
import { Empty, ErrorState, LoadMore, Skeleton } from './States'

/** The comments under something (a review, a list), and how to read, add and delete them through the API. */
export interface CommentThread {
  queryKey: QueryKey
  /** Who may delete anyone's comment here: the review's or the list's owner. */
  ownerId: number
  load: (cursor: string, signal: AbortSignal) => Promise<{ results: Comment[]; next: string | null }>
  add: (body: string) => Promise<unknown>
  remove: (commentId: number) => Promise<unknown>
  /** Other queries that show a count of these comments. */
  onChange?: () => void
  /** Said when there are none yet; nothing by default. */
  emptyText?: string
}

export function Comments({ thread }: { thread: CommentThread }) {
  const auth = useAuth()
  const queryClient = useQueryClient()
  const [body, setBody] = useState('')
  const [deleting, setDeleting] = useState<Comment | null>(null)
  const inputId = useId()
  const comments = useInfiniteQuery({
    queryKey: thread.queryKey,
    queryFn: ({ pageParam, signal }) => thread.load(pageParam, signal),
    ...cursorPaging,
  })
  const changed = () => {
    void queryClient.invalidateQueries({ queryKey: thread.queryKey })
    thread.onChange?.()
  }
  const add = useMutation({
    mutationFn: () => thread.add(body),
    onSuccess: () => {
      setBody('')
      changed()
    },
  })
  const remove = useMutation({
    mutationFn: (commentId: number) => thread.remove(commentId),
    onSuccess: () => {
      setDeleting(null)
      changed()
    },
  })
  const items = comments.data?.pages.flatMap((p) => p.results) ?? []
  const me = auth.user?.id
  const errors = errorsOf(add.error)
  return (
    <div className="comments">
      {comments.isPending ? (
        <Skeleton lines={2} />
      ) : comments.isError ? (
        <ErrorState error={comments.error} retry={() => comments.refetch()} />
      ) : (
        <>
          {items.length === 0 && thread.emptyText && <Empty>{thread.emptyText}</Empty>}
          {items.length > 0 && (
            <ul className="comment-list">
              {items.map((c) => (
                <li key={c.id} className="comment">
                  <div className="comment-head">
                    <Avatar src={c.user.gravatar} name={c.user.username} size={20} />
                    <Link to={`/u/${c.user.username}`}>{c.user.username}</Link>
                    <time dateTime={c.created_at}>{timeAgo(c.created_at)}</time>
                    {me !== undefined && (me === c.user.id || me === thread.ownerId) && (
                      <button type="button" className="link-button" onClick={() => setDeleting(c)}>
                        Delete<span className="visually-hidden"> comment by {c.user.username}</span>
                      </button>
                    )}
                  </div>
                  <p className="comment-body">{c.body}</p>
                </li>
              ))}
            </ul>
          )}
          <LoadMore hasNext={comments.hasNextPage} loading={comments.isFetchingNextPage} onClick={() => comments.fetchNextPage()} />
        </>
      )}
      {auth.signedIn ? (
        <form
          className="comment-form"
          onSubmit={(event) => {
            event.preventDefault()
            if (body.trim()) add.mutate()
          }}
        >
          <label htmlFor={inputId} className="visually-hidden">
            Add a comment
          </label>
          <textarea
            id={inputId}
            placeholder="Add a comment…"
            maxLength={5000}
            value={body}
            onChange={(e) => setBody(e.target.value)}
            aria-invalid={errors.body ? true : undefined}
          />
          {Object.values(errors).flat().length > 0 && (
            <p className="field-errors" role="alert">
              {Object.values(errors).flat().join(' ')}
            </p>
          )}
          <div>
            <button type="submit" className="button button-small" disabled={add.isPending || !body.trim()}>
              Post comment
            </button>
          </div>
        </form>
      ) : (
        <p className="diary-sub">
          <Link to="/signin">Sign in</Link> to comment.
        </p>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this comment?"
        confirmLabel="Delete comment"
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => deleting && remove.mutate(deleting.id)}
        onClose={() => {
          setDeleting(null)
          remove.reset()
        }}
      >
        <p>
          {deleting?.user.id === me ? 'Your comment' : `${deleting?.user.username}’s comment`} will be gone for good.
        </p>
      </ConfirmDialog>
    </div>
  )
}
