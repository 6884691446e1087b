/**
 * The generic machinery of the main <-> renderer API (STYLE.md rules 2 and 3; ARCHITECTURE.md,
 * "One API, two transports").
 *
 * A service is described once, by a contract: its name (which is also its channel), the names of
 * its requests and the names of its events. Two type maps ride along with the runtime lists:
 * request name -> { args, result } and event name -> payload. Everything that crosses a process
 * boundary is a plain serialisable message (ApiRequestMessage, ApiResponseMessage,
 * ApiEventMessage); a failure travels as a value { code, message, details? } and never carries a
 * stack trace to the user.
 *
 * Transports (in-process, Electron IPC, later WebSocket) move these messages and nothing else;
 * apiProxy.ts turns a contract plus a transport into a typed client and an implementation into a
 * served service.
 */

/** Arguments and result of one request. Both must survive structured cloning. */
export interface RequestSignature<Args = unknown, Result = unknown> {
  args: Args
  result: Result
}

/** request name -> signature. Declare concrete maps with `type` (not `interface`) so they fit. */
export type RequestMap = Record<string, RequestSignature>
/** event name -> payload type. */
export type EventMap = Record<string, unknown>
/** The event map of a service that emits nothing. */
export type NoEvents = Record<never, never>

/**
 * One service, described once. `requests` and `events` are the runtime lists (as objects keyed by
 * name, so that the compiler checks they name every entry of the type maps and nothing else);
 * the two optional phantom fields only carry the type maps and are never set.
 */
export interface ServiceContract<Requests extends RequestMap = RequestMap, Events extends EventMap = EventMap> {
  /** Service name and logical channel, e.g. "project". Lower-case letters, digits and dashes. */
  readonly name: string
  readonly requests: { readonly [K in keyof Requests]: true }
  readonly events: { readonly [K in keyof Events]: true }
  /** phantom: never present at run time */
  readonly __requests?: Requests
  /** phantom: never present at run time */
  readonly __events?: Events
}

// The contract parameters below use `any` where a variance-free "any contract" is needed;
// unknown would make ServiceContract<SpecificMap> unassignable through the mapped types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyServiceContract = ServiceContract<any, any>

export type RequestsOf<C> = C extends ServiceContract<infer Requests, infer _Events> ? Requests : never
export type EventsOf<C> = C extends ServiceContract<infer _Requests, infer Events> ? Events : never
export type RequestName<C> = keyof RequestsOf<C> & string
export type EventName<C> = keyof EventsOf<C> & string
export type RequestArgs<C, K extends RequestName<C>> = RequestsOf<C>[K]['args']
export type RequestResult<C, K extends RequestName<C>> = RequestsOf<C>[K]['result']
export type EventPayload<C, K extends EventName<C>> = EventsOf<C>[K]

/** What the main side writes for a contract: one handler per request (sync or async). */
export type ServiceImplementation<C> = {
  [K in RequestName<C>]: (args: RequestArgs<C, K>) => Promise<RequestResult<C, K>> | RequestResult<C, K>
}

/** The emitting half of a service's events, held by the implementation. */
export interface ServiceEventSink<C> {
  emit<K extends EventName<C>>(event: K, payload: EventPayload<C, K>): void
}

/** The listening half of a service's events, handed to serveService. */
export interface ServiceEventSource<C> {
  on<K extends EventName<C>>(event: K, listener: (payload: EventPayload<C, K>) => void): () => void
}

/** A client's or a served service's reserved member: request names may not use it. */
export const RESERVED_MEMBER_NAMES = ['on'] as const

const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9-]*$/
const MEMBER_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9]*$/

/**
 * Declares a contract. Name the type maps explicitly; the lists are checked against them:
 *
 *     const PROJECT_SERVICE = defineServiceContract<ProjectRequests>({
 *       name: 'project', requests: { open: true, validate: true, save: true }, events: {} })
 *
 * Throws (at module load, so a typo cannot ship) when a name is malformed or reserved.
 */
export function defineServiceContract<Requests extends RequestMap, Events extends EventMap = NoEvents>(definition: {
  name: string
  requests: { readonly [K in keyof Requests]: true }
  events: { readonly [K in keyof Events]: true }
}): ServiceContract<Requests, Events> {
  const { name, requests, events } = definition
  if (!SERVICE_NAME_PATTERN.test(name)) {
    throw new Error(`Service name "${name}" is not accepted: use lower-case letters, digits and dashes, starting with a letter.`)
  }
  for (const member of [...Object.keys(requests), ...Object.keys(events)]) {
    if (!MEMBER_NAME_PATTERN.test(member)) {
      throw new Error(`Service "${name}": member name "${member}" is not accepted: use letters and digits, starting with a letter.`)
    }
  }
  for (const reserved of RESERVED_MEMBER_NAMES) {
    if (Object.hasOwn(requests, reserved)) {
      throw new Error(`Service "${name}": "${reserved}" is reserved for event subscription and cannot name a request.`)
    }
  }
  return Object.freeze({
    name,
    requests: Object.freeze({ ...requests }),
    events: Object.freeze({ ...events }),
  })
}

