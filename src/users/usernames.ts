import unhomoglyph from 'unhomoglyph'

/**
 * What a new username must be beyond the schema's character set, and what makes two usernames the same name.
 * Existing accounts keep their names: these rules apply when a name is chosen (registration, rename).
 */

export const USERNAME_ERRORS = {
  taken: 'A user with that username already exists.',
  lookalike: 'This username is too similar to an existing username.',
  held: 'This username was in use recently and cannot be taken yet.',
  reserved: 'This username is reserved.',
  email: 'A username cannot look like an email address.',
  dots: 'A username cannot start or end with a dot.',
  marks: 'A username cannot have more than two accents or other marks on one letter.',
  invisible: 'A username cannot contain invisible characters.',
  scripts: 'A username cannot mix letters from different scripts, such as Latin and Cyrillic.',
}

/** How long a name an account renamed away from stays unavailable to every other account. */
export const RENAMED_USERNAME_HOLD_DAYS = 30

/** The unique key of a username: `Madeline` and `madeline` are the same name. */
export function usernameKey(username: string): string {
  return username.normalize('NFKC').toLowerCase()
}

/**
 * Whether a username or sign-in identifier has the shape of an email address: something, `@`, something. Our
 * email format accepts domains without a dot (`a@localhost`), so neither side is looked into further.
 */
export function looksLikeEmail(text: string): boolean {
  return /.@./su.test(text)
}

// Look-alike letters that TR39's confusables.txt leaves out because it maps only to the letter a glyph looks
// like in the same case: small capitals read as lower-case letters in a username (`ᴀᴅᴀ` next to `ada`).
const SMALL_CAPITALS = 'ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘꞯʀꜱᴛᴜᴠᴡʏᴢ'
const SMALL_CAPITAL_LETTERS = 'abcdefghijklmnopqrstuvwyz'
const SMALL_CAPITAL = new RegExp(`[${SMALL_CAPITALS}]`, 'gu')

/** Unicode TR39's skeleton: decompose, map every character to the one it is confused with, decompose again. */
function tr39Skeleton(text: string): string {
  const mapped = text
    .normalize('NFD')
    .replace(SMALL_CAPITAL, (letter) => SMALL_CAPITAL_LETTERS[SMALL_CAPITALS.indexOf(letter)] as string)
  return unhomoglyph(mapped).normalize('NFD')
}

/**
 * What a username looks like, for comparing names: two names with the same skeleton cannot both be taken.
 * Names are compared without case but shown as typed, so a name looks like whatever any spelling of it in upper
 * or lower case looks like: the skeleton maps the lower-case key, then its upper case (an `i` may be shown as
 * `I`, which looks like `l`), and lower-cases what that gives. Every spelling of one name has one skeleton.
 */
export function usernameSkeleton(username: string): string {
  const lower = tr39Skeleton(usernameKey(username))
  const upper = tr39Skeleton(lower.toUpperCase())
  return tr39Skeleton(upper.toLowerCase())
}

/**
 * Names that could pass for the site speaking (staff, the service itself) or for its paths (a profile is reached
 * at /api/users/:username, so a user named `login` could never be), compared by skeleton: `аdmin` is reserved.
 */
const RESERVED_USERNAMES = [
  // paths of the Users API
  'user', 'register', 'login', 'logout', 'logoutall', 'follow', 'unfollow', 'profile', 'me', 'search', 'suggestions',
  // the site and its staff
  'admin', 'administrator', 'admins', 'root', 'superuser', 'sysadmin', 'system', 'staff', 'team', 'moderator',
  'moderators', 'mod', 'mods', 'support', 'help', 'helpdesk', 'security', 'official', 'overworld', 'owner',
  'api', 'www', 'mail', 'email', 'postmaster', 'webmaster', 'hostmaster', 'abuse', 'noreply', 'no-reply',
  'info', 'contact', 'legal', 'privacy', 'terms', 'status', 'settings', 'signin', 'signup', 'account',
  'anonymous', 'everyone', 'null', 'undefined',
]
const RESERVED_SKELETONS = new Set(RESERVED_USERNAMES.map(usernameSkeleton))

// Spacing marks (an Indic vowel sign) take their own room; non-spacing and enclosing ones are drawn over their
// letter, and a pile of them draws over the lines around it.
const STACKED_MARKS = /[\p{Mn}\p{Me}]{3,}/u
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/u

