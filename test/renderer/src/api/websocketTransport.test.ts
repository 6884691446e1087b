// The page's WebSocket transport against a scripted fake socket: queueing while connecting,
// rejection of sent requests when the socket drops, reconnection with backoff and renewed
// subscriptions, and the token taken out of the address bar. (test/main/server/browserModeServer
// .test.ts drives the same transport against the real server.)
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ServiceError } from '../../../../src/shared/api/serviceContract'
import { parseMessage, stringifyMessage } from '../../../../src/shared/api/typedArrayJson'
import {
  apiSocketUrl,
  createWebSocketTransport,
  takeAccessToken,
  type WebSocketLike,
} from '../../../../src/renderer/src/api/websocketTransport'

class FakeSocket implements WebSocketLike {
  readyState = 0
  sent: unknown[] = []
  closedWith?: [number | undefined, string | undefined]
  onopen: ((event: unknown) => void) | null = null
  onmessage: ((event: { data: unknown }) => void) | null = null
  onclose: ((event: { code: number; reason: string }) => void) | null = null
  onerror: ((event: unknown) => void) | null = null
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(parseMessage(data))
  }
  close(code?: number, reason?: string) {
    this.closedWith = [code, reason]
    this.readyState = 3
  }
  open() {
    this.readyState = 1
    this.onopen?.({})
  }
  receive(message: unknown) {
    this.onmessage?.({ data: stringifyMessage(message) })
  }
  drop(code = 1006, reason = '') {
    this.readyState = 3
    this.onclose?.({ code, reason })
  }
}

let sockets: FakeSocket[]
const latest = () => sockets[sockets.length - 1]
const problems: string[] = []

function transport(options: { queueTimeoutMs?: number } = {}) {
  return createWebSocketTransport({
    url: 'ws://127.0.0.1:8765/api?token=abc',
    createSocket: (url) => {
      const socket = new FakeSocket(url)
      sockets.push(socket)
      return socket
    },
    reconnect: { initialMs: 100, maxMs: 400 },
    onProblem: (message) => problems.push(message),
    ...options,
  })
}

beforeEach(() => {
  sockets = []
  problems.length = 0
  vi.useFakeTimers()
})
afterEach(() => vi.useRealTimers())

describe('requests', () => {
  it('queues requests until the socket opens, then answers them by id, typed arrays intact', async () => {
    const api = transport()
    expect(latest().url).toBe('ws://127.0.0.1:8765/api?token=abc')
    expect(api.status().state).toBe('connecting')
    const first = api.request('project', 'validate', '/w/a')
    const second = api.request('analysis', 'coefficients', { xi: new Float64Array([0, -0, NaN]) })
    expect(latest().sent).toEqual([])
    latest().open()
    expect(api.status().state).toBe('open')
    expect(latest().sent).toEqual([
      { kind: 'request', id: 1, channel: 'project', method: 'validate', args: '/w/a' },
      { kind: 'request', id: 2, channel: 'analysis', method: 'coefficients', args: { xi: new Float64Array([0, -0, NaN]) } },
    ])
    latest().receive({ kind: 'response', id: 2, ok: true, result: { Rre: new Float64Array([1, Infinity]) } })
    latest().receive({ kind: 'response', id: 1, ok: false, error: { code: 'invalid-project', message: 'bad', details: { problems: [] } } })
    expect(await second).toEqual({ Rre: new Float64Array([1, Infinity]) })
    const error = await first.catch((e: unknown) => e)
    expect(ServiceError.isServiceError(error)).toBe(true)
    expect(error).toMatchObject({ code: 'invalid-project', message: 'bad', details: { problems: [] } })
    api.close()
  })

  it('refuses arguments it cannot send, without sending anything', async () => {
    const api = transport()
    latest().open()
    const error = await api.request('project', 'save', { when: new Map() }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'not-serialisable' })
    expect(latest().sent).toEqual([])
    api.close()
  })

  it('rejects sent requests with a transport error when the socket drops, then reconnects with backoff', async () => {
    const api = transport()
    latest().open()
    const inFlight = api.request('run', 'list', { projectDir: '/w/a' })
    latest().drop(1006)
    const error = await inFlight.catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'transport' })
    expect((error as Error).message).toMatch(/run\.list.*connection broke.*may or may not/)
    expect(api.status()).toMatchObject({ state: 'reconnecting', failedAttempts: 0, retryInMs: 100 })

    // the next attempt fails too: the delay doubles, up to the maximum
    vi.advanceTimersByTime(100)
    expect(sockets).toHaveLength(2)
    expect(api.status().state).toBe('connecting')
    const waiting = api.request('project', 'validate', '/w/a')
    latest().drop(1006)
    expect(api.status()).toMatchObject({ state: 'reconnecting', failedAttempts: 1, retryInMs: 100 })
    vi.advanceTimersByTime(100)
    latest().drop(1006)
    expect(api.status()).toMatchObject({ failedAttempts: 2, retryInMs: 200 })
    vi.advanceTimersByTime(200)
    latest().drop(1006)
    vi.advanceTimersByTime(400)
    latest().drop(1006)
    expect(api.status()).toMatchObject({ failedAttempts: 4, retryInMs: 400 })
    expect(api.status().lastCloseReason).toMatch(/could not be reached.*access token/)

    // a request made meanwhile waits and goes out on the next socket
    vi.advanceTimersByTime(400)
    latest().open()
    expect(api.status()).toMatchObject({ state: 'open', failedAttempts: 0 })
    expect(latest().sent).toEqual([{ kind: 'request', id: 2, channel: 'project', method: 'validate', args: '/w/a' }])
    latest().receive({ kind: 'response', id: 2, ok: true, result: { ok: true } })
    expect(await waiting).toEqual({ ok: true })
    api.close()
  })

  it('gives up on a request that cannot be sent within the queue timeout', async () => {
    const api = transport({ queueTimeoutMs: 1000 })
    const request = api.request('workspace', 'info', undefined)
    latest().drop(1006, '')
    vi.advanceTimersByTime(1000)
    const error = await request.catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'transport' })
    expect((error as Error).message).toMatch(/workspace\.info was not sent.*could not be reached for 1 s/)
    api.close()
  })

  it('close() rejects what is pending, stops reconnecting and refuses new requests', async () => {
    const api = transport()
    latest().open()
    const inFlight = api.request('run', 'list', { projectDir: '/w' })
    api.close()
    expect(latest().closedWith?.[0]).toBe(1000)
    expect(await inFlight.catch((e: unknown) => e)).toMatchObject({ code: 'transport' })
    expect(await api.request('run', 'list', { projectDir: '/w' }).catch((e: unknown) => e)).toMatchObject({ code: 'transport' })
    vi.advanceTimersByTime(60_000)
    expect(sockets).toHaveLength(1)
    expect(api.status().state).toBe('closed')
  })
})

