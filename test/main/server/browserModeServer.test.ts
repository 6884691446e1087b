// Browser mode's server: the access token, the Host/Origin checks, safe static files, the CSP
// header, and the workbench API over the WebSocket (with the page's own transport, driven by the
// `ws` package's client) against the real services confined to a temporary workspace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { WebSocket } from 'ws'
import { createServiceClient } from '../../../src/shared/api/apiProxy'
import { ServiceError } from '../../../src/shared/api/serviceContract'
import {
  ANALYSIS_SERVICE, OUTSIDE_WORKSPACE_ERROR, PROJECT_SERVICE, RUN_SERVICE, WORKSPACE_SERVICE,
  type RunFinished, type RunPrepared,
} from '../../../src/shared/api/workbenchApi'
import { diffusionCoefficients } from '../../../src/shared/spectral/diffusionCoefficients'
import { createServices } from '../../../src/main/services/createServices'
import { DEFAULT_HOST, startBrowserModeServer, type BrowserModeServer } from '../../../src/main/server/browserModeServer'
import { createWebSocketTransport, type WebSocketLike } from '../../../src/renderer/src/api/websocketTransport'
import { setupOf } from '../../helpers/spectralSetups'
import { tinyExperiment } from '../../helpers/tinyProject'

const base = mkdtempSync(join(tmpdir(), 'mscale-browser-mode-'))
const workspace = join(base, 'workspace')
const rendererDir = join(base, 'renderer')
const projectDir = join(workspace, 'study.mscale')
const outsideProject = join(base, 'outside.mscale')
const SECRET = 'secret beside the renderer folder'
const PAGE = '<!doctype html><title>workbench</title><script type="module" src="/assets/app.js"></script>'

for (const dir of [workspace, rendererDir, join(rendererDir, 'assets'), projectDir, outsideProject]) mkdirSync(dir, { recursive: true })
writeFileSync(join(rendererDir, 'index.html'), PAGE)
writeFileSync(join(rendererDir, 'assets/app.js'), 'console.log("app")\n')
writeFileSync(join(rendererDir, 'assets/logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
writeFileSync(join(base, 'secret.txt'), SECRET)
symlinkSync(join(base, 'secret.txt'), join(rendererDir, 'assets/link.txt'))
const projectJson = (experiments: unknown[]) => JSON.stringify({ format: 'mscale-workbench/project', version: 1, name: 'test', experiments })
writeFileSync(join(projectDir, 'project.json'), projectJson([tinyExperiment('tiny', { domain: { samples: 51 }, network: { width: 40 }, training: { time: 0.1, snapshots: [0, 0.1] }, analysis: { xiPoints: 41 } })]))
writeFileSync(join(outsideProject, 'project.json'), projectJson([tinyExperiment('outside')]))

const services = createServices({ mode: 'browser', workspaceRoot: workspace, settingsDir: join(base, 'settings'), concurrency: 1 })
let server: BrowserModeServer
let cookie = ''

beforeAll(async () => {
  server = await startBrowserModeServer({ port: 0, workspaceRoot: workspace, rendererDir, services, onProblem: () => undefined })
})
afterAll(async () => {
  await server?.close()
  await services.dispose?.()
})

/** A raw HTTP GET (fetch would normalise the path and forbids setting Host). */
function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port: server.port, path, headers }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }))
    })
    request.on('error', reject)
    request.end()
  })
}

/** Opens a socket and says whether it was let in, or with which HTTP status it was refused. */
function trySocket(query: string, headers: Record<string, string> = {}, origin: string | null = server.origin): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api${query}`, { headers, ...(origin ? { origin } : {}) })
    socket.on('open', () => {
      socket.close()
      resolve('open')
    })
    socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0))
    socket.on('error', reject)
  })
}

function pageTransport(origin = server.origin) {
  return createWebSocketTransport({
    url: `ws://127.0.0.1:${server.port}/api?token=${server.token}`,
    createSocket: (url) => new WebSocket(url, { origin }) as unknown as WebSocketLike,
    queueTimeoutMs: 5000,
    onProblem: () => undefined,
  })
}

