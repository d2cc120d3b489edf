import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { Link } from 'react-router'
import { api, unwrap } from '../api/client'
import type { UserBadge } from '../api/types'
import { useAuth } from '../auth'
import { plural } from '../lib/format'
import { Avatar } from './Avatar'

/** People whose username matches a query; with a token, each says whether you follow them. */
export function usePeopleSearch(query: string, limit: number, enabled = true) {
  const auth = useAuth()
  return useQuery({
    queryKey: ['people', query, limit, auth.signedIn],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/users/search/{query}', { params: { path: { query }, query: { limit } }, signal })),
    enabled: enabled && query.length > 0,
    staleTime: 60_000,
    placeholderData: keepPreviousData,
  })
}

export function FollowButton({
  username,
  following,
  onChange,
}: {
  username: string
  following: boolean
  /** Told whether the viewer follows them now, once the server has done it. */
  onChange?: (following: boolean) => void
}) {
  const queryClient = useQueryClient()
  const follow = useMutation({
    mutationFn: () =>
      unwrap(
        following
          ? api.POST('/api/users/unfollow/', { body: { username } })
          : api.POST('/api/users/follow/', { body: { username } }),
      ),
    onSuccess: () => {
      onChange?.(!following)
      for (const key of ['profile', 'follows', 'feed', 'people']) void queryClient.invalidateQueries({ queryKey: [key] })
    },
  })
  return (
    <>
      <button
        type="button"
        className={following ? 'button button-ghost button-small' : 'button button-small'}
        aria-pressed={following}
        disabled={follow.isPending}
        onClick={() => follow.mutate()}
      >
        {following ? 'Following' : 'Follow'}
        <span className="visually-hidden"> {username}</span>
      </button>
      {follow.error && (
        <span className="panel-error" role="alert">
          {follow.error.message}
        </span>
      )}
    </>
  )
}

/** A person in a list of people: avatar, name (to their profile), a line about them, and what you can do. */
export function Person({ user, about, action }: { user: UserBadge; about?: ReactNode; action?: ReactNode }) {
  return (
    <li className="person">
      <Avatar src={user.gravatar} name={user.username} size={48} />
      <div className="person-text">
        <Link to={`/u/${user.username}`} className="person-name">
          {user.username}
        </Link>
        {about && <p className="person-bio">{about}</p>}
      </div>
      {action}
    </li>
  )
}

/** The people matching a search, with follow buttons for a signed-in viewer; nothing while none match. */
export function PeopleResults({ query, limit }: { query: string; limit: number }) {
  const auth = useAuth()
  const people = usePeopleSearch(query, limit)
  if (!people.data || people.data.length === 0) return null
  return (
    <section className="section" aria-labelledby="people-results-heading">
      <h2 id="people-results-heading" className="section-title">
        People
      </h2>
      <ul className="people" aria-label={`People matching “${query}”`}>
        {people.data.map((hit) => (
          <Person
            key={hit.user.id}
            user={hit.user}
            about={hit.bio ?? plural(hit.followers, 'follower')}
            action={
              auth.user &&
              hit.user.id !== auth.user.id && <FollowButton username={hit.user.username} following={hit.followed_by_me ?? false} />
            }
          />
        ))}
      </ul>
    </section>
  )
}
