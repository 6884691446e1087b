import { spawnSync } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeNpy, encodeNpy, readNpy, writeNpy } from '../../../src/main/project/npyFile'
import type { NpyData } from '../../../src/main/project/npyFile'

/** numpy is the independent reader and writer; without it those tests skip and say why. */
const numpyCheck = spawnSync('python3', ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' })
const HAS_NUMPY = numpyCheck.status === 0
const NUMPY_SKIP_REASON = `python3 with numpy is not available (${(numpyCheck.stderr || String(numpyCheck.error ?? '')).trim().split('\n').pop()}); ` +
  'install python3-numpy to check .npy files against numpy'

/** A numpy test's name, with the reason appended where it is skipped. */
function withSkipReason(name: string): string {
  return HAS_NUMPY ? name : `${name} [skipped: ${NUMPY_SKIP_REASON}]`
}

function python(script: string): string {
  const result = spawnSync('python3', ['-c', script], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr}`)
  return result.stdout
}

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'npy-file-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Values chosen to expose rounding, sign and range mistakes; exact in their dtype. */
const CASES: { name: string; data: NpyData; shape: number[]; dtype: string }[] = [
  { name: 'f8-1d', data: Float64Array.from([0.1, -1 / 3, Math.PI, 1e-310, -0, 2 ** 53 + 2, Number.MAX_VALUE, -5e-324]), shape: [8], dtype: '<f8' },
  { name: 'f8-3d', data: Float64Array.from({ length: 24 }, (_, i) => i * 1.25 - 7), shape: [2, 3, 4], dtype: '<f8' },
  { name: 'f4-2d', data: Float32Array.from([0.1, -2.5, 3.4028234663852886e38, 1e-45, 1 / 3, 7]), shape: [3, 2], dtype: '<f4' },
  { name: 'i4-2d', data: Int32Array.from([-2147483648, 2147483647, 0, -1, 42, 7]), shape: [2, 3], dtype: '<i4' },
  { name: 'f8-scalar', data: Float64Array.from([2.75]), shape: [], dtype: '<f8' },
  { name: 'i4-empty', data: new Int32Array(0), shape: [0], dtype: '<i4' },
]

describe('writeNpy', () => {
  it('pads the version 1.0 header to 64 bytes with a final newline', () => {
    for (const { data, shape } of CASES) {
      const bytes = encodeNpy(data, shape)
      const headerLength = bytes[8] + 256 * bytes[9]
      expect((10 + headerLength) % 64).toBe(0)
      expect(bytes[10 + headerLength - 1]).toBe(0x0a)
      expect([...bytes.subarray(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0])
      expect(bytes.length).toBe(10 + headerLength + data.byteLength)
    }
    const bytes = encodeNpy(new Float64Array(801), [801])
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + bytes[8] + 256 * bytes[9]))
    expect(header).toMatch(/^\{'descr': '<f8', 'fortran_order': False, 'shape': \(801,\), \} +\n$/)
  })

  it('refuses a shape that does not match the data', () => {
    expect(() => encodeNpy(new Float64Array(6), [4, 2])).toThrow(/holds 8 elements but the data has 6/)
    expect(() => encodeNpy(new Float64Array(2), [-2])).toThrow(/integers >= 0/)
  })

  it.skipIf(!HAS_NUMPY)(withSkipReason('writes files numpy loads with exact values, dtypes and shapes (C order)'), async () => {
    for (const { name, data, shape } of CASES) await writeNpy(join(dir, `${name}.npy`), data, shape)
    const script = `
import json, struct, sys, numpy as np
out = {}
for name in ${JSON.stringify(CASES.map((item) => item.name))}:
    a = np.load(sys.argv[1] + '/' + name + '.npy')
    out[name] = {'dtype': a.dtype.str, 'shape': list(a.shape), 'c': bool(a.flags.c_contiguous),
                 'values': [struct.pack('>d', float(v)).hex() if a.dtype.kind == 'f' else int(v) for v in a.ravel(order='C')]}
# element [1, 2, 3] of the 3-D case, indexed by numpy itself
out['f8-3d-element'] = float(np.load(sys.argv[1] + '/f8-3d.npy')[1, 2, 3])
print(json.dumps(out))
`.replace('sys.argv[1]', JSON.stringify(dir)).replace('sys.argv[1]', JSON.stringify(dir))
    const loaded = JSON.parse(python(script))
    for (const { name, data, shape, dtype } of CASES) {
      const seen = loaded[name]
      expect(seen.dtype, name).toBe(dtype)
      expect(seen.shape, name).toEqual(shape)
      expect(seen.c, name).toBe(true)
      const expected = Array.from(data as ArrayLike<number>, (value) => (dtype === '<i4' ? value : doubleBitsHex(value)))
      expect(seen.values, name).toEqual(expected)
    }
    // C order: [i, j, k] of shape (2, 3, 4) is data[(i * 3 + j) * 4 + k].
    expect(loaded['f8-3d-element']).toBe(CASES[1].data[(1 * 3 + 2) * 4 + 3])
    expect((await readdir(dir)).filter((file) => file.endsWith('.tmp'))).toEqual([])
  })
})

describe('readNpy', () => {
  it('reads back what writeNpy wrote, bit for bit', async () => {
    for (const { name, data, shape, dtype } of CASES) {
      const path = join(dir, `roundtrip-${name}.npy`)
      await writeNpy(path, data, shape)
      const read = await readNpy(path)
      expect(read.dtype).toBe(dtype)
      expect(read.shape).toEqual(shape)
      expect(read.data.constructor).toBe(data.constructor)
      expect(new Uint8Array(read.data.buffer, read.data.byteOffset, read.data.byteLength))
        .toEqual(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    }
  })

  it.skipIf(!HAS_NUMPY)(withSkipReason('reads files numpy wrote, and refuses other dtypes and Fortran order by name'), async () => {
    python(`
import numpy as np
d = ${JSON.stringify(dir)}
np.save(d + '/np-f8.npy', np.arange(12, dtype=np.float64).reshape(3, 4) / 7)
np.save(d + '/np-f4.npy', np.array([1.5, -0.1], dtype=np.float32))
np.save(d + '/np-i4.npy', np.array([[1, -2], [3, 4]], dtype=np.int32))
np.save(d + '/np-i8.npy', np.arange(3))
np.save(d + '/np-fortran.npy', np.asfortranarray(np.ones((2, 3))))
np.save(d + '/np-big.npy', np.ones(3, dtype='>f8'))
np.lib.format.write_array(open(d + '/np-v2.npy', 'wb'), np.array([3.0, 4.0]), version=(2, 0))
`)
    const f8 = await readNpy(join(dir, 'np-f8.npy'))
    expect(f8.shape).toEqual([3, 4])
    expect(Array.from(f8.data)).toEqual(Array.from({ length: 12 }, (_, i) => i / 7))
    const f4 = await readNpy(join(dir, 'np-f4.npy'))
    expect(Array.from(f4.data)).toEqual([1.5, Math.fround(-0.1)])
    const i4 = await readNpy(join(dir, 'np-i4.npy'))
    expect({ dtype: i4.dtype, shape: i4.shape, data: Array.from(i4.data) }).toEqual({ dtype: '<i4', shape: [2, 2], data: [1, -2, 3, 4] })
    expect(Array.from((await readNpy(join(dir, 'np-v2.npy'))).data)).toEqual([3, 4])
    await expect(readNpy(join(dir, 'np-i8.npy'))).rejects.toThrow(/dtype '<i8' is not supported: use float64/)
    await expect(readNpy(join(dir, 'np-big.npy'))).rejects.toThrow(/dtype '>f8' is not supported/)
    await expect(readNpy(join(dir, 'np-fortran.npy'))).rejects.toThrow(/Fortran-order arrays are not supported/)
  })

  it('refuses files that are not .npy or are cut short, saying so', async () => {
    const notNpy = join(dir, 'not.npy')
    await writeFile(notNpy, 'hello world, not numpy')
    await expect(readNpy(notNpy)).rejects.toThrow(/not an \.npy file/)
    const bytes = encodeNpy(new Float64Array([1, 2, 3]), [3])
    expect(() => decodeNpy(bytes.subarray(0, bytes.length - 4))).toThrow(/has 20 bytes; shape \(3\) of <f8 needs 24/)
    const cut = join(dir, 'cut.npy')
    await writeFile(cut, bytes.subarray(0, 30))
    await expect(readNpy(cut)).rejects.toThrow(/cut\.npy: the \.npy header is cut short/)
    expect((await readFile(cut)).length).toBe(30)
  })
})

/** The 8 bytes of a double, big-endian, in hex: what Python's struct.pack('>d', v).hex() prints. */
function doubleBitsHex(value: number): string {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, value)
  return Array.from(new Uint8Array(view.buffer), (byte) => byte.toString(16).padStart(2, '0')).join('')
}
