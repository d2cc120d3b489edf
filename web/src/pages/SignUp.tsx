import { useMutation } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router'
import { api, unwrap } from '../api/client'
import { useAuth } from '../auth'
import { errorsOf, Field, FormErrors } from '../components/Form'
import { useTitle } from '../lib/hooks'
import { safeNext } from './SignIn'

export default function SignUp() {
  useTitle('Create an account')
  const [params] = useSearchParams()
  const navigate = useNavigate()
  const auth = useAuth()
  const [form, setForm] = useState({ username: '', email: '', password: '' })
  const register = useMutation({
    mutationFn: () => unwrap(api.POST('/api/users/register/', { body: form })),
    onSuccess: (result) => {
      auth.signIn(result.token)
      navigate(safeNext(params.get('next')), { replace: true, state: { newAccount: true } })
    },
  })
  const errors = errorsOf(register.error)
  const next = params.get('next')
  const set = (key: keyof typeof form) => (event: React.ChangeEvent<HTMLInputElement>) =>
    setForm((f) => ({ ...f, [key]: event.target.value }))
  return (
    <div className="auth-page">
      <h1>Create your account</h1>
      <p className="lede">Track what you play, rate and review it, and see what your friends are playing.</p>
      <form
        className="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault()
          register.mutate()
        }}
      >
        <FormErrors errors={errors} shownFields={['username', 'email', 'password']} />
        <Field label="Username" errors={errors.username} hint="Letters, digits and @ . + - _, not shaped like an email address">
          {(props) => (
            <input {...props} name="username" autoComplete="username" required value={form.username} onChange={set('username')} />
          )}
        </Field>
        <Field label="Email" errors={errors.email}>
          {(props) => (
            <input {...props} name="email" type="email" autoComplete="email" required value={form.email} onChange={set('email')} />
          )}
        </Field>
        <Field label="Password" errors={errors.password} hint="At least 8 characters; not a common password.">
          {(props) => (
            <input
              {...props}
              name="password"
              type="password"
              autoComplete="new-password"
              required
              value={form.password}
              onChange={set('password')}
            />
          )}
        </Field>
        <button type="submit" className="button button-wide" disabled={register.isPending}>
          {register.isPending ? 'Creating your account…' : 'Create account'}
        </button>
      </form>
      <p className="auth-switch">
        Already have an account? <Link to={next ? `/signin?next=${encodeURIComponent(next)}` : '/signin'}>Sign in</Link>
      </p>
    </div>
  )
}
