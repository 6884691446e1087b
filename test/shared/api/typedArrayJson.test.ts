// The browser-mode JSON codec: every value the API sends must come back bit for bit. Bit
// patterns are compared through their bytes, so NaN payloads and -0 count.
import { describe, expect, it } from 'vitest'
import { decodeMessage, encodeMessage,
  base64ToBytes,
  bytesToBase64,
  decodeJsonValue,
  encodeJsonValue,
  parseMessage,
  stringifyMessage,
} from '../../../src/shared/api/typedArrayJson'

const roundTrip = <T>(value: T): T => parseMessage(stringifyMessage(value)) as T

function bytesOf(view: ArrayBufferView): number[] {
  return Array.from(new Uint8Array(view.buffer, view.byteOffset, view.byteLength))
}

describe('typed arrays', () => {
  it('keeps every bit of special doubles: NaN (with a payload), -0, infinities, subnormals, extremes', () => {
    const values = new Float64Array([
      NaN, -0, 0, Infinity, -Infinity,
      Number.MIN_VALUE, -Number.MIN_VALUE, 2.2250738585072009e-308 /* largest subnormal */,
      Number.MAX_VALUE, Number.EPSILON, 1 / 3, Math.PI,
    ])
    // a NaN with a non-default payload (quiet bit plus low bits set)
    const withPayload = new DataView(new ArrayBuffer(8))
    withPayload.setUint32(0, 0x7ff80000 | 0x1234, true)
    withPayload.setUint32(4, 0x7ff80000 | 0x5678, false)
    const payloadNaN = new Float64Array(withPayload.buffer)
    const back = roundTrip({ values, payloadNaN })
    expect(back.values).toBeInstanceOf(Float64Array)
    expect(bytesOf(back.values)).toEqual(bytesOf(values))
    expect(Object.is(back.values[1], -0)).toBe(true)
    expect(back.values[5]).toBe(Number.MIN_VALUE)
    expect(bytesOf(back.payloadNaN)).toEqual(bytesOf(payloadNaN))
  })

  it('keeps Float32 subnormals, NaN and -0, and integer extremes', () => {
    const f32 = new Float32Array([NaN, -0, 1.4e-45, -1.17549421e-38, 3.4028235e38, -Infinity, 0.1])
    const i32 = new Int32Array([-2147483648, 2147483647, 0, -1])
    const u8 = new Uint8Array([0, 1, 127, 128, 255])
    const back = roundTrip({ f32, i32, u8 })
    expect(back.f32).toBeInstanceOf(Float32Array)
    expect(bytesOf(back.f32)).toEqual(bytesOf(f32))
    expect(back.i32).toBeInstanceOf(Int32Array)
    expect(Array.from(back.i32)).toEqual([-2147483648, 2147483647, 0, -1])
    expect(back.u8).toBeInstanceOf(Uint8Array)
    expect(Array.from(back.u8)).toEqual([0, 1, 127, 128, 255])
  })

  it('writes the elements little-endian, whatever the view offset', () => {
    const backing = new Float64Array([99, 1, 99])
    const encoded = encodeJsonValue(backing.subarray(1, 2)) as { $typed: string; base64: string }
    expect(encoded.$typed).toBe('Float64Array')
    // 1.0 = 0x3ff0000000000000: little-endian bytes 00 .. 00 f0 3f
    expect(Array.from(base64ToBytes(encoded.base64))).toEqual([0, 0, 0, 0, 0, 0, 0xf0, 0x3f])
    const i32 = encodeJsonValue(new Int32Array([0x01020304])) as { base64: string }
    expect(Array.from(base64ToBytes(i32.base64))).toEqual([4, 3, 2, 1])
  })

  it('keeps empty arrays and large ones', () => {
    expect(roundTrip(new Float64Array(0))).toEqual(new Float64Array(0))
    const large = new Float64Array(801 * 200).map((_, index) => Math.sin(index) * 10 ** ((index % 40) - 20))
    const back = roundTrip(large)
    expect(back).toBeInstanceOf(Float64Array)
    expect(Buffer.compare(Buffer.from(back.buffer, back.byteOffset, back.byteLength), Buffer.from(large.buffer))).toBe(0)
  })

  it('sends a Node Buffer as a Uint8Array of its bytes', () => {
    const back = roundTrip(Buffer.from('PNG\u0000data'))
    expect(back).toBeInstanceOf(Uint8Array)
    expect(new TextDecoder().decode(back as Uint8Array)).toBe('PNG\u0000data')
  })
})

