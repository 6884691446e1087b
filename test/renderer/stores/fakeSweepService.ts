/**
 * A fake sweep service for the renderer's sweep tests, added to the fake client of
 * fakeWorkbenchClient.ts: every request is a vi.fn with a sensible default (override per test),
 * and the 'progress' and 'point' events can be emitted by hand. Plus builders of tables and rows.
 */
import { vi } from 'vitest'
import type {
  SweepDecayQuery, SweepEvents, SweepProgress, SweepSummary, SweepTable, SweepTableRow,
} from '../../../src/shared/api/workbenchApi'
import type { WorkbenchClient } from '../../../src/renderer/src/apiClient'
import { setUpStores, type FakeClient } from './fakeWorkbenchClient'

type Listener = (payload: unknown) => void

export interface FakeSweepService {
  list: ReturnType<typeof vi.fn>
  start: ReturnType<typeof vi.fn>
  pause: ReturnType<typeof vi.fn>
  cancel: ReturnType<typeof vi.fn>
  table: ReturnType<typeof vi.fn>
  emit<E extends keyof SweepEvents>(event: E, payload: SweepEvents[E]): void
  listeners(event: string): number
}

export const DIR = '/work/study.mscale'

export function summary(sweepId: string, extra: Partial<SweepSummary> = {}): SweepSummary {
  return {
    sweepId, base: 'alpha', mode: 'grid', total: 4,
    counts: { pending: 4, running: 0, done: 0, diverged: 0, failed: 0 }, activity: 'idle', ...extra,
  }
}

export function progress(extra: Partial<SweepProgress> = {}): SweepProgress {
  return { total: 4, finished: 0, done: 0, diverged: 0, failed: 0, running: 0, pending: 4, elapsedSeconds: 0, etaSeconds: Number.NaN, ...extra }
}

/** A row of a grid over network.seed x network.scales (seeds 0..n-1, scales [1] / [1,2]). */
export function row(index: number, extra: Partial<SweepTableRow> = {}): SweepTableRow {
  const seed = Math.floor(index / 2)
  const scales = index % 2 === 0 ? [1] : [1, 2]
  return {
    index, pointId: `alpha__seed-${seed}__scales-${scales.join('-')}`, params: { 'network.seed': seed, 'network.scales': scales },
    status: 'pending', ...extra,
  }
}

export function table(sweepId: string, rows: SweepTableRow[], decay: SweepDecayQuery = { frequencies: [0.5, 1], threshold: 0.01 }): SweepTable {
  const seeds = [...new Set(rows.map((entry) => entry.params['network.seed']))]
  return {
    sweepId, axes: [{ path: 'network.seed', values: seeds }, { path: 'network.scales', values: [[1], [1, 2]] }],
    snapshotTimes: [0, 0.5], models: ['diffusion'], decay, rows,
  }
}

/** Adds a fake sweep service to a fake client; returns it. */
export function addFakeSweepService(fake: FakeClient): FakeSweepService {
  const listeners = new Map<string, Set<Listener>>()
  const service = {
    list: vi.fn(async (): Promise<SweepSummary[]> => []),
    start: vi.fn(async () => undefined),
    pause: vi.fn(async () => undefined),
    cancel: vi.fn(async () => undefined),
    table: vi.fn(async ({ sweepId, decay }: { sweepId: string; decay?: SweepDecayQuery }) => table(sweepId, [0, 1, 2, 3].map((index) => row(index)), decay)),
  }
  const on = (event: string, listener: Listener) => {
    const set = listeners.get(event) ?? new Set()
    listeners.set(event, set)
    set.add(listener)
    return () => set.delete(listener)
  }
  ;(fake.client as unknown as { sweep: unknown }).sweep = { ...service, on } as unknown as WorkbenchClient['sweep']
  return {
    ...service,
    emit: (event, payload) => {
      for (const listener of [...(listeners.get(event) ?? [])]) listener(payload)
    },
    listeners: (event) => listeners.get(event)?.size ?? 0,
  }
}

/** A fresh Pinia with the fake client (and its fake sweep service) connected. */
export function setUpSweepStores(): { fake: FakeClient; sweep: FakeSweepService } {
  const fake = setUpStores()
  return { fake, sweep: addFakeSweepService(fake) }
}
