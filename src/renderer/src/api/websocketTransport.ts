/**
 * The browser-mode transport, page side (STYLE.md rule 3): an ApiTransport over one WebSocket to
 * the server that served the page (src/main/server/browserModeServer.ts), speaking the protocol of
 * src/shared/api/websocketProtocol.ts in the lossless JSON of typedArrayJson.ts.
 *
 * - Requests made while the socket is (re)connecting wait for it, up to queueTimeoutMs.
 * - When the socket drops, every request already sent is rejected with a ServiceError of code
 *   'transport' (it may or may not have run), and the transport reconnects with exponential
 *   backoff; event subscriptions are renewed on every new socket.
 * - The access token arrives in the page URL (?token=...): takeAccessToken() reads it, keeps it in
 *   sessionStorage for reloads and removes it from the address bar with history.replaceState.
 */
import { API_ERROR_CODES, isApiEventMessage, isApiResponseMessage, ServiceError, unwrapResponse, type ApiTransport } from '../../../shared/api/serviceContract'
import { decodeMessage, parseMessage, stringifyMessage } from '../../../shared/api/typedArrayJson'
import {
  isSubscriptionRefusedMessage,
  TOKEN_QUERY_PARAMETER,
  WEBSOCKET_API_PATH,
  type SubscriptionMessage,
} from '../../../shared/api/websocketProtocol'

/** The part of the browser's WebSocket the transport uses (the `ws` package's fits too). */
export interface WebSocketLike {
  readonly readyState: number
  /** binary frames arrive as ArrayBuffers */
  binaryType?: string
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onclose: ((event: { code: number; reason: string }) => void) | null
  onerror: ((event: unknown) => void) | null
}

/** WebSocket.OPEN */
const SOCKET_OPEN = 1

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed'

export interface ConnectionStatus {
  state: ConnectionState
  /** failed attempts since the socket was last open */
  failedAttempts: number
  /** when reconnecting: milliseconds until the next attempt */
  retryInMs?: number
  /** why the last socket closed, in words */
  lastCloseReason?: string
}

export interface WebSocketTransportOptions {
  /** ws://host:port/api?token=... (see apiSocketUrl) */
  url: string
  /** default: new WebSocket(url) */
  createSocket?: (url: string) => WebSocketLike
  /** reconnect delays: initialMs doubling up to maxMs (default 250 ms to 10 s) */
  reconnect?: { initialMs?: number; maxMs?: number }
  /** how long a request waits for a connection before it is rejected (default 15 s) */
  queueTimeoutMs?: number
  /** told of what should be logged: an event listener that threw, a refused subscription */
  onProblem?: (message: string) => void
}

export interface WebSocketTransport extends ApiTransport {
  status(): ConnectionStatus
  /** Calls listener with every status change; returns the function that stops. */
  onStatusChange(listener: (status: ConnectionStatus) => void): () => void
  /** Closes the socket for good; pending requests are rejected. */
  close(): void
}

interface PendingRequest {
  id: number
  label: string
  text: string
  sent: boolean
  resolve(result: unknown): void
  reject(error: ServiceError): void
  timer?: ReturnType<typeof setTimeout>
}