describe('plain values', () => {
  it('keeps NaN, -0, infinities and undefined outside typed arrays, which JSON alone loses', () => {
    const value = { a: [NaN, -0, Infinity, -Infinity, 1.5, undefined], b: undefined, c: null, d: 'text', e: false }
    const back = roundTrip(value)
    expect(back.a[0]).toBeNaN()
    expect(Object.is(back.a[1], -0)).toBe(true)
    expect(back.a.slice(2)).toEqual([Infinity, -Infinity, 1.5, undefined])
    expect(back.a).toHaveLength(6)
    expect('b' in back && back.b === undefined).toBe(true)
    expect(back).toMatchObject({ c: null, d: 'text', e: false })
    // what a plain JSON round trip would have made of it
    expect(JSON.parse(JSON.stringify(value)).a).toEqual([null, 0, null, null, 1.5, null])
  })

  it('keeps nested objects and arrays of typed arrays (an API message)', () => {
    const message = {
      kind: 'event', channel: 'run', event: 'prepared',
      payload: {
        runId: 'r1', xi: new Float64Array([0, 0.5, 1]),
        models: { diffusion: { P: new Float64Array([1, NaN]), Q: new Float64Array([-0, 2]) } },
        snapshots: [{ t: 0, rel: { ntk: -0 } }, { t: 1, arrays: [new Int32Array([1, 2])] }],
      },
    }
    const back = roundTrip(message)
    expect(back).toEqual(message)
    expect(back.payload.models.diffusion.P).toBeInstanceOf(Float64Array)
    const snapshots = back.payload.snapshots as { rel?: { ntk: number }; arrays?: Int32Array[] }[]
    expect(Object.is(snapshots[0].rel?.ntk, -0)).toBe(true)
    expect(snapshots[1].arrays?.[0]).toBeInstanceOf(Int32Array)
  })

  it('keeps a request whose args are undefined (workspace.info) as a well-formed request', () => {
    const back = roundTrip({ kind: 'request', id: 1, channel: 'workspace', method: 'info', args: undefined }) as Record<string, unknown>
    expect('args' in back).toBe(true)
    expect(back.args).toBeUndefined()
  })

  it('does not mistake user data that looks like a tag for one', () => {
    const tricky = {
      $typed: 'Float64Array', base64: 'AAAAAAAA8D8=', $number: 'NaN', $undefined: true,
      nested: { $object: { x: 1 } }, __proto__key: 1,
    }
    expect(roundTrip(tricky)).toEqual(tricky)
    const ownProto = JSON.parse('{"__proto__": {"polluted": true}}') as object
    const back = roundTrip(ownProto) as Record<string, unknown>
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype)
    expect(Object.hasOwn(back, '__proto__')).toBe(true)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('refusals', () => {
  it('names where an unsendable value is', () => {
    expect(() => encodeJsonValue({ a: [1, new Map()] })).toThrow(/\$\.a\[1\] is a Map/)
    expect(() => encodeJsonValue({ f: () => 1 })).toThrow(/\$\.f is a function/)
    expect(() => encodeJsonValue({ n: 1n })).toThrow(/\$\.n is a bigint/)
    expect(() => encodeJsonValue(new BigInt64Array(1))).toThrow(/BigInt64Array/)
    expect(() => encodeJsonValue(new DataView(new ArrayBuffer(2)))).toThrow(/DataView/)
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(() => encodeJsonValue(cyclic)).toThrow(/refers back to itself/)
  })

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { x: 1 }
    expect(roundTrip({ a: shared, b: shared })).toEqual({ a: { x: 1 }, b: { x: 1 } })
  })

  it('refuses malformed tags with the place and what is accepted', () => {
    expect(() => decodeJsonValue({ a: { $typed: 'Float16Array', base64: '' } })).toThrow(/\$\.a: unknown typed array "Float16Array"/)
    expect(() => decodeJsonValue({ $typed: 'Float64Array', base64: 'AAAA' })).toThrow(/not a whole number of Float64Array elements/)
    expect(() => decodeJsonValue({ $typed: 'Float64Array', base64: 'AA*A' })).toThrow(/not a base64 character/)
    expect(() => decodeJsonValue({ $typed: 'Float64Array', base64: 'AAA' })).toThrow(/divisible by 4/)
    expect(() => decodeJsonValue({ $number: 'Zero' })).toThrow(/"NaN", "Infinity", "-Infinity" or "-0"/)
    expect(() => decodeJsonValue({ $object: 3 })).toThrow(/must hold an object/)
  })
})

describe('base64', () => {
  it('agrees with Node for every padding length and every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, index) => index)
    for (let length = 0; length <= 7; length++) {
      const bytes = all.subarray(250 - length, 250)
      expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'))
    }
    expect(bytesToBase64(all)).toBe(Buffer.from(all).toString('base64'))
    expect(Array.from(base64ToBytes(Buffer.from(all).toString('base64')))).toEqual(Array.from(all))
    expect(() => base64ToBytes('A=AA')).toThrow(/not a base64 character/)
  })
})

