/**
 * A lossless JSON form of API messages, for transports that carry text (the browser-mode
 * WebSocket). Electron IPC and the in-process transport structured-clone their messages; JSON
 * alone would lose what structured cloning keeps, so the values JSON cannot hold are written as
 * tagged objects:
 *
 *   Float64Array [1, NaN]   ->  { "$typed": "Float64Array", "base64": "AAAAAAAA8D8AAAAAAAD4fw==" }
 *                               (the elements' bytes, little-endian, in base64: every bit is kept,
 *                               NaN payloads, -0 and subnormals included)
 *   NaN, Infinity, -Infinity, -0 (plain numbers)  ->  { "$number": "NaN" } (and so on)
 *   undefined                ->  { "$undefined": true }   (so { args: undefined } keeps its key)
 *   { "$typed": 1 } (a plain object with a key that starts with "$")  ->  { "$object": {...} }
 *
 * encodeJsonValue/decodeJsonValue convert between a value and its JSON-safe form;
 * stringifyMessage/parseMessage do the whole trip. Plain objects, arrays, strings, finite
 * numbers, booleans and null pass as they are. Anything structured cloning could carry but this
 * form does not (Map, Set, Date, bigint, class instances) is refused with a TypeError naming
 * where it was, rather than silently changed.
 */

/** The typed arrays the codec carries, by their constructor's name. */
const TYPED_ARRAY_TYPES = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
} as const

export type TypedArrayName = keyof typeof TYPED_ARRAY_TYPES
export type CarriedTypedArray = InstanceType<(typeof TYPED_ARRAY_TYPES)[TypedArrayName]>

const TYPED_KEY = '$typed'
const NUMBER_KEY = '$number'
const UNDEFINED_KEY = '$undefined'
const OBJECT_KEY = '$object'

const ATTACHMENT_KEY = '$attachment'

const LITTLE_ENDIAN_PLATFORM = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/** Value -> a form JSON.stringify keeps exactly (see the module comment). Does not mutate. */
export function encodeJsonValue(value: unknown): unknown {
  return encode(value, '$', new Set())
}

/** The inverse of encodeJsonValue, applied to JSON.parse's output. Throws on a malformed tag. */
export function decodeJsonValue(value: unknown): unknown {
  return decode(value, '$')
}

/** JSON text of a value, lossless for the values the module comment lists. */
export function stringifyMessage(value: unknown): string {
  return JSON.stringify(encodeJsonValue(value))
}

/** The value of JSON text written by stringifyMessage. */
export function parseMessage(text: string): unknown {
  return decodeJsonValue(JSON.parse(text))
}

/**
 * A message for a transport that also carries binary frames (the WebSocket): JSON text when the
 * value holds no typed array, else one binary frame in which the arrays travel as raw
 * little-endian bytes, so that megabytes of spectra cost neither base64 nor a large JSON.parse:
 *
 *   u32 FRAME_MAGIC | u32 header length | header (UTF-8 JSON { v: value, a: [byte lengths] })
 *   | padding to 8 | attachment 0 | padding to 8 | attachment 1 | ...
 *
 * In the header each typed array is { "$typed": name, "$attachment": index }.
 */
export function encodeMessage(value: unknown): string | Uint8Array {
  const attachments: Uint8Array[] = []
  const encoded = encode(value, '$', new Set(), attachments)
  if (attachments.length === 0) return JSON.stringify(encoded)
  const header = new TextEncoder().encode(JSON.stringify({ v: encoded, a: attachments.map((a) => a.byteLength) }))
  let size = alignTo8(8 + header.byteLength)
  for (const attachment of attachments) size += alignTo8(attachment.byteLength)
  const frame = new Uint8Array(size)
  const view = new DataView(frame.buffer)
  view.setUint32(0, FRAME_MAGIC, true)
  view.setUint32(4, header.byteLength, true)
  frame.set(header, 8)
  let offset = alignTo8(8 + header.byteLength)
  for (const attachment of attachments) {
    frame.set(attachment, offset)
    offset += alignTo8(attachment.byteLength)
  }
  return frame
}

