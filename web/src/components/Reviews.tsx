import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { Link } from 'react-router'
import { api, unwrap } from '../api/client'
import { cursorPaging, pageQuery } from '../api/pages'
import type { Entry } from '../api/types'
import { useAuth } from '../auth'
import { formatDay, plural, timeAgo } from '../lib/format'
import { Avatar } from './Avatar'
import { EntryActions } from './EntryActions'
import { errorsOf } from './Form'
import { ReviewText } from './ReviewText'
import { Empty, ErrorState, LoadMore, Skeleton } from './States'
import { Stars } from './Stars'

type Sort = 'recent' | 'popular'

function Comments({ review, reviewOwnerId }: { review: number; reviewOwnerId: number }) {
  const auth = useAuth()
  const queryClient = useQueryClient()
  const [body, setBody] = useState('')
  const inputId = useId()
  const comments = useInfiniteQuery({
    queryKey: ['comments', review],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/reviews/{id}/comments', {
          params: { path: { id: review }, query: pageQuery(50, pageParam) },
          signal,
        }),
      ),
    ...cursorPaging,
  })
  const add = useMutation({
    mutationFn: () => unwrap(api.POST('/api/reviews/{id}/comments', { params: { path: { id: review } }, body: { body } })),
    onSuccess: () => {
      setBody('')
      void queryClient.invalidateQueries({ queryKey: ['comments', review] })
      void queryClient.invalidateQueries({ queryKey: ['reviews'] })
    },
  })
  const remove = useMutation({
    mutationFn: (commentId: number) =>
      unwrap(api.DELETE('/api/reviews/{id}/comments/{commentId}', { params: { path: { id: review, commentId } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['comments', review] })
      void queryClient.invalidateQueries({ queryKey: ['reviews'] })
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
          {items.length > 0 && (
            <ul className="comment-list">
              {items.map((c) => (
                <li key={c.id} className="comment">
                  <div className="comment-head">
                    <Avatar src={c.user.gravatar} name={c.user.username} size={20} />
                    <Link to={`/u/${c.user.username}`}>{c.user.username}</Link>
                    <time dateTime={c.created_at}>{timeAgo(c.created_at)}</time>
                    {me !== undefined && (me === c.user.id || me === reviewOwnerId) && (
                      <button
                        type="button"
                        className="link-button"
                        onClick={() => remove.mutate(c.id)}
                        disabled={remove.isPending}
                      >
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
    </div>
  )
}

export function ReviewItem({ review, showGame = false }: { review: Entry; showGame?: boolean }) {
  const auth = useAuth()
  const queryClient = useQueryClient()
  const [liked, setLiked] = useState(review.liked_by_me ?? false)
  const [likes, setLikes] = useState(review.like_count)
  const [showComments, setShowComments] = useState(false)
  const like = useMutation({
    mutationFn: (value: boolean) =>
      unwrap(
        value
          ? api.POST('/api/reviews/{id}/like', { params: { path: { id: review.id } } })
          : api.DELETE('/api/reviews/{id}/like', { params: { path: { id: review.id } } }),
      ),
    onSuccess: (result) => {
      setLiked(result.liked)
      setLikes(result.like_count)
      void queryClient.invalidateQueries({ queryKey: ['reviews'] })
    },
  })
  const isMine = auth.user?.id === review.user.id
  return (
    <li className="review">
      <Link to={`/u/${review.user.username}`} tabIndex={-1} aria-hidden="true">
        <Avatar src={review.user.gravatar} name={review.user.username} size={40} />
      </Link>
      <div>
        <div className="review-head">
          <span>
            {showGame ? (
              <Link to={`/games/${review.game.slug}`} className="review-author">
                {review.game.name}
              </Link>
            ) : (
              <>
                Review by{' '}
                <Link to={`/u/${review.user.username}`} className="review-author">
                  {review.user.username}
                </Link>
              </>
            )}
          </span>
          <Stars rating={review.rating} />
          {review.liked && (
            <span className="liked-heart" role="img" aria-label="liked the game">
              ♥
            </span>
          )}
          <span>
            {review.entry_type} {formatDay(review.date)}
            {review.platform && <> on {review.platform}</>}
          </span>
        </div>
        {review.review && <ReviewText text={review.review} spoilers={review.spoilers} />}
        <div className="review-foot">
          {auth.signedIn && !isMine ? (
            <button
              type="button"
              className="like-button"
              aria-pressed={liked}
              disabled={like.isPending}
              onClick={() => like.mutate(!liked)}
            >
              <span aria-hidden="true">♥</span> {liked ? 'Liked' : 'Like'}
              <span className="visually-hidden"> review by {review.user.username}</span> · {plural(likes, 'like')}
            </button>
          ) : (
            <span className="diary-sub">{plural(likes, 'like')}</span>
          )}
          <button
            type="button"
            className="link-button"
            aria-expanded={showComments}
            onClick={() => setShowComments((s) => !s)}
          >
            {plural(review.comment_count, 'comment')}
          </button>
          <EntryActions entry={review} />
        </div>
        {like.error && (
          <p className="panel-error" role="alert">
            {like.error.message}
          </p>
        )}
        {showComments && <Comments review={review.id} reviewOwnerId={review.user.id} />}
      </div>
    </li>
  )
}

export function Reviews({ slug }: { slug: string }) {
  const [sort, setSort] = useState<Sort>('recent')
  const auth = useAuth()
  const reviews = useInfiniteQuery({
    queryKey: ['reviews', slug, sort, auth.signedIn],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/games/{idOrSlug}/reviews', {
          params: { path: { idOrSlug: slug }, query: { sort, ...pageQuery(20, pageParam) } },
          signal,
        }),
      ),
    ...cursorPaging,
  })
  const items = reviews.data?.pages.flatMap((p) => p.results) ?? []
  return (
    <section className="section" aria-labelledby="reviews-heading">
      <div className="reviews-header section-title">
        <h2 id="reviews-heading">
          Reviews
        </h2>
        <div className="segmented" role="group" aria-label="Sort reviews">
          {(['recent', 'popular'] as const).map((s) => (
            <button key={s} type="button" aria-pressed={sort === s} onClick={() => setSort(s)}>
              {s === 'recent' ? 'Recent' : 'Popular'}
            </button>
          ))}
        </div>
      </div>
      {reviews.isPending ? (
        <Skeleton lines={4} />
      ) : reviews.isError ? (
        <ErrorState error={reviews.error} retry={() => reviews.refetch()} />
      ) : items.length === 0 ? (
        <Empty>No reviews yet.</Empty>
      ) : (
        <>
          <ul className="review-list">
            {items.map((review) => (
              <ReviewItem key={review.id} review={review} />
            ))}
          </ul>
          <LoadMore hasNext={reviews.hasNextPage} loading={reviews.isFetchingNextPage} onClick={() => reviews.fetchNextPage()} />
        </>
      )}
    </section>
  )
}
