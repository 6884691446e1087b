/**
 * Browser mode (ARCHITECTURE.md, "One API, two transports"): the built renderer and the workbench
 * API over a WebSocket, served by one HTTP server, for headless CUDA machines reached over SSH and
 * for end-to-end tests in a plain Chromium.
 *
 * Who may use it, and how that is enforced:
 * - it listens on 127.0.0.1 unless another host is asked for explicitly (serveCommand.ts warns);
 * - everything needs the random access token printed in the URL (accessToken.ts): in the query,
 *   or in the HttpOnly SameSite=Strict cookie the first tokened page load sets; otherwise 401;
 * - on a loopback address the Host header must name a loopback host (127.0.0.1, localhost or
 *   [::1]), which stops DNS-rebinding pages; the API socket's Origin must be the page's
 *   own origin (a socket without an Origin, i.e. not from a browser, must carry the token in its URL);
 * - pages get the strict Content-Security-Policy of the Electron app, with the API socket named in
 *   connect-src, plus nosniff, no referrer and no framing;
 * - files are served from the renderer folder only (staticFiles.ts), paths are restricted to the
 *   workspace root by the services themselves (createServices with mode 'browser').
 *
 *     const server = await startBrowserModeServer({ port: 0, workspaceRoot: '/data/studies' })
 *     console.log(server.url)   // http://127.0.0.1:40123/?token=3f9c...
 *     await server.close()
 */
import { once } from 'node:events'
import { existsSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { join, resolve } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { createServiceRouter } from '../../shared/api/apiProxy'
import { serveWorkbenchServices, type WorkbenchServices } from '../../shared/api/workbenchApi'
import {
  TOKEN_QUERY_PARAMETER,
  WEBSOCKET_API_PATH,
  WEBSOCKET_CLOSE_GOING_AWAY,
} from '../../shared/api/websocketProtocol'
import { findPackageRoot } from '../runs/packageRoot'
import { contentSecurityPolicy } from '../security/contentSecurityPolicy'
import { createServices } from '../services/createServices'
import { accessCookie, checkAccess, createAccessToken } from './accessToken'
import { findStaticFile, sendStaticFile } from './staticFiles'
import { serveWebSocketClient } from './websocketApi'

/** The port `npm run serve` uses unless told otherwise. */
export const DEFAULT_PORT = 8765
/** The only address listened on unless another host is given explicitly. */
export const DEFAULT_HOST = '127.0.0.1'

const LOOPBACK_NAMES = new Set(['localhost', '::1', '[::1]'])

/** Whether only this machine can reach an address (127.x.y.z, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase()
  return LOOPBACK_NAMES.has(name) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
}

export interface BrowserModeServerOptions {
  /** default DEFAULT_PORT; 0 picks any free port (see the result's port) */
  port?: number
  /** default DEFAULT_HOST; anything else exposes the workbench beyond this machine */
  host?: string
  /** the folder every path of the API must lie in (default: the current folder) */
  workspaceRoot?: string
  /** the built renderer (default: out/renderer in the package folder) */
  rendererDir?: string
  /**
   * The services to serve. Default: createServices({ mode: 'browser', workspaceRoot, settingsDir,
   * concurrency }), disposed by close(). Services passed in are left to their owner.
   */
  services?: WorkbenchServices
  /** for the default services: where settings and the recovery draft live (default: createServices') */
  settingsDir?: string
  /** for the default services: parallel runs (default: one per core) */
  concurrency?: number
  /** default: 32 random bytes (tests may fix it) */
  token?: string
  /** where to report a problem worth a log line (default: console.error) */
  onProblem?: (message: string) => void
}

export interface BrowserModeServer {
  /** the URL to open, with the token: http://127.0.0.1:PORT/?token=... */
  url: string
  /** http://HOST:PORT */
  origin: string
  host: string
  port: number
  token: string
  workspaceRoot: string
  rendererDir: string
  /** Closes every socket and the server, and disposes the services it created. */
  close(): Promise<void>
}

