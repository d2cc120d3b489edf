// Builds the web app (web/) when it has no build yet, or when its sources changed since the last one, so
// `npm start` serves the current site at / with no other step and, when nothing changed, starts at once. A
// failed build is reported and the server starts with the API alone.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'

const web = new URL('../web/', import.meta.url).pathname
/** What the build reads, besides web/node_modules (covered by package-lock.json). */
const SOURCES = ['index.html', 'vite.config.ts', 'tsconfig.json', 'package.json', 'package-lock.json', 'src', 'public']

/** The latest modification under a path; a directory's own time changes when a file in it is added or removed. */
function lastChange(path) {
  const stat = fs.statSync(path, { throwIfNoEntry: false })
  if (!stat) return 0
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(stat.mtimeMs, ...fs.readdirSync(path).map((name) => lastChange(`${path}/${name}`)))
}

const built = fs.statSync(`${web}dist/index.html`, { throwIfNoEntry: false })
const changed = built !== undefined && Math.max(...SOURCES.map((name) => lastChange(`${web}${name}`))) > built.mtimeMs
if (built && !changed && !process.argv.includes('--force')) process.exit(0)

const run = (args) => spawnSync('npm', ['--prefix', web, ...args], { stdio: 'inherit' }).status === 0
console.error(changed ? 'rebuilding the web app (web/ changed since its last build)…' : 'building the web app (web/)…')
if (!(fs.existsSync(`${web}node_modules`) || run(['ci', '--no-audit', '--no-fund'])) || !run(['run', 'build'])) {
  console.error('warning: the web app could not be built; the server will answer the API only')
}
