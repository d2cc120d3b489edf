import assert from 'node:assert/strict'
import { it } from 'node:test'
import { recordActivity } from '../../src/activity/record.js'
import type { Tables } from '../../src/db/tables.js'
import { timestamp } from '../../src/db/time.js'
import { insertGame } from '../../src/games/repository.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'
import type { GameSummary as Game } from '../../src/games/schemas.js'


const CSV_COLUMNS = [
  'record',
  'game_id',
  'igdb',
  'game_name',
  'status',
  'rating',
  'date',
  'entry_type',
  'platform',
  'review',
  'spoilers',
  'liked',
  'list_id',
  'list_title',
  'position',
  'note',
  'username',
  'text',
  'created_at',
  'playthrough_id',
  'storefront',
  'completion',
  'started_on',
  'finished_on',
  'replay',
  'difficulty',
  'adjustment_minutes',
  'minutes',
  'source',
]

const NO_CREDENTIALS = { detail: 'Authentication credentials were not provided.' }
const REVIEW = 'Hard, "fair", and kind.\nSecond line, after a newline.'

/** RFC 4180: fields separated by commas, rows by CRLF, quoted fields may hold commas, "" and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (char === '"') quoted = false
      else field += char
    } else if (char === '"') {
      assert.equal(field, '', `a quote inside an unquoted field at ${i}`)
      quoted = true
    } else if (char === ',') {
      row.push(field)
      field = ''
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      i++
    } else {
      assert.ok(char !== '\n' && char !== '\r', `a bare line break outside quotes at ${i}`)
      field += char
    }
  }
  assert.equal(quoted, false, 'an unterminated quoted field')
  assert.deepEqual([row, field], [[], ''], 'the CSV must end with CRLF')
  return rows
}

describeEachDatabase('your data: GET /api/users/me/export, DELETE /api/users/user/ and favorites', (current) => {
  const app = () => current().app
  const db = () => current().db

  const addGame = async (name: string, extra: { igdb?: string } = {}): Promise<Game> => {
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-')
    const id = await insertGame(db(), { name, slug, ...extra })
    return { id, igdb: extra.igdb ?? null, name, slug, cover_url: null }
  }

  /** A game as the export shows it. */
  const exported = (game: Game) => ({ id: game.id, igdb: game.igdb, name: game.name, slug: game.slug })

  const mustSucceed = async (response: ReturnType<typeof call>, status = 200) => {
    const answer = await response
    assert.equal(answer.status, status, answer.text)
    return answer
  }

  const act = (user: RegisteredUser, action: string, body: object) =>
    mustSucceed(call(app(), 'POST', `/api/actions/${action}/`, { token: user.token, body }))

  const follow = (user: RegisteredUser, other: RegisteredUser) =>
    mustSucceed(call(app(), 'POST', '/api/users/follow/', { token: user.token, body: { username: other.username } }))

  const updateProfile = (user: RegisteredUser, body: object) =>
    call(app(), 'POST', `/api/users/profile/${user.username}`, { token: user.token, body })

  const exportData = (user: RegisteredUser | null, query = '') =>
    call(app(), 'GET', `/api/users/me/export${query}`, { token: user?.token })

  const deleteAccount = (user: RegisteredUser | null, body?: unknown) =>
    call(app(), 'DELETE', '/api/users/user/', { token: user?.token, body })

  const login = (user: RegisteredUser) =>
    call(app(), 'POST', '/api/users/login/', { body: { username: user.username, password: user.password } })

  /** A journal entry straight into its table (and its activity row), as the journal module writes them. */
  const addEntry = async (
    user: RegisteredUser,
    game: Game,
    fields: { date?: string; platform?: string | null; review?: string | null; spoilers?: boolean; liked?: boolean; half_stars?: number | null; like_count?: number } = {},
  ) => {
    const now = timestamp()
    const review = fields.review ?? null
    const { id } = await db()
      .insertInto('journal_entries')
      .values({
        user_id: user.id,
        game_id: game.id,
        played_on: fields.date ?? '2024-02-03',
        entry_type: 'finished',
        platform: fields.platform ?? null,
        review,
        spoilers: fields.spoilers ?? false,
        liked: fields.liked ?? false,
        half_stars: fields.half_stars ?? null,
        like_count: fields.like_count ?? 0,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await recordActivity(db(), { user_id: user.id, type: review === null ? 'journal' : 'review', game_id: game.id, entry_id: id })
    return id
  }

  const addList = async (
    user: RegisteredUser,
    list: { title: string; description?: string | null; ranked?: boolean },
    items: [Game, string | null][],
  ) => {
    const now = timestamp()
    const { id } = await db()
      .insertInto('lists')
      .values({
        user_id: user.id,
        title: list.title,
        description: list.description ?? null,
        ranked: list.ranked ?? false,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    if (items.length > 0) {
      await db()
        .insertInto('list_items')
        .values(items.map(([game, note], position) => ({ list_id: id, position, game_id: game.id, note })))
        .execute()
    }
    await recordActivity(db(), { user_id: user.id, type: 'list', list_id: id })
    return id
  }

  const likeReview = (user: RegisteredUser, entryId: number) =>
    db().insertInto('review_likes').values({ entry_id: entryId, user_id: user.id, created_at: timestamp() }).execute()

  /** How many rows of a table belong to a user (by its `column`). */
  const rowsOf = async (table: keyof Tables, column: string, userId: number) => {
    const row = await db()
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(column as never, '=', userId as never)
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }

  /** Everything a user owns, counted table by table. */
  const ownedBy = async (user: RegisteredUser) => ({
    auth_tokens: await rowsOf('auth_tokens', 'user_id', user.id),
    follows_out: await rowsOf('follows', 'follower_id', user.id),
    follows_in: await rowsOf('follows', 'followee_id', user.id),
    game_statuses: await rowsOf('game_statuses', 'user_id', user.id),
    favorites: await rowsOf('favorites', 'user_id', user.id),
    ratings: await rowsOf('ratings', 'user_id', user.id),
    journal_entries: await rowsOf('journal_entries', 'user_id', user.id),
    review_likes: await rowsOf('review_likes', 'user_id', user.id),
    review_comments: await rowsOf('review_comments', 'user_id', user.id),
    lists: await rowsOf('lists', 'user_id', user.id),
    activities: await rowsOf('activities', 'user_id', user.id),
    users: await rowsOf('users', 'id', user.id),
  })

  /**
   * alice: a bio, favorites [Hades, Celeste], follows bob, played Celeste, wants Hades, rated Celeste 4.5,
   * one review of Celeste, one list of two games. bob owns things of his own, which must never show in
   * alice's export.
   */
  const seed = async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const celeste = await addGame('Celeste', { igdb: '26226' })
    const hades = await addGame('Hades')
    const tunic = await addGame('Tunic')
    await mustSucceed(updateProfile(alice, { bio: 'Platformers, mostly.', location: 'Vancouver', favorites: [hades.id, celeste.id] }))
    await follow(alice, bob)
    await act(alice, 'log', { game: celeste.id })
    await act(alice, 'wishlist', { game: hades.id })
    await act(alice, 'ratings', { game: celeste.id, rating: 4.5 })
    const entryId = await addEntry(alice, celeste, {
      date: '2024-02-03',
      platform: 'Nintendo Switch',
      review: REVIEW,
      spoilers: true,
      liked: true,
      half_stars: 9,
    })
    const listId = await addList(alice, { title: 'Precision platformers', description: 'Tight controls only', ranked: true }, [
      [celeste, 'The best'],
      [tunic, null],
    ])

    await act(bob, 'log', { game: tunic.id })
    await act(bob, 'ratings', { game: hades.id, rating: 1 })
    await mustSucceed(updateProfile(bob, { favorites: [tunic.id] }))
    const bobEntryId = await addEntry(bob, hades, { review: 'Bob thinks it is too hard.' })
    const bobListId = await addList(bob, { title: 'Bob list' }, [[hades, 'bob note']])
    return { alice, bob, celeste, hades, tunic, entryId, listId, bobEntryId, bobListId }
  }

  // GET /api/users/me/export
  {
    it('exports everything the caller owns as a JSON attachment named after them', async () => {
      const { alice, bob, celeste, hades, tunic, entryId, listId } = await seed()
      const before = new Date().toISOString()

      const response = await exportData(alice)

      assert.equal(response.status, 200, response.text)
      assert.equal(response.headers['content-type'], 'application/json; charset=utf-8')
      assert.equal(response.headers['content-disposition'], 'attachment; filename="overworld-alice.json"')
      assert.deepEqual(await exportData(alice, '?format=json').then((r) => [r.status, r.headers['content-disposition']]), [
        200,
        'attachment; filename="overworld-alice.json"',
      ])

      const user = await db().selectFrom('users').selectAll().where('id', '=', alice.id).executeTakeFirstOrThrow()
      const follows = await db().selectFrom('follows').select('created_at').where('follower_id', '=', alice.id).execute()
      const statuses = await db()
        .selectFrom('game_statuses')
        .select(['game_id', 'status', 'created_at'])
        .where('user_id', '=', alice.id)
        .execute()
      const addedAt = (status: string) => statuses.find((row) => row.status === status)?.created_at
      const rating = await db().selectFrom('ratings').select('updated_at').where('user_id', '=', alice.id).executeTakeFirstOrThrow()
      const entry = await db().selectFrom('journal_entries').select('created_at').where('id', '=', entryId).executeTakeFirstOrThrow()
      const list = await db().selectFrom('lists').select('created_at').where('id', '=', listId).executeTakeFirstOrThrow()

      const { exported_at: exportedAt, ...rest } = response.body
      assert.match(exportedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
      assert.ok(exportedAt >= before && exportedAt <= new Date().toISOString())
      assert.deepEqual(rest, {
        profile: {
          id: alice.id,
          username: 'alice',
          email: 'alice@example.com',
          bio: 'Platformers, mostly.',
          location: 'Vancouver',
          twitter: null,
          gravatar: user.gravatar,
          created_at: user.created_at,
        },
        following: [{ username: 'bob', created_at: follows[0]!.created_at }],
        statuses: [
          { status: 'played', game: exported(celeste), added_at: addedAt('played') },
          { status: 'wishlist', game: exported(hades), added_at: addedAt('wishlist') },
        ],
        favorites: [exported(hades), exported(celeste)],
        ratings: [{ game: exported(celeste), rating: 4.5, rated_at: rating.updated_at }],
        journal: [
          {
            id: entryId,
            game: exported(celeste),
            date: '2024-02-03',
            entry_type: 'finished',
            platform: 'Nintendo Switch',
            review: REVIEW,
            spoilers: true,
            liked: true,
            rating: 4.5,
            playthrough: null,
            created_at: entry.created_at,
          },
        ],
        playthroughs: [],
        play_sessions: [],
        review_comments: [],
        lists: [
          {
            id: listId,
            title: 'Precision platformers',
            description: 'Tight controls only',
            ranked: true,
            created_at: list.created_at,
            games: [
              { position: 1, game: exported(celeste), note: 'The best' },
              { position: 2, game: exported(tunic), note: null },
            ],
          },
        ],
      })
      // Nothing of bob's: not his email, review, list or password hash.
      for (const foreign of ['bob@example.com', 'Bob thinks', 'Bob list', 'bob note', 'password', 'argon2']) {
        assert.ok(!response.text.includes(foreign), `the export mentions ${foreign}`)
      }

      // bob's export holds his own things only.
      const bobs = (await exportData(bob)).body
      assert.equal(bobs.profile.email, 'bob@example.com')
      assert.deepEqual(bobs.following, [])
      assert.deepEqual(
        bobs.statuses.map((s: { status: string; game: { id: number } }) => [s.status, s.game.id]),
        [['played', tunic.id]],
      )
      assert.deepEqual(bobs.favorites, [exported(tunic)])
      assert.deepEqual(
        bobs.ratings.map((r: { rating: number; game: { id: number } }) => [r.game.id, r.rating]),
        [[hades.id, 1]],
      )
      assert.deepEqual(
        bobs.journal.map((e: { review: string }) => e.review),
        ['Bob thinks it is too hard.'],
      )
      assert.deepEqual(
        bobs.lists.map((l: { title: string; games: unknown[] }) => [l.title, l.games.length]),
        [['Bob list', 1]],
      )
    })

    it('exports a CSV attachment: a header row, then one row per thing owned, quoted where needed', async () => {
      const { alice, celeste, hades, tunic, listId } = await seed()

      const response = await exportData(alice, '?format=csv')

      assert.equal(response.status, 200, response.text)
      assert.equal(response.headers['content-type'], 'text/csv; charset=utf-8')
      assert.equal(response.headers['content-disposition'], 'attachment; filename="overworld-alice.csv"')
      const [header, ...rows] = parseCsv(response.text)
      assert.deepEqual(header, CSV_COLUMNS)
      assert.ok(rows.every((row) => row.length === CSV_COLUMNS.length))

      // The same data as the JSON export, a row each.
      const json = (await exportData(alice)).body
      const row = (fields: Record<string, string | number>) => CSV_COLUMNS.map((column) => String(fields[column] ?? ''))
      const game = (g: Game) => ({ game_id: g.id, igdb: g.igdb ?? '', game_name: g.name })
      assert.deepEqual(rows, [
        row({ record: 'profile', username: 'alice', text: 'Platformers, mostly.', created_at: json.profile.created_at }),
        row({ record: 'following', username: 'bob', created_at: json.following[0].created_at }),
        row({ record: 'status', ...game(celeste), status: 'played', created_at: json.statuses[0].added_at }),
        row({ record: 'status', ...game(hades), status: 'wishlist', created_at: json.statuses[1].added_at }),
        row({ record: 'favorite', ...game(hades), position: 1 }),
        row({ record: 'favorite', ...game(celeste), position: 2 }),
        row({ record: 'rating', ...game(celeste), rating: '4.5', created_at: json.ratings[0].rated_at }),
        row({
          record: 'journal',
          ...game(celeste),
          rating: '4.5',
          date: '2024-02-03',
          entry_type: 'finished',
          platform: 'Nintendo Switch',
          review: REVIEW,
          spoilers: 'true',
          liked: 'true',
          created_at: json.journal[0].created_at,
        }),
        row({ record: 'list', list_id: listId, list_title: 'Precision platformers', text: 'Tight controls only', created_at: json.lists[0].created_at }),
        row({ record: 'list_item', ...game(celeste), list_id: listId, list_title: 'Precision platformers', position: 1, note: 'The best' }),
        row({ record: 'list_item', ...game(tunic), list_id: listId, list_title: 'Precision platformers', position: 2 }),
      ])
      // The review went through RFC 4180 quoting: doubled quotes, the comma and the newline inside the quotes.
      assert.ok(response.text.includes('"Hard, ""fair"", and kind.\nSecond line, after a newline."'))
      for (const foreign of ['Bob thinks', 'Bob list', 'bob note']) assert.ok(!response.text.includes(foreign))
    })

    it('prefixes CSV values that start with = + - @ with a quote, so spreadsheets do not run them; JSON keeps them', async () => {
      const alice = await registerUser(app(), 'alice')
      const celeste = await addGame('Celeste')
      await mustSucceed(updateProfile(alice, { bio: '=HYPERLINK("http://evil.example","click")' }))
      await addEntry(alice, celeste, { review: '-2 stars, honestly' })
      const listId = await addList(alice, { title: '+SUM(A1:A9)', description: '@cmd' }, [[celeste, '=1+1']])

      const rows = parseCsv((await exportData(alice, '?format=csv')).text).slice(1)
      const field = (record: string, column: string) => rows.find((row) => row[0] === record)![CSV_COLUMNS.indexOf(column)]

      assert.equal(field('profile', 'text'), `'=HYPERLINK("http://evil.example","click")`)
      assert.equal(field('journal', 'review'), "'-2 stars, honestly")
      assert.equal(field('list', 'list_title'), "'+SUM(A1:A9)")
      assert.equal(field('list', 'text'), "'@cmd")
      assert.equal(field('list_item', 'list_title'), "'+SUM(A1:A9)")
      assert.equal(field('list_item', 'note'), "'=1+1")
      assert.equal(field('list_item', 'list_id'), String(listId))
      assert.equal(field('profile', 'username'), 'alice')

      const json = (await exportData(alice)).body
      assert.equal(json.profile.bio, '=HYPERLINK("http://evil.example","click")')
      assert.equal(json.journal[0].review, '-2 stars, honestly')
      assert.equal(json.lists[0].title, '+SUM(A1:A9)')
      assert.equal(json.lists[0].games[0].note, '=1+1')
    })

    it('quotes a CSV field holding only a quote, only a line break, or only a comma', async () => {
      const alice = await registerUser(app(), 'alice')
      const celeste = await addGame('Celeste')
      await addEntry(alice, celeste, { review: 'first line\nsecond line' })
      await addEntry(alice, celeste, { review: 'windows\r\nline end' })
      await addList(alice, { title: 'say "hi"', description: 'a, b' }, [[celeste, 'plain']])

      const response = await exportData(alice, '?format=csv')
      const rows = parseCsv(response.text).slice(1)
      const column = (name: string) => CSV_COLUMNS.indexOf(name)

      assert.deepEqual(
        rows.filter((row) => row[0] === 'journal').map((row) => row[column('review')]),
        ['first line\nsecond line', 'windows\r\nline end'],
      )
      const list = rows.find((row) => row[0] === 'list')!
      assert.deepEqual([list[column('list_title')], list[column('text')]], ['say "hi"', 'a, b'])
      for (const raw of ['"first line\nsecond line"', '"windows\r\nline end"', '"say ""hi"""', '"a, b"', ',plain,']) {
        assert.ok(response.text.includes(raw), `the CSV holds ${JSON.stringify(raw)}`)
      }
    })

    it('exports an account with nothing in it', async () => {
      const alice = await registerUser(app(), 'alice')

      const json = await exportData(alice)
      assert.equal(json.status, 200)
      const { exported_at: _exportedAt, profile, ...rest } = json.body
      assert.equal(profile.email, 'alice@example.com')
      assert.deepEqual(rest, {
        following: [],
        statuses: [],
        favorites: [],
        ratings: [],
        journal: [],
        playthroughs: [],
        play_sessions: [],
        review_comments: [],
        lists: [],
      })

      const csv = await exportData(alice, '?format=csv')
      const [header, ...rows] = parseCsv(csv.text)
      assert.deepEqual(header, CSV_COLUMNS)
      assert.deepEqual(
        rows.map((row) => row[0]),
        ['profile'],
      )
    })

    it('names the file safely whatever the username', async () => {
      const user = await registerUser(app(), '@zoë+me', { email: 'zoe@example.com' })

      const response = await exportData(user, '?format=csv')

      assert.equal(response.status, 200)
      assert.equal(response.headers['content-disposition'], 'attachment; filename="overworld-_zo__me.csv"')
    })

    it('requires a token, and answers 400 to an unknown format or query key', async () => {
      const alice = await registerUser(app(), 'alice')

      const anonymous = await exportData(null)
      assert.equal(anonymous.status, 401)
      assert.deepEqual(anonymous.body, NO_CREDENTIALS)

      for (const [query, errors] of [
        ['?format=xml', { format: ['"xml" is not a valid choice.'] }],
        ['?format=CSV', { format: ['"CSV" is not a valid choice.'] }],
        ['?format=', { format: ['"" is not a valid choice.'] }],
        ['?user=bob', { user: ['Unexpected field: not accepted here.'] }],
      ] as const) {
        const response = await exportData(alice, query)
        assert.equal(response.status, 400, `${query}: ${response.text}`)
        assert.deepEqual(response.body, errors, query)
        assert.equal(response.headers['content-disposition'], undefined)
      }
    })
  }

  // DELETE /api/users/user/
  {
    it('refuses a wrong password with 400 and deletes nothing', async () => {
      const { alice } = await seed()
      const before = await ownedBy(alice)

      const response = await deleteAccount(alice, { password: 'not-my-password-1' })

      assert.equal(response.status, 400)
      assert.deepEqual(response.body, { password: ['Incorrect password.'] })
      assert.deepEqual(await ownedBy(alice), before)
      assert.equal((await call(app(), 'GET', '/api/users/user/', { token: alice.token })).status, 200)
      assert.equal((await login(alice)).status, 200)
    })

    it('requires the password: 400 without it, and a token: 401 without one', async () => {
      const { alice } = await seed()
      const before = await ownedBy(alice)

      for (const body of [{}, undefined, { password: '' }]) {
        const response = await deleteAccount(alice, body)
        assert.equal(response.status, 400, JSON.stringify(body))
        assert.deepEqual(
          response.body,
          { password: [body?.password === '' ? 'This field may not be blank.' : 'This field is required.'] },
          JSON.stringify(body),
        )
      }
      const extra = await deleteAccount(alice, { password: alice.password, confirm: true })
      assert.equal(extra.status, 400)
      assert.deepEqual(extra.body, { confirm: ['Unexpected field: not accepted here.'] })

      const anonymous = await deleteAccount(null, { password: alice.password })
      assert.equal(anonymous.status, 401)
      assert.deepEqual(anonymous.body, NO_CREDENTIALS)

      assert.deepEqual(await ownedBy(alice), before)
      assert.equal((await call(app(), 'GET', '/api/users/alice')).status, 200)
    })

    it('deletes the account and everything it owns, and leaves everyone else’s data intact', async () => {
      const { alice, bob, celeste, hades, tunic, entryId, bobEntryId, bobListId } = await seed()
      const carol = await registerUser(app(), 'carol')
      const secondLogin = await login(alice)
      assert.equal(secondLogin.status, 200)
      await follow(bob, alice)
      await follow(carol, alice)
      await follow(carol, bob)
      await act(carol, 'log', { game: celeste.id })
      await act(carol, 'ratings', { game: celeste.id, rating: 3 })

      // Reviews of others alice liked: their counts must drop by her like only.
      const likedByAliceOnly = bobEntryId
      const likedByAliceAndCarol = await addEntry(bob, tunic, { review: 'Foxes!', like_count: 2 })
      const likedByCarolOnly = await addEntry(carol, hades, { review: 'Carol review', like_count: 1 })
      await db().updateTable('journal_entries').set({ like_count: 1 }).where('id', '=', likedByAliceOnly).execute()
      await likeReview(alice, likedByAliceOnly)
      await likeReview(alice, likedByAliceAndCarol)
      await likeReview(carol, likedByAliceAndCarol)
      await likeReview(carol, likedByCarolOnly)
      // bob liked alice's review, and commented on it; alice commented on bob's.
      await likeReview(bob, entryId)
      await db().updateTable('journal_entries').set({ like_count: 1 }).where('id', '=', entryId).execute()
      await db()
        .insertInto('review_comments')
        .values([
          { entry_id: entryId, user_id: bob.id, body: 'Agreed', created_at: timestamp() },
          { entry_id: bobEntryId, user_id: alice.id, body: 'Nope', created_at: timestamp() },
          { entry_id: bobEntryId, user_id: carol.id, body: 'Yes', created_at: timestamp() },
        ])
        .execute()

      // bob follows alice: her doings are in his feed until she goes.
      const bobFeedBefore = await call(app(), 'GET', '/api/feed/', { token: bob.token })
      assert.ok(bobFeedBefore.body.results.some((item: { user: { id: number } }) => item.user.id === alice.id))

      const bobBefore = await ownedBy(bob)
      const carolBefore = await ownedBy(carol)

      const response = await deleteAccount(alice, { password: alice.password })

      assert.equal(response.status, 204)
      assert.equal(response.text, '')

      // Her tokens stop working, she cannot sign in, her profile is gone.
      for (const token of [alice.token, secondLogin.body.token as string]) {
        const me = await call(app(), 'GET', '/api/users/user/', { token })
        assert.equal(me.status, 401)
        assert.deepEqual(me.body, { detail: 'Invalid token.' })
      }
      const signIn = await login(alice)
      assert.equal(signIn.status, 400)
      assert.deepEqual(signIn.body, { non_field_errors: ['Incorrect username/password.'] })
      for (const path of ['/api/users/alice', '/api/users/profile/alice', '/api/users/alice/stats']) {
        const profile = await call(app(), 'GET', path)
        assert.equal(profile.status, 404, path)
        assert.deepEqual(profile.body, { detail: 'Not found.' })
      }

      // Nothing of hers remains.
      assert.deepEqual(await ownedBy(alice), {
        auth_tokens: 0,
        follows_out: 0,
        follows_in: 0,
        game_statuses: 0,
        favorites: 0,
        ratings: 0,
        journal_entries: 0,
        review_likes: 0,
        review_comments: 0,
        lists: 0,
        activities: 0,
        users: 0,
      })
      assert.equal(await rowsOf('activities', 'target_user_id', alice.id), 0)
      assert.equal(await rowsOf('review_likes', 'entry_id', entryId), 0)
      assert.equal(await rowsOf('review_comments', 'entry_id', entryId), 0)

      // The follow edges went from both sides of the others' profiles.
      const bobProfile = (await call(app(), 'GET', '/api/users/bob')).body
      assert.deepEqual([bobProfile.followers, bobProfile.following], [[carol.id], []])
      const carolProfile = (await call(app(), 'GET', '/api/users/carol')).body
      assert.deepEqual([carolProfile.followers, carolProfile.following], [[], [bob.id]])
      assert.deepEqual([bobProfile.stats.followers, bobProfile.stats.following], [1, 0])

      // Other people's data: intact, except what hung on alice: bob's follow of her (and its activity), his
      // like of her review and his comment on it.
      assert.deepEqual(await ownedBy(bob), {
        ...bobBefore,
        follows_out: 0,
        follows_in: 1,
        activities: bobBefore.activities - 1,
        review_likes: 0,
        review_comments: 0,
      })
      assert.deepEqual(await ownedBy(carol), { ...carolBefore, follows_out: 1, activities: carolBefore.activities - 1 })
      const likeCounts = await db()
        .selectFrom('journal_entries')
        .select(['id', 'like_count'])
        .where('id', 'in', [likedByAliceOnly, likedByAliceAndCarol, likedByCarolOnly])
        .orderBy('id')
        .execute()
      assert.deepEqual(
        likeCounts.map((row) => [row.id, row.like_count]),
        [
          [likedByAliceOnly, 0],
          [likedByAliceAndCarol, 1],
          [likedByCarolOnly, 1],
        ],
      )
      const comments = await db().selectFrom('review_comments').select(['entry_id', 'user_id', 'body']).orderBy('id').execute()
      assert.deepEqual(comments, [{ entry_id: bobEntryId, user_id: carol.id, body: 'Yes' }])
      assert.deepEqual(
        (await db().selectFrom('lists').select('id').execute()).map((row) => row.id),
        [bobListId],
      )
      assert.deepEqual(
        (await db().selectFrom('list_items').select(['list_id', 'game_id', 'note']).execute()),
        [{ list_id: bobListId, game_id: hades.id, note: 'bob note' }],
      )
      const ratings = await db().selectFrom('ratings').select(['user_id', 'game_id', 'half_stars']).orderBy('user_id').execute()
      assert.deepEqual(ratings, [
        { user_id: bob.id, game_id: hades.id, half_stars: 2 },
        { user_id: carol.id, game_id: celeste.id, half_stars: 6 },
      ])
      // The games stay: they are everyone's.
      assert.equal((await db().selectFrom('games').select('id').execute()).length, 3)
      // Her doings left bob's feed; carol's feed (she follows bob) still has his.
      const bobFeed = await call(app(), 'GET', '/api/feed/', { token: bob.token })
      assert.deepEqual(bobFeed.body, { results: [], next: null })
      const carolFeed = await call(app(), 'GET', '/api/feed/', { token: carol.token })
      assert.ok(carolFeed.body.results.length > 0)
      assert.ok(carolFeed.body.results.every((item: { user: { id: number } }) => item.user.id === bob.id))
      // bob and carol still use their accounts.
      assert.equal((await call(app(), 'GET', '/api/users/user/', { token: bob.token })).status, 200)
      assert.equal((await call(app(), 'GET', '/api/users/carol/stats')).body.counts.ratings, 1)

      // The name and the email are free again.
      const again = await registerUser(app(), 'alice')
      assert.notEqual(again.id, alice.id)
      assert.deepEqual((await call(app(), 'GET', '/api/users/alice')).body.played, [])
    })
  }

  // Favorites through the profile update
  {
    const favoritesOf = async (username: string) => {
      const response = await call(app(), 'GET', `/api/users/${username}`)
      assert.equal(response.status, 200)
      return response.body.favorites
    }

    it('sets the favorites showcase from a profile update, in the order sent; [] clears it', async () => {
      const alice = await registerUser(app(), 'alice')
      const [celeste, hades, tunic] = [await addGame('Celeste', { igdb: '26226' }), await addGame('Hades'), await addGame('Tunic')]

      const response = await updateProfile(alice, { favorites: [tunic.id, celeste.id, hades.id] })
      assert.equal(response.status, 200, response.text)
      assert.deepEqual(response.body.favorites, [tunic, celeste, hades])
      assert.deepEqual(await favoritesOf('alice'), [tunic, celeste, hades])

      const reordered = await call(app(), 'PATCH', '/api/users/profile/alice', { token: alice.token, body: { favorites: [hades.id, tunic.id] } })
      assert.equal(reordered.status, 200, reordered.text)
      assert.deepEqual(await favoritesOf('alice'), [hades, tunic])

      // An update without favorites leaves them be.
      assert.equal((await updateProfile(alice, { bio: 'hi' })).status, 200)
      assert.deepEqual(await favoritesOf('alice'), [hades, tunic])

      assert.equal((await updateProfile(alice, { favorites: [] })).status, 200)
      assert.deepEqual(await favoritesOf('alice'), [])
    })

    it('accepts 5 favorites and refuses 6, duplicates, an unknown game and non-ids, changing nothing', async () => {
      const alice = await registerUser(app(), 'alice')
      const games: Game[] = []
      for (const name of ['Celeste', 'Hades', 'Tunic', 'Outer Wilds', 'Returnal', 'Inside']) games.push(await addGame(name))
      const ids = games.map((game) => game.id)
      assert.equal((await updateProfile(alice, { bio: 'Before', favorites: ids.slice(0, 5) })).status, 200)
      const stored = games.slice(0, 5)
      assert.deepEqual(await favoritesOf('alice'), stored)

      const cases: [object, object][] = [
        [{ favorites: ids }, { favorites: ['Ensure this field has no more than 5 elements.'] }],
        [{ favorites: [ids[0], ids[1], ids[0]] }, { favorites: ['Ensure this field has no duplicate elements.'] }],
        [{ bio: 'After', favorites: [ids[5], 999999] }, { favorites: ['Game 999999 does not exist.'] }],
        [{ favorites: [999998, 999999] }, { favorites: ['Game 999998 does not exist.', 'Game 999999 does not exist.'] }],
        [{ favorites: [String(ids[0])] }, { 'favorites.0': ['A valid integer is required.'] }],
        [{ favorites: ids[0] }, { favorites: ['Expected a list of items.'] }],
      ]
      for (const [body, errors] of cases) {
        const response = await updateProfile(alice, body)
        assert.equal(response.status, 400, `${JSON.stringify(body)}: ${response.text}`)
        assert.deepEqual(response.body, errors, JSON.stringify(body))
      }

      // Nothing changed, not even the bio sent along with the unknown game.
      const profile = (await call(app(), 'GET', '/api/users/alice')).body
      assert.equal(profile.bio, 'Before')
      assert.deepEqual(profile.favorites, stored)
    })
  }
})
