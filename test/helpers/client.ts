import assert from 'node:assert/strict'
import { inject } from 'light-my-request'
import type { App } from '../../src/app.js'

export interface ApiResponse {
  status: number
  headers: Record<string, string | string[] | number | undefined>
  /** The parsed JSON body, or the raw text when the body is not JSON (or empty). */
  body: any
  text: string
}

export interface RequestOptions {
  body?: unknown
  token?: string
  headers?: Record<string, string>
  /** The client's address as the server's socket sees it (127.0.0.1 unless set). */
  remoteAddress?: string
}

/**
 * One HTTP request through the real app, as its server hands it over (app.handleRequest: the fast reads, then
 * Fastify's routing, hooks, parsing and serialization), without a socket.
 */
export async function call(app: App, method: string, url: string, options: RequestOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.token) headers.authorization = `Token ${options.token}`
  await app.ready()
  const response = await inject(app.handleRequest, {
    method: method as 'GET',
    url,
    headers,
    ...(options.remoteAddress === undefined ? {} : { remoteAddress: options.remoteAddress }),
    ...(options.body === undefined ? {} : { payload: options.body as object }),
  })
  let body: unknown = response.body
  try {
    body = JSON.parse(response.body)
  } catch {
    // not JSON: keep the text
  }
  return { status: response.statusCode, headers: response.headers, body, text: response.body }
}

export const STRONG_PASSWORD = 'violet-harbor-lantern-42'

export interface RegisteredUser {
  id: number
  username: string
  email: string
  password: string
  token: string
}

/** Registers a user through the API and returns what the client got back. */
export async function registerUser(
  app: App,
  username: string,
  fields: { email?: string; password?: string } = {},
): Promise<RegisteredUser> {
  const email = fields.email ?? `${username.toLowerCase()}@example.com`
  const password = fields.password ?? STRONG_PASSWORD
  const response = await call(app, 'POST', '/api/users/register/', { body: { username, email, password } })
  assert.equal(response.status, 201, `registering ${username}: ${response.text}`)
  return { ...response.body.user, password, token: response.body.token }
}
