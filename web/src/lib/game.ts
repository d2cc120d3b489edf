import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import { useAuth } from '../auth'

/** A game's page data; signed in, with the viewer's own state of it. */
export function useGame(slug: string) {
  const auth = useAuth()
  return useQuery({
    queryKey: ['game', slug, auth.signedIn],
    queryFn: ({ signal }) => unwrap(api.GET('/api/games/{idOrSlug}', { params: { path: { idOrSlug: slug } }, signal })),
  })
}
