import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import { api, ApiError, unwrap } from '../api/client'
import { pageQuery } from '../api/pages'
import type { ListDetail } from '../api/types'
import { useAuth } from '../auth'
import { Avatar } from '../components/Avatar'
import { Comments, type CommentThread } from '../components/Comments'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { GameCover } from '../components/GameCover'
import { Empty, ErrorState, NotFoundState, Skeleton } from '../components/States'
import { plural, timeAgo } from '../lib/format'
import { useTitle } from '../lib/hooks'

export function useList(id: string, enabled = true) {
  return useQuery({
    queryKey: ['list', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/lists/{id}', { params: { path: { id } }, signal })),
    enabled,
  })
}

/** A list's comments through the API, for the Comments component. */
function listThread(list: ListDetail, onChange: () => void): CommentThread {
  const path = { id: String(list.id) }
  return {
    queryKey: ['list-comments', list.id],
    ownerId: list.user.id,
    load: (cursor, signal) => unwrap(api.GET('/api/lists/{id}/comments', { params: { path, query: pageQuery(50, cursor) }, signal })),
    add: (body) => unwrap(api.POST('/api/lists/{id}/comments', { params: { path }, body: { body } })),
    remove: (commentId) => unwrap(api.DELETE('/api/lists/{id}/comments/{commentId}', { params: { path: { ...path, commentId } } })),
    onChange,
    emptyText: 'No comments yet.',
  }
}

/** `id` is the list's id as the page's address gives it: the key of the list's query. */
function LikeButton({ id, list }: { id: string; list: ListDetail }) {
  const auth = useAuth()
  const queryClient = useQueryClient()
  const like = useMutation({
    mutationFn: (value: boolean) =>
      unwrap(
        value
          ? api.POST('/api/lists/{id}/like', { params: { path: { id } } })
          : api.DELETE('/api/lists/{id}/like', { params: { path: { id } } }),
      ),
    onSuccess: ({ liked, like_count }) => {
      queryClient.setQueryData<ListDetail>(['list', id], (old) => old && { ...old, liked_by_me: liked, like_count })
      void queryClient.invalidateQueries({ queryKey: ['lists'] })
    },
  })
  if (!auth.signedIn || auth.user?.id === list.user.id) return <span className="diary-sub">{plural(list.like_count, 'like')}</span>
  const liked = list.liked_by_me ?? false
  return (
    <>
      <button type="button" className="like-button" aria-pressed={liked} disabled={like.isPending} onClick={() => like.mutate(!liked)}>
        <span aria-hidden="true">♥</span> {liked ? 'Liked' : 'Like'}
        <span className="visually-hidden"> this list</span> · {plural(list.like_count, 'like')}
      </button>
      {like.error && (
        <p className="panel-error" role="alert">
          {like.error.message}
        </p>
      )}
    </>
  )
}

export default function ListView() {
  const { id = '' } = useParams()
  const list = useList(id)
  const auth = useAuth()
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const [confirming, setConfirming] = useState(false)
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/lists/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: ['list', id] })
      void queryClient.invalidateQueries({ queryKey: ['lists'] })
      navigate(auth.user ? `/u/${auth.user.username}/lists` : '/', { replace: true })
    },
  })
  useTitle(list.data?.title)
  if (list.isPending) return <Skeleton lines={4} />
  if (list.isError) {
    if (list.error instanceof ApiError && list.error.status === 404) return <NotFoundState what="list" />
    return <ErrorState error={list.error} retry={() => list.refetch()} />
  }
  const l = list.data
  const isMine = auth.user?.id === l.user.id
  const Items = l.ranked ? 'ol' : 'ul'
  return (
    <article>
      <header className="list-header">
        <div>
          <p className="list-by">
            <Avatar src={l.user.gravatar} name={l.user.username} size={24} />
            <span>
              List by <Link to={`/u/${l.user.username}`}>{l.user.username}</Link> · updated {timeAgo(l.updated_at)}
            </span>
          </p>
          <h1>{l.title}</h1>
          <p className="diary-sub">
            {plural(l.game_count, 'game')}
            {l.ranked && ' · ranked'}
          </p>
          {l.description && <p className="lede">{l.description}</p>}
          <div className="review-foot">
            <LikeButton id={id} list={l} />
          </div>
        </div>
        {isMine && (
          <div className="form-actions">
            <Link to={`/lists/${l.id}/edit`} className="button button-small">
              Edit list
            </Link>
            <button type="button" className="button button-danger button-small" onClick={() => setConfirming(true)}>
              Delete
            </button>
          </div>
        )}
      </header>
      {l.games.length === 0 ? (
        <Empty>This list has no games yet.</Empty>
      ) : (
        <Items className="list-items">
          {l.games.map((item) => (
            <li key={item.game.id} className="game-card">
              {l.ranked && (
                <span className="rank" aria-hidden="true">
                  {item.position}
                </span>
              )}
              <Link to={`/games/${item.game.slug}`} className="game-card-link">
                <GameCover game={item.game} decorative />
                <span className="game-card-name">{item.game.name}</span>
              </Link>
              {item.note && <p className="list-note">{item.note}</p>}
            </li>
          ))}
        </Items>
      )}
      <section className="section" aria-labelledby="list-comments-heading">
        <h2 id="list-comments-heading" className="section-title">
          {plural(l.comment_count, 'comment')}
        </h2>
        <Comments
          thread={listThread(l, () => {
            void queryClient.invalidateQueries({ queryKey: ['list', id] })
            void queryClient.invalidateQueries({ queryKey: ['lists'] })
          })}
        />
      </section>
      <ConfirmDialog
        open={confirming}
        title="Delete this list?"
        confirmLabel="Delete list"
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => remove.mutate()}
        onClose={() => setConfirming(false)}
      >
        <p>“{l.title}” will be gone for good. The games stay in your library.</p>
      </ConfirmDialog>
    </article>
  )
}