describe('encodeMessage / decodeMessage (binary frames for typed arrays)', () => {
  it('sends JSON text when there is no typed array, and a binary frame when there is', () => {
    expect(typeof encodeMessage({ a: 1, b: [NaN, -0] })).toBe('string')
    expect(decodeMessage(encodeMessage({ a: 1, b: [NaN, -0] }) as string)).toEqual({ a: 1, b: [NaN, -0] })
    expect(encodeMessage({ q: new Float64Array([1]) })).toBeInstanceOf(Uint8Array)
  })

  it('round-trips every bit of nested typed arrays of several kinds, aligned or not', () => {
    const special = new Float64Array([1.5, NaN, -0, Infinity, -Infinity, 5e-324, -1.7976931348623157e308])
    const value = {
      kind: 'event', payload: { xi: special, steps: new Int32Array([0, -7, 2 ** 31 - 1]), odd: new Uint8Array([1, 2, 3]), f32: new Float32Array([0.1, NaN]) },
      list: [new Float64Array(0), { nested: new Float64Array([3]) }], plain: { $dollar: 1, missing: undefined },
    }
    const frame = encodeMessage(value) as Uint8Array
    // Received at an offset that breaks the 8-byte alignment: the decoder copies, then views.
    const shifted = new Uint8Array(frame.byteLength + 3)
    shifted.set(frame, 3)
    for (const received of [frame, frame.buffer.slice(0), shifted.subarray(3)]) {
      const decoded = decodeMessage(received as Uint8Array) as typeof value
      const bits = (a: Float64Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length * 2))
      expect(decoded.payload.xi).toBeInstanceOf(Float64Array)
      expect(bits(decoded.payload.xi)).toEqual(bits(special))
      expect(Object.is(decoded.payload.xi[2], -0)).toBe(true)
      expect(Array.from(decoded.payload.steps)).toEqual([0, -7, 2 ** 31 - 1])
      expect(Array.from(decoded.payload.odd)).toEqual([1, 2, 3])
      expect(decoded.payload.f32[0]).toBe(Math.fround(0.1))
      expect(Number.isNaN(decoded.payload.f32[1])).toBe(true)
      expect(decoded.list[0]).toEqual(new Float64Array(0))
      expect(Array.from((decoded.list[1] as { nested: Float64Array }).nested)).toEqual([3])
      expect(decoded.plain).toEqual({ $dollar: 1, missing: undefined })
      expect(Object.hasOwn(decoded.plain, 'missing')).toBe(true)
    }
  })

  it('refuses frames that are not its own, or cut short, with a message', () => {
    expect(() => decodeMessage(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/wrong magic number/)
    const frame = encodeMessage({ q: new Float64Array(16) }) as Uint8Array
    expect(() => decodeMessage(frame.subarray(0, frame.byteLength - 16))).toThrow(/past the end/)
  })
})
