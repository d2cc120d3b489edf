// End-to-end: the built server and web app on a fresh SQLite database. First the web app's generated API client
// must match the server's OpenAPI document; then two people walk through the app in Debian's Chromium
// (web/e2e/walkthrough.mjs), screenshots going to test-results/walkthrough. Exits non-zero if either fails.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const root = new URL('..', import.meta.url).pathname
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'overworld-e2e-'))
const port = 8000 + Math.floor(Math.random() * 900) + 50
const server = spawn(process.execPath, [path.join(root, 'dist/server.js')], {
  env: { ...process.env, DATABASE_URL: `sqlite:${dir}/e2e.db`, PORT: String(port), LOG_LEVEL: 'warn', RATE_LIMIT_AUTH_PER_MINUTE: '0' },
  stdio: ['ignore', 'inherit', 'inherit'],
})
let status = 1
try {
  let up = false
  for (let i = 0; i < 120 && !up; i++) {
    up = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)
    if (!up) await new Promise((resolve) => setTimeout(resolve, 500))
  }
  if (!up) throw new Error('the server did not start')
  const check = spawnSync('npm', ['--prefix', 'web', 'run', 'check-api', '--', `http://127.0.0.1:${port}/openapi.json`], {
    cwd: root,
    stdio: 'inherit',
  })
  if (check.status !== 0) throw new Error('web/src/api/schema.d.ts is out of date: npm --prefix web run generate-api')
  const walk = spawnSync(process.execPath, ['e2e/walkthrough.mjs', `http://127.0.0.1:${port}`, path.join(root, 'test-results/walkthrough')], {
    cwd: path.join(root, 'web'),
    stdio: 'inherit',
    timeout: 300_000,
  })
  status = walk.status ?? 1
} finally {
  server.kill('SIGTERM')
  fs.rmSync(dir, { recursive: true, force: true })
}
process.exit(status)
