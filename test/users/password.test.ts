import assert from 'node:assert/strict'
import { it } from 'node:test'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, STRONG_PASSWORD } from '../helpers/client.js'

const NEW_PASSWORD = 'amber-glacier-compass-77'

describeEachDatabase('POST /api/users/user/password/', (current) => {
  const app = () => current().app
  const change = (token: string | undefined, body: unknown) => call(app(), 'POST', '/api/users/user/password/', { token, body })
  const login = (password: string) => call(app(), 'POST', '/api/users/login/', { body: { username: 'madeline', password } })
  const whoAmI = (token: string) => call(app(), 'GET', '/api/users/user/', { token })

  it('changes the password: the new one signs in, the old one no longer does', async () => {
    const { token } = await registerUser(app(), 'madeline')

    const response = await change(token, { current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD })

    assert.equal(response.status, 204)
    assert.equal(response.text, '')
    assert.equal((await login(NEW_PASSWORD)).status, 200)
    assert.deepEqual((await login(STRONG_PASSWORD)).body, { non_field_errors: ['Incorrect username/password.'] })
  })

  it('signs out every other session and keeps this one', async () => {
    const { token: laptop } = await registerUser(app(), 'madeline')
    const { body: phone } = await login(STRONG_PASSWORD)

    await change(laptop, { current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD })

    assert.equal((await whoAmI(laptop)).status, 200)
    assert.deepEqual((await whoAmI(phone.token)).body, { detail: 'Invalid token.' })
  })

  it('refuses a wrong current password, and changes nothing', async () => {
    const { token } = await registerUser(app(), 'madeline')

    const response = await change(token, { current_password: 'not-my-password', new_password: NEW_PASSWORD })

    assert.equal(response.status, 400)
    assert.deepEqual(response.body, { current_password: ['Incorrect password.'] })
    assert.equal((await login(STRONG_PASSWORD)).status, 200)
  })

  it('holds the new password to the registration rules, and changes nothing', async () => {
    const { token } = await registerUser(app(), 'madeline')

    const response = await change(token, { current_password: STRONG_PASSWORD, new_password: 'madeline1' })

    assert.equal(response.status, 400)
    assert.deepEqual(response.body, {
      new_password: ['The password is too similar to the username.', 'The password is too similar to the email.'],
    })
    assert.equal((await login(STRONG_PASSWORD)).status, 200)
  })

  it('needs a token, both fields and nothing else', async () => {
    const { token } = await registerUser(app(), 'madeline')

    assert.equal((await change(undefined, { current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD })).status, 401)
    assert.deepEqual((await change(token, {})).body, {
      current_password: ['This field is required.'],
      new_password: ['This field is required.'],
    })
    const extra = await change(token, { current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD, username: 'x' })
    assert.deepEqual(extra.body, { username: ['Unexpected field: not accepted here.'] })
    assert.equal((await login(STRONG_PASSWORD)).status, 200)
  })
})
