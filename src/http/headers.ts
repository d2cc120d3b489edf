/**
 * Security headers, written once at start and set as they are on each answer (helmet rebuilt its policy string
 * for every request, and sent the headers that concern a page with every JSON answer too).
 */

/**
 * What every answer carries, JSON or file: no MIME sniffing, no referrer, no framing, no embedding by other
 * sites, and HTTPS for good once a browser has seen it over HTTPS (the API may be the only thing a browser ever
 * asks this host for; browsers ignore the header over plain HTTP).
 */
export const ANSWER_HEADERS = Object.freeze({
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
})

/**
 * What an HTML page carries on top of ANSWER_HEADERS: its Content-Security-Policy, and the headers that only a
 * document reads (browsing-context isolation, DNS prefetching, old browsers' download and XSS-filter behaviour,
 * Flash and PDF cross-domain policies).
 */
export function pageHeaders(contentSecurityPolicy: string): Readonly<Record<string, string>> {
  return Object.freeze({
    'content-security-policy': contentSecurityPolicy,
    'cross-origin-opener-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
  })
}
