// The chart scheduler: one chart's work per task (within a small budget), repeated requests of
// one chart coalesced into its latest, cancellation, and a failing job not stopping the others.
import { describe, expect, it } from 'vitest'
import { TASK_BUDGET_MS, createChartScheduler } from '../../../src/renderer/src/charts/chartScheduler'

/** A fake event loop: tasks run only when the test says so, time moves only when a job says so. */
function fakeHost() {
  const tasks: (() => void)[] = []
  let clock = 0
  const errors: unknown[] = []
  return {
    host: { setTimeout: (callback: () => void) => { tasks.push(callback) }, now: () => clock, onError: (error: unknown) => { errors.push(error) } },
    /** runs the next task; false when there is none */
    runTask: () => {
      const task = tasks.shift()
      task?.()
      return task !== undefined
    },
    tasks,
    errors,
    spend: (ms: number) => { clock += ms },
  }
}

describe('chart scheduler', () => {
  it('runs nothing synchronously and each costly job in a task of its own', () => {
    const loop = fakeHost()
    const scheduler = createChartScheduler(loop.host)
    const ran: string[] = []
    for (const id of ['a', 'b', 'c']) scheduler.schedule(id, () => { ran.push(id); loop.spend(30) })
    expect(ran).toEqual([])
    expect(loop.tasks).toHaveLength(1)
    loop.runTask()
    expect(ran).toEqual(['a'])
    loop.runTask()
    expect(ran).toEqual(['a', 'b'])
    loop.runTask()
    expect(ran).toEqual(['a', 'b', 'c'])
    expect(loop.runTask()).toBe(false)
  })

  it('runs cheap jobs together while the task stays within its budget', () => {
    const loop = fakeHost()
    const scheduler = createChartScheduler(loop.host)
    const ran: number[] = []
    for (let i = 0; i < 10; i++) scheduler.schedule(i, () => { ran.push(i); loop.spend(TASK_BUDGET_MS / 4) })
    loop.runTask()
    // jobs start while less than the budget has passed: 4 of them (0, 2, 4, 6 ms)
    expect(ran).toEqual([0, 1, 2, 3])
    expect(scheduler.pending()).toBe(6)
  })

  it('coalesces repeated work of one key into the latest, keeping its place', () => {
    const loop = fakeHost()
    const scheduler = createChartScheduler(loop.host)
    const ran: string[] = []
    scheduler.schedule('heatmap', () => ran.push('heatmap v1'))
    scheduler.schedule('loss', () => ran.push('loss v1'))
    scheduler.schedule('heatmap', () => ran.push('heatmap v2'))
    scheduler.schedule('heatmap', () => ran.push('heatmap v3'))
    expect(scheduler.pending()).toBe(2)
    while (loop.runTask());
    expect(ran).toEqual(['heatmap v3', 'loss v1'])
  })

  it('drops cancelled work, flushes on demand, and survives a failing job', () => {
    const loop = fakeHost()
    const scheduler = createChartScheduler(loop.host)
    const ran: string[] = []
    scheduler.schedule('gone', () => ran.push('gone'))
    scheduler.schedule('broken', () => { throw new Error('boom') })
    scheduler.schedule('fine', () => ran.push('fine'))
    scheduler.cancel('gone')
    expect(scheduler.has('gone')).toBe(false)
    scheduler.flush()
    expect(ran).toEqual(['fine'])
    expect(loop.errors).toHaveLength(1)
    expect(scheduler.pending()).toBe(0)
  })

  it('lets a job queue follow-up work for its own key', () => {
    const loop = fakeHost()
    const scheduler = createChartScheduler(loop.host)
    const ran: string[] = []
    scheduler.schedule('chart', () => {
      ran.push('create')
      loop.spend(20)
      scheduler.schedule('chart', () => ran.push('apply'))
    })
    loop.runTask()
    expect(ran).toEqual(['create'])
    while (loop.runTask());
    expect(ran).toEqual(['create', 'apply'])
  })
})
