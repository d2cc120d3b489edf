import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
// What the production server sends its pages (see README): `vite preview` sends it too.
import { SITE_CSP } from '../src/web/content-security-policy.js'

// The API server: `npm run dev` and `npm run preview` forward /api (and the OpenAPI document) to it.
const api = process.env.OVERWORLD_API ?? 'http://127.0.0.1:8000'
const proxy = {
  '/api': { target: api, changeOrigin: false },
  '/openapi.json': { target: api },
}

export default defineConfig({
  plugins: [react()],
  server: { host: '127.0.0.1', port: 5173, strictPort: true, proxy },
  preview: {
    host: '127.0.0.1',
    port: 4173,
    strictPort: true,
    proxy,
    headers: { 'Content-Security-Policy': SITE_CSP },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    rolldownOptions: {
      // Libraries in one long-cached chunk; each page in its own small one (see router.tsx).
      output: { codeSplitting: { groups: [{ name: 'vendor', test: /[\\/]node_modules[\\/]/ }] } },
    },
  },
})
