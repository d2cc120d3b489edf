import { createBrowserRouter, useRouteError, type RouteObject } from 'react-router'
import { Layout } from './components/Layout'
import { ErrorState, Skeleton } from './components/States'

function RouteError() {
  const error = useRouteError()
  return (
    <div className="main">
      <ErrorState error={error} retry={() => window.location.reload()} />
    </div>
  )
}

// Every page is its own chunk: the first load carries only the shell and the page it shows.
const page = (load: () => Promise<{ default: React.ComponentType }>) => async () => ({ Component: (await load()).default })

/**
 * On the first load the page's chunk arrives after the shell: the layout shows, with this in its outlet, until
 * it does (React Router's HydrateFallback, which lazy routes need even without server rendering).
 */
const withLoadingPage = (routes: RouteObject[]): RouteObject[] =>
  routes.map((route) => ({ ...route, hydrateFallbackElement: <Skeleton lines={4} /> }))

export const router = createBrowserRouter([
  {
    element: <Layout />,
    errorElement: <RouteError />,
    children: withLoadingPage([
      { index: true, lazy: page(() => import('./pages/Home')) },
      { path: 'signin', lazy: page(() => import('./pages/SignIn')) },
      { path: 'signup', lazy: page(() => import('./pages/SignUp')) },
      { path: 'search', lazy: page(() => import('./pages/Search')) },
      { path: 'games/:slug', lazy: page(() => import('./pages/Game')) },
      { path: 'u/:username/year/:year', lazy: page(() => import('./pages/YearReview')) },
      { path: 'u/:username/:tab?', lazy: page(() => import('./pages/Profile')) },
      { path: 'lists/new', lazy: page(() => import('./pages/ListEdit')) },
      { path: 'lists/:id', lazy: page(() => import('./pages/ListView')) },
      { path: 'lists/:id/edit', lazy: page(() => import('./pages/ListEdit')) },
      { path: 'settings', lazy: page(() => import('./pages/Settings')) },
      { path: 'settings/import', lazy: page(() => import('./pages/Import')) },
      { path: '*', lazy: page(() => import('./pages/NotFound')) },
    ]),
  },
])