/** The value of a message written by encodeMessage: JSON text, or a binary frame. */
export function decodeMessage(data: string | ArrayBuffer | Uint8Array): unknown {
  if (typeof data === 'string') return parseMessage(data)
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data)
  // Attachments are viewed in place, so they must start 8-byte aligned in their buffer.
  const frame = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice()
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength)
  if (frame.byteLength < 8 || view.getUint32(0, true) !== FRAME_MAGIC) throw new TypeError('$: not a workbench binary message (wrong magic number).')
  const headerLength = view.getUint32(4, true)
  if (8 + headerLength > frame.byteLength) throw new TypeError('$: the binary message is shorter than its header says.')
  const header = JSON.parse(new TextDecoder().decode(frame.subarray(8, 8 + headerLength))) as { v: unknown; a: unknown }
  if (!Array.isArray(header.a) || !header.a.every((n) => Number.isInteger(n) && n >= 0)) throw new TypeError('$: the binary message header has no valid attachment lengths.')
  const attachments: Uint8Array[] = []
  let offset = alignTo8(8 + headerLength)
  for (const length of header.a as number[]) {
    if (offset + length > frame.byteLength) throw new TypeError(`$: attachment ${attachments.length} runs past the end of the binary message.`)
    attachments.push(frame.subarray(offset, offset + length))
    offset += alignTo8(length)
  }
  return decode(header.v, '$', attachments)
}

/** "MSW1" read as a little-endian u32: marks a binary workbench message. */
const FRAME_MAGIC = 0x3157534d

const alignTo8 = (n: number) => Math.ceil(n / 8) * 8

// ---------------------------------------------------------------------------------------------

function encode(value: unknown, path: string, ancestors: Set<object>, attachments?: Uint8Array[]): unknown {
  switch (typeof value) {
    case 'number':
      if (Number.isNaN(value)) return { [NUMBER_KEY]: 'NaN' }
      if (value === Infinity) return { [NUMBER_KEY]: 'Infinity' }
      if (value === -Infinity) return { [NUMBER_KEY]: '-Infinity' }
      if (Object.is(value, -0)) return { [NUMBER_KEY]: '-0' }
      return value
    case 'string':
    case 'boolean':
      return value
    case 'undefined':
      return { [UNDEFINED_KEY]: true }
    case 'object':
      break
    default:
      throw new TypeError(`${path} is a ${typeof value}, which cannot be sent as JSON.`)
  }
  if (value === null) return null
  if (ArrayBuffer.isView(value)) return encodeTypedArray(value, path, attachments)
  if (ancestors.has(value)) throw new TypeError(`${path} refers back to itself; cyclic values cannot be sent as JSON.`)
  ancestors.add(value)
  try {
    if (Array.isArray(value)) return value.map((item, index) => encode(item, `${path}[${index}]`, ancestors, attachments))
    const prototype = Object.getPrototypeOf(value) as unknown
    if (prototype !== Object.prototype && prototype !== null) {
      const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object'
      throw new TypeError(`${path} is a ${kind}; only plain objects, arrays, typed arrays, strings, numbers, booleans, null and undefined can be sent as JSON.`)
    }
    const out: Record<string, unknown> = {}
    let escaped = false
    for (const [key, item] of Object.entries(value)) {
      if (key.startsWith('$')) escaped = true
      defineEntry(out, key, encode(item, `${path}.${key}`, ancestors, attachments))
    }
    return escaped ? { [OBJECT_KEY]: out } : out
  } finally {
    ancestors.delete(value)
  }
}

function encodeTypedArray(view: ArrayBufferView, path: string, attachments?: Uint8Array[]): unknown {
  const name = typedArrayName(view)
  if (!name) {
    const kind = (view as { constructor?: { name?: string } }).constructor?.name ?? 'view'
    throw new TypeError(`${path} is a ${kind}; the typed arrays that can be sent are ${Object.keys(TYPED_ARRAY_TYPES).join(', ')}.`)
  }
  const typed = view as CarriedTypedArray
  const bytes = new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength)
  const littleEndian = LITTLE_ENDIAN_PLATFORM ? bytes : swapBytes(bytes, typed.BYTES_PER_ELEMENT)
  if (attachments) {
    attachments.push(littleEndian)
    return { [TYPED_KEY]: name, [ATTACHMENT_KEY]: attachments.length - 1 }
  }
  return { [TYPED_KEY]: name, base64: bytesToBase64(littleEndian) }
}