export function createWebSocketTransport(options: WebSocketTransportOptions): WebSocketTransport {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as WebSocketLike)
  const initialDelay = options.reconnect?.initialMs ?? 250
  const maxDelay = options.reconnect?.maxMs ?? 10_000
  const queueTimeoutMs = options.queueTimeoutMs ?? 15_000
  const onProblem = options.onProblem ?? ((message: string) => console.error(`[workbench] ${message}`))

  const pending = new Map<number, PendingRequest>()
  /** "channel\0event" -> listeners */
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const statusListeners = new Set<(status: ConnectionStatus) => void>()
  let status: ConnectionStatus = { state: 'connecting', failedAttempts: 0 }
  let socket: WebSocketLike | undefined
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined
  let nextId = 1
  let closedForGood = false

  const setStatus = (next: ConnectionStatus): void => {
    status = next
    for (const listener of [...statusListeners]) {
      try {
        listener({ ...next })
      } catch (error) {
        onProblem(`A connection-status listener failed: ${describe(error)}`)
      }
    }
  }

  const isOpen = (): boolean => socket !== undefined && socket.readyState === SOCKET_OPEN && status.state === 'open'

  const sendSubscription = (kind: SubscriptionMessage['kind'], key: string): void => {
    if (!isOpen()) return
    const [channel, event] = key.split('\0')
    const message: SubscriptionMessage = { kind, channel, event }
    socket?.send(JSON.stringify(message))
  }

  const settle = (request: PendingRequest): void => {
    pending.delete(request.id)
    if (request.timer !== undefined) clearTimeout(request.timer)
  }

  const rejectSent = (reason: string): void => {
    for (const request of [...pending.values()]) {
      if (!request.sent) continue
      settle(request)
      request.reject(new ServiceError(API_ERROR_CODES.transport,
        `The connection to the workbench server was lost during ${request.label} (${reason}); it may or may not have been done.`))
    }
  }

  const flushQueue = (): void => {
    for (const request of pending.values()) {
      if (request.sent || !isOpen()) continue
      request.sent = true
      if (request.timer !== undefined) clearTimeout(request.timer)
      request.timer = undefined
      socket?.send(request.text)
    }
  }

  const handleMessage = (data: unknown): void => {
    let message: unknown
    try {
      // Binary frames carry messages with typed arrays (see encodeMessage); the rest is JSON text.
      message = data instanceof ArrayBuffer || data instanceof Uint8Array ? decodeMessage(data) : parseMessage(String(data))
    } catch (error) {
      onProblem(`The server sent a message that is not valid: ${describe(error)}`)
      return
    }
    if (isApiResponseMessage(message)) {
      const request = pending.get(message.id)
      if (!request) {
        if (!message.ok) onProblem(`The server refused a message: ${message.error.message}`)
        return
      }
      settle(request)
      try {
        request.resolve(unwrapResponse(message))
      } catch (error) {
        request.reject(error as ServiceError)
      }
      return
    }
    if (isApiEventMessage(message)) {
      for (const listener of [...(listeners.get(`${message.channel}\0${message.event}`) ?? [])]) {
        try {
          listener(message.payload)
        } catch (error) {
          onProblem(`A listener of ${message.channel}.${message.event} failed: ${describe(error)}`)
        }
      }
      return
    }
    if (isSubscriptionRefusedMessage(message)) {
      onProblem(`The server refused events ${message.channel}.${message.event}: ${String((message.error as { message?: unknown }).message)}`)
    }
  }

  const connect = (): void => {
    if (closedForGood) return
    let current: WebSocketLike
    try {
      current = createSocket(options.url)
      current.binaryType = 'arraybuffer'
    } catch (error) {
      scheduleReconnect(`the socket could not be created: ${describe(error)}`)
      return
    }
    socket = current
    current.onopen = () => {
      if (socket !== current) return
      setStatus({ state: 'open', failedAttempts: 0 })
      for (const key of listeners.keys()) sendSubscription('subscribe', key)
      flushQueue()
    }
    current.onmessage = (event) => {
      if (socket === current) handleMessage(event.data)
    }
    current.onerror = () => {
      // a close event follows; it carries what there is to say
    }
    current.onclose = (event) => {
      if (socket !== current) return
      socket = undefined
      const reason = closeReason(event, status.state === 'open')
      rejectSent(reason)
      if (closedForGood) return
      scheduleReconnect(reason)
    }
  }

  const scheduleReconnect = (reason: string): void => {
    const failedAttempts = status.state === 'open' ? 0 : status.failedAttempts + 1
    const delay = Math.min(maxDelay, initialDelay * 2 ** Math.max(0, failedAttempts - 1))
    setStatus({ state: 'reconnecting', failedAttempts, retryInMs: delay, lastCloseReason: reason })
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined
      setStatus({ ...status, state: 'connecting', retryInMs: undefined })
      connect()
    }, delay)
  }

  connect()

  return {
    request(channel, method, args) {
      const label = `${channel}.${method}`
      if (closedForGood) {
        return Promise.reject(new ServiceError(API_ERROR_CODES.transport, `${label} was not sent: the connection to the workbench server is closed.`))
      }
      const id = nextId++
      let text: string
      try {
        text = stringifyMessage({ kind: 'request', id, channel, method, args })
      } catch (error) {
        return Promise.reject(new ServiceError(API_ERROR_CODES.notSerialisable, `The arguments of ${label} cannot be sent: ${describe(error)}`))
      }
      return new Promise((resolve, reject) => {
        const request: PendingRequest = { id, label, text, sent: false, resolve, reject }
        pending.set(id, request)
        if (isOpen()) {
          request.sent = true
          socket?.send(text)
          return
        }
        request.timer = setTimeout(() => {
          if (request.sent) return
          settle(request)
          const why = status.lastCloseReason ? ` (${status.lastCloseReason})` : ''
          reject(new ServiceError(API_ERROR_CODES.transport,
            `${label} was not sent: the workbench server could not be reached for ${Math.round(queueTimeoutMs / 1000)} s${why}. Is \`npm run serve\` still running?`))
        }, queueTimeoutMs)
      })
    },

    subscribe(channel, event, listener) {
      const key = `${channel}\0${event}`
      let set = listeners.get(key)
      if (!set) {
        set = new Set()
        listeners.set(key, set)
        sendSubscription('subscribe', key)
      }
      const entry = (payload: unknown) => listener(payload)
      set.add(entry)
      let subscribed = true
      return () => {
        if (!subscribed) return
        subscribed = false
        set.delete(entry)
        if (set.size === 0 && listeners.get(key) === set) {
          listeners.delete(key)
          sendSubscription('unsubscribe', key)
        }
      }
    },

    status: () => ({ ...status }),

    onStatusChange(listener) {
      statusListeners.add(listener)
      return () => {
        statusListeners.delete(listener)
      }
    },

    close() {
      if (closedForGood) return
      closedForGood = true
      if (reconnectTimer !== undefined) clearTimeout(reconnectTimer)
      const current = socket
      socket = undefined
      current?.close(1000, 'The page closed the connection.')
      rejectSent('the page closed the connection')
      for (const request of [...pending.values()]) {
        settle(request)
        request.reject(new ServiceError(API_ERROR_CODES.transport, `${request.label} was not sent: the connection to the workbench server is closed.`))
      }
      setStatus({ ...status, state: 'closed', retryInMs: undefined })
    },
  }
}

