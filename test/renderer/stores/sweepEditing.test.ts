// Sweeps edited as part of the project (issue 4): added, changed and deleted through the project
// store with stable keys for their tabs, checked as typed, and run from their tab with Ctrl+Enter
// (which saves first: the sweep service reads the saved project.json) and cancelled with Esc.
import { describe, expect, it } from 'vitest'
import { useCommandsStore } from '../../../src/renderer/src/stores/commandsStore'
import { useDialogStore } from '../../../src/renderer/src/stores/dialogStore'
import { useProjectStore } from '../../../src/renderer/src/stores/projectStore'
import { useSweepStore } from '../../../src/renderer/src/stores/sweepStore'
import { useTabsStore } from '../../../src/renderer/src/stores/tabsStore'
import { useWorkspaceStore } from '../../../src/renderer/src/stores/workspaceStore'
import type { Project } from '../../../src/shared/project/experimentTypes'
import { DIR, progress, setUpSweepStores, summary } from './fakeSweepService'
import { settle } from './fakeWorkbenchClient'

async function started() {
  const { fake, sweep } = setUpSweepStores()
  const project = useProjectStore()
  await useWorkspaceStore().load()
  await project.startup()
  const sweeps = useSweepStore()
  sweeps.listen()
  await sweeps.setProject(project.dir)
  return { fake, sweep, project, sweeps, tabs: useTabsStore(), commands: useCommandsStore(), dialogs: useDialogStore() }
}

describe('sweeps in the project store', () => {
  it('adds a sweep of the first experiment with its tab open, checked as it is edited', async () => {
    const { project, tabs } = await started()
    const key = project.addSweep()!
    expect(project.sweeps).toEqual([{ id: 'sweep-1', base: 'alpha', mode: 'grid', axes: [{ path: 'network.seed', values: { from: 0, to: 1 } }] }])
    expect(tabs.active).toEqual({ id: `sweep:${key}`, kind: 'sweep', sweepKey: key })
    expect(project.dirty).toBe(true)
    expect(project.sweepCheckOf(key)).toMatchObject({ problems: [], gridSize: 2, pointCount: 2, axisSizes: [2] })

    project.setSweepField(key, 'axes[1]', { path: 'network.scale', values: [[1], [1, 2]] })
    const problems = project.sweepCheckOf(key)!.problems
    expect(problems).toEqual([expect.objectContaining({ field: 'axes[1].path', message: expect.stringMatching(/did you mean "network.scales"/) })])
    expect(project.sweepCheckOf(key)!.gridSize).toBe(4)
    project.setSweepField(key, 'axes[1].path', 'network.scales')
    project.setSweepField(key, 'maxPoints', 3)
    // The grid beyond the limit: refused as a whole (field ""), the size still known.
    expect(project.sweepCheckOf(key)).toMatchObject({ gridSize: 4, pointCount: 4, problems: [expect.objectContaining({ field: '', message: expect.stringMatching(/4 points \(2 x 2\); the limit is 3/) })] })
    project.setSweepField(key, 'maxPoints', undefined)
    expect(project.sweepCheckOf(key)!.problems).toEqual([])
  })

  it('keeps a sweep tab through a rename of its id, and drops it with the sweep', async () => {
    const { project, tabs, dialogs } = await started()
    const key = project.addSweep()!
    project.setSweepField(key, 'id', 'widths')
    expect(project.keyOfSweepId('widths')).toBe(key)
    expect(tabs.active).toMatchObject({ kind: 'sweep', sweepKey: key })
    const second = project.addSweep()!
    expect(project.sweepOf(second)?.id).toBe('sweep-1')
    project.setSweepField(second, 'id', 'widths')
    expect(project.sweepCheckOf(second)!.problems).toEqual([expect.objectContaining({ field: 'id', message: expect.stringMatching(/duplicate sweep id "widths"/) })])
    const deleting = project.deleteSweep(second)
    await settle()
    expect(dialogs.active?.kind).toBe('choice')
    ;(dialogs.active as { resolve(answer: string): void }).resolve('confirm')
    expect(await deleting).toBe(true)
    expect(project.sweeps.map((sweep) => sweep.id)).toEqual(['widths'])
    expect(tabs.tabs.some((tab) => tab.kind === 'sweep' && tab.sweepKey === second)).toBe(false)
    await project.deleteSweep(key, false)
    // The file had no sweeps: the emptied list is not written back (the project is clean again).
    expect((project.project as Project).sweeps).toBeUndefined()
    expect(project.dirty).toBe(false)
  })

  it('gives fresh keys to the sweeps of an opened project', async () => {
    const { fake, project } = await started()
    fake.project.open.mockResolvedValueOnce({
      dir: '/work/other.mscale', warnings: [],
      project: { ...(JSON.parse(JSON.stringify(project.project)) as Project), sweeps: [{ id: 'a', base: 'alpha', mode: 'grid', axes: [{ path: 'network.width', values: [100, 200] }] }] },
    })
    await project.open('/work/other.mscale')
    expect(project.sweepKeys).toHaveLength(1)
    expect(project.sweepOf(project.sweepKeys[0])?.id).toBe('a')
  })
})

describe('Run and Cancel on a sweep tab', () => {
  it('saves first, then starts the sweep with the default workers of this machine (cores - 1)', async () => {
    const { fake, sweep, project, commands, sweeps } = await started()
    const key = project.addSweep()!
    sweep.list.mockResolvedValue([summary('sweep-1', { total: 2 })])
    await commands.execute('run')
    expect(fake.project.save).toHaveBeenCalledTimes(1)
    expect(sweep.start).toHaveBeenCalledWith({ projectDir: DIR, sweepId: 'sweep-1', workers: 1 })
    expect(fake.project.save.mock.invocationCallOrder[0]).toBeLessThan(sweep.start.mock.invocationCallOrder[0])
    // The user's choice of workers wins; a clean project is not saved again.
    sweeps.workerChoice = { 'sweep-1': 2 }
    await commands.runSweep(key)
    expect(sweep.start).toHaveBeenLastCalledWith({ projectDir: DIR, sweepId: 'sweep-1', workers: 2 })
    expect(fake.project.save).toHaveBeenCalledTimes(1)
    expect(fake.run.start).not.toHaveBeenCalled()
  })

  it('refuses a sweep with problems without saving or starting', async () => {
    const { fake, sweep, project, commands } = await started()
    const key = project.addSweep()!
    project.setSweepField(key, 'base', 'nope')
    expect(await commands.runSweep(key)).toBe(false)
    expect(fake.project.save).not.toHaveBeenCalled()
    expect(sweep.start).not.toHaveBeenCalled()
  })

  it('Esc cancels an active sweep (asking first once it has run a while)', async () => {
    const { sweep, project, commands, sweeps, dialogs } = await started()
    project.addSweep()
    sweep.emit('progress', { projectDir: DIR, sweepId: 'sweep-1', activity: 'running', progress: progress({ elapsedSeconds: 2 }) })
    await commands.execute('cancel')
    expect(sweep.cancel).toHaveBeenCalledTimes(1)
    sweep.emit('progress', { projectDir: DIR, sweepId: 'sweep-1', activity: 'running', progress: progress({ elapsedSeconds: 60, finished: 1 }) })
    const cancelling = commands.execute('cancel')
    await settle()
    expect(dialogs.active?.kind).toBe('choice')
    ;(dialogs.active as { resolve(answer: string): void }).resolve('cancel')
    await cancelling
    expect(sweep.cancel).toHaveBeenCalledTimes(1)
    expect(sweeps.isActive('sweep-1')).toBe(true)
  })
})
