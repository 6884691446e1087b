// The figures of a run as the dashboard and "Export all figures" build them.
import { describe, expect, it } from 'vitest'
import { allRunFigures, defaultPickedXi, heatmapRange } from '../../../src/renderer/src/charts/runFigures'
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
})