function typedArrayName(view: ArrayBufferView): TypedArrayName | undefined {
  for (const [name, type] of Object.entries(TYPED_ARRAY_TYPES)) {
    // the exact constructor: a Uint8ClampedArray is no Uint8Array here, and a Buffer is neither
    if (Object.getPrototypeOf(view) === type.prototype) return name as TypedArrayName
  }
  // A Node Buffer (a Uint8Array subclass) travels as its bytes.
  if (view instanceof Uint8Array) return 'Uint8Array'
  return undefined
}

function decode(value: unknown, path: string, attachments?: Uint8Array[]): unknown {
  if (Array.isArray(value)) return value.map((item, index) => decode(item, `${path}[${index}]`, attachments))
  if (typeof value !== 'object' || value === null) return value
  const record = value as Record<string, unknown>
  if (Object.hasOwn(record, TYPED_KEY)) return decodeTypedArray(record, path, attachments)
  if (Object.hasOwn(record, NUMBER_KEY)) return decodeNumber(record, path)
  if (Object.hasOwn(record, UNDEFINED_KEY)) return undefined
  const entries = Object.hasOwn(record, OBJECT_KEY) ? record[OBJECT_KEY] : record
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
    throw new TypeError(`${path}: "${OBJECT_KEY}" must hold an object.`)
  }
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(entries)) {
    defineEntry(out, key, decode(item, `${path}.${key}`, attachments))
  }
  return out
}

/** out[key] = value, also for a key "__proto__" (an own property, never the prototype). */
function defineEntry(out: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
}

function decodeTypedArray(record: Record<string, unknown>, path: string, attachments?: Uint8Array[]): CarriedTypedArray {
  const name = record[TYPED_KEY]
  const type = typeof name === 'string' && Object.hasOwn(TYPED_ARRAY_TYPES, name) ? TYPED_ARRAY_TYPES[name as TypedArrayName] : undefined
  if (!type) throw new TypeError(`${path}: unknown typed array "${String(name)}"; expected one of ${Object.keys(TYPED_ARRAY_TYPES).join(', ')}.`)
  const attachment = record[ATTACHMENT_KEY]
  let bytes: Uint8Array
  if (typeof attachment === 'number' && attachments) {
    if (!(Number.isInteger(attachment) && attachment >= 0 && attachment < attachments.length)) throw new TypeError(`${path}: no binary attachment ${attachment}.`)
    bytes = attachments[attachment]
  } else {
    if (typeof record.base64 !== 'string') throw new TypeError(`${path}: a ${String(name)} needs its bytes as a base64 string.`)
    bytes = base64ToBytes(record.base64, path)
  }
  if (bytes.byteLength % type.BYTES_PER_ELEMENT !== 0) {
    throw new TypeError(`${path}: ${bytes.byteLength} bytes is not a whole number of ${String(name)} elements (${type.BYTES_PER_ELEMENT} bytes each).`)
  }
  const native = LITTLE_ENDIAN_PLATFORM ? bytes : swapBytes(bytes, type.BYTES_PER_ELEMENT)
  // A fresh buffer (base64ToBytes, swapBytes) or an 8-byte aligned attachment: viewed directly.
  return new type(native.buffer as ArrayBuffer, native.byteOffset, native.byteLength / type.BYTES_PER_ELEMENT)
}

function decodeNumber(record: Record<string, unknown>, path: string): number {
  switch (record[NUMBER_KEY]) {
    case 'NaN':
      return NaN
    case 'Infinity':
      return Infinity
    case '-Infinity':
      return -Infinity
    case '-0':
      return -0
    default:
      throw new TypeError(`${path}: "${NUMBER_KEY}" must be "NaN", "Infinity", "-Infinity" or "-0".`)
  }
}

