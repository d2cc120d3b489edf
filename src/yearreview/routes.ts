import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Db } from '../db/database.js'
import { invalid, notFound } from '../http/errors.js'
import { errorResponses } from '../http/schemas.js'
import { latestDateOnEarth } from '../journal/input.js'
import { renderYearCard } from './card.js'
import { findUserByUsername, findYearReview } from './repository.js'
import { YearParams, YearReview } from './schemas.js'

const tags = ['stats']

/**
 * The card may be a few minutes behind the person's latest session: it is made to be downloaded and shared, and
 * a burst of link previews should not draw it again each time.
 */
const CARD_CACHE_CONTROL = 'public, max-age=300'

/** An SVG opened by itself is a document: it may load and run nothing (it holds neither scripts nor links). */
const CARD_CONTENT_SECURITY_POLICY = "default-src 'none'"

/** `filename` for old browsers (plain ASCII, anything else an underscore) and `filename*` with the name as it is. */
function attachmentName(username: string, year: number): string {
  const name = `overworld-${username}-${year}.svg`
  const ascii = name.replace(/[^A-Za-z0-9._@+-]/gu, '_')
  const encoded = encodeURIComponent(name).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return `inline; filename="${ascii}"; filename*=UTF-8''${encoded}`
}

/** `reads`: the read replica, or the primary without one. */
export const yearReviewRoutes: FastifyPluginAsyncTypebox<{ reads: Db }> = async (app, { reads }) => {
  /** The person and their year; a year after next year (anywhere on Earth) is refused like one before 1970. */
  async function reviewOf(params: { username: string; year: number }) {
    const lastYear = Number(latestDateOnEarth().slice(0, 4)) + 1
    if (params.year > lastYear) throw invalid({ year: [`Ensure this value is less than or equal to ${lastYear}.`] })
    const user = await findUserByUsername(reads, params.username)
    if (!user) throw notFound()
    return findYearReview(reads, user, params.year)
  }

  app.get(
    '/api/users/:username/year/:year',
    {
      schema: {
        tags,
        summary: "A person's year in review: games finished and started, hours by month, platform and genre, their best",
        params: YearParams,
        response: { 200: YearReview, ...errorResponses(400, 404) },
      },
    },
    async (request) => reviewOf(request.params),
  )

  app.get(
    '/api/users/:username/year/:year.svg',
    {
      schema: {
        tags,
        summary: "A person's year in review as a shareable SVG card",
        params: YearParams,
        response: {
          200: { description: 'An SVG image', content: { 'image/svg+xml': { schema: Type.String() } } },
          ...errorResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const review = await reviewOf(request.params)
      return reply
        .type('image/svg+xml; charset=utf-8')
        .header('cache-control', CARD_CACHE_CONTROL)
        .header('content-security-policy', CARD_CONTENT_SECURITY_POLICY)
        .header('content-disposition', attachmentName(review.username, review.year))
        .send(renderYearCard(review))
    },
  )
}
