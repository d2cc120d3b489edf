import { useMutation } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router'
import { api, didSessionEnd, unwrap } from '../api/client'
import { useAuth } from '../auth'
import { errorsOf, Field, FormErrors } from '../components/Form'
import { useTitle } from '../lib/hooks'

/** Only same-site paths, so a crafted link cannot send someone elsewhere after signing in. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/'
}

export default function SignIn() {
  useTitle('Sign in')
  const [params] = useSearchParams()
  const navigate = useNavigate()
  const auth = useAuth()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const signIn = useMutation({
    mutationFn: () => unwrap(api.POST('/api/users/login/', { body: { username, password } })),
    onSuccess: (result) => {
      auth.signIn(result.token)
      navigate(safeNext(params.get('next')), { replace: true })
    },
  })
  const errors = errorsOf(signIn.error)
  const next = params.get('next')
  return (
    <div className="auth-page">
      <h1>Sign in</h1>
      {(params.get('expired') || didSessionEnd()) && !signIn.isError && (
        <p className="notice" role="status">
          Your session has ended. Sign in again to carry on.
        </p>
      )}
      <form
        className="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault()
          signIn.mutate()
        }}
      >
        <FormErrors errors={errors} shownFields={['username', 'password']} />
        <Field label="Username or email" errors={errors.username}>
          {(props) => (
            <input
              {...props}
              name="username"
              autoComplete="username"
              required
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          )}
        </Field>
        <Field label="Password" errors={errors.password}>
          {(props) => (
            <input
              {...props}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="button button-wide" disabled={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="auth-switch">
        New here? <Link to={next ? `/signup?next=${encodeURIComponent(next)}` : '/signup'}>Create an account</Link>
      </p>
    </div>
  )
}