describe('who may connect', () => {
  it('listens on 127.0.0.1 by default and prints a URL with a 64-digit random token', async () => {
    expect(DEFAULT_HOST).toBe('127.0.0.1')
    expect(server.host).toBe('127.0.0.1')
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`)
    expect(server.token).toMatch(/^[0-9a-f]{64}$/)
    const other = await startBrowserModeServer({ port: 0, workspaceRoot: workspace, rendererDir, services })
    expect(other.token).not.toBe(server.token)
    await other.close()
    // an address of this machine other than loopback is not listened on
    const external = Object.values(networkInterfaces()).flat().find((address) => address && address.family === 'IPv4' && !address.internal)
    if (external) {
      const outcome = await new Promise<string>((resolve) => {
        const request = httpRequest({ host: external.address, port: server.port, path: '/', timeout: 2000 }, () => resolve('answered'))
        request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
        request.on('timeout', () => request.destroy(new Error('timeout')))
        request.end()
      })
      expect(outcome).toBe('ECONNREFUSED')
    }
  })

  it('refuses the page, its assets and the API without the right token (401)', async () => {
    for (const path of ['/', '/index.html', '/assets/app.js', `/?token=${'0'.repeat(64)}`, '/?token=', `/?token=${server.token}x`]) {
      const response = await get(path)
      expect(response.status, path).toBe(401)
      expect(response.body, path).toMatch(/access token/)
      expect(response.body).not.toContain('<title>')
      expect(response.headers['set-cookie']).toBeUndefined()
    }
  })

  it('serves the page with the strict CSP (the socket in connect-src) and a cookie for the assets', async () => {
    const page = await get(`/?token=${server.token}`)
    expect(page.status).toBe(200)
    expect(page.body).toBe(PAGE)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    const csp = String(page.headers['content-security-policy'])
    expect(csp).toMatch(/^default-src 'none'; script-src 'self';/)
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port};`)
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/)
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    expect(page.headers['referrer-policy']).toBe('no-referrer')
    expect(page.headers['cache-control']).toBe('no-store')
    const setCookie = String(page.headers['set-cookie'])
    expect(setCookie).toMatch(/HttpOnly/)
    expect(setCookie).toMatch(/SameSite=Strict/)
    cookie = setCookie.split(';')[0]

    const script = await get('/assets/app.js', { cookie })
    expect(script.status).toBe(200)
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect((await get('/assets/logo.svg', { cookie })).headers['content-type']).toBe('image/svg+xml')
    expect((await get('/', { cookie })).body).toBe(PAGE)
    expect((await get('/assets/app.js', { cookie: `${cookie}0` })).status).toBe(401)
    expect((await get('/assets/missing.js', { cookie })).status).toBe(404)
    expect((await get('/favicon.ico', { cookie })).status).toBe(204)
    expect((await get('/favicon.ico')).status).toBe(401)
  })

  it('answers only to a loopback Host header (DNS rebinding)', async () => {
    expect((await get(`/?token=${server.token}`, { host: `evil.example:${server.port}` })).status).toBe(403)
    expect((await get(`/?token=${server.token}`, { host: `localhost:${server.port}` })).status).toBe(200)
    // an SSH tunnel from another local port
    expect((await get(`/?token=${server.token}`, { host: 'localhost:9999' })).status).toBe(200)
  })

  it('never serves a file outside the renderer folder', async () => {
    expect(cookie).not.toBe('')
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e/secret.txt',
      '/assets%2f..%2f..%2fsecret.txt', '/..%5csecret.txt', '/assets/link.txt', '/assets/app.js%00.html', '/%E0%A4%A']) {
      const response = await get(path, { cookie })
      expect([400, 404], path).toContain(response.status)
      expect(response.body, path).not.toContain(SECRET)
    }
  })

  it('refuses the API socket without the token, with a wrong one, or from another origin', async () => {
    expect(await trySocket('')).toBe(401)
    expect(await trySocket(`?token=${'f'.repeat(64)}`)).toBe(401)
    expect(await trySocket(`?token=${server.token}`, {}, 'http://evil.example')).toBe(403)
    expect(await trySocket(`?token=${server.token}`, {}, `http://127.0.0.1:${server.port + 1}`)).toBe(403)
    expect(await trySocket('', { cookie }, 'http://evil.example')).toBe(403)
    // not a browser (no Origin): only with the token in the URL
    expect(await trySocket('', { cookie }, null)).toBe(401)
    expect(await trySocket(`?token=${server.token}`, {}, null)).toBe('open')
    // a browser page of this server: the token in the URL, or the cookie alone (after a reload)
    expect(await trySocket(`?token=${server.token}`)).toBe('open')
    expect(await trySocket('', { cookie })).toBe('open')
  })
})

