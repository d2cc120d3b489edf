import assert from 'node:assert/strict'
import { it } from 'node:test'
import { insertGame } from '../../src/games/repository.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'

const DAY_SECONDS = 86_400
const OUTER_WILDS = { name: 'Outer Wilds', release_year: 2019, platforms: ['PC', 'Xbox One'] }

describeEachDatabase(
  'POST /api/games/: proposing a game the catalog lacks',
  (current) => {
    const app = () => current().app
    const propose = (user: RegisteredUser | null, body: unknown) => call(app(), 'POST', '/api/games/', { token: user?.token, body })
    const gameCount = async () => Number((await current().db.selectFrom('games').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)

    it('adds a provisional game with its name, year and platforms, answers 201 with it, and its page shows it', async () => {
      const alice = await registerUser(app(), 'alice')

      const response = await propose(alice, { ...OUTER_WILDS, name: '  Outer Wilds ' })

      assert.equal(response.status, 201, response.text)
      assert.deepEqual(response.body, {
        id: response.body.id,
        igdb: null,
        name: 'Outer Wilds',
        slug: 'outer-wilds',
        cover_url: null,
        release_year: 2019,
        platforms: ['PC', 'Xbox One'],
      })
      const row = await current().db.selectFrom('games').select(['provisional']).where('id', '=', response.body.id).executeTakeFirstOrThrow()
      assert.equal(Boolean(row.provisional), true)
      const page = await call(app(), 'GET', '/api/games/outer-wilds')
      assert.equal(page.status, 200)
      assert.deepEqual([page.body.name, page.body.release_year, page.body.platforms, page.body.summary], ['Outer Wilds', 2019, ['PC', 'Xbox One'], null])
    })

    it('answers 409 with the game already in the catalog under that name (as search compares names) and year, adding nothing', async () => {
      const alice = await registerUser(app(), 'alice')
      const id = await insertGame(current().db, { name: 'Outer Wilds', release_year: 2019, platforms: ['PC'] })
      const before = await gameCount()

      const response = await propose(alice, { ...OUTER_WILDS, name: 'outer wilds!' })

      assert.equal(response.status, 409, response.text)
      assert.deepEqual(response.body, {
        detail: 'The catalog has a game of this name and year.',
        game: { id, igdb: null, name: 'Outer Wilds', slug: 'outer-wilds', cover_url: null, release_year: 2019, platforms: ['PC'] },
      })
      assert.equal(await gameCount(), before)

      // Another year is another game, under the next free slug.
      const remake = await propose(alice, { ...OUTER_WILDS, release_year: 2031 })
      assert.equal(remake.status, 201, remake.text)
      assert.equal(remake.body.slug, 'outer-wilds-2')
    })

    it('counts against the account\'s allowance of new games: past it a 429 with Retry-After, nothing added', async () => {
      const [alice, bob] = await Promise.all([registerUser(app(), 'alice'), registerUser(app(), 'bob')])
      for (const year of [2001, 2002]) assert.equal((await propose(alice, { ...OUTER_WILDS, release_year: year })).status, 201)
      const before = await gameCount()

      const refused = await propose(alice, { ...OUTER_WILDS, release_year: 2003 })

      assert.equal(refused.status, 429)
      const retryAfter = Number(refused.headers['retry-after'])
      assert.ok(retryAfter > DAY_SECONDS - 600 && retryAfter <= DAY_SECONDS, `Retry-After ${retryAfter}`)
      assert.equal(await gameCount(), before)
      // A duplicate costs nothing, and the allowance is the account's own.
      assert.equal((await propose(alice, { ...OUTER_WILDS, release_year: 2001 })).status, 409)
      assert.equal((await propose(bob, { ...OUTER_WILDS, release_year: 2003 })).status, 201)
    })

    it('refuses bad bodies with 400 and no token with 401, adding nothing', async () => {
      const alice = await registerUser(app(), 'alice')
      const before = await gameCount()
      const cases: [unknown, Record<string, string[]>][] = [
        [{ ...OUTER_WILDS, summary: 'Space.' }, { summary: ['Unexpected field: not accepted here.'] }],
        [{ release_year: 2019 }, { name: ['This field is required.'] }],
        [{ ...OUTER_WILDS, name: '   ' }, { name: ['This field may not be blank.'] }],
        [{ ...OUTER_WILDS, name: 'Outer\u202EWilds' }, { name: ['Remove the control and text-direction characters from the name.'] }],
        [{ ...OUTER_WILDS, release_year: 1900 }, { release_year: ['Ensure this value is greater than or equal to 1947.'] }],
        [{ ...OUTER_WILDS, release_year: '2019' }, { release_year: ['A valid integer is required.'] }],
        [{ ...OUTER_WILDS, platforms: ['PS5'] }, { 'platforms.0': ['"PS5" is not a valid choice.'] }],
        [{ ...OUTER_WILDS, platforms: ['PC', 'PC'] }, { platforms: ['Ensure this field has no duplicate elements.'] }],
      ]
      for (const [body, errors] of cases) {
        const response = await propose(alice, body)
        assert.equal(response.status, 400, JSON.stringify(body))
        assert.deepEqual(response.body, errors, JSON.stringify(body))
      }
      const anonymous = await propose(null, OUTER_WILDS)
      assert.equal(anonymous.status, 401)
      assert.equal(await gameCount(), before)
    })
  },
  { newGames: { perRequest: 1, perDay: 2 } },
)
