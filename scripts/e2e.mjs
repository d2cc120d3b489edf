// The browser tests: builds the server and the web app from this checkout, starts the built server on a fresh
// SQLite database, checks that the web app's generated API client matches the server's OpenAPI document, then
// runs web/e2e/*.test.mjs (node:test, playwright-core, Debian's Chromium) against it. Screenshots go to
// test-results/. Exits non-zero if anything fails.
//
// Without Chromium (/usr/bin/chromium, or CHROMIUM=) the browser tests cannot run: outside CI that is reported
// and skipped (install it with `apt-get install chromium`); in CI (CI set) it is a failure.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const root = new URL('..', import.meta.url).pathname
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium'
if (!fs.existsSync(chromium)) {
  console.error(`browser tests: no Chromium at ${chromium} (apt-get install chromium, or set CHROMIUM=)`)
  process.exit(process.env.CI ? 1 : 0)
}

const run = (command, args, options = {}) => {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options })
  if (result.status !== 0) {
    console.error(`failed: ${command} ${args.join(' ')}`)
    process.exit(1)
  }
}
run('npm', ['run', '--silent', 'build'])
run(process.execPath, ['scripts/build-web.mjs', '--force'])
if (!fs.existsSync(path.join(root, 'web/dist/index.html'))) {
  console.error('the web app was not built')
  process.exit(1)
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'overworld-e2e-'))
const port = 8000 + Math.floor(Math.random() * 900) + 50
const base = `http://127.0.0.1:${port}`
const server = spawn(process.execPath, [path.join(root, 'dist/server.js')], {
  env: { ...process.env, DATABASE_URL: `sqlite:${dir}/e2e.db`, PORT: String(port), LOG_LEVEL: 'warn', RATE_LIMIT_AUTH_PER_MINUTE: '0', RATE_LIMIT_READS_PER_MINUTE: '0' },
  stdio: ['ignore', 'inherit', 'inherit'],
})
// `node scripts/e2e.mjs e2e/x.test.mjs` runs only the files named; otherwise the walkthrough, the pages test,
// then every other e2e file in name order.
function testFiles() {
  const named = process.argv.slice(2)
  if (named.length > 0) return named
  const first = ['e2e/walkthrough.test.mjs', 'e2e/pages.test.mjs']
  const others = fs.readdirSync(path.join(root, 'web/e2e')).filter((name) => name.endsWith('.test.mjs')).map((name) => `e2e/${name}`)
  return [...first, ...others.filter((file) => !first.includes(file)).sort()]
}

let status = 1
try {
  let up = false
  for (let i = 0; i < 120 && !up; i++) {
    up = await fetch(`${base}/healthz`).then((r) => r.ok, () => false)
    if (!up) await new Promise((resolve) => setTimeout(resolve, 500))
  }
  if (!up) throw new Error('the server did not start')
  const check = spawnSync('npm', ['--prefix', 'web', 'run', '--silent', 'check-api', '--', `${base}/openapi.json`], { cwd: root, stdio: 'inherit' })
  if (check.status !== 0) throw new Error('web/src/api/schema.d.ts is out of date: npm --prefix web run generate-api')
  const tests = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...testFiles()], {
    cwd: path.join(root, 'web'),
    env: { ...process.env, BASE_URL: base, E2E_OUT: path.join(root, 'test-results'), CHROMIUM: chromium },
    stdio: 'inherit',
    timeout: 900_000,
  })
  status = tests.status ?? 1
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
} finally {
  server.kill('SIGTERM')
  fs.rmSync(dir, { recursive: true, force: true })
}
process.exit(status)
