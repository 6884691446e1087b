/**
 * The renderer's Content Security Policy, in one place: main.ts sends it as a response header
 * (dev server pages), and electron.vite.config.ts writes it into index.html as a meta tag (pages
 * loaded from file://, which have no headers). No 'electron' import, so the build config can
 * import this file.
 *
 * - scripts: only the app's own files; no inline script, no eval.
 * - styles: the app's own files plus inline styles, because Vue style bindings and ECharts
 *   tooltips (HTML with style attributes) need them; a style cannot run code.
 * - images: own files, data: and blob: (chart export to PNG/SVG).
 * - connections: own origin only (the Vite dev server's HMR socket in development).
 * - nothing else: no objects, frames, forms, remote fonts, or base-URI changes.
 */

const DIRECTIVES: readonly string[] = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
]

/** For the meta tag: frame-ancestors is ignored (and warned about) in a meta element. */
export const CONTENT_SECURITY_POLICY_META = DIRECTIVES.join('; ')

/** For the Content-Security-Policy response header. */
export const CONTENT_SECURITY_POLICY_HEADER = [...DIRECTIVES, "frame-ancestors 'none'"].join('; ')
