#!/usr/bin/env node
// Takes screenshots of pages at phone (375 px) and desktop (1280 px) width with Debian's Chromium.
//
//   node scripts/screenshots.mjs BASE_URL OUT_DIR [TOKEN] path[@name] ...
//
// With TOKEN the pages are shown signed in (the token is put where the app keeps it).
// Console errors and failed requests are printed, and make the exit code 1.
import { mkdir } from 'node:fs/promises'
import { chromium } from 'playwright-core'

const [base, outDir, token, ...pages] = process.argv.slice(2)
if (!base || !outDir || pages.length === 0) {
  console.error('usage: screenshots.mjs BASE_URL OUT_DIR TOKEN|- path[@name] ...')
  process.exit(2)
}
await mkdir(outDir, { recursive: true })
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
})
let problems = 0
for (const [width, height, label] of [
  [375, 812, 'phone'],
  [1280, 900, 'desktop'],
]) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 })
  if (token && token !== '-') {
    await context.addInitScript((t) => localStorage.setItem('overworld.token', t), token)
  }
  // No network here: answer requests for other hosts (Gravatar) with a stand-in picture.
  const origin = new URL(base).origin
  await context.route(
    (url) => url.origin !== origin,
    (route) =>
      route.fulfill({
        contentType: 'image/svg+xml',
        body: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8" fill="#456"/><circle cx="4" cy="3" r="1.6" fill="#9ab"/><rect x="1.5" y="5.2" width="5" height="3" rx="1.5" fill="#9ab"/></svg>',
      }),
  )
  const page = await context.newPage()
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      problems++
      console.log(`  console error on ${page.url()}: ${msg.text()}`)
    }
  })
  page.on('pageerror', (err) => {
    problems++
    console.log(`  page error on ${page.url()}: ${err.message}`)
  })
  for (const spec of pages) {
    const [path, name = path.replace(/[^\w]+/g, '_').replace(/^_|_$/g, '') || 'home'] = spec.split('@')
    await page.goto(new URL(path, base).href, { waitUntil: 'networkidle' })
    await page.waitForTimeout(300)
    const file = `${outDir}/${name}-${label}.png`
    await page.screenshot({ path: file, fullPage: true })
    console.log(file)
  }
  await context.close()
}
await browser.close()
process.exit(problems > 0 ? 1 : 0)
