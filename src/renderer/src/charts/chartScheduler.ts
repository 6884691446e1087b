/**
 * Chart work one piece per task, so a page of many charts redrawing at once never blocks the main
 * thread for their sum (issue 3: never more than 100 ms while a run streams).
 *
 * Each chart queues its work (create the ECharts instance, build its option, setOption) under its
 * own key; the queue runs in macrotasks (setTimeout 0), one job after another, starting another
 * job in the same task only while the task has run for less than TASK_BUDGET_MS, so the browser
 * paints and handles input between charts. Work queued again for a key that is still waiting
 * replaces the waiting work (it keeps its place in the queue): a chart asked to redraw three times
 * before its turn draws once, with the latest option.
 */

export type ChartJob = () => void

/** A task goes on to the next job only while it has run for less than this. */
export const TASK_BUDGET_MS = 8

export interface ChartScheduler {
  /** Queues (or replaces) the work of a key. */
  schedule(key: unknown, job: ChartJob): void
  /** Drops the waiting work of a key (a chart being unmounted). */
  cancel(key: unknown): void
  /** Whether work of this key waits. */
  has(key: unknown): boolean
  /** Jobs waiting. */
  pending(): number
  /** Runs every waiting job now, in order (tests; export before reading a chart). */
  flush(): void
}

export interface SchedulerHost {
  setTimeout(callback: () => void, ms: number): unknown
  now(): number
  /** where a failing job is reported (default console.error) */
  onError?: (error: unknown) => void
}

export function createChartScheduler(host: SchedulerHost): ChartScheduler {
  const queue = new Map<unknown, ChartJob>()
  let armed = false

  function runOne(): void {
    const next = queue.entries().next()
    if (next.done) return
    const [key, job] = next.value
    queue.delete(key)
    try {
      job()
    } catch (error) {
      ;(host.onError ?? ((e: unknown) => console.error('[charts] a chart update failed:', e)))(error)
    }
  }

  function arm(): void {
    if (armed || queue.size === 0) return
    armed = true
    host.setTimeout(task, 0)
  }

  function task(): void {
    armed = false
    const start = host.now()
    do runOne()
    while (queue.size > 0 && host.now() - start < TASK_BUDGET_MS)
    arm()
  }

  return {
    schedule(key, job) {
      queue.set(key, job)
      arm()
    },
    cancel(key) {
      queue.delete(key)
    },
    has(key) {
      return queue.has(key)
    },
    pending() {
      return queue.size
    },
    flush() {
      while (queue.size > 0) runOne()
    },
  }
}

/** The page's scheduler, shared by every chart. */
export const chartScheduler: ChartScheduler = createChartScheduler({
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  now: () => (typeof performance !== 'undefined' ? performance.now() : Date.now()),
})
