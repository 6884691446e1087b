import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { compactJson } from '../../../src/shared/study/compactJson'
import { readNpy } from '../../../src/main/project/npyFile'
import { createRunFolder, listRuns, newRunId, readRunRecord, writeRunArray, writeRunRecord } from '../../../src/main/project/runStore'
import type { UnreadableRun } from '../../../src/main/project/runStore'

let projectDir: string
beforeEach(async () => {
  projectDir = await mkdtemp(join(tmpdir(), 'run-store-'))
})
afterEach(async () => {
  await rm(projectDir, { recursive: true, force: true })
})

describe('newRunId', () => {
  it('reads as <experiment>-<yyyymmdd>-<hhmmss>-<4 hex> in UTC', () => {
    const id = newRunId('scales-1248', new Date(Date.UTC(2026, 11, 4, 15, 30, 0)))
    expect(id).toMatch(/^scales-1248-20261204-153000-[0-9a-f]{4}$/)
  })

  it('sorts by start time for one experiment and differs between calls in the same second', () => {
    const early = newRunId('e', new Date(Date.UTC(2026, 0, 9, 23, 59, 59)))
    const late = newRunId('e', new Date(Date.UTC(2026, 0, 10, 0, 0, 0)))
    expect([late, early].sort()).toEqual([early, late])
    const now = new Date()
    const ids = new Set(Array.from({ length: 20 }, () => newRunId('e', now)))
    // 20 draws from 65536 suffixes: all distinct with probability 1 - 20*19/2/65536 ~ 99.7%;
    // 18 distinct ones is a bound that fails only if the suffix is not random at all.
    expect(ids.size).toBeGreaterThanOrEqual(18)
  })

  it('refuses experiment ids that cannot name a folder', () => {
    expect(() => newRunId('../escape', new Date())).toThrow(/cannot name a run folder/)
  })
})

describe('run folders', () => {
  it('creates runs/<run-id>/ with its record and arrays, readable again', async () => {
    const { runId, runDir } = await createRunFolder(projectDir, 'scales-1248', new Date(Date.UTC(2026, 11, 4, 15, 30, 0)))
    expect(runDir).toBe(join(projectDir, 'runs', runId))
    const record = { status: 'finished', backend: 'js-f64', seed: 0, metrics: { rel: [0.01, 0.02] }, config: { id: 'scales-1248' } }
    await writeRunRecord(runDir, record)
    expect(await readRunRecord(runDir)).toEqual(record)
    const text = await readFile(join(runDir, 'run.json'), 'utf8')
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(record)))
    expect(text).toBe(`${compactJson(record)}\n`)
    const path = await writeRunArray(runDir, 'spectrum', Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3])
    expect(path).toBe(join(runDir, 'spectrum.npy'))
    const array = await readNpy(path)
    expect({ shape: array.shape, data: Array.from(array.data) }).toEqual({ shape: [2, 3], data: [1, 2, 3, 4, 5, 6] })
    await writeRunArray(runDir, 'times.npy', Float32Array.from([0, 0.5]), [2])
    expect((await readdir(runDir)).sort()).toEqual(['run.json', 'spectrum.npy', 'times.npy'])
    await expect(writeRunArray(runDir, '../outside', new Float64Array(1), [1])).rejects.toThrow(/not filename-safe/)
  })

  it('creates distinct folders for runs started in the same second', async () => {
    const now = new Date()
    const folders = await Promise.all(Array.from({ length: 8 }, () => createRunFolder(projectDir, 'e', now)))
    expect(new Set(folders.map((folder) => folder.runId)).size).toBe(8)
  })

  it('lists runs in id order from run.json only, and reports unreadable ones to a callback', async () => {
    expect(await listRuns(projectDir)).toEqual([])
    const second = await createRunFolder(projectDir, 'b', new Date(Date.UTC(2026, 0, 1)))
    const first = await createRunFolder(projectDir, 'a', new Date(Date.UTC(2026, 0, 2)))
    await writeRunRecord(first.runDir, { status: 'finished' })
    await writeRunRecord(second.runDir, { status: 'running' })
    await writeRunArray(first.runDir, 'big', new Float64Array(10), [10])
    const broken = await createRunFolder(projectDir, 'c', new Date())
    await writeFile(join(broken.runDir, 'run.json'), '{"status": "finished",\n')
    const empty = await createRunFolder(projectDir, 'd', new Date())
    await writeFile(join(projectDir, 'runs', 'stray-file.txt'), 'not a run')
    await mkdir(join(projectDir, 'runs', '.hidden'))

    const unreadable: UnreadableRun[] = []
    const runs = await listRuns(projectDir, (run) => unreadable.push(run))
    expect(runs).toEqual([
      { runId: first.runId, runDir: first.runDir, record: { status: 'finished' } },
      { runId: second.runId, runDir: second.runDir, record: { status: 'running' } },
    ])
    expect(unreadable.map((run) => run.runId)).toEqual([broken.runId, empty.runId])
    expect(unreadable[0].message).toMatch(/run\.json:2:1\): expected a property name in double quotes, found the end of the file/)
    expect(unreadable[1].message).toMatch(/run\.json does not exist/)
  })
})
