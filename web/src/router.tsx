import { createBrowserRouter, useRouteError } from 'react-router'
import { Layout } from './components/Layout'
import { ErrorState } from './components/States'

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

export const router = createBrowserRouter([
  {
    element: <Layout />,
    errorElement: <RouteError />,
    children: [
      { index: true, lazy: page(() => import('./pages/Home')) },
      { path: 'signin', lazy: page(() => import('./pages/SignIn')) },
      { path: 'signup', lazy: page(() => import('./pages/SignUp')) },
      { path: 'search', lazy: page(() => import('./pages/Search')) },
      { path: 'discover', lazy: page(() => import('./pages/Discover')) },
      { path: 'games/:slug', lazy: page(() => import('./pages/Game')) },
      { path: 'u/:username/year/:year', lazy: page(() => import('./pages/YearReview')) },
      { path: 'u/:username/:tab?', lazy: page(() => import('./pages/Profile')) },
      { path: 'lists/new', lazy: page(() => import('./pages/ListEdit')) },
      { path: 'lists/:id', lazy: page(() => import('./pages/ListView')) },
      { path: 'lists/:id/edit', lazy: page(() => import('./pages/ListEdit')) },
      { path: 'settings', lazy: page(() => import('./pages/Settings')) },
      { path: 'settings/import', lazy: page(() => import('./pages/Import')) },
      { path: '*', lazy: page(() => import('./pages/NotFound')) },
    ],
  },
])
