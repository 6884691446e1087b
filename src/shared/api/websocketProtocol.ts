/**
 * The browser-mode WebSocket protocol: the API messages of serviceContract.ts as JSON text
 * (typedArrayJson.ts keeps typed arrays, NaN, -0 and undefined exact), plus two messages of its
 * own, because a socket carries every channel at once and the server must know which events a
 * page wants:
 *
 *   page -> server   ApiRequestMessage | { kind: 'subscribe' | 'unsubscribe', channel, event }
 *   server -> page   ApiResponseMessage | ApiEventMessage | SubscriptionRefusedMessage
 *
 * The socket lives at WEBSOCKET_API_PATH on the server that served the page, with the access
 * token in the TOKEN_QUERY_PARAMETER of its URL (or the server's cookie).
 */
import type { ApiError } from './serviceContract'

/** The path of the API socket on the browser-mode server. */
export const WEBSOCKET_API_PATH = '/api'

/** The query parameter that carries the access token, in the page URL and the socket URL. */
export const TOKEN_QUERY_PARAMETER = 'token'

/** Close code (RFC 6455 "policy violation") when a client is refused or sends what it must not. */
export const WEBSOCKET_CLOSE_POLICY = 1008
/** Close code when the server shuts down. */
export const WEBSOCKET_CLOSE_GOING_AWAY = 1001

export interface SubscriptionMessage {
  kind: 'subscribe' | 'unsubscribe'
  channel: string
  event: string
}

/** The server's answer to a subscribe it cannot honour (unknown channel or event). */
export interface SubscriptionRefusedMessage {
  kind: 'subscription-refused'
  channel: string
  event: string
  error: ApiError
}

export function isSubscriptionMessage(value: unknown): value is SubscriptionMessage {
  if (typeof value !== 'object' || value === null) return false
  const message = value as Record<string, unknown>
  return (message.kind === 'subscribe' || message.kind === 'unsubscribe')
    && typeof message.channel === 'string'
    && typeof message.event === 'string'
}

export function isSubscriptionRefusedMessage(value: unknown): value is SubscriptionRefusedMessage {
  if (typeof value !== 'object' || value === null) return false
  const message = value as Record<string, unknown>
  return message.kind === 'subscription-refused'
    && typeof message.channel === 'string'
    && typeof message.event === 'string'
    && typeof message.error === 'object' && message.error !== null
}