/** A copy of bytes with each element of `size` bytes reversed (big-endian platforms only). */
function swapBytes(bytes: Uint8Array, size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes.length)
  for (let start = 0; start < bytes.length; start += size) {
    for (let k = 0; k < size; k++) out[start + k] = bytes[start + size - 1 - k]
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// base64 (RFC 4648, with padding), without Buffer or btoa so that it runs anywhere
// ---------------------------------------------------------------------------------------------

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const ENCODE_TABLE = Array.from(ALPHABET, (char) => char.charCodeAt(0))
const DECODE_TABLE = (() => {
  const table = new Int16Array(128).fill(-1)
  for (let index = 0; index < ALPHABET.length; index++) table[ALPHABET.charCodeAt(index)] = index
  return table
})()
const ASCII_DECODER = typeof TextDecoder === 'function' ? new TextDecoder('latin1') : undefined
/** characters per String.fromCharCode call: well under engines' argument limits */
const CHUNK_CHARS = 8192

export function bytesToBase64(bytes: Uint8Array): string {
  const codes = new Uint8Array(Math.ceil(bytes.length / 3) * 4)
  let out = 0
  let index = 0
  for (; index + 2 < bytes.length; index += 3) {
    const triple = (bytes[index] << 16) | (bytes[index + 1] << 8) | bytes[index + 2]
    codes[out++] = ENCODE_TABLE[triple >> 18]
    codes[out++] = ENCODE_TABLE[(triple >> 12) & 63]
    codes[out++] = ENCODE_TABLE[(triple >> 6) & 63]
    codes[out++] = ENCODE_TABLE[triple & 63]
  }
  const rest = bytes.length - index
  if (rest > 0) {
    const triple = (bytes[index] << 16) | (rest === 2 ? bytes[index + 1] << 8 : 0)
    codes[out++] = ENCODE_TABLE[triple >> 18]
    codes[out++] = ENCODE_TABLE[(triple >> 12) & 63]
    codes[out++] = rest === 2 ? ENCODE_TABLE[(triple >> 6) & 63] : 61 // '='
    codes[out++] = 61
  }
  // Every code is ASCII, so any ASCII-compatible decoder turns them into the text at once.
  if (ASCII_DECODER) return ASCII_DECODER.decode(codes)
  const parts: string[] = []
  for (let start = 0; start < codes.length; start += CHUNK_CHARS) {
    parts.push(String.fromCharCode(...codes.subarray(start, start + CHUNK_CHARS)))
  }
  return parts.join('')
}

/** Uint8Array.fromBase64 (ES2026) where the platform has it, else undefined. */
const NATIVE_FROM_BASE64 = (Uint8Array as unknown as { fromBase64?: (text: string) => Uint8Array }).fromBase64?.bind(Uint8Array)

export function base64ToBytes(text: string, path = '$'): Uint8Array<ArrayBuffer> {
  if (text.length % 4 !== 0) throw new TypeError(`${path}: base64 text must have a length divisible by 4 (it has ${text.length}).`)
  // The platform's decoder where there is one (Chromium 140+): several times faster than the
  // loop below, which matters for the megabytes of spectra a run streams to the page.
  if (NATIVE_FROM_BASE64) {
    try {
      return NATIVE_FROM_BASE64(text) as Uint8Array<ArrayBuffer>
    } catch {
      // fall through: the loop below says where the text is wrong
    }
  }
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  const bytes = new Uint8Array((text.length / 4) * 3 - padding)
  let out = 0
  for (let index = 0; index < text.length; index += 4) {
    let quad = 0
    for (let k = 0; k < 4; k++) {
      const code = text.charCodeAt(index + k)
      const isPadding = code === 61 && index + k >= text.length - padding
      const digit = isPadding ? 0 : code < 128 ? DECODE_TABLE[code] : -1
      if (digit < 0) throw new TypeError(`${path}: "${text[index + k]}" at position ${index + k} is not a base64 character.`)
      quad = (quad << 6) | digit
    }
    if (out < bytes.length) bytes[out++] = quad >> 16
    if (out < bytes.length) bytes[out++] = (quad >> 8) & 255
    if (out < bytes.length) bytes[out++] = quad & 255
  }
  return bytes
}
