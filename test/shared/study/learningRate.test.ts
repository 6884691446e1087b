import { describe, expect, it } from 'vitest'
import { chooseLearningRate, snapshotSchedule } from '../../../src/shared/study/learningRate'

const training = { time: 2, snapshots: [0, 2], backend: 'auto' as const }

describe('chooseLearningRate', () => {
  it('"auto" is 0.5 / lambda_max', () => {
    const choice = chooseLearningRate({ ...training, learningRate: 'auto' }, 400)
    expect(choice).toMatchObject({ ok: true, auto: true, largestStable: 2 / 400 })
    expect(choice.ok && choice.learningRate).toBeCloseTo(0.5 / 400, 15)
  })

  it('accepts a rate below 2 / lambda_max and refuses one at or above it, naming the largest stable rate', () => {
    expect(chooseLearningRate({ ...training, learningRate: 0.004 }, 400)).toMatchObject({ ok: true, learningRate: 0.004, auto: false })
    const refused = chooseLearningRate({ ...training, learningRate: 0.005 }, 400)
    expect(refused.ok).toBe(false)
    expect(!refused.ok && refused.message).toContain('0.005')
    expect(!refused.ok && refused.message).toMatch(/eta < 2 \/ lambda_max = 0\.005000/)
  })
})

describe('snapshotSchedule', () => {
  it('turns model times into steps (t = n eta), always with 0 and the end, sorted and unique', () => {
    expect(snapshotSchedule(2, [1, 0.5, 0.5, 2], 0.01)).toEqual({ totalSteps: 200, requestedSteps: [0, 50, 100, 200], snapshotSteps: [0, 50, 100, 200] })
    expect(snapshotSchedule(1, [], 0.3)).toEqual({ totalSteps: 3, requestedSteps: [0, 3], snapshotSteps: [0, 3] })
  })

  it('adds an evenly spaced time grid for heatmaps, keeping the requested steps apart', () => {
    const schedule = snapshotSchedule(1, [0.33], 0.01, 4)
    expect(schedule.requestedSteps).toEqual([0, 33, 100])
    expect(schedule.snapshotSteps).toEqual([0, 25, 33, 50, 75, 100])
    // A grid finer than the steps collapses onto the steps that exist.
    expect(snapshotSchedule(0.03, [], 0.01, 100).snapshotSteps).toEqual([0, 1, 2, 3])
  })
})
