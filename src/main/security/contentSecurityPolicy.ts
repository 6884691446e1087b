/**
 * The renderer's Content Security Policy, in one place for every way the renderer is served:
 * Electron's main process sends it as a response header (dev server pages), electron.vite.config.ts
 * writes it into index.html as a meta tag (pages loaded from file://, which have no headers), and
 * the browser-mode server (src/main/server) sends it as a header with its own socket added to
 * connect-src. No 'electron' import, so the build config and the server can import this file.
 *
 * - scripts: only the app's own files; no inline script, no eval.
 * - styles: the app's own files plus inline styles, because Vue style bindings and ECharts
 *   tooltips (HTML with style attributes) need them; a style cannot run code.
 * - images: own files, data: and blob: (chart export to PNG/SVG).
 * - connections: own origin only (the Vite dev server's HMR socket in development; in browser
 *   mode the API socket, named explicitly as ws://host:port for browsers whose 'self' does not
 *   cover ws:).
 * - nothing else: no objects, frames, forms, remote fonts, or base-URI changes.
 */

export interface ContentSecurityPolicyOptions {
  /** sources allowed in connect-src besides 'self' (e.g. "ws://127.0.0.1:8765") */
  connectSources?: readonly string[]
  /** a header may carry frame-ancestors; a meta element ignores it (and warns), so leave it out there */
  forHeader: boolean
}

/** The policy text. Sources are checked so that a value cannot smuggle in another directive. */
export function contentSecurityPolicy(options: ContentSecurityPolicyOptions): string {
  const connectSources = options.connectSources ?? []
  for (const source of connectSources) {
    if (!/^[a-z][a-z0-9+.-]*:\/\/[A-Za-z0-9.[\]:-]+$/.test(source)) {
      throw new Error(`"${source}" is not accepted as a connect-src source: expected scheme://host[:port], e.g. ws://127.0.0.1:8765.`)
    }
  }
  const directives = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    ["connect-src 'self'", ...connectSources].join(' '),
    "object-src 'none'",
    "frame-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ]
  if (options.forHeader) directives.push("frame-ancestors 'none'")
  return directives.join('; ')
}

/** For the meta tag of index.html. */
export const CONTENT_SECURITY_POLICY_META = contentSecurityPolicy({ forHeader: false })

/** For the Content-Security-Policy response header of the Electron app's pages. */
export const CONTENT_SECURITY_POLICY_HEADER = contentSecurityPolicy({ forHeader: true })
