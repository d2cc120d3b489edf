// Builds the web app (web/) when it has not been built yet, so `npm start` serves the site at / with no other
// step. A failed build is reported and the server starts with the API alone.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'

const web = new URL('../web/', import.meta.url).pathname
if (fs.existsSync(`${web}dist/index.html`) && !process.argv.includes('--force')) process.exit(0)

const run = (args) => spawnSync('npm', ['--prefix', web, ...args], { stdio: 'inherit' }).status === 0
console.error('building the web app (web/)…')
if (!(fs.existsSync(`${web}node_modules`) || run(['ci', '--no-audit', '--no-fund'])) || !run(['run', 'build'])) {
  console.error('warning: the web app could not be built; the server will answer the API only')
}
