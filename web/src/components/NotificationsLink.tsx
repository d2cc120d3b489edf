import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { NavLink, useLocation } from 'react-router'
import { api, unwrap } from '../api/client'

/** The unread count's query: the notifications page sets it when it marks them read. */
export const UNREAD_KEY = ['notifications', 'unread'] as const

/** Polled this often, and looked at again on navigation when older than FRESH_MS: one indexed count each time. */
const POLL_MS = 60_000
const FRESH_MS = 15_000

/** The header's way to the notifications, with how many are unread. */
export function NotificationsLink() {
  const queryClient = useQueryClient()
  const { pathname } = useLocation()
  const unread = useQuery({
    queryKey: UNREAD_KEY,
    queryFn: ({ signal }) => unwrap(api.GET('/api/notifications/unread-count', { signal })),
    staleTime: FRESH_MS,
    refetchInterval: POLL_MS,
  })
  useEffect(() => {
    // A fetch already on its way (the first one) answers for this navigation too.
    void queryClient.refetchQueries({ queryKey: UNREAD_KEY, stale: true }, { cancelRefetch: false })
  }, [pathname, queryClient])
  const count = unread.data?.unread ?? 0
  return (
    <NavLink to="/notifications" className="nav-link">
      Notifications
      {count > 0 && (
        <span className="nav-badge">
          <span className="visually-hidden">, </span>
          {count > 99 ? '99+' : count}
          <span className="visually-hidden"> unread</span>
        </span>
      )}
    </NavLink>
  )
}
