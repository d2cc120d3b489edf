import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { api, unwrap } from '../api/client'
import { FollowButton, Person } from './People'

/**
 * People the signed-in person may want to follow, each with why and a follow button; nothing when there is no
 * one to suggest. A follow made here keeps its person listed (now "Following") until the next visit.
 */
export default function PeopleYouMayKnow() {
  const suggestions = useQuery({
    queryKey: ['suggestions'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/users/suggestions', { params: { query: { limit: 6 } }, signal })),
    staleTime: 5 * 60_000,
  })
  const [followed, setFollowed] = useState<ReadonlySet<number>>(new Set())
  if (!suggestions.data || suggestions.data.length === 0) return null
  const setFollowing = (userId: number, following: boolean) =>
    setFollowed((current) => {
      const next = new Set(current)
      if (following) next.add(userId)
      else next.delete(userId)
      return next
    })
  return (
    <section className="section" aria-labelledby="suggestions-heading">
      <h2 id="suggestions-heading" className="section-title">
        People you may know
      </h2>
      <ul className="people" aria-label="People you may know">
        {suggestions.data.map((suggestion) => (
          <Person
            key={suggestion.user.id}
            user={suggestion.user}
            about={suggestion.why}
            action={
              <FollowButton
                username={suggestion.user.username}
                following={followed.has(suggestion.user.id)}
                onChange={(following) => setFollowing(suggestion.user.id, following)}
              />
            }
          />
        ))}
      </ul>
    </section>
  )
}