/** The problems of a username on its own, before looking at other accounts' names: messages, none if it is fine. */
export function usernameProblems(username: string): string[] {
  const key = usernameKey(username)
  const problems: string[] = []
  if (RESERVED_SKELETONS.has(usernameSkeleton(username))) problems.push(USERNAME_ERRORS.reserved)
  if (looksLikeEmail(key)) problems.push(USERNAME_ERRORS.email)
  if (key.startsWith('.') || key.endsWith('.')) problems.push(USERNAME_ERRORS.dots)
  if (STACKED_MARKS.test(username.normalize('NFKD'))) problems.push(USERNAME_ERRORS.marks)
  if (INVISIBLE.test(username)) problems.push(USERNAME_ERRORS.invisible)
  if (mixesScripts(username)) problems.push(USERNAME_ERRORS.scripts)
  return problems
}

/** The scripts of Unicode 15.1 (ISO 15924 codes), the last version every supported Node.js knows. */
const SCRIPT_CODES = (
  'Adlm Aghb Ahom Arab Armi Armn Avst Bali Bamu Bass Batk Beng Bhks Bopo Brah Brai Bugi Buhd Cakm Cans Cari ' +
  'Cham Cher Chrs Copt Cpmn Cprt Cyrl Deva Diak Dogr Dsrt Dupl Egyp Elba Elym Ethi Geor Glag Gong Gonm Goth ' +
  'Gran Grek Gujr Guru Hang Hani Hano Hatr Hebr Hira Hluw Hmng Hmnp Hung Ital Java Kali Kana Kawi Khar Khmr ' +
  'Khoj Kits Knda Kthi Lana Laoo Latn Lepc Limb Lina Linb Lisu Lyci Lydi Mahj Maka Mand Mani Marc Medf Mend ' +
  'Merc Mero Mlym Modi Mong Mroo Mtei Mult Mymr Nagm Nand Narb Nbat Newa Nkoo Nshu Ogam Olck Orkh Orya Osge ' +
  'Osma Ougr Palm Pauc Perm Phag Phli Phlp Phnx Plrd Prti Rjng Rohg Runr Samr Sarb Saur Sgnw Shaw Shrd Sidd ' +
  'Sind Sinh Sogd Sogo Sora Soyo Sund Sylo Syrc Tagb Takr Tale Talu Taml Tang Tavt Telu Tfng Tglg Thaa Thai ' +
  'Tibt Tirh Tnsa Toto Ugar Vaii Vith Wara Wcho Xpeo Xsux Yezi Yiii Zanb'
).split(' ')

const SCRIPT_PATTERNS = new Map(SCRIPT_CODES.map((code) => [code, new RegExp(`\\p{Script_Extensions=${code}}`, 'u')]))
const inScript = (character: string, code: string) => SCRIPT_PATTERNS.get(code)?.test(character) ?? false

/**
 * What one name may be written in: a script; one of TR39's writing systems that mix scripts (Japanese, Chinese
 * with Bopomofo, Korean), each with Latin, which is TR39's "highly restrictive" level; or a script newer than
 * the list above.
 */
const WRITING_SYSTEMS: [string, (character: string) => boolean][] = [
  ...SCRIPT_CODES.map((code): [string, (character: string) => boolean] => [code, (character) => inScript(character, code)]),
  ['Jpan', (character) => ['Hani', 'Hira', 'Kana', 'Latn'].some((code) => inScript(character, code))],
  ['Hanb', (character) => ['Hani', 'Bopo', 'Latn'].some((code) => inScript(character, code))],
  ['Kore', (character) => ['Hani', 'Hang', 'Latn'].some((code) => inScript(character, code))],
  ['Zzzz', (character) => !SCRIPT_CODES.some((code) => inScript(character, code))],
]

/** Digits, `_ . - + @`, and marks that take the script of their letter go with any script. */
const ANY_SCRIPT = /[\p{Script_Extensions=Common}\p{Script_Extensions=Inherited}]/u

/** Whether no one writing system covers every letter (TR39's resolved script set is empty). */
function mixesScripts(username: string): boolean {
  let candidates = WRITING_SYSTEMS
  for (const character of new Set(username)) {
    if (ANY_SCRIPT.test(character)) continue
    candidates = candidates.filter(([, covers]) => covers(character))
    if (candidates.length === 0) return true
  }
  return false
}