describe('the API over the WebSocket', () => {
  it('answers requests with the services confined to the workspace', async () => {
    const transport = pageTransport()
    try {
      const projects = createServiceClient(PROJECT_SERVICE, transport)
      const validation = await projects.validate(projectDir)
      expect(validation).toEqual({ ok: true, problems: [], warnings: expect.any(Array) })
      const invalid = await projects.validate(workspace)
      expect(invalid.ok).toBe(false)

      const refused = await projects.open(outsideProject).catch((error: unknown) => error)
      expect(ServiceError.isServiceError(refused)).toBe(true)
      expect((refused as ServiceError).code).toBe(OUTSIDE_WORKSPACE_ERROR)

      const info = await createServiceClient(WORKSPACE_SERVICE, transport).info()
      expect(info.mode).toBe('browser')

      const setup = setupOf({ scales: [1, 2, 4] })
      const xi = [0, 0.25, 0.5, 1.5, 2.5]
      const coefficients = await createServiceClient(ANALYSIS_SERVICE, transport).coefficients({ setup, xi })
      const points = Float64Array.from(xi)
      const direct = diffusionCoefficients(setup, points)
      expect(coefficients.xi).toEqual(xi)
      // exact: the JSON form carries every bit
      expect(Array.from(coefficients.Rre)).toEqual(Array.from(direct.Rre))
      expect(Array.from(coefficients.Dim)).toEqual(Array.from(direct.Dim))
    } finally {
      transport.close()
    }
  })

  it('delivers the events of a started run to a subscriber, typed arrays intact', async () => {
    const transport = pageTransport()
    try {
      const runs = createServiceClient(RUN_SERVICE, transport)
      let prepared: RunPrepared | undefined
      const offPrepared = runs.on('prepared', (payload) => (prepared = payload))
      const finished = new Promise<RunFinished>((resolve) => runs.on('finished', resolve))
      // the subscription reaches the server before the request that triggers the events
      const { runId } = await runs.start({ projectDir, experimentId: 'tiny' })
      const done = await finished
      offPrepared()
      expect(done).toMatchObject({ runId, experimentId: 'tiny', status: 'done' })
      expect(prepared?.runId).toBe(runId)
      expect(prepared?.xi).toBeInstanceOf(Float64Array)
      expect(prepared?.xi.length).toBe(41)
      expect(prepared?.snapshotTimes).toBeInstanceOf(Float64Array)
    } finally {
      transport.close()
    }
  })

  it('answers a malformed message with an error value and keeps the connection', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, { origin: server.origin })
    await new Promise((resolve) => socket.once('open', resolve))
    const replies: unknown[] = []
    socket.on('message', (data) => replies.push(JSON.parse(String(data))))
    socket.send('not json')
    socket.send(JSON.stringify({ kind: 'request', id: 7, channel: 'nowhere', method: 'x', args: null }))
    socket.send(JSON.stringify({ kind: 'subscribe', channel: 'run', event: 'nothing' }))
    await new Promise((resolve) => setTimeout(resolve, 200))
    socket.close()
    // the request is answered asynchronously, so the order may vary
    expect(replies).toHaveLength(3)
    expect(replies).toEqual(expect.arrayContaining([
      { kind: 'response', id: -1, ok: false, error: { code: 'bad-message', message: expect.stringMatching(/Not a JSON API message/) } },
      { kind: 'response', id: 7, ok: false, error: { code: 'unknown-channel', message: expect.any(String) } },
      { kind: 'subscription-refused', channel: 'run', event: 'nothing', error: { code: 'unknown-event', message: expect.any(String) } },
    ]))
  })

  it('tells the page when the server goes away, and fails requests that cannot be sent', async () => {
    const own = await startBrowserModeServer({ port: 0, workspaceRoot: workspace, rendererDir, services })
    const transport = createWebSocketTransport({
      url: `ws://127.0.0.1:${own.port}/api?token=${own.token}`,
      createSocket: (url) => new WebSocket(url, { origin: own.origin }) as unknown as WebSocketLike,
      queueTimeoutMs: 300,
      reconnect: { initialMs: 50, maxMs: 100 },
      onProblem: () => undefined,
    })
    try {
      const projects = createServiceClient(PROJECT_SERVICE, transport)
      expect((await projects.validate(projectDir)).ok).toBe(true)
      expect(transport.status().state).toBe('open')
      await own.close()
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(transport.status()).toMatchObject({ state: 'reconnecting', lastCloseReason: 'The workbench server is shutting down.' })
      const refused = await projects.validate(projectDir).catch((error: unknown) => error)
      expect((refused as ServiceError).code).toBe('transport')
      expect((refused as ServiceError).message).toMatch(/could not be reached/)
      expect(transport.status().failedAttempts).toBeGreaterThan(0)
    } finally {
      transport.close()
    }
  })
})