export function requestNames<C extends AnyServiceContract>(contract: C): RequestName<C>[] {
  return Object.keys(contract.requests) as RequestName<C>[]
}

export function eventNames<C extends AnyServiceContract>(contract: C): EventName<C>[] {
  return Object.keys(contract.events) as EventName<C>[]
}

export function hasRequest(contract: AnyServiceContract, method: string): boolean {
  return Object.hasOwn(contract.requests, method)
}

export function hasEvent(contract: AnyServiceContract, event: string): boolean {
  return Object.hasOwn(contract.events, event)
}

// ---------------------------------------------------------------------------------------------
// Errors as values
// ---------------------------------------------------------------------------------------------

/**
 * Error codes the machinery itself produces. Services add their own (for example
 * 'invalid-project'); a code is a short kebab-case word a program can switch on.
 */
export const API_ERROR_CODES = {
  /** the channel names no served service */
  unknownChannel: 'unknown-channel',
  /** the service has no such request */
  unknownMethod: 'unknown-method',
  /** the service has no such event */
  unknownEvent: 'unknown-event',
  /** the message is not a well-formed API message */
  badMessage: 'bad-message',
  /** arguments or result could not be structured-cloned */
  notSerialisable: 'not-serialisable',
  /** the caller is not allowed to use the API (for example an untrusted frame) */
  forbidden: 'forbidden',
  /** the transport failed (process gone, connection lost) */
  transport: 'transport',
  /** the implementation threw something that was not a ServiceError */
  internal: 'internal',
} as const

/** A failure as it travels: serialisable, readable, with no stack trace. */
export interface ApiError {
  code: string
  message: string
  /** serialisable specifics, e.g. { problems: [{ path, message }] } */
  details?: unknown
}

/**
 * What an implementation throws to refuse a request with a code, and what a client's promise
 * rejects with. Only code, message and details cross the boundary.
 */
export class ServiceError extends Error {
  readonly code: string
  readonly details?: unknown

  constructor(code: string, message: string, details?: unknown) {
    super(message)
    this.name = 'ServiceError'
    this.code = code
    if (details !== undefined) this.details = details
  }

  toApiError(): ApiError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details }
  }

  /**
   * True for a ServiceError, including one built by another copy of this class (a second bundle)
   * or a look-alike: an Error named "ServiceError" with a string code.
   */
  static isServiceError(error: unknown): error is ServiceError {
    return error instanceof ServiceError
      || (error instanceof Error && error.name === 'ServiceError' && typeof (error as { code?: unknown }).code === 'string')
  }

  static fromApiError(error: ApiError): ServiceError {
    return new ServiceError(error.code, error.message, error.details)
  }
}

// ---------------------------------------------------------------------------------------------
// Messages and transports
// ---------------------------------------------------------------------------------------------

export interface ApiRequestMessage {
  kind: 'request'
  /** unique per sender; the response echoes it */
  id: number
  /** service name (contract.name) */
  channel: string
  method: string
  args: unknown
}

export type ApiResponseMessage =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: ApiError }

export interface ApiEventMessage {
  kind: 'event'
  channel: string
  event: string
  payload: unknown
}

export type ApiMessage = ApiRequestMessage | ApiResponseMessage | ApiEventMessage

/**
 * The client side of every transport. `request` resolves with the result or rejects with a
 * ServiceError; `subscribe` returns the function that unsubscribes.
 */
export interface ApiTransport {
  request(channel: string, method: string, args: unknown): Promise<unknown>
  subscribe(channel: string, event: string, listener: (payload: unknown) => void): () => void
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Checks the shape of a request that arrived from another process (never trust it blindly). */
export function isApiRequestMessage(value: unknown): value is ApiRequestMessage {
  return isRecord(value)
    && value.kind === 'request'
    && typeof value.id === 'number' && Number.isSafeInteger(value.id)
    && typeof value.channel === 'string'
    && typeof value.method === 'string'
    && 'args' in value
}

export function isApiError(value: unknown): value is ApiError {
  return isRecord(value) && typeof value.code === 'string' && typeof value.message === 'string'
}

export function isApiResponseMessage(value: unknown): value is ApiResponseMessage {
  if (!isRecord(value) || value.kind !== 'response' || typeof value.id !== 'number') return false
  return value.ok === true ? 'result' in value : value.ok === false && isApiError(value.error)
}

export function isApiEventMessage(value: unknown): value is ApiEventMessage {
  return isRecord(value)
    && value.kind === 'event'
    && typeof value.channel === 'string'
    && typeof value.event === 'string'
    && 'payload' in value
}

/** The result of a response, or its error thrown as a ServiceError. */
export function unwrapResponse(response: ApiResponseMessage): unknown {
  if (response.ok) return response.result
  throw ServiceError.fromApiError(response.error)
}
