#!/usr/bin/env node
// Runs axe-core on pages in Debian's Chromium at phone and desktop width; prints serious and critical violations.
//
//   node scripts/axe-check.mjs BASE_URL TOKEN|- path ...
import { createRequire } from 'node:module'
import { readFile } from 'node:fs/promises'
import { chromium } from 'playwright-core'

const require = createRequire(import.meta.url)
const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8')
const [base, token, ...paths] = process.argv.slice(2)
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
})
let failures = 0
for (const width of [375, 1280]) {
  // bypassCSP: axe is injected as an inline script, which the app's policy rightly refuses.
  const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true })
  const origin = new URL(base).origin
  await context.route((url) => url.origin !== origin, (route) => route.fulfill({ contentType: 'image/svg+xml', body: '<svg xmlns="http://www.w3.org/2000/svg"/>' }))
  if (token && token !== '-') await context.addInitScript((t) => localStorage.setItem('overworld.token', t), token)
  const page = await context.newPage()
  for (const path of paths) {
    await page.goto(new URL(path, base).href, { waitUntil: 'networkidle' })
    await page.addScriptTag({ content: axeSource })
    const result = await page.evaluate(async () => {
      // @ts-ignore
      const r = await window.axe.run(document, { resultTypes: ['violations'] })
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }))
    })
    const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    failures += bad.length
    console.log(`${width}px ${path}: ${bad.length} serious/critical, ${result.length - bad.length} other`)
    for (const v of result) console.log(`   [${v.impact}] ${v.id}: ${v.help} — ${v.nodes.join(' | ')}`)
  }
  await context.close()
}
await browser.close()
process.exit(failures > 0 ? 1 : 0)
