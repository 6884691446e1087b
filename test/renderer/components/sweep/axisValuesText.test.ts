import { describe, expect, it } from 'vitest'
import { formatAxisValues, parseAxisValuesText } from '../../../../src/renderer/src/components/sweep/axisValuesText'

describe('axis values as typed', () => {
  it('reads JSON lists, ranges from..to and the JSON range object', () => {
    expect(parseAxisValuesText('[1000, 4000]')).toEqual({ value: [1000, 4000] })
    expect(parseAxisValuesText(' [[1], [1, 2]] ')).toEqual({ value: [[1], [1, 2]] })
    expect(parseAxisValuesText('0..4')).toEqual({ value: { from: 0, to: 4 } })
    expect(parseAxisValuesText('-2 .. 3')).toEqual({ value: { from: -2, to: 3 } })
    expect(parseAxisValuesText('{"from": 1, "to": 3}')).toEqual({ value: { from: 1, to: 3 } })
    expect(parseAxisValuesText('')).toEqual({ value: undefined })
  })

  it('keeps unreadable text as typed, with what would be accepted', () => {
    const broken = parseAxisValuesText('[[1], [1, 2]')
    expect(broken.value).toBe('[[1], [1, 2]')
    expect(broken.error).toMatch(/^not a JSON list .*; write e.g. \[1000, 4000\]/)
    const single = parseAxisValuesText('4000')
    expect(single.value).toBe('4000')
    expect(single.error).toMatch(/put the values in a list, e.g. \[4000\]/)
  })

  it('shows stored values the way they are typed, and reads them back unchanged', () => {
    for (const value of [[1000, 4000], [[1], [1, 2], [1, 2, 4]], ['sin', 'a,b'], { from: 0, to: 4 }]) {
      const text = formatAxisValues(value)
      expect(parseAxisValuesText(text).value).toEqual(value)
    }
    expect(formatAxisValues([[1], [1, 2]])).toBe('[[1], [1, 2]]')
    expect(formatAxisValues({ from: 0, to: 4 })).toBe('0..4')
    expect(formatAxisValues('[1,')).toBe('[1,')
  })
})
