/**
 * NumPy .npy files, so that run arrays open with np.load (ARCHITECTURE.md, "Projects on disk").
 *
 * Format (numpy.lib.format, version 1.0): the magic "\x93NUMPY", the version bytes 1 0, a uint16
 * little-endian header length, then an ASCII header, a Python dict literal such as
 *   {'descr': '<f8', 'fortran_order': False, 'shape': (801,), }
 * padded with spaces and ended by "\n" so that magic + length + header is a multiple of 64 bytes;
 * then the data, little-endian, in C order (last index fastest). Reading also accepts versions
 * 2.0 and 3.0 (uint32 header length), which numpy writes for very large headers.
 */
import { readFile } from 'node:fs/promises'
import { writeFileAtomic } from './atomicWrite'

export type NpyDtype = '<f8' | '<f4' | '<i4'
export type NpyData = Float64Array | Float32Array | Int32Array

export interface NpyArray {
  data: NpyData
  shape: number[]
  dtype: NpyDtype
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] // "\x93NUMPY"
const HEADER_ALIGNMENT = 64
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/**
 * Writes `data` with shape `shape` (C order: element [i, j] of a 2-D array is data[i * shape[1] + j])
 * to `path` as an .npy file, atomically. The product of the shape must equal data.length;
 * shape [] writes a scalar.
 */
export async function writeNpy(path: string, data: NpyData, shape: readonly number[]): Promise<void> {
  await writeFileAtomic(path, encodeNpy(data, shape))
}

/** The bytes of an .npy file (see writeNpy). */
export function encodeNpy(data: NpyData, shape: readonly number[]): Uint8Array {
  const dtype = dtypeOf(data)
  for (const extent of shape) {
    if (!Number.isInteger(extent) || extent < 0) throw new RangeError(`shape must hold integers >= 0 (got [${shape.join(', ')}])`)
  }
  const count = shape.reduce((product, extent) => product * extent, 1)
  if (count !== data.length) {
    throw new RangeError(`shape [${shape.join(', ')}] holds ${count} elements but the data has ${data.length}`)
  }
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`
  const dict = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeText}, }`
  const unpadded = MAGIC.length + 2 + 2 + dict.length + 1
  const padding = (HEADER_ALIGNMENT - (unpadded % HEADER_ALIGNMENT)) % HEADER_ALIGNMENT
  const header = dict + ' '.repeat(padding) + '\n'
  if (header.length > 0xffff) throw new RangeError('the .npy header is too long for format version 1.0')

  const bytes = new Uint8Array(MAGIC.length + 4 + header.length + data.byteLength)
  bytes.set(MAGIC, 0)
  bytes[6] = 1
  bytes[7] = 0
  new DataView(bytes.buffer).setUint16(8, header.length, true)
  for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i)
  const offset = 10 + header.length
  if (HOST_IS_LITTLE_ENDIAN) {
    bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset)
  } else {
    const view = new DataView(bytes.buffer, offset)
    const size = data.BYTES_PER_ELEMENT
    for (let i = 0; i < data.length; i++) {
      if (data instanceof Float64Array) view.setFloat64(i * size, data[i], true)
      else if (data instanceof Float32Array) view.setFloat32(i * size, data[i], true)
      else view.setInt32(i * size, data[i], true)
    }
  }
  return bytes
}

/** Reads an .npy file of dtype float64, float32 or int32 (little-endian, C order). */
export async function readNpy(path: string): Promise<NpyArray> {
  const bytes = await readFile(path)
  try {
    return decodeNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`)
  }
}

/** Parses the bytes of an .npy file (see readNpy); the data is copied into a new array. */
export function decodeNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((byte, i) => bytes[i] !== byte)) {
    throw new Error('not an .npy file (it does not start with "\\x93NUMPY")')
  }
  const major = bytes[6]
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let headerStart: number
  let headerLength: number
  if (major === 1) {
    headerStart = 10
    headerLength = view.getUint16(8, true)
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new Error('the .npy header is cut short')
    headerStart = 12
    headerLength = view.getUint32(8, true)
  } else {
    throw new Error(`.npy format version ${major}.${bytes[7]} is not supported (versions 1.0, 2.0 and 3.0 are)`)
  }
  if (headerStart + headerLength > bytes.length) throw new Error('the .npy header is cut short')
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLength))

  const descr = header.match(/['"]descr['"]\s*:\s*['"]([^'"]*)['"]/)?.[1]
  const fortran = header.match(/['"]fortran_order['"]\s*:\s*(True|False)/)?.[1]
  const shapeText = header.match(/['"]shape['"]\s*:\s*\(([^)]*)\)/)?.[1]
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new Error(`the .npy header is not understood: ${header.trim()}`)
  }
  const shape = shapeText.split(',').map((part) => part.trim()).filter((part) => part !== '').map(Number)
  if (shape.some((extent) => !Number.isInteger(extent) || extent < 0)) throw new Error(`bad shape (${shapeText}) in the .npy header`)
  const dtype = normaliseDtype(descr)
  if (!dtype) {
    throw new Error(`dtype '${descr}' is not supported: use float64 ('<f8'), float32 ('<f4') or int32 ('<i4'), e.g. a.astype(np.float64)`)
  }
  if (fortran === 'True' && shape.filter((extent) => extent > 1).length > 1) {
    throw new Error('Fortran-order arrays are not supported: save np.ascontiguousarray(a) instead')
  }

  const count = shape.reduce((product, extent) => product * extent, 1)
  const size = dtype === '<f8' ? 8 : 4
  const dataStart = headerStart + headerLength
  if (bytes.length - dataStart !== count * size) {
    throw new Error(`the .npy data has ${bytes.length - dataStart} bytes; shape (${shape.join(', ')}) of ${dtype} needs ${count * size}`)
  }
  // Copy into a fresh buffer: it is then aligned for the typed array (and byte-swapped if needed).
  const bufferCopy = bytes.slice(dataStart, dataStart + count * size).buffer
  const data = dtype === '<f8' ? new Float64Array(bufferCopy) : dtype === '<f4' ? new Float32Array(bufferCopy) : new Int32Array(bufferCopy)
  if (!HOST_IS_LITTLE_ENDIAN) {
    const view = new DataView(bufferCopy)
    for (let i = 0; i < count; i++) {
      data[i] = dtype === '<f8' ? view.getFloat64(i * 8, true) : dtype === '<f4' ? view.getFloat32(i * 4, true) : view.getInt32(i * 4, true)
    }
  }
  return { data, shape, dtype }
}

function dtypeOf(data: NpyData): NpyDtype {
  if (data instanceof Float64Array) return '<f8'
  if (data instanceof Float32Array) return '<f4'
  if (data instanceof Int32Array) return '<i4'
  throw new TypeError('data must be a Float64Array, Float32Array or Int32Array')
}

/** Only little-endian float64, float32 and int32 are read; anything else is refused by name. */
function normaliseDtype(descr: string): NpyDtype | undefined {
  return descr === '<f8' || descr === '<f4' || descr === '<i4' ? descr : undefined
}
