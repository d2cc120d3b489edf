import { invalid } from '../http/errors.js'

/** Longer than any real game's name, short enough for any page to show. */
export const MAX_GAME_NAME_LENGTH = 200

/**
 * Control characters, and the marks that reorder text (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C):
 * in a name others see, they make it read otherwise than it is spelled, or turn the text around it on a page.
 */
const FORBIDDEN_IN_NAMES = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u

/** What is wrong with the name a request gives a game to add, if anything (its length is the schema's). */
export function gameNameProblem(name: string): string | undefined {
  const trimmed = name.trim()
  if (trimmed === '') return 'This field may not be blank.'
  if (FORBIDDEN_IN_NAMES.test(trimmed)) return 'Remove the control and text-direction characters from the name.'
  return undefined
}

/** The name a request gives a game, trimmed; a 400 when it is not one. */
export function checkedGameName(name: string): string {
  const problem = gameNameProblem(name)
  if (problem) throw invalid({ name: [problem] })
  return name.trim()
}
