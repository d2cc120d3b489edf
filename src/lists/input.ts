import { notFound } from '../http/errors.js'
import { MAX_ID } from '../http/schemas.js'

/** The list a path names; anything that cannot be a list id is simply not found. */
export function listIdOf(param: string): number {
  const id = /^\d{1,10}$/.test(param) ? Number(param) : 0
  if (id < 1 || id > MAX_ID) throw notFound()
  return id
}