// ---------------------------------------------------------------------------------------------
// The page's URL and token
// ---------------------------------------------------------------------------------------------

const TOKEN_STORAGE_KEY = 'mscale-workbench-token'

export interface PageScope {
  location: Pick<Location, 'protocol' | 'host' | 'pathname' | 'search' | 'hash'>
  history?: Pick<History, 'replaceState' | 'state'>
  sessionStorage?: Pick<Storage, 'getItem' | 'setItem'>
}

/**
 * The access token of this page: from ?token= in its URL (then kept in sessionStorage and removed
 * from the address bar, so it is not bookmarked, shared in a screenshot or kept in history), or
 * the one kept earlier in this tab. Undefined when there is neither (the server's cookie may
 * still let the page in).
 */
export function takeAccessToken(scope: PageScope): string | undefined {
  const params = new URLSearchParams(scope.location.search)
  const fromUrl = params.get(TOKEN_QUERY_PARAMETER)
  if (fromUrl) {
    try {
      scope.sessionStorage?.setItem(TOKEN_STORAGE_KEY, fromUrl)
    } catch {
      // storage may be disabled: the cookie and this page's memory still hold the token
    }
    params.delete(TOKEN_QUERY_PARAMETER)
    const query = params.toString()
    scope.history?.replaceState(scope.history.state, '', `${scope.location.pathname}${query ? `?${query}` : ''}${scope.location.hash}`)
    return fromUrl
  }
  try {
    return scope.sessionStorage?.getItem(TOKEN_STORAGE_KEY) ?? undefined
  } catch {
    return undefined
  }
}

/** The API socket's URL on the server that served the page. */
export function apiSocketUrl(location: Pick<Location, 'protocol' | 'host'>, token: string | undefined): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  const query = token ? `?${TOKEN_QUERY_PARAMETER}=${encodeURIComponent(token)}` : ''
  return `${scheme}//${location.host}${WEBSOCKET_API_PATH}${query}`
}

function closeReason(event: { code: number; reason: string }, wasOpen: boolean): string {
  if (event.reason) return event.reason
  if (!wasOpen) return 'the server could not be reached, or refused the connection (a missing or wrong access token is refused)'
  return event.code === 1006 ? 'the connection broke' : `closed with code ${event.code}`
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
