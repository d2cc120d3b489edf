#!/usr/bin/env node
// Reports the compressed JavaScript a first visit to a page loads: the entry chunk, the page's lazy chunk,
// and everything they import statically (dynamic imports of other pages are not counted).
//
//   node scripts/bundle-size.mjs [PageName ...]    (default: Home)
import { readFile, readdir } from 'node:fs/promises'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync, brotliCompressSync } from 'node:zlib'

const dist = join(dirname(fileURLToPath(import.meta.url)), '../dist')
const html = await readFile(join(dist, 'index.html'), 'utf8')
const entries = [...html.matchAll(/<script[^>]+src="\/([^"]+\.js)"/g)].map((m) => m[1])
const assets = await readdir(join(dist, 'assets'))
const pages = process.argv.slice(2).length ? process.argv.slice(2) : ['Home']

async function closure(files) {
  const seen = new Set()
  const queue = [...files]
  while (queue.length) {
    const file = queue.pop()
    if (seen.has(file)) continue
    seen.add(file)
    const code = await readFile(join(dist, file), 'utf8')
    // static imports only: `import … from "./x.js"` and `import "./x.js"`
    for (const m of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[^'"();]*?\bfrom\s*)?["']\.\/([^"']+\.js)["']/g)) {
      queue.push(`assets/${m[1]}`)
    }
  }
  return [...seen]
}

for (const pageName of pages) {
  const chunk = assets.find((f) => f.startsWith(`${pageName}-`) && f.endsWith('.js'))
  if (!chunk) throw new Error(`no chunk for ${pageName}`)
  const files = await closure([...entries, `assets/${chunk}`])
  let raw = 0
  let gz = 0
  let br = 0
  for (const file of files) {
    const buf = await readFile(join(dist, file))
    raw += buf.length
    gz += gzipSync(buf, { level: 9 }).length
    br += brotliCompressSync(buf).length
  }
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`
  console.log(`${pageName}: ${files.length} JS files, ${kb(raw)} raw, ${kb(gz)} gzip, ${kb(br)} brotli`)
  for (const file of files.sort()) console.log(`  ${file}`)
}
