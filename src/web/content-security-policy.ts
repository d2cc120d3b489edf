/**
 * The web app's Content-Security-Policy: only its own scripts and styles; images from anywhere over HTTPS
 * (Gravatar avatars, IGDB covers). React sets styles through the CSSOM, so no inline style or script is needed.
 * No upgrade-insecure-requests: the server is also reached over plain http on 127.0.0.1. `vite preview` sends it
 * too (web/vite.config.ts), so a violation shows up before release.
 */
export const SITE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')
