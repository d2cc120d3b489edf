import fs from 'node:fs'
import readline from 'node:readline'
import { fileURLToPath } from 'node:url'
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrate.js'
import { ApiError } from '../http/errors.js'
import { setPassword } from './accounts.js'
import { findCredentials } from './repository.js'

const CTRL_C = '\u0003'
const BACKSPACES = new Set(['\u007f', '\b'])

/** Reads a line from a terminal without showing it. */
function readHidden(input: NodeJS.ReadStream, prompt: string, output: NodeJS.WriteStream): Promise<string> {
  output.write(prompt)
  input.setRawMode(true)
  input.resume()
  input.setEncoding('utf8')
  return new Promise((resolve, reject) => {
    let typed = ''
    const finish = (error?: Error) => {
      input.setRawMode(false)
      input.pause()
      input.off('data', onData)
      output.write('\n')
      if (error) reject(error)
      else resolve(typed)
    }
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish()
        if (char === CTRL_C) return finish(new Error('cancelled'))
        typed = BACKSPACES.has(char) ? [...typed].slice(0, -1).join('') : typed + char
      }
    }
    input.on('data', onData)
  })
}

/** The first line of what is piped in (the rest is ignored), without its line ending. */
async function readFirstLine(input: NodeJS.ReadableStream): Promise<string> {
  const lines = readline.createInterface({ input, crlfDelay: Infinity })
  for await (const line of lines) {
    lines.close()
    return line
  }
  return ''
}

/** `npm run set-password -- <username>`: the new password comes from stdin. Returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const username = args[0]
  if (args.length !== 1 || !username) {
    process.stderr.write('usage: npm run set-password -- <username> (the password is read from stdin)\n')
    return 2
  }
  const db = openDatabase(loadConfig().databaseUrl, { queryTimeoutMs: 0 })
  try {
    await migrateToLatest(db)
    const account = await findCredentials(db, username)
    if (!account) {
      process.stderr.write(`set-password: no account is named ${username}\n`)
      return 1
    }
    const password = process.stdin.isTTY
      ? await readHidden(process.stdin, `New password for ${account.username}: `, process.stderr)
      : await readFirstLine(process.stdin)
    await setPassword(db, account, password)
    process.stdout.write(
      `The password of ${account.username} is set. ${account.username} is signed out everywhere: ` +
        'every session has ended and every device is forgotten.\n',
    )
    return 0
  } catch (error) {
    const problems = error instanceof ApiError ? Object.values(error.body).flat() : [(error as Error).message]
    for (const problem of problems) process.stderr.write(`set-password: ${problem}\n`)
    return 1
  } finally {
    await db.destroy()
  }
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2))
}
