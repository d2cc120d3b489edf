import { spawn } from 'node:child_process'
import { once } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach } from 'node:test'
import { fileURLToPath } from 'node:url'

/** The repository's root: commands run from there, as `npm run` runs them. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface CommandResult {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Runs one of the repository's commands (`node --import tsx <script>`, what its npm script runs) on the database
 * `databaseUrl` names, with `input` piped to it and `env` added to its environment, and waits for it to end.
 */
export async function runCommand(
  script: string,
  args: string[],
  options: { databaseUrl: string; input?: string; env?: NodeJS.ProcessEnv },
): Promise<CommandResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, DATABASE_URL: options.databaseUrl }
  // The command is not a test: without this, node would report its output as a test file's.
  delete env.NODE_TEST_CONTEXT
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  child.stdin.end(options.input ?? '')
  const [code] = (await once(child, 'close')) as [number | null]
  return { code, stdout, stderr }
}

/** A directory of its own for each test of the suite, removed after it: call it at the suite's top; the answer gives the running test's. */
export function directoryPerTest(prefix: string): () => string {
  let dir: string | undefined
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  })
  afterEach(() => fs.rmSync(dir as string, { recursive: true, force: true }))
  return () => {
    if (!dir) throw new Error('no directory: only inside a test')
    return dir
  }
}
