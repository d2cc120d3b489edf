import assert from 'node:assert/strict'
import { pbkdf2Sync, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { beforeEach, describe, it } from 'node:test'
import { sql } from 'kysely'
import { isPostgres, openDatabase, type Db } from '../../src/db/database.js'
import { loadCatalogIfEmpty } from '../../src/games/catalog.js'
import { insertGame } from '../../src/games/repository.js'
import { parseDumpdata } from '../../src/original/dumpdata.js'
import { migrateFromOriginal } from '../../src/original/migrate.js'
import { setPassword } from '../../src/users/accounts.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser } from '../helpers/client.js'
import { directoryPerTest, ROOT, runCommand } from '../helpers/command.js'

const FIXTURE = fs.readFileSync(path.join(ROOT, 'test/fixtures/imports/original-dumpdata.json'), 'utf8')

const ARGON2ID = /^\$argon2id\$/

describeEachDatabase('npm run migrate-from-original: the README of test/fixtures/imports', (current) => {
  const db = () => current().db
  const app = () => current().app
  const login = (username: string, password: string) => call(app(), 'POST', '/api/users/login/', { body: { username, password } })
  const migrate = (text = FIXTURE) => migrateFromOriginal(db(), parseDumpdata(text))

  beforeEach(async () => {
    await loadCatalogIfEmpty(db())
  })

  const passwordHashOf = async (username: string) =>
    (await db().selectFrom('users').select('password_hash').where('username', '=', username).executeTakeFirstOrThrow()).password_hash

  /** A person's rows of a table joined to games, as `[username, slug, ...columns]`, sorted. */
  const byGame = async (
    table: 'game_statuses' | 'ratings' | 'favorites',
    column: 'status' | 'half_stars' | 'position',
  ): Promise<[string, string, string | number][]> => {
    const { rows } = await sql<{ username: string; slug: string; value: string | number }>`
      select u.username, g.slug, t.${sql.raw(column)} as value
      from ${sql.table(table)} t join users u on u.id = t.user_id join games g on g.id = t.game_id`.execute(db())
    return rows.map((row): [string, string, string | number] => [row.username, row.slug, row.value]).sort((a, b) => String(a).localeCompare(String(b)))
  }

  it('moves accounts, library, favorites, follows, ratings and the journal as the README says, and reports the clash', async () => {
    const summary = await migrate()

    assert.deepEqual(summary, {
      created: 4,
      alreadyThere: 0,
      clashes: [{ pk: 3, username: 'jonas', reason: 'has the same username, to Overworld (which ignores case), as Jonas (pk 2), the older account' }],
      games: { matched: 11, created: 1 },
      ratings: { moved: 10, rounded: 4 },
      journal: { entries: 10, playthroughs: 8 },
      follows: 4,
      skipped: { ratings: 1, entries: 1, follows: 2 },
      withoutPassword: ['olu'],
    })

    const accounts = await db()
      .selectFrom('users')
      .select(['username', 'email', 'bio', 'location', 'twitter', 'created_at', 'use_gravatar', 'gravatar'])
      .orderBy('created_at')
      .execute()
    assert.deepEqual(
      accounts.map(({ use_gravatar, gravatar, ...account }) => ({ ...account, use_gravatar: !!use_gravatar, forcedFace: gravatar.includes('forcedefault=y') })),
      [
        { username: 'mira', email: 'mira@example.com', bio: 'Platformers, roguelikes, long RPGs.', location: 'Lyon', twitter: 'mira_plays', created_at: '2020-03-14T09:26:53.589000Z' },
        { username: 'Jonas', email: 'jonas@example.net', bio: null, location: 'Tallinn', twitter: null, created_at: '2020-05-01T12:00:00.000000Z' },
        { username: 'petra', email: 'petra@example.com', bio: 'Zelda and everything after.', location: null, twitter: 'petra_games', created_at: '2020-11-11T11:11:11.000000Z' },
        { username: 'olu', email: 'olu@example.com', bio: null, location: null, twitter: null, created_at: '2021-01-20T07:30:00.000000Z' },
      ].map((account) => ({ ...account, use_gravatar: false, forcedFace: true })),
    )
    // The original's Gravatar (an md5 of the email) is not kept: avatars say nothing of emails here.
    assert.ok(accounts.every((account) => !account.gravatar.includes('a31d59291f4b506510452e705ea6cf34')))

    const tunic = await db().selectFrom('games').select(['igdb', 'name', 'slug', 'cover_url', 'provisional']).where('igdb', '=', '23733').executeTakeFirstOrThrow()
    assert.deepEqual({ ...tunic, provisional: !!tunic.provisional }, {
      igdb: '23733',
      name: 'Tunic',
      slug: 'tunic',
      cover_url: 'https://images.igdb.com/igdb/image/upload/t_cover_big/co4ae9.jpg',
      provisional: false,
    })
    // The other eleven are the catalog's own games, matched by name: none was added, none took an IGDB id.
    assert.deepEqual(await db().selectFrom('games').select('slug').where('igdb', 'is not', null).execute(), [{ slug: 'tunic' }])

    assert.deepEqual(
      await byGame('game_statuses', 'status'),
      [
        ['Jonas', 'grand-theft-auto-v', 'played'],
        ['Jonas', 'hades', 'backlog'],
        ['Jonas', 'portal-2', 'played'],
        ['Jonas', 'stardew-valley', 'played'],
        ['mira', 'celeste', 'liked'],
        ['mira', 'celeste', 'played'],
        ['mira', 'disco-elysium', 'played'],
        ['mira', 'elden-ring', 'backlog'],
        ['mira', 'hollow-knight', 'played'],
        ['mira', 'outer-wilds', 'liked'],
        ['mira', 'outer-wilds', 'played'],
        ['mira', 'portal-2', 'played'],
        ['mira', 'the-legend-of-zelda-breath-of-the-wild', 'wishlist'],
        ['mira', 'the-witcher-3-wild-hunt', 'played'],
        ['olu', 'outer-wilds', 'played'],
        ['olu', 'tunic', 'wishlist'],
        ['petra', 'the-legend-of-zelda-breath-of-the-wild', 'played'],
        ['petra', 'tunic', 'liked'],
        ['petra', 'tunic', 'played'],
      ].sort((a, b) => String(a).localeCompare(String(b))),
    )

    const favorites = await byGame('favorites', 'position')
    const favoritesOf = (username: string) =>
      favorites.filter(([name]) => name === username).sort((a, b) => Number(a[2]) - Number(b[2])).map(([, slug]) => slug)
    assert.deepEqual(favoritesOf('mira'), ['outer-wilds', 'celeste', 'hollow-knight', 'disco-elysium', 'the-witcher-3-wild-hunt'])
    assert.deepEqual(favoritesOf('Jonas'), ['portal-2'])
    assert.deepEqual(favoritesOf('petra'), ['tunic', 'the-legend-of-zelda-breath-of-the-wild'])
    assert.deepEqual(favoritesOf('olu'), [])

    const follows = await db()
      .selectFrom('follows')
      .innerJoin('users as follower', 'follower.id', 'follows.follower_id')
      .innerJoin('users as followee', 'followee.id', 'follows.followee_id')
      .select(['follower.username as follower', 'followee.username as followee'])
      .execute()
    assert.deepEqual(follows.map((f) => `${f.follower} → ${f.followee}`).sort(), ['Jonas → mira', 'mira → Jonas', 'mira → petra', 'petra → olu'])

    assert.deepEqual(
      await byGame('ratings', 'half_stars'),
      [
        ['mira', 'celeste', 10],
        ['mira', 'hades', 9],
        ['mira', 'hollow-knight', 9],
        ['mira', 'the-witcher-3-wild-hunt', 7],
        ['mira', 'outer-wilds', 10],
        ['Jonas', 'portal-2', 10],
        ['Jonas', 'stardew-valley', 5],
        ['olu', 'outer-wilds', 2],
        ['petra', 'tunic', 10],
        ['petra', 'the-legend-of-zelda-breath-of-the-wild', 10],
      ].sort((a, b) => String(a).localeCompare(String(b))),
    )

    const entries = await db()
      .selectFrom('journal_entries as e')
      .innerJoin('users', 'users.id', 'e.user_id')
      .innerJoin('games', 'games.id', 'e.game_id')
      .leftJoin('playthroughs as p', 'p.id', 'e.playthrough_id')
      .select([
        'users.username',
        'games.slug',
        'e.played_on',
        'e.entry_type',
        'e.platform',
        'e.review',
        'e.spoilers',
        'e.liked',
        'e.half_stars',
        'p.id as playthrough',
        'p.status',
        'p.started_on',
        'p.finished_on',
        'p.platform as playthrough_platform',
        'p.replay',
        'p.completion',
      ])
      .orderBy('e.id')
      .execute()
    const entry = (row: (typeof entries)[number]) =>
      [row.username, row.slug, row.played_on, row.entry_type, row.platform, row.review, !!row.spoilers, !!row.liked, row.half_stars].join(' | ')
    assert.deepEqual(entries.map(entry), [
      'mira | celeste | 2023-01-03 | started | PC |  | false | false | ',
      'mira | celeste | 2023-01-21 | finished | PC | Climbing as therapy. | false | true | 10',
      'mira | hades | 2022-10-02 | started | Switch |  | false | false | ',
      'mira | hollow-knight | 2022-09-10 | played | Steam Deck |  | false | false | ',
      'mira | hollow-knight | 2022-11-20 | replayed | PC |  | false | false | 9',
      'mira | the-witcher-3-wild-hunt | 2020-12-20 | started | PS4 |  | false | false | ',
      'mira | the-witcher-3-wild-hunt | 2021-01-15 | abandoned | PS4 | Too much Gwent, not enough time. | false | false | ',
      'mira | outer-wilds | 2020-06-15 | finished | PC | Do not look anything up. The ending… | true | true | 10',
      'Jonas | portal-2 | 2019-12-27 | finished | PC | Wheatley! | false | false | 10',
      'petra | tunic | 2022-04-02 | finished | Nintendo Switch | The manual pages! | false | false | 10',
    ])
    assert.ok(entries.every((row) => row.review !== ''), 'an empty review is no review')

    const playthroughOf = (row: (typeof entries)[number]) =>
      [row.status, row.started_on, row.finished_on, row.playthrough_platform, !!row.replay, row.completion].join(' | ')
    assert.deepEqual(entries.map(playthroughOf), [
      'finished | 2023-01-03 | 2023-01-21 | PC | false | ',
      'finished | 2023-01-03 | 2023-01-21 | PC | false | ',
      'playing | 2022-10-02 |  | Nintendo Switch | false | ',
      'shelved |  | 2022-09-10 | Steam Deck | false | ',
      'finished |  | 2022-11-20 | PC | true | ',
      'abandoned | 2020-12-20 | 2021-01-15 | PlayStation 4 | false | ',
      'abandoned | 2020-12-20 | 2021-01-15 | PlayStation 4 | false | ',
      'finished |  | 2020-06-15 | PC | false | ',
      'finished |  | 2019-12-27 | PC | false | ',
      'finished |  | 2022-04-02 | Nintendo Switch | false | ',
    ])
    // Start and finish of one run share a playthrough; the two Hollow Knight entries are two.
    const ids = entries.map((row) => row.playthrough)
    assert.equal(ids[0], ids[1])
    assert.equal(ids[5], ids[6])
    assert.equal(new Set(ids).size, 8)

    // Moving history is not news: the followers' feeds are not flooded with years of it.
    assert.equal((await db().selectFrom('activities').select('id').execute()).length, 0)
    // Sessions of the original are gone with it: none is carried over.
    assert.equal((await db().selectFrom('auth_tokens').select('digest').execute()).length, 0)
  })

  it('signs people in with their old passwords, once through PBKDF2 and then through argon2id', async () => {
    await migrate()
    assert.match(await passwordHashOf('mira'), /^pbkdf2_sha256\$1000\$/)

    assert.equal((await login('mira', 'lantern-orchard-42')).status, 200)
    assert.match(await passwordHashOf('mira'), ARGON2ID)
    assert.equal((await login('mira', 'lantern-orchard-42')).status, 200)

    // Petra's hash has Django 3.2's 260,000 iterations.
    assert.equal((await login('petra@example.com', 'amber-tundra-58')).status, 200)
    assert.match(await passwordHashOf('petra'), ARGON2ID)

    // `jonas` (pk 3) was not moved: the name is Jonas's, and only Jonas's password opens it.
    assert.equal((await login('jonas', 'paper-kite-13')).status, 400)
    assert.equal((await login('jonas', 'quiet-harbor-77')).status, 200)
  })

  it('keeps olu without a password until an operator sets one', async () => {
    await migrate()
    const unusable = await passwordHashOf('olu')
    assert.equal(unusable, '!Jq3Xo9T1fLk2vPz8WmYc4RbN6sHd0gEa5uKiQyTx')
    for (const password of [unusable, unusable.slice(1), 'lantern-orchard-42']) {
      assert.equal((await login('olu', password)).status, 400, `olu signed in with ${password}`)
    }
    assert.equal(await passwordHashOf('olu'), unusable)

    const olu = await db().selectFrom('users').select(['id', 'username', 'email']).where('username', '=', 'olu').executeTakeFirstOrThrow()
    await setPassword(db(), olu, 'violet-meadow-31')

    assert.equal((await login('olu', 'violet-meadow-31')).status, 200)
    assert.deepEqual((await migrate()).withoutPassword, [])
  })

  it('changes nothing when run again, and reports the same clash', async () => {
    const first = await migrate()
    const before = await rowCounts(db())

    const second = await migrate()

    assert.deepEqual(await rowCounts(db()), before)
    assert.deepEqual(second, {
      ...first,
      created: 0,
      alreadyThere: 4,
      games: { matched: 0, created: 0 },
      ratings: { moved: 0, rounded: 0 },
      journal: { entries: 0, playthroughs: 0 },
      follows: 0,
    })
    assert.equal(second.clashes.length, 1)
  })

  it('moves a dump it generates, with PBKDF2 hashes of its own, and reports what it cannot move', async () => {
    // Someone who signed up here first has the email one original account had.
    await registerUser(app(), 'ines_here', { email: 'INES@example.org' })
    // A catalog game that knows its IGDB id is matched by it, whatever the dump calls it.
    const zelda = await insertGame(db(), { name: 'The Legend of Zelda: Tears of the Kingdom', igdb: '119388' })
    const dump = generatedDump()

    const summary = await migrate(JSON.stringify(dump))

    assert.deepEqual(summary.clashes, [{ pk: 13, username: 'Ines', reason: 'an account here has the same email (ignoring case)' }])
    assert.equal(summary.created, 4)
    assert.deepEqual(summary.games, { matched: 2, created: 0 })
    assert.deepEqual(summary.ratings, { moved: 2, rounded: 1 })
    // A self-follow and the follow of the clashing account.
    assert.deepEqual(summary.skipped, { ratings: 0, entries: 0, follows: 2 })
    assert.deepEqual(summary.withoutPassword, ['dormant', 'spendthrift'])

    // The old password signs in; a wrong one fails and leaves the old hash.
    assert.equal((await login('quill', 'not-the-password')).status, 400)
    assert.match(await passwordHashOf('quill'), /^pbkdf2_sha256\$1200\$/)
    assert.equal((await login('quill', 'cobalt-lighthouse-9')).status, 200)
    assert.match(await passwordHashOf('quill'), ARGON2ID)
    assert.equal((await login('quill', 'cobalt-lighthouse-9')).status, 200)
    // A deactivated account, and one whose hash asks for more work than a sign-in may take, do not sign in.
    assert.equal((await login('dormant', 'granite-sparrow-4')).status, 400)
    assert.equal((await login('spendthrift', 'velvet-compass-8')).status, 400)

    const entries = await db()
      .selectFrom('journal_entries as e')
      .innerJoin('playthroughs as p', 'p.id', 'e.playthrough_id')
      .select(['e.game_id', 'e.platform', 'p.platform as known', 'p.status'])
      .orderBy('e.id')
      .execute()
    assert.deepEqual(entries, [
      { game_id: zelda, platform: 'Toaster', known: null, status: 'shelved' },
      { game_id: zelda, platform: 'switch 2', known: 'Nintendo Switch 2', status: 'finished' },
    ])
    const quill = await db().selectFrom('users').select(['id', 'created_at']).where('username', '=', 'quill').executeTakeFirstOrThrow()
    // A naive Django datetime (USE_TZ off) is UTC.
    assert.equal(quill.created_at, '2019-07-01T08:00:00.000000Z')
    assert.deepEqual(await db().selectFrom('follows').select(['follower_id', 'followee_id']).where('follower_id', '=', quill.id).execute(), [
      { follower_id: quill.id, followee_id: (await db().selectFrom('users').select('id').where('username', '=', 'dormant').executeTakeFirstOrThrow()).id },
    ])
  })

  it('refuses a file that is not a dumpdata of the original, before writing anything', async () => {
    const dump = generatedDump()
    const broken = (change: (records: DumpRecord[]) => void) => {
      const copy = structuredClone(dump)
      change(copy)
      return JSON.stringify(copy)
    }
    const cases: [string, RegExp][] = [
      ['{"model": "users.customuser"}', /must hold a JSON array/],
      ['[{"model": "users.customuser", "pk": 1, "fields": {', /not JSON/],
      [broken((records) => ((records[0] as DumpRecord).fields.username = '')), /record \[0\] \(users\.customuser 11\): username must not be blank/],
      [broken((records) => ((records[1] as DumpRecord).fields.played = [99])), /record \[1\] \(users\.customuser 12\): played names records the file does not hold: \[99\]/],
      [broken((records) => records.push(ratingRecord(11, 42, '4.0'))), /game must be the pk of a record of the file \(42\)/],
      [broken((records) => records.push(ratingRecord(11, 1, '7.5'))), /rating must be 0 to 5 stars \("7\.5"\)/],
      [broken((records) => records.push(entryRecord(11, 1, { entry_type: 'X' }))), /entry_type must be one of F, S, P, A, R \("X"\)/],
      [broken((records) => records.push(entryRecord(11, 1, { date: '2023-02-30' }))), /date must be a YYYY-MM-DD date \("2023-02-30"\)/],
    ]
    for (const [text, message] of cases) assert.throws(() => parseDumpdata(text), message)
  })
})

/** Row counts of every table of the test's database (its own schema on PostgreSQL). */
async function rowCounts(db: Db): Promise<Record<string, number>> {
  const schema = isPostgres(db) ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined
  const tables = (await db.introspection.getTables()).filter((table) => !table.isView && (schema === undefined || table.schema === schema))
  const counts: Record<string, number> = {}
  for (const { name } of tables) {
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(name)}`.execute(db)
    counts[name] = Number(rows[0]?.n)
  }
  assert.ok(counts.users !== undefined && counts.journal_entries !== undefined, 'the tables were found')
  return counts
}

interface DumpRecord {
  model: string
  pk: number | string
  fields: Record<string, unknown>
}

/** Django's default hasher, as the original ran it, with few iterations to keep the test quick. */
function djangoHash(password: string, iterations = 1200): string {
  const salt = randomBytes(9).toString('base64url')
  return `pbkdf2_sha256$${iterations}$${salt}$${pbkdf2Sync(password, salt, iterations, 32, 'sha256').toString('base64')}`
}

function accountRecord(pk: number, username: string, fields: Record<string, unknown>): DumpRecord {
  return {
    model: 'users.customuser',
    pk,
    fields: {
      password: '!unusable',
      last_login: null,
      is_superuser: false,
      username,
      first_name: '',
      last_name: '',
      email: `${username.toLowerCase()}@example.org`,
      is_staff: false,
      is_active: true,
      date_joined: '2021-01-01T00:00:00Z',
      groups: [],
      user_permissions: [],
      bio: '',
      location: '',
      twitter: '',
      gravatar: '',
      played: [],
      liked: [],
      backlog: [],
      wishlist: [],
      favorites: [],
      following: [],
      ...fields,
    },
  }
}

function ratingRecord(user: number, game: number, rating: string): DumpRecord {
  return { model: 'actions.ratings', pk: Math.floor(Math.random() * 1e9), fields: { user, game, rating } }
}

function entryRecord(user: number, game: number, fields: Record<string, unknown>): DumpRecord {
  return {
    model: 'actions.journal',
    pk: Math.floor(Math.random() * 1e9),
    fields: { user, game, date: '2023-05-12', platform: null, entry_type: 'P', review: '', spoilers: false, liked: false, rating: null, ...fields },
  }
}

/**
 * A small instance: quill (a PBKDF2 hash made here, a naive date joined) follows themself and dormant (deactivated);
 * spendthrift's hash asks for 2,000,000 iterations; Ines clashes by email with an account already here.
 */
function generatedDump(): DumpRecord[] {
  return [
    accountRecord(11, 'quill', {
      password: djangoHash('cobalt-lighthouse-9'),
      date_joined: '2019-07-01T08:00:00',
      played: [1, 2],
      following: [11, 12, 13],
    }),
    accountRecord(12, 'dormant', { password: djangoHash('granite-sparrow-4'), is_active: false }),
    accountRecord(13, 'Ines', { password: djangoHash('ochre-meadow-5') }),
    accountRecord(14, 'spendthrift', { password: `pbkdf2_sha256$2000000$salt$${Buffer.alloc(32).toString('base64')}` }),
    accountRecord(15, 'plain', { password: djangoHash('saffron-harbor-6') }),
    { model: 'games.game', pk: 1, fields: { igdb: 119388, name: 'Zelda TOTK', slug: 'zelda-totk', cover_id: null, backdrop_id: null } },
    { model: 'games.game', pk: 2, fields: { igdb: 1020, name: 'GRAND THEFT AUTO V', slug: 'gta-5', cover_id: 'co2lbd', backdrop_id: null } },
    ratingRecord(11, 1, '4.2'),
    ratingRecord(15, 2, '3.5'),
    entryRecord(11, 1, { platform: 'Toaster' }),
    entryRecord(11, 1, { date: '2023-06-01', platform: 'switch 2', entry_type: 'F' }),
    { model: 'knox.authtoken', pk: 'abc', fields: { user: 11, created: '2023-01-01T00:00:00Z', token_key: 'abcdefgh', expiry: null } },
  ]
}

describe('npm run migrate-from-original (the command)', () => {
  const dir = directoryPerTest('overworld-original-')

  const run = (...args: string[]) => runCommand('src/original/migrate.ts', args, { databaseUrl: `sqlite:${path.join(dir(), 'x.db')}` })

  it('fills the catalog of a new instance, moves the file, and prints progress and the summary', async () => {
    const result = await run(path.join(ROOT, 'test/fixtures/imports/original-dumpdata.json'))

    assert.equal(result.code, 0, result.stderr)
    assert.equal(
      result.stdout,
      [
        'accounts: 4 created, 0 already there, 1 clash',
        'games: 11 matched, 1 created',
        'ratings: 10 moved, 4 rounded to half stars',
        'journal: 10 entries, 8 playthroughs',
        'follows: 4 moved',
        'skipped: 1 rating, 1 journal entry, 2 follows',
        'not moved, as they clash (settle them by hand, then run this again):',
        '  jonas (pk 3) has the same username, to Overworld (which ignores case), as Jonas (pk 2), the older account',
        'without a password, so they cannot sign in until one is set:',
        '  npm run set-password -- olu',
        '',
      ].join('\n'),
    )
    assert.equal(result.stderr, ['1/5 (20%)', '2/5 (40%)', '3/5 (60%)', '4/5 (80%)', '5/5 (100%)', ''].join('\n'))
    const db = openDatabase(`sqlite:${path.join(dir(), 'x.db')}`)
    try {
      const { n } = await db.selectFrom('games').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      assert.equal(Number(n), 607, 'the shipped catalog and Tunic')
    } finally {
      await db.destroy()
    }
  })

  it('refuses a file it cannot read, touching no database', async () => {
    const broken = path.join(dir(), 'broken.json')
    fs.writeFileSync(broken, '[{"model": "users.customuser", "pk": 1, "fields": {"username": 7}}]')
    const result = await run(broken)
    assert.equal(result.code, 1)
    assert.match(result.stderr, /^migrate-from-original: cannot read .*broken\.json: record \[0\] \(users\.customuser 1\): username must be a string\n$/)
    assert.equal(fs.existsSync(path.join(dir(), 'x.db')), false)
  })
})