export async function startBrowserModeServer(options: BrowserModeServerOptions = {}): Promise<BrowserModeServer> {
  const host = options.host ?? DEFAULT_HOST
  const requestedPort = options.port ?? DEFAULT_PORT
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw new Error(`The port must be a whole number from 0 to 65535 (0 = any free port); got ${requestedPort}.`)
  }
  const workspaceRoot = resolve(options.workspaceRoot ?? process.cwd())
  if (!existsSync(workspaceRoot) || !statSync(workspaceRoot).isDirectory()) {
    throw new Error(`The workspace folder ${workspaceRoot} does not exist; give an existing folder with --workspace DIR.`)
  }
  const rendererDir = resolve(options.rendererDir ?? join(findPackageRoot(), 'out/renderer'))
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`The built renderer is missing (${join(rendererDir, 'index.html')}); build it with \`npx electron-vite build\`.`)
  }
  const token = options.token ?? createAccessToken()
  const onProblem = options.onProblem ?? ((message: string) => console.error(`[browser mode] ${message}`))

  const ownsServices = options.services === undefined
  const services = options.services ?? createServices({
    mode: 'browser', workspaceRoot, settingsDir: options.settingsDir, concurrency: options.concurrency,
  })
  const router = createServiceRouter(serveWorkbenchServices(services, undefined, {
    onUnexpectedError: (error, channel, method) => onProblem(`${channel}.${method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  }))

  const clients = new Set<WebSocket>()
  const sockets = new WebSocketServer({ noServer: true })
  const server = createServer()
  let port = requestedPort

  /**
   * On a loopback address the Host header must name a loopback host (any port, so that an SSH
   * tunnel to another local port works): a DNS-rebinding page sends its own host name instead.
   */
  const hostHeaderProblem = (request: IncomingMessage): string | undefined => {
    const hostHeader = request.headers.host
    if (!hostHeader) return 'The request has no Host header.'
    if (!isLoopbackHost(host)) return undefined
    const hostname = hostHeader.toLowerCase().replace(/:\d+$/, '')
    if (!isLoopbackHost(hostname)) {
      return `This server answers to 127.0.0.1, localhost or [::1] only, not ${hostHeader}.`
    }
    return undefined
  }

  const securityHeaders = (request: IncomingMessage): Record<string, string> => {
    const hostHeader = request.headers.host ?? ''
    const socketSource = /^[A-Za-z0-9.[\]:-]+$/.test(hostHeader) ? [`ws://${hostHeader}`] : []
    return {
      'Content-Security-Policy': contentSecurityPolicy({ forHeader: true, connectSources: socketSource }),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
    }
  }

  const refuse = (request: IncomingMessage, response: ServerResponse, status: number, reason: string, extra: Record<string, string> = {}): void => {
    const body = `${reason}\n`
    response.writeHead(status, {
      ...securityHeaders(request),
      ...extra,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
      'Cache-Control': 'no-store',
    })
    response.end(request.method === 'HEAD' ? undefined : body)
  }

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://placeholder')
      const hostProblem = hostHeaderProblem(request)
      if (hostProblem) return refuse(request, response, 403, hostProblem)
      const access = checkAccess(request, url, token, port)
      if (!access.ok) return refuse(request, response, 401, access.reason)
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return refuse(request, response, 405, `${request.method} is not accepted here; only GET and HEAD.`, { Allow: 'GET, HEAD' })
      }
      if (url.pathname === WEBSOCKET_API_PATH) {
        return refuse(request, response, 426, 'This is the API socket: connect with a WebSocket.', { Upgrade: 'websocket' })
      }
      const lookup = await findStaticFile(rendererDir, url.pathname)
      if (!lookup.found && url.pathname === '/favicon.ico') {
        // browsers ask for it unprompted; without one, say "nothing" rather than log a 404
        response.writeHead(204, securityHeaders(request))
        return response.end()
      }
      if (!lookup.found) return refuse(request, response, lookup.status, lookup.reason)
      const headers = securityHeaders(request)
      if (access.via === 'query') headers['Set-Cookie'] = accessCookie(port, token)
      sendStaticFile(request, response, lookup, headers)
    })().catch((error: unknown) => {
      onProblem(`A request for ${request.url} failed: ${error instanceof Error ? error.message : String(error)}`)
      if (!response.headersSent) refuse(request, response, 500, 'The server could not answer this request.')
      else response.destroy()
    })
  })

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    const url = new URL(request.url ?? '/', 'http://placeholder')
    if (url.pathname !== WEBSOCKET_API_PATH) return refuseUpgrade(socket, 404, `The API socket is at ${WEBSOCKET_API_PATH}.`)
    const hostProblem = hostHeaderProblem(request)
    if (hostProblem) return refuseUpgrade(socket, 403, hostProblem)
    const origin = request.headers.origin
    if (origin !== undefined) {
      if (origin.toLowerCase() !== `http://${request.headers.host}`.toLowerCase()) {
        return refuseUpgrade(socket, 403, `Connections from ${origin} are refused: only pages of this server may use its API.`)
      }
    } else if (!url.searchParams.has(TOKEN_QUERY_PARAMETER)) {
      return refuseUpgrade(socket, 401, 'A client without an Origin must give the access token in the socket URL (?token=...).')
    }
    const access = checkAccess(request, url, token, port)
    if (!access.ok) return refuseUpgrade(socket, 401, access.reason)
    sockets.handleUpgrade(request, socket, head, (client) => {
      clients.add(client)
      client.on('close', () => clients.delete(client))
      serveWebSocketClient(router, client, { onProblem })
    })
  })

  server.on('clientError', (_error, socket) => socket.destroy())

  server.listen(requestedPort, host)
  try {
    await Promise.race([
      once(server, 'listening'),
      once(server, 'error').then(([error]) => {
        throw error
      }),
    ])
  } catch (error) {
    if (ownsServices) await services.dispose?.()
    throw listenError(error, host, requestedPort)
  }
  port = (server.address() as AddressInfo).port
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`

  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= (async () => {
      for (const client of clients) client.close(WEBSOCKET_CLOSE_GOING_AWAY, 'The workbench server is shutting down.')
      sockets.close()
      const closed = new Promise<void>((resolveClosed) => server.close(() => resolveClosed()))
      server.closeAllConnections()
      // Sockets that do not answer the closing handshake are cut after a moment.
      const cut = setTimeout(() => {
        for (const client of clients) client.terminate()
      }, 1000)
      await closed
      clearTimeout(cut)
      if (ownsServices) await services.dispose?.()
    })()
    return closing
  }

  return {
    url: `${origin}/?${TOKEN_QUERY_PARAMETER}=${token}`,
    origin,
    host,
    port,
    token,
    workspaceRoot,
    rendererDir,
    close,
  }
}

/** Answers an upgrade request with an HTTP error and closes the connection. */
function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const statusText = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status] ?? 'Error'
  const body = `${reason}\n`
  socket.end(
    `HTTP/1.1 ${status} ${statusText}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n`
    + `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  )
}

function listenError(error: unknown, host: string, port: number): Error {
  const code = (error as { code?: unknown } | null)?.code
  if (code === 'EADDRINUSE') return new Error(`Port ${port} on ${host} is in use; choose another with --port N (--port 0 picks any free port).`)
  if (code === 'EACCES') return new Error(`Port ${port} on ${host} needs privileges this process lacks; choose a port above 1023 with --port N.`)
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new Error(`${host} is not an address of this machine; give one with --host H (default ${DEFAULT_HOST}).`)
  return error instanceof Error ? error : new Error(String(error))
}
