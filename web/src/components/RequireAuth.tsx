import { Navigate, useLocation } from 'react-router'
import { useToken } from '../auth'

/** Sends a signed-out person to sign in, and back here afterwards. */
export function RequireAuth({ children }: { children: React.ReactNode }) {
  const token = useToken()
  const location = useLocation()
  if (!token) {
    const next = location.pathname + location.search
    return <Navigate to={`/signin?next=${encodeURIComponent(next)}`} replace />
  }
  return <>{children}</>
}
