import { Link, NavLink, Outlet, useLocation, useNavigate, useNavigation } from 'react-router'
import { Suspense, useEffect, useRef } from 'react'
import { useAuth } from '../auth'
import { Avatar } from './Avatar'
import { GameCombobox } from './GameCombobox'
import { Skeleton } from './States'

/**
 * Sign-in and sign-up links that come back here afterwards: to this page, or on those pages to where they
 * already lead.
 */
function useAuthLinks() {
  const { pathname, search } = useLocation()
  const onAuthPage = pathname === '/signin' || pathname === '/signup'
  const next = onAuthPage ? new URLSearchParams(search).get('next') : pathname === '/' ? null : pathname + search
  const query = next ? `?next=${encodeURIComponent(next)}` : ''
  return { signIn: `/signin${query}`, signUp: `/signup${query}` }
}

function TopBar() {
  const auth = useAuth()
  const navigate = useNavigate()
  const authLinks = useAuthLinks()
  return (
    <header className="topbar">
      <div className="topbar-inner">
        <Link to="/" className="brand" aria-label="Overworld home">
          <span className="brand-dots" aria-hidden="true">
            <i />
            <i />
            <i />
          </span>
          <span className="brand-name">Overworld</span>
        </Link>
        <form
          role="search"
          className="topbar-search"
          onSubmit={(event) => event.preventDefault()}
          aria-label="Search games and people"
        >
          <GameCombobox
            label="Search games and people"
            hideLabel
            placeholder="Search games and people…"
            onSelect={(hit) => navigate(`/games/${hit.slug}`)}
            onSelectPerson={(person) => navigate(`/u/${person.user.username}`)}
            onSubmitText={(text) => navigate(`/search?q=${encodeURIComponent(text)}`)}
          />
        </form>
        <nav className="topbar-nav" aria-label="Account">
          {auth.signedIn ? (
            <>
              <NavLink to="/lists/new" className="nav-link">
                New list
              </NavLink>
              <NavLink to="/settings" className="nav-link">
                Settings
              </NavLink>
              {auth.user && (
                <NavLink to={`/u/${auth.user.username}`} className="nav-link nav-profile">
                  <Avatar src={auth.user.gravatar} name={auth.user.username} size={28} />
                  <span className="visually-hidden">Your profile: </span>
                  <span className="nav-profile-name">{auth.user.username}</span>
                </NavLink>
              )}
              <button
                type="button"
                className="nav-link link-button"
                // Signed out on a page for members (settings), its guard sends you to sign in; and a client-side
                // move to the (lazily loaded) home page first can lose that race on a slow device. A fresh load of
                // the home page ends it either way, and leaves nothing of the account in memory.
                onClick={async () => {
                  await auth.signOut()
                  window.location.replace('/')
                }}
              >
                Sign out
              </button>
            </>
          ) : (
            <>
              <NavLink to={authLinks.signIn} className="nav-link">
                Sign in
              </NavLink>
              <NavLink to={authLinks.signUp} className="button button-small">
                Create account
              </NavLink>
            </>
          )}
        </nav>
      </div>
    </header>
  )
}

/** Moves focus to the main content after a client-side navigation, as a page load would. */
function useFocusOnNavigate(ref: React.RefObject<HTMLElement | null>) {
  const { pathname } = useLocation()
  const first = useRef(true)
  useEffect(() => {
    if (first.current) {
      first.current = false
      return
    }
    ref.current?.focus({ preventScroll: true })
    window.scrollTo(0, 0)
  }, [pathname, ref])
}

export function Layout() {
  const navigation = useNavigation()
  const main = useRef<HTMLElement>(null)
  useFocusOnNavigate(main)
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <div className={`progress${navigation.state === 'loading' ? ' progress-active' : ''}`} aria-hidden="true" />
      <TopBar />
      <main id="main" ref={main} tabIndex={-1} className="main">
        <Suspense fallback={<Skeleton lines={4} />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="footer">
        <p>
          Overworld — keep track of the games you play. <a href="/docs">API</a>
        </p>
      </footer>
    </>
  )
}
