import createClient, { type Middleware } from 'openapi-fetch'
import type { paths } from './schema'

const TOKEN_KEY = 'overworld.token'

type Listener = () => void
const tokenListeners = new Set<Listener>()
let unauthorizedHandler: (() => void) | null = null

function readStoredToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY)
  } catch {
    return null
  }
}

let currentToken: string | null = readStoredToken()
let sessionEnded = false

/** Whether the last token stopped working (expired, or signed out everywhere) rather than being signed out. */
export function didSessionEnd(): boolean {
  return sessionEnded
}

export function getToken(): string | null {
  return currentToken
}

/** Keeps the token (so a reload stays signed in) and tells whoever listens. */
export function setToken(token: string | null): void {
  if (token === currentToken) return
  currentToken = token
  if (token) sessionEnded = false
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token)
    else localStorage.removeItem(TOKEN_KEY)
  } catch {
    // Private mode without storage: the session lasts until the tab closes.
  }
  for (const listener of tokenListeners) listener()
}

export function subscribeToken(listener: Listener): () => void {
  tokenListeners.add(listener)
  return () => tokenListeners.delete(listener)
}

// Another tab signed in or out: follow it.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key === TOKEN_KEY) {
      currentToken = event.newValue
      for (const listener of tokenListeners) listener()
    }
  })
}

/** What to do when the API answers 401: set once by the app (clear caches, go to sign in). */
export function onUnauthorized(handler: () => void): void {
  unauthorizedHandler = handler
}

const authMiddleware: Middleware = {
  onRequest({ request }) {
    const token = getToken()
    if (token) request.headers.set('Authorization', `Token ${token}`)
    return request
  },
  onResponse({ response }) {
    if (response.status === 401) {
      if (getToken()) sessionEnded = true
      setToken(null)
      unauthorizedHandler?.()
    }
    return response
  },
}

/** The typed client of the Overworld API (types generated from the server's OpenAPI document). */
export const api = createClient<paths>({
  baseUrl: typeof window !== 'undefined' ? window.location.origin : 'http://127.0.0.1:8000',
})
api.use(authMiddleware)

/** An answer of the API other than 2xx, with its body (`{detail}` or `{field: [messages]}`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(messageOf(status, body))
    this.name = 'ApiError'
  }

  /** Messages by field name (`non_field_errors` and `detail` included), for forms. */
  get fields(): Record<string, string[]> {
    const out: Record<string, string[]> = {}
    if (this.body && typeof this.body === 'object') {
      for (const [key, value] of Object.entries(this.body)) {
        if (Array.isArray(value)) out[key] = value.map(String)
        else if (typeof value === 'string') out[key] = [value]
      }
    }
    return out
  }
}

function messageOf(status: number, body: unknown): string {
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>
    if (typeof record.detail === 'string') return record.detail
    const first = Object.values(record).find((value) => Array.isArray(value) && value.length > 0) as unknown[] | undefined
    if (first) return String(first[0])
  }
  if (status === 0) return 'Could not reach Overworld. Check your connection and try again.'
  if (status >= 500) return 'Something went wrong on our side. Please try again.'
  return `Request failed (${status}).`
}

/** Turns an openapi-fetch result into its data, or throws an ApiError. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<NonNullable<T>> {
  let result: { data?: T; error?: unknown; response: Response }
  try {
    result = await call
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error
    throw new ApiError(0, null)
  }
  if (!result.response.ok) throw new ApiError(result.response.status, result.error)
  return result.data as NonNullable<T>
}

export const isNotFound = (error: unknown): boolean => error instanceof ApiError && error.status === 404
