// The figures of a run as the dashboard and "Export all figures" build them.
import { describe, expect, it, vi } from 'vitest'
import {
  allRunFigures, defaultPickedXi, heatmapFigure, heatmapRange, heatmapRangeKey, lazyFigure, lossFigure,
} from '../../../src/renderer/src/charts/runFigures'
import { applySnapshot, chartDataFromPrepared } from '../../../src/renderer/src/stores/useRunDataStore'
import type { RunPrepared } from '../../../src/shared/api/workbenchApi'

function liveRun(withP: boolean) {
  const F = 5
  const event: RunPrepared = {
    runId: 'r', experimentId: 'e', xi: Float64Array.from([0, 1, 2, 3, 4]), snapshotTimes: Float64Array.from([0, 1]), snapshotSteps: [0, 10],
    points: Float64Array.from([0, 1]), target: Float64Array.from([1, 2]), band: 2, learningRate: 0.1, totalSteps: 10, backend: 'js-f64',
    coefficients: { Rre: new Float64Array(F), Rim: new Float64Array(F).fill(1), Dre: new Float64Array(F), Dim: new Float64Array(F).fill(0.5) },
    models: {
      diffusion: { P: new Float64Array(2 * F).fill(withP ? 0.1 : 0), Q: new Float64Array(2 * F).fill(1e-2) },
      ntk: { P: new Float64Array(2 * F), Q: new Float64Array(2 * F).fill(1e-2) },
    },
    notes: [],
  }
  return chartDataFromPrepared(event)
}

describe('run figures', () => {
  it('export every figure, with P heatmaps only where P carries information', () => {
    const view = { snapshotIndex: 0, part: 'Q' as const, pickedXi: [1], markedXi: 1 }
    expect(allRunFigures(liveRun(false), view).map((f) => f.name)).toEqual([
      'heatmap-training', 'heatmap-diffusion', 'snapshot-Q-t0.00', 'decay-Q', 'coefficients', 'target-output', 'loss', 'rel',
    ])
    expect(allRunFigures(liveRun(true), view).map((f) => f.name)).toContain('heatmap-diffusion-P')
  })

  it('keep the colour range of a streaming run fixed by the models and the initial error', () => {
    const data = liveRun(false)
    const F = 5
    applySnapshot(data, {
      runId: 'r', experimentId: 'e', index: 0, step: 0, t: 0, loss: 1, P: new Float64Array(F), Q: new Float64Array(F).fill(1),
      output: Float64Array.from([0, 0]), errorNorm: 1, rel: {},
    })
    const before = heatmapRange(data, 'Q')
    applySnapshot(data, {
      runId: 'r', experimentId: 'e', index: 1, step: 10, t: 1, loss: 1, P: new Float64Array(F), Q: new Float64Array(F).fill(1e-9),
      output: Float64Array.from([0, 0]), errorNorm: 1, rel: {},
    })
    expect(heatmapRange(data, 'Q')).toEqual(before)
    expect(before.max).toBe(0)
  })

  it('pick three default frequencies across the analysis band', () => {
    expect(defaultPickedXi(liveRun(false))).toEqual([0, 1, 2])
  })

  it('build a figure\'s option and table only when asked, once each', () => {
    const option = vi.fn(() => ({ title: { text: 'x' } }))
    const table = vi.fn(() => ({ columns: ['a'], values: [[1]] }))
    const figure = lazyFigure('x', option, table)
    expect(option).not.toHaveBeenCalled()
    expect(table).not.toHaveBeenCalled()
    // the chart asks for the screen option: the table (CSV) is still not built
    expect(figure.screen()).toBe(figure.option)
    expect(option).toHaveBeenCalledTimes(1)
    expect(table).not.toHaveBeenCalled()
    expect(figure.table).toBe(figure.table)
    expect(table).toHaveBeenCalledTimes(1)
  })

  it('give heatmaps a screen option, a vector option for export, and their cells', () => {
    const data = liveRun(false)
    const figure = heatmapFigure(data, 'diffusion', 'Q')!
    expect(figure.name).toBe('heatmap-diffusion')
    const cells = figure.cells!()
    expect([cells.F, cells.S]).toEqual([5, 2])
    expect(cells.values).toEqual(new Array(10).fill(-2))
    // export draws rows as gradients (vector SVG); without a DOM the screen option does too
    const series = (figure.option.series as { data: unknown[] }[])[0]
    expect(series.data).toHaveLength(2)
    expect(figure.table.columns).toEqual(['t', 'xi', 'Q'])
    // the training heatmap of a run that has streamed nothing has no rows yet
    expect(heatmapFigure(data, 'training', 'Q')!.cells!().S).toBe(0)
  })

  it('take the loss received so far, unaffected by what streams in after', () => {
    const data = liveRun(false)
    data.lossSteps.push(1, 2)
    data.loss.push(1, 0.5)
    const figure = lossFigure(data, { snapshotIndex: 0, part: 'Q', pickedXi: [] })
    data.lossSteps.push(3)
    data.loss.push(0.25)
    expect(figure.table.values[2]).toEqual([1, 0.5])
  })

  it('compute a colour range once per run and rows used, and use every row once the run ends', () => {
    const data = liveRun(false)
    const F = 5
    applySnapshot(data, {
      runId: 'r', experimentId: 'e', index: 0, step: 0, t: 0, loss: 1, P: new Float64Array(F), Q: new Float64Array(F).fill(1),
      output: Float64Array.from([0, 0]), errorNorm: 1, rel: {},
    })
    applySnapshot(data, {
      runId: 'r', experimentId: 'e', index: 1, step: 10, t: 1, loss: 1, P: new Float64Array(F), Q: new Float64Array(F).fill(100),
      output: Float64Array.from([0, 0]), errorNorm: 1, rel: {},
    })
    const streaming = heatmapRange(data, 'Q')
    const key = heatmapRangeKey(data, 'Q')
    expect(heatmapRange(data, 'Q')).toBe(streaming)
    expect(streaming.max).toBe(0)
    data.status = 'done'
    expect(heatmapRangeKey(data, 'Q')).not.toBe(key)
    expect(heatmapRange(data, 'Q').max).toBe(2)
  })
})
