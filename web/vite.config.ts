import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// The API server: `npm run dev` and `npm run preview` forward /api (and the OpenAPI document) to it.
const api = process.env.OVERWORLD_API ?? 'http://127.0.0.1:8000'
const proxy = {
  '/api': { target: api, changeOrigin: false },
  '/openapi.json': { target: api },
}

// What the production server should send (see README): only our own scripts and styles; pictures may come from
// Gravatar and the cover-art host over https. `vite preview` sends it too, so a violation shows up before release.
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

export default defineConfig({
  plugins: [react()],
  server: { host: '127.0.0.1', port: 5173, strictPort: true, proxy },
  preview: {
    host: '127.0.0.1',
    port: 4173,
    strictPort: true,
    proxy,
    headers: { 'Content-Security-Policy': contentSecurityPolicy },
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
