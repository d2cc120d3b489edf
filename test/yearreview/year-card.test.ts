import assert from 'node:assert/strict'
import { it } from 'node:test'
import { insertGame } from '../../src/games/repository.js'
import { usernameKey } from '../../src/users/usernames.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser } from '../helpers/client.js'
import { insertPlaythrough } from '../helpers/playthroughs.js'
import { elementsOf, parseXml, textOf, type XmlElement } from '../helpers/xml.js'

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' })

/** The lines of text a card shows, in order. */
const linesOf = (svg: XmlElement) => elementsOf(svg).filter((element) => element.name === 'text').map(textOf)

/** The twelve month bars: each a rect with a title saying its month. */
const barsOf = (svg: XmlElement) =>
  elementsOf(svg)
    .filter((element) => element.name === 'rect' && element.children.some((child) => typeof child !== 'string' && child.name === 'title'))
    .map((bar) => ({ height: Number(bar.attributes.height), title: textOf(bar) }))

describeEachDatabase('GET /api/users/:username/year/:year.svg', (current) => {
  const app = () => current().app
  const db = () => current().db

  const card = async (username: string, year: number) => {
    const response = await call(app(), 'GET', `/api/users/${encodeURIComponent(username)}/year/${year}.svg`)
    assert.equal(response.status, 200, response.text)
    return { response, svg: parseXml(response.text) }
  }

  it("draws the person's year as a well-formed SVG card, with its numbers, months and most played games", async () => {
    const alice = await registerUser(app(), 'alice')
    const celeste = await insertGame(db(), { name: 'Celeste' })
    const hades = await insertGame(db(), { name: 'Hades' })
    await insertPlaythrough(db(), alice.id, celeste, { status: 'finished', completion: 'main', platform: 'Nintendo Switch', finished_on: '2024-03-09' }, [
      ['2024-03-01', 600],
      ['2024-03-08', 600],
      ['2024-06-01', 300],
    ])
    await insertPlaythrough(db(), alice.id, hades, { status: 'finished', completion: 'main', platform: 'PC', finished_on: '2024-09-09' }, [
      ['2024-09-01', 210],
    ])
    await insertPlaythrough(db(), alice.id, hades, { platform: 'PC' }, [['2025-01-01', 1000]])

    const { response, svg } = await card('alice', 2024)

    assert.equal(response.headers['content-type'], 'image/svg+xml; charset=utf-8')
    assert.equal(response.headers['cache-control'], 'public, max-age=300')
    assert.equal(response.headers['content-disposition'], `inline; filename="overworld-alice-2024.svg"; filename*=UTF-8''overworld-alice-2024.svg`)
    assert.equal(response.headers['content-security-policy'], "default-src 'none'")
    assert.equal(svg.name, 'svg')
    assert.equal(svg.attributes.xmlns, 'http://www.w3.org/2000/svg')
    const lines = linesOf(svg)
    // Its name, the year, 2 games finished, 28.5 hours (1,710 minutes), the top platform and the games by hours.
    for (const line of ['alice', '2024', '2', 'games finished', '28.5', 'hours played', 'Nintendo Switch', 'Celeste', '25 h', 'Hades', '3.5 h']) {
      assert.ok(lines.includes(line), `${JSON.stringify(line)} is not a line of ${JSON.stringify(lines)}`)
    }
    assert.ok(lines.indexOf('Celeste') < lines.indexOf('Hades'), 'the most played game first')
    const bars = barsOf(svg)
    assert.equal(bars.length, 12)
    assert.deepEqual(bars[2], { height: 90, title: 'Mar: 20 h, 1 finished' })
    assert.deepEqual(bars[5], { height: 23, title: 'Jun: 5 h, 0 finished' })
    assert.deepEqual(bars[8], { height: 16, title: 'Sep: 3.5 h, 1 finished' })
    assert.deepEqual(bars[0], { height: 0, title: 'Jan: 0 h, 0 finished' })
    assert.match(textOf(elementsOf(svg).find((element) => element.name === 'title')!), /^alice's 2024 on Overworld: 2 games finished, 28.5 hours played$/)
  })

  it('draws an empty year as a card of zeros', async () => {
    await registerUser(app(), 'alice')

    const { svg } = await card('alice', 2024)

    const lines = linesOf(svg)
    for (const line of ['alice', '2024', '0', 'No play sessions logged this year', '—']) assert.ok(lines.includes(line), `${line} in ${JSON.stringify(lines)}`)
    assert.deepEqual(
      barsOf(svg).map((bar) => bar.height),
      Array.from({ length: 12 }, () => 0),
    )
  })

  it('escapes names holding markup, quotes, emoji and right-to-left text, drops what XML cannot hold, and cuts long names between characters', async () => {
    const user = await registerUser(app(), 'hostile')
    // No one can sign up with this name today; an older account, or a future rule, might have one.
    const username = `Zoë<&>"'🎮שלום`
    await db().updateTable('users').set({ username, username_key: usernameKey(username) }).where('id', '=', user.id).execute()
    const markup = `<b>&amp;"'</b>]]> عربي`
    const family = '👩‍👩‍👧'.repeat(30)
    const bell = 'Ring\u0007 the bell'
    for (const [name, minutes] of [[markup, 300], [family, 200], [bell, 100]] as const) {
      const game = await insertGame(db(), { name, slug: `game-${minutes}` })
      await insertPlaythrough(db(), user.id, game, { platform: 'PC & "Mac" <OS>' }, [['2024-02-02', minutes]])
    }

    const { response, svg } = await card(username, 2024)

    const lines = linesOf(svg)
    for (const line of [username, markup, 'PC & "Mac" <OS>', 'Ring the bell']) {
      assert.ok(lines.includes(line), `${JSON.stringify(line)} is not a line of ${JSON.stringify(lines)}`)
    }
    assert.ok(!elementsOf(svg).some((element) => element.name === 'b'), 'a name became markup')
    const cut = lines.find((line) => line.startsWith('👩'))!
    assert.ok(cut.endsWith('…'), cut)
    assert.ok(Array.from(graphemes.segment(cut.slice(0, -1))).every((part) => part.segment === '👩‍👩‍👧'), `${cut} splits an emoji`)
    assert.match(textOf(elementsOf(svg).find((element) => element.name === 'title')!), /^Zoë<&>"'🎮שלום's 2024 on Overworld/)
    // The download's name: plain ASCII for old browsers, the name itself for the others.
    const disposition = String(response.headers['content-disposition'])
    assert.match(disposition, /^inline; filename="overworld-Zo___________-2024\.svg"; filename\*=UTF-8''(\S+)$/)
    assert.equal(decodeURIComponent(disposition.split("UTF-8''")[1]!), `overworld-${username}-2024.svg`)
    assert.doesNotMatch(disposition.split("UTF-8''")[1]!, /['"<>&]/)
  })

  it('routes the card and the review apart, with or without a trailing slash', async () => {
    await registerUser(app(), 'alice')

    const json = await call(app(), 'GET', '/api/users/alice/year/2024/')
    const svg = await call(app(), 'GET', '/api/users/alice/year/2024.svg/')

    assert.equal(json.status, 200)
    assert.match(String(json.headers['content-type']), /^application\/json/)
    assert.equal(svg.status, 200)
    assert.equal(svg.headers['content-type'], 'image/svg+xml; charset=utf-8')
  })
})
