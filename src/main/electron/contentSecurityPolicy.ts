/**
 * The renderer's Content Security Policy, as the Electron shell and electron.vite.config.ts use
 * it. The policy itself lives in src/main/security/contentSecurityPolicy.ts, outside this
 * Electron-only folder, so that the browser-mode server sends the very same one.
 */
export { CONTENT_SECURITY_POLICY_HEADER, CONTENT_SECURITY_POLICY_META } from '../security/contentSecurityPolicy'
