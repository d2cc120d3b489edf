import fs from 'node:fs'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import { pageHeaders } from '../http/headers.js'
import { SITE_CSP } from './content-security-policy.js'

/** The built web app (web/, `npm --prefix web run build`); `npm start` builds it when it is missing. */
export const WEB_DIST = new URL('../../web/dist/', import.meta.url).pathname

const SITE_PAGE_HEADERS = pageHeaders(SITE_CSP)

export const isWebAppBuilt = (dist = WEB_DIST) => fs.existsSync(`${dist}index.html`)

/**
 * Serves the web app at `/`: its files, and for every other page path its index.html, so the app's router
 * shows the page (or its own 404). Paths under /api stay the API's, with JSON 404s. Without a build, the
 * server is the API alone.
 */
export async function registerWebApp(app: FastifyInstance, dist = WEB_DIST): Promise<boolean> {
  if (!isWebAppBuilt(dist)) return false
  await app.register(fastifyStatic, {
    root: dist,
    wildcard: false,
    index: false,
    // Hashed file names under /assets never change; index.html must be fetched anew to find the new ones. The
    // pages get the page headers; scripts, styles and images need only those every answer carries.
    setHeaders: (response, filePath) => {
      const immutable = filePath.includes('/assets/')
      response.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      if (filePath.endsWith('.html')) response.headers(SITE_PAGE_HEADERS)
    },
  })
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    // The home page is the site's whatever the client accepts (curl, a health probe); other unknown paths are
    // pages only for a browser, so a program that mistypes a path still gets the API's JSON 404.
    const path = request.url.split('?', 1)[0] ?? ''
    const wantsPage = path === '/' || (!path.startsWith('/api/') && (request.headers.accept ?? '').includes('text/html'))
    if (!wantsPage) return reply.code(404).send({ detail: 'Not found.' })
    return reply.header('cache-control', 'no-cache').sendFile('index.html')
  })
  return true
}
