import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { it, mock } from 'node:test'
import { describeEachDatabase, NO_RATE_LIMITS } from '../helpers/app.js'
import { call, registerUser, STRONG_PASSWORD, type ApiResponse } from '../helpers/client.js'

const LIMIT = 5
const WRONG_PASSWORD = 'not-the-password-1984'
const BAD_CREDENTIALS = { non_field_errors: ['Incorrect username/password.'] }
const THROTTLED = /^Request was throttled\. Expected available in ([1-9]\d*) seconds\.$/

/** Sign-in attempts are limited on the account they resolve to, and known devices are kept out of its lock-out. */
describeEachDatabase(
  'sign-in limits',
  (current) => {
    const app = () => current().app
    // Every attempt from its own address, unless a test says otherwise: only the per-account budget adds up.
    let address = 0
    const newAddress = () => `10.20.${Math.floor(++address / 250)}.${address % 250}`
    const login = (username: string, password: string, options: { deviceToken?: string; cookie?: string; from?: string } = {}) =>
      call(app(), 'POST', '/api/users/login/', {
        body: { username, password },
        remoteAddress: options.from ?? newAddress(),
        headers: {
          ...(options.deviceToken ? { 'x-device-token': options.deviceToken } : {}),
          ...(options.cookie ? { cookie: options.cookie } : {}),
        },
      })
    const assertThrottled = (response: ApiResponse, maxSeconds = 60) => {
      assert.equal(response.status, 429, response.text)
      const seconds = THROTTLED.exec(response.body.detail)?.[1]
      assert.ok(seconds && Number(seconds) <= maxSeconds, response.text)
      assert.equal(response.headers['retry-after'], seconds)
      return Number(seconds)
    }
    const registerVictim = async () => {
      const response = await call(app(), 'POST', '/api/users/register/', {
        body: { username: 'victim', email: 'victim@example.com', password: STRONG_PASSWORD },
        remoteAddress: newAddress(),
      })
      assert.equal(response.status, 201, response.text)
      return response.body as { user: { id: number }; token: string; device_token: string }
    }

    it('counts every spelling of the name and the email against one account budget', async () => {
      await registerVictim()
      const spellings = ['victim', 'ｖｉｃｔｉｍ', 'VICTIM', 'victim@example.com', 'Victim@EXAMPLE.com']
      for (const username of spellings.slice(0, LIMIT)) {
        assert.deepEqual((await login(username, WRONG_PASSWORD)).body, BAD_CREDENTIALS)
      }
      // The right password, in yet another spelling, from yet another address: the budget is spent.
      assertThrottled(await login('ｖｉｃｔｉｍ', STRONG_PASSWORD))
      assertThrottled(await login('victim@example.com', STRONG_PASSWORD))
    })

    it('limits names that open no account the same way, so the limit tells nothing', async () => {
      for (const username of ['nobody', 'ＮＯＢＯＤＹ', 'Nobody', 'nobody', 'NOBODY']) {
        assert.deepEqual((await login(username, WRONG_PASSWORD)).body, BAD_CREDENTIALS)
      }
      assertThrottled(await login('ｎｏｂｏｄｙ', WRONG_PASSWORD))
      // Another unknown name has a budget of its own.
      assert.deepEqual((await login('somebody-else', WRONG_PASSWORD)).body, BAD_CREDENTIALS)
    })

    it('keeps the owner on a known device signed in while strangers guess, by header or by cookie', async () => {
      const { device_token: deviceToken } = await registerVictim()
      const signedIn = await login('victim', STRONG_PASSWORD, { deviceToken })
      const cookie = String(signedIn.headers['set-cookie']).split(';')[0] as string

      for (let guess = 0; guess < 3 * LIMIT; guess++) await login('victim', WRONG_PASSWORD)
      assertThrottled(await login('victim', STRONG_PASSWORD))

      const byHeader = await login('victim', STRONG_PASSWORD, { deviceToken })
      assert.equal(byHeader.status, 200, byHeader.text)
      assert.equal(byHeader.body.user.username, 'victim')
      const byCookie = await login('VICTIM', STRONG_PASSWORD, { cookie })
      assert.equal(byCookie.status, 200, byCookie.text)
      // The owner's own typo on that device is an ordinary wrong password, not a lock-out.
      assert.deepEqual((await login('victim', WRONG_PASSWORD, { deviceToken })).body, BAD_CREDENTIALS)
    })

    it('hands the device token over as an HttpOnly cookie for sign-in requests only, and stores only its digest', async () => {
      const signedUp = await registerVictim()
      const signedIn = await login('victim', STRONG_PASSWORD)
      const cookie = String(signedIn.headers['set-cookie'])
      assert.match(cookie, /^overworld_device=[0-9a-f]{64}; Path=\/api\/users; Max-Age=\d+; HttpOnly; SameSite=Strict$/)
      assert.equal(cookie.split(';')[0], `overworld_device=${signedIn.body.device_token}`)
      // A device that signs in for the first time gets a token of its own; one that shows its token keeps it.
      assert.notEqual(signedIn.body.device_token, signedUp.device_token)
      const again = await login('victim', STRONG_PASSWORD, { deviceToken: signedIn.body.device_token })
      assert.equal(again.body.device_token, signedIn.body.device_token)

      const rows = await current().db.selectFrom('trusted_devices').select(['digest', 'user_id']).orderBy('digest').execute()
      const digestOf = (token: string) => createHash('sha256').update(token).digest('hex')
      const expected = [signedUp.device_token, signedIn.body.device_token].map(digestOf).sort()
      assert.deepEqual(
        rows.map((row) => row.digest),
        expected,
      )
      assert.ok(rows.every((row) => row.user_id === signedUp.user.id))
    })

    it("does not let one account's device token pass for another's", async () => {
      const { device_token: victimDevice } = await registerVictim()
      await registerUser(app(), 'mallory')
      for (let guess = 0; guess < LIMIT; guess++) await login('mallory', WRONG_PASSWORD)
      assertThrottled(await login('mallory', STRONG_PASSWORD, { deviceToken: victimDevice }))
    })

    it('stops trusting a device that keeps failing: it then shares the account budget', async () => {
      const { device_token: deviceToken } = await registerVictim()
      for (let guess = 0; guess <= LIMIT; guess++) {
        assert.deepEqual((await login('victim', WRONG_PASSWORD, { deviceToken })).body, BAD_CREDENTIALS)
      }
      const devices = await current().db.selectFrom('trusted_devices').select('digest').execute()
      assert.equal(devices.length, 0)
      for (let guess = 0; guess < LIMIT; guess++) await login('victim', WRONG_PASSWORD, { deviceToken })
      assertThrottled(await login('victim', STRONG_PASSWORD, { deviceToken }))
    })

    it('checks one password at a time for a device: guesses sent in parallel with its token share the account budget', async () => {
      const { device_token: deviceToken } = await registerVictim()
      const answers = await Promise.all(
        Array.from({ length: 4 * LIMIT }, () => login('victim', WRONG_PASSWORD, { deviceToken })),
      )
      // At most the account's budget, plus the device's own failures checked one after the other until it is
      // no longer trusted; never all of them at once.
      const checked = answers.filter((response) => response.status === 400).length
      assert.ok(checked <= 2 * LIMIT + 1, `${checked} guesses were checked`)
      assert.equal(answers.filter((response) => response.status === 429).length, 4 * LIMIT - checked)
    })

    it('locks unknown devices out for longer each time the budget is spent again, up to an hour', async () => {
      await registerVictim()
      mock.timers.enable({ apis: ['Date'], now: Date.now() })
      try {
        const lockouts: number[] = []
        for (let round = 0; round < 8; round++) {
          for (let guess = 0; guess < LIMIT; guess++) {
            assert.deepEqual((await login('victim', WRONG_PASSWORD)).body, BAD_CREDENTIALS)
          }
          const seconds = assertThrottled(await login('victim', WRONG_PASSWORD), 3600)
          lockouts.push(seconds)
          // Still locked a second before the end, open again after it.
          mock.timers.tick((seconds - 1) * 1000)
          assertThrottled(await login('victim', STRONG_PASSWORD), 3600)
          mock.timers.tick(1000)
        }
        assert.deepEqual(lockouts, [60, 120, 240, 480, 960, 1920, 3600, 3600])
        assert.equal((await login('victim', STRONG_PASSWORD)).status, 200)
      } finally {
        mock.timers.reset()
      }
    })

    it('limits attempts from one client address across accounts', async () => {
      const from = '10.99.0.1'
      for (let guess = 0; guess < LIMIT; guess++) {
        assert.deepEqual((await login(`someone-${guess}`, WRONG_PASSWORD, { from })).body, BAD_CREDENTIALS)
      }
      assertThrottled(await login('someone-else', WRONG_PASSWORD, { from }))
      assert.deepEqual((await login('someone-else', WRONG_PASSWORD)).body, BAD_CREDENTIALS)
    })

    it('counts an IPv6 client by its /64, so it cannot take a new address for each guess', async () => {
      for (let guess = 0; guess < LIMIT; guess++) {
        const from = `2001:db8:1:2::${guess + 1}`
        assert.deepEqual((await login(`someone-${guess}`, WRONG_PASSWORD, { from })).body, BAD_CREDENTIALS)
      }
      assertThrottled(await login('someone-else', WRONG_PASSWORD, { from: '2001:db8:1:2:ffff::9' }))
      assert.deepEqual((await login('someone-else', WRONG_PASSWORD, { from: '2001:db8:1:3::1' })).body, BAD_CREDENTIALS)
    })

    for (const [route, method, url, body] of [
      ['changing the password', 'POST', '/api/users/user/password/', { current_password: WRONG_PASSWORD, new_password: 'amber-glacier-compass-77' }],
      ['deleting the account', 'DELETE', '/api/users/user/', { password: WRONG_PASSWORD }],
    ] as const) {
      it(`counts the password check of ${route} as a sign-in attempt on the account`, async () => {
        const { token } = await registerVictim()
        for (let guess = 0; guess < LIMIT; guess++) {
          const refused = await call(app(), method, url, { token, body, remoteAddress: newAddress() })
          assert.equal(refused.status, 400, refused.text)
        }
        assertThrottled(await call(app(), method, url, { token, body, remoteAddress: newAddress() }))
        // The token-holder's guesses spent the same budget a sign-in uses.
        assertThrottled(await login('victim', STRONG_PASSWORD))
      })
    }

    it('signs out the devices of the old password when the password changes, but not this one', async () => {
      const { token, device_token: thisDevice } = await registerVictim()
      const { body: other } = await login('victim', STRONG_PASSWORD)
      const changed = await call(app(), 'POST', '/api/users/user/password/', {
        token,
        body: { current_password: STRONG_PASSWORD, new_password: 'amber-glacier-compass-77' },
        headers: { 'x-device-token': thisDevice },
      })
      assert.equal(changed.status, 204, changed.text)
      const left = await current().db.selectFrom('trusted_devices').select('digest').execute()
      assert.deepEqual(
        left.map((row) => row.digest),
        [createHash('sha256').update(thisDevice).digest('hex')],
      )
      assert.notEqual(other.device_token, thisDevice)
    })
  },
  { rateLimits: { ...NO_RATE_LIMITS, authPerMinute: LIMIT } },
)
