import { describe, expect, it } from 'vitest'
import { compactJson } from '../../../src/shared/study/compactJson'

describe('compactJson', () => {
  const value = {
    format: 'x', n: 1.5e-7, nan: Number.NaN, gone: undefined, date: new Date(0),
    metrics: { snapshots: [{ t: 0, rel: { diffusion: 0.25 } }, { t: 1, rel: {} }], decay: { xi: [0, 0.5, 1], times: [[0, null, 2.5], []] } },
    flags: [true, 'a', null], nested: [[1, 2], { a: [3] }], empty: {},
  }

  it('parses back to what JSON.stringify gives', () => {
    expect(JSON.parse(compactJson(value))).toEqual(JSON.parse(JSON.stringify(value)))
  })

  it('puts arrays of primitives on one line and indents the rest by two spaces', () => {
    const text = compactJson(value)
    expect(text).toContain('"xi": [0,0.5,1]')
    expect(text).toContain('"times": [\n        [0,null,2.5],\n        []\n      ]')
    expect(text).toContain('\n  "format": "x",\n')
    expect(text).not.toContain('"gone"')
    expect(text).toContain('"date": "1970-01-01T00:00:00.000Z"')
    expect(compactJson([])).toBe('[]')
    expect(compactJson(null)).toBe('null')
  })
})