describe('events', () => {
  it('subscribes once per event, delivers to every listener, renews after a reconnect, unsubscribes with the last', () => {
    const api = transport()
    const a: unknown[] = []
    const b: unknown[] = []
    const offA = api.subscribe('run', 'progress', (payload) => a.push(payload))
    latest().open()
    const offB = api.subscribe('run', 'progress', (payload) => b.push(payload))
    expect(latest().sent).toEqual([{ kind: 'subscribe', channel: 'run', event: 'progress' }])

    latest().receive({ kind: 'event', channel: 'run', event: 'progress', payload: { step: 1 } })
    latest().receive({ kind: 'event', channel: 'run', event: 'finished', payload: { step: 2 } })
    expect(a).toEqual([{ step: 1 }])
    expect(b).toEqual([{ step: 1 }])

    latest().drop(1001, 'The workbench server is shutting down.')
    expect(api.status().lastCloseReason).toBe('The workbench server is shutting down.')
    vi.advanceTimersByTime(100)
    latest().open()
    expect(latest().sent).toEqual([{ kind: 'subscribe', channel: 'run', event: 'progress' }])

    offA()
    offA()
    expect(latest().sent).toHaveLength(1)
    offB()
    expect(latest().sent).toEqual([
      { kind: 'subscribe', channel: 'run', event: 'progress' },
      { kind: 'unsubscribe', channel: 'run', event: 'progress' },
    ])
    latest().receive({ kind: 'event', channel: 'run', event: 'progress', payload: { step: 3 } })
    expect(a).toHaveLength(1)
    api.close()
  })

  it('a listener that throws does not stop the others, and is reported', () => {
    const api = transport()
    latest().open()
    const seen: unknown[] = []
    api.subscribe('run', 'finished', () => {
      throw new Error('listener broke')
    })
    api.subscribe('run', 'finished', (payload) => seen.push(payload))
    latest().receive({ kind: 'event', channel: 'run', event: 'finished', payload: 1 })
    expect(seen).toEqual([1])
    expect(problems.join('\n')).toMatch(/run\.finished failed: listener broke/)
    latest().receive({ kind: 'subscription-refused', channel: 'run', event: 'x', error: { code: 'unknown-event', message: 'no x' } })
    expect(problems.join('\n')).toMatch(/refused events run\.x: no x/)
    api.close()
  })
})

describe('the page URL', () => {
  it('takes the token out of the address bar, keeps it for the tab, and builds the socket URL', () => {
    const stored = new Map<string, string>()
    const storage = { getItem: (key: string) => stored.get(key) ?? null, setItem: (key: string, value: string) => void stored.set(key, value) }
    const replaced: string[] = []
    const history = { state: { keep: 1 }, replaceState: (state: unknown, _title: string, url?: string | URL | null) => {
      expect(state).toEqual({ keep: 1 })
      replaced.push(String(url))
    } }
    const location = { protocol: 'http:', host: '127.0.0.1:8765', pathname: '/', search: '?token=t0k%2Ben&x=1', hash: '#/run' }
    expect(takeAccessToken({ location, history, sessionStorage: storage })).toBe('t0k+en')
    expect(replaced).toEqual(['/?x=1#/run'])

    // after a reload the URL has no token; the tab still knows it
    const reloaded = { ...location, search: '', hash: '' }
    expect(takeAccessToken({ location: reloaded, history, sessionStorage: storage })).toBe('t0k+en')
    expect(replaced).toHaveLength(1)
    expect(takeAccessToken({ location: reloaded, history })).toBeUndefined()

    expect(apiSocketUrl(location, 't0k+en')).toBe('ws://127.0.0.1:8765/api?token=t0k%2Ben')
    expect(apiSocketUrl({ protocol: 'https:', host: 'gpu.lab:443' }, undefined)).toBe('wss://gpu.lab:443/api')
  })
})
