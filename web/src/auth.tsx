import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useCallback, useSyncExternalStore } from 'react'
import { api, getToken, setToken, subscribeToken, unwrap } from './api/client'
import type { CurrentUser } from './api/types'

export function useToken(): string | null {
  return useSyncExternalStore(subscribeToken, getToken, () => null)
}

export interface Auth {
  token: string | null
  /** The signed-in person; undefined while loading, null when signed out. */
  user: CurrentUser | null | undefined
  signedIn: boolean
  signIn(token: string): void
  signOut(): Promise<void>
}

export function useAuth(): Auth {
  const token = useToken()
  const queryClient = useQueryClient()
  const me = useQuery({
    queryKey: ['me', token],
    queryFn: ({ signal }) => unwrap(api.GET('/api/users/user/', { signal })),
    enabled: token !== null,
    staleTime: 5 * 60_000,
  })
  const signIn = useCallback(
    (newToken: string) => {
      setToken(newToken)
      // Everything fetched while signed out lacks the viewer's state.
      void queryClient.invalidateQueries()
    },
    [queryClient],
  )
  const signOut = useCallback(async () => {
    if (getToken()) await api.POST('/api/users/logout/').catch(() => undefined)
    setToken(null)
    queryClient.clear()
  }, [queryClient])
  return {
    token,
    user: token === null ? null : me.data,
    signedIn: token !== null,
    signIn,
    signOut,
  }
}
