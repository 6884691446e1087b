/**
 * The browser-mode transport, server side (STYLE.md rule 3): one open WebSocket is one client.
 * Its requests go to the service router and are answered with ApiResponseMessages; it names the
 * events it wants with subscribe/unsubscribe messages, and those events reach it as
 * ApiEventMessages. Everything travels as JSON text in the lossless form of typedArrayJson.ts.
 * (The socket is authenticated before it gets here: browserModeServer.ts.)
 */
import type { WebSocket } from 'ws'
import { errorResponse, toApiError, type ServiceRouter } from '../../shared/api/apiProxy'
import { API_ERROR_CODES, type ApiEventMessage, type ApiResponseMessage } from '../../shared/api/serviceContract'
import { encodeMessage, parseMessage, stringifyMessage } from '../../shared/api/typedArrayJson'
import {
  isSubscriptionMessage,
  WEBSOCKET_CLOSE_POLICY,
  type SubscriptionRefusedMessage,
} from '../../shared/api/websocketProtocol'

export interface WebSocketApiOptions {
  /**
   * A client that has not read this many bytes of what was sent to it is disconnected rather
   * than left to fill the server's memory (default 256 MiB).
   */
  maxBufferedBytes?: number
  /** Called with a problem worth logging (a result that cannot be sent, a socket error). */
  onProblem?: (message: string) => void
}

/** Serves the router to one connected socket; returns the function that stops (and unsubscribes). */
export function serveWebSocketClient(router: ServiceRouter, socket: WebSocket, options: WebSocketApiOptions = {}): () => void {
  const maxBufferedBytes = options.maxBufferedBytes ?? 256 * 1024 * 1024
  /** "channel\0event" -> unsubscribe */
  const subscriptions = new Map<string, () => void>()
  let stopped = false

  const send = (message: ApiResponseMessage | ApiEventMessage | SubscriptionRefusedMessage): void => {
    if (stopped || socket.readyState !== socket.OPEN) return
    if (socket.bufferedAmount > maxBufferedBytes) {
      socket.close(WEBSOCKET_CLOSE_POLICY, 'The client does not read fast enough; reconnect.')
      return
    }
    let text: string | Uint8Array
    try {
      // Messages with typed arrays (spectra, run data) go as binary frames: no base64, no big JSON.parse.
      text = encodeMessage(message)
    } catch (error) {
      const what = message.kind === 'event' ? `event ${message.channel}.${message.event}` : message.kind
      options.onProblem?.(`A ${what} could not be sent: ${describe(error)}`)
      if (message.kind === 'response') {
        socket.send(stringifyMessage(errorResponse(message.id, {
          code: API_ERROR_CODES.notSerialisable,
          message: `The answer cannot be sent back: ${describe(error)}`,
        })))
      }
      return
    }
    socket.send(text)
  }

  const handleRequest = async (message: unknown): Promise<void> => {
    const response = await router.handleRequest(message)
    send(response)
  }

  const subscribe = (channel: string, event: string): void => {
    const key = `${channel}\0${event}`
    if (subscriptions.has(key)) return
    try {
      subscriptions.set(key, router.subscribe(channel, event, (payload) => send({ kind: 'event', channel, event, payload })))
    } catch (error) {
      send({ kind: 'subscription-refused', channel, event, error: toApiError(error) })
    }
  }

  const unsubscribe = (channel: string, event: string): void => {
    const key = `${channel}\0${event}`
    subscriptions.get(key)?.()
    subscriptions.delete(key)
  }

  const onMessage = (data: unknown, isBinary: boolean): void => {
    if (isBinary) {
      socket.close(WEBSOCKET_CLOSE_POLICY, 'This API speaks JSON text messages only.')
      return
    }
    let message: unknown
    try {
      message = parseMessage(String(data))
    } catch (error) {
      send(errorResponse(-1, { code: API_ERROR_CODES.badMessage, message: `Not a JSON API message: ${describe(error)}` }))
      return
    }
    if (isSubscriptionMessage(message)) {
      if (message.kind === 'subscribe') subscribe(message.channel, message.event)
      else unsubscribe(message.channel, message.event)
      return
    }
    // A malformed request still goes to the router, which answers it with a bad-message error
    // carrying its id where it has one.
    if (typeof message === 'object' && message !== null && (message as { kind?: unknown }).kind === 'request') {
      void handleRequest(message)
      return
    }
    send(errorResponse(-1, {
      code: API_ERROR_CODES.badMessage,
      message: 'Expected a request { kind: "request", id, channel, method, args } or { kind: "subscribe" | "unsubscribe", channel, event }.',
    }))
  }

  const stop = (): void => {
    if (stopped) return
    stopped = true
    socket.off('message', onMessage)
    for (const unsubscribeOne of subscriptions.values()) unsubscribeOne()
    subscriptions.clear()
  }

  socket.on('message', onMessage)
  socket.on('close', stop)
  socket.on('error', (error) => options.onProblem?.(`WebSocket error: ${describe(error)}`))
  return stop
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
