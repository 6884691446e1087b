/**
 * Who may use the browser-mode server: whoever holds its access token (the way Jupyter does it).
 * The token is 32 random bytes, printed once in the URL; a page opened with it gets an HttpOnly,
 * SameSite=Strict cookie so that its assets, reloads and the API socket are let in without
 * repeating it. Every comparison takes the same time whatever the guess.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { TOKEN_QUERY_PARAMETER } from '../../shared/api/websocketProtocol'

/** 32 random bytes as 64 hex digits. */
export function createAccessToken(): string {
  return randomBytes(32).toString('hex')
}

/**
 * The cookie's name. Cookies are shared by every port of a host, so the port is part of it: two
 * servers on one machine do not overwrite each other's cookie.
 */
export function accessCookieName(port: number): string {
  return `mscale-workbench-token-${port}`
}

/** The Set-Cookie header value for a page opened with the right token. */
export function accessCookie(port: number, token: string): string {
  return `${accessCookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`
}

/** Whether `candidate` is the token, in constant time. */
export function tokenMatches(token: string, candidate: string | null | undefined): boolean {
  if (typeof candidate !== 'string') return false
  const expected = Buffer.from(token, 'utf8')
  const given = Buffer.from(candidate, 'utf8')
  // timingSafeEqual needs equal lengths; compare against itself to spend the same time anyway.
  if (given.length !== expected.length) {
    timingSafeEqual(expected, expected)
    return false
  }
  return timingSafeEqual(expected, given)
}

export type AccessCheck =
  | { ok: true; via: 'query' | 'cookie' }
  | { ok: false; reason: string }

/** Whether a request carries the token, in its URL's query or in the server's cookie. */
export function checkAccess(request: IncomingMessage, url: URL, token: string, port: number): AccessCheck {
  const fromQuery = url.searchParams.get(TOKEN_QUERY_PARAMETER)
  if (fromQuery !== null) {
    return tokenMatches(token, fromQuery)
      ? { ok: true, via: 'query' }
      : { ok: false, reason: 'The access token in this URL is wrong. Open the URL the server printed at start (it ends in ?token=...).' }
  }
  if (tokenMatches(token, readCookie(request, accessCookieName(port)))) return { ok: true, via: 'cookie' }
  return { ok: false, reason: 'This server needs its access token. Open the URL it printed at start (it ends in ?token=...).' }
}

/** The value of one cookie of a request, if present. */
export function readCookie(request: IncomingMessage, name: string): string | undefined {
  const header = request.headers.cookie
  if (!header) return undefined
  for (const part of header.split(';')) {
    const separator = part.indexOf('=')
    if (separator < 0) continue
    if (part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim()
  }
  return undefined
}
