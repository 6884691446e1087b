import { afterEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { ServiceError } from '../../../src/shared/api/serviceContract'
import { INVALID_PROJECT_ERROR } from '../../../src/shared/api/workbenchApi'
import { useDialogStore } from '../../../src/renderer/src/stores/dialogStore'
import { joinPath, parentOf, projectFolderName, RECOVERY_INTERVAL_MS, useProjectStore } from '../../../src/renderer/src/stores/projectStore'
import { useTabsStore } from '../../../src/renderer/src/stores/tabsStore'
import { useWorkspaceStore } from '../../../src/renderer/src/stores/workspaceStore'
import { projectOf, settle, setUpStores } from './fakeWorkbenchClient'

afterEach(() => {
  vi.useRealTimers()
})

async function started() {
  const fake = setUpStores()
  await useWorkspaceStore().load()
  const project = useProjectStore()
  await project.startup()
  return { fake, project, dialogs: useDialogStore(), tabs: useTabsStore() }
}

describe('useProjectStore: start-up and recovery', () => {
  it('opens the start-up project clean, with its first experiment in a tab and its runs listed', async () => {
    const { fake, project, tabs, dialogs } = await started()
    expect(project.dir).toBe('/work/study.mscale')
    expect(project.experiments.map((e) => e.id)).toEqual(['alpha', 'beta'])
    expect(project.dirty).toBe(false)
    expect(tabs.active).toEqual({ id: `experiment:${project.experimentKeys[0]}`, kind: 'experiment', experimentKey: project.experimentKeys[0] })
    expect(fake.run.list).toHaveBeenCalledWith({ projectDir: '/work/study.mscale' })
    expect(dialogs.active).toBeNull()
  })

  it('offers a recovered draft and, on restore, shows its edits as unsaved changes of that project', async () => {
    const fake = setUpStores()
    const draftProject = projectOf('project at /work/study.mscale', ['alpha', 'beta'])
    draftProject.experiments[0].network.width = 2000
    fake.workspace.loadRecovery.mockResolvedValue({ dir: '/work/study.mscale', project: draftProject, savedAt: '2026-01-01T00:00:00Z' })
    const project = useProjectStore()
    const dialogs = useDialogStore()
    const done = project.startup()
    await vi.waitFor(() => expect(dialogs.active?.kind).toBe('recovery'))
    const request = dialogs.active
    if (request?.kind !== 'recovery') throw new Error('expected the recovery prompt')
    expect(request.draft.project.experiments[0].network.width).toBe(2000)
    request.resolve('restore')
    await done
    expect(project.experiments[0].network.width).toBe(2000)
    expect(project.dirty).toBe(true)
    expect(fake.workspace.discardRecovery).not.toHaveBeenCalled()
  })

  it('discards the draft when the user declines it', async () => {
    const fake = setUpStores()
    fake.workspace.loadRecovery.mockResolvedValue({ project: projectOf('lost', ['x']), savedAt: '2026-01-01T00:00:00Z' })
    const project = useProjectStore()
    const dialogs = useDialogStore()
    const done = project.startup()
    await vi.waitFor(() => expect(dialogs.active?.kind).toBe('recovery'))
    ;(dialogs.active as { resolve(answer: string): void }).resolve('discard')
    await done
    expect(fake.workspace.discardRecovery).toHaveBeenCalled()
    expect(project.name).toBe('project at /work/study.mscale')
    expect(project.dirty).toBe(false)
  })
})

describe('useProjectStore: editing and validation', () => {
  it('marks the project dirty on an edit and clean again when the edit is undone', async () => {
    const { project } = await started()
    const key = project.experimentKeys[0]
    project.setField(key, 'network.width', 200)
    expect(project.dirty).toBe(true)
    project.setField(key, 'network.width', 100)
    expect(project.dirty).toBe(false)
  })

  it('validates as the user types, with problems on the field paths of the form', async () => {
    const { project } = await started()
    const key = project.experimentKeys[0]
    project.setField(key, 'network.width', 101)
    project.setField(key, 'network.scales', [1, 'two'])
    project.setField(key, 'training.learningRate', 'fast')
    const fields = project.checkOf(key)!.problems.map((problem) => problem.field).sort()
    expect(fields).toEqual(['network.scales[1]', 'network.width', 'training.learningRate'])
    project.setField(key, 'network.scales', [1, 2])
    project.setField(key, 'training.learningRate', 'auto')
    expect(project.checkOf(key)!.problems).toEqual([
      expect.objectContaining({ field: 'network.width', path: '$.experiments[0].network.width' }),
    ])
    expect(project.checkOf(key)!.experiment).toBeUndefined()
    project.setField(key, 'network.width', 100)
    expect(project.checkOf(key)!.problems).toEqual([])
    expect(project.checkOf(key)!.experiment?.network.width).toBe(100)
  })

  it('reports duplicate experiment ids on the second one', async () => {
    const { project } = await started()
    project.setField(project.experimentKeys[1], 'id', 'alpha')
    expect(project.checkOf(project.experimentKeys[0])!.problems).toEqual([])
    expect(project.checkOf(project.experimentKeys[1])!.problems[0]).toMatchObject({ field: 'id', message: expect.stringContaining('duplicate id "alpha"') })
  })

  it('adds, duplicates and deletes experiments with unique ids, keeping tabs in step', async () => {
    const { project, tabs, dialogs } = await started()
    const added = project.addExperiment()!
    expect(project.experimentOf(added)?.id).toBe('experiment-1')
    expect(project.addExperiment() && project.experiments.map((e) => e.id)).toEqual(['alpha', 'beta', 'experiment-1', 'experiment-2'])
    const copy = project.duplicateExperiment(project.experimentKeys[0])!
    expect(project.experiments.map((e) => e.id)).toEqual(['alpha', 'alpha-copy', 'beta', 'experiment-1', 'experiment-2'])
    expect(tabs.active).toMatchObject({ kind: 'experiment', experimentKey: copy })
    expect(project.duplicateExperiment(project.experimentKeys[0]) && project.experiments[1].id).toBe('alpha-copy-2')

    const deleting = project.deleteExperiment(copy)
    await vi.waitFor(() => expect(dialogs.active?.kind).toBe('choice'))
    ;(dialogs.active as { resolve(answer: string): void }).resolve('confirm')
    expect(await deleting).toBe(true)
    expect(project.experiments.map((e) => e.id)).toEqual(['alpha', 'alpha-copy-2', 'beta', 'experiment-1', 'experiment-2'])
    expect(tabs.tabs.some((tab) => tab.kind === 'experiment' && tab.experimentKey === copy)).toBe(false)
    expect(project.experimentKeys).toHaveLength(5)
  })
})

describe('useProjectStore: save, open, new, close', () => {
  it('saves a valid project, clears the dirty marker and discards the recovery draft', async () => {
    const { fake, project } = await started()
    project.setField(project.experimentKeys[0], 'network.width', 200)
    expect(await project.save()).toBe(true)
    expect(fake.project.save).toHaveBeenCalledWith({ dir: '/work/study.mscale', project: expect.objectContaining({ name: 'project at /work/study.mscale' }) })
    const saved = fake.project.save.mock.calls[0][0] as { project: { experiments: { network: { width: number } }[] } }
    expect(saved.project.experiments[0].network.width).toBe(200)
    expect(project.dirty).toBe(false)
    expect(fake.workspace.discardRecovery).toHaveBeenCalled()
  })

  it('refuses to save an invalid project and lists its problems with JSON paths', async () => {
    const { fake, project, dialogs } = await started()
    project.setField(project.experimentKeys[1], 'domain.halfWidth', -1)
    const saving = project.save()
    await vi.waitFor(() => expect(dialogs.active?.kind).toBe('problems'))
    const request = dialogs.active
    if (request?.kind !== 'problems') throw new Error('expected the problems dialog')
    expect(request.problems).toEqual([expect.objectContaining({ path: '$.experiments[1].domain.halfWidth' })])
    request.resolve()
    expect(await saving).toBe(false)
    expect(fake.project.save).not.toHaveBeenCalled()
    expect(project.dirty).toBe(true)
  })

  it('opens nothing half-way when the project is invalid: the problems are shown and the current project stays', async () => {
    const { fake, project, dialogs } = await started()
    const problems = [{ path: '$.experiments[0].network.scales[1]', message: 'must be a number > 0 (got "two")' }]
    fake.project.open.mockRejectedValue(new ServiceError(INVALID_PROJECT_ERROR, '/work/bad is not a valid project (1 problems)', { problems }))
    const opening = project.open('/work/bad')
    await vi.waitFor(() => expect(dialogs.active?.kind).toBe('problems'))
    expect((dialogs.active as { problems: unknown }).problems).toEqual(problems)
    ;(dialogs.active as { resolve(): void }).resolve()
    expect(await opening).toBe(false)
    expect(project.dir).toBe('/work/study.mscale')
    expect(project.experiments.map((e) => e.id)).toEqual(['alpha', 'beta'])
  })

  it('asks before unsaved edits are dropped: Cancel keeps them, Don\'t save opens the other project', async () => {
    const { fake, project, dialogs } = await started()
    project.setField(project.experimentKeys[0], 'network.width', 200)
    const first = project.open('/work/other.mscale')
    await vi.waitFor(() => expect(dialogs.active?.kind).toBe('choice'))
    ;(dialogs.active as { resolve(answer: string): void }).resolve('cancel')
    expect(await first).toBe(false)
    expect(fake.project.open).not.toHaveBeenCalled()
    expect(project.dirty).toBe(true)

    const second = project.open('/work/other.mscale')
    await vi.waitFor(() => expect(dialogs.active?.kind).toBe('choice'))
    ;(dialogs.active as { resolve(answer: string): void }).resolve('discard')
    expect(await second).toBe(true)
    expect(project.dir).toBe('/work/other.mscale')
    expect(project.dirty).toBe(false)
  })

  it('creates a project in a folder picked in the page (browser mode) under the name given', async () => {
    const { fake, project, dialogs } = await started()
    const creating = project.create()
    await vi.waitFor(() => expect(dialogs.active?.kind).toBe('folder'))
    expect(fake.workspace.chooseDirectory).toHaveBeenCalledWith({ purpose: 'new-project', defaultPath: '/work' })
    ;(dialogs.active as { resolve(answer: string): void }).resolve('/work/studies')
    await vi.waitFor(() => expect(dialogs.active?.kind).toBe('prompt'))
    const prompt = dialogs.active
    if (prompt?.kind !== 'prompt') throw new Error('expected the name prompt')
    expect(prompt.validate?.('  ')).toMatch(/name/)
    expect(prompt.describe?.('My study')).toBe('Creates the folder /work/studies/My-study.mscale')
    prompt.resolve('My study')
    expect(await creating).toBe(true)
    expect(fake.project.create).toHaveBeenCalledWith({ dir: '/work/studies/My-study.mscale', name: 'My study' })
    expect(project.dir).toBe('/work/studies/My-study.mscale')
    expect(project.experiments.map((e) => e.id)).toEqual(['experiment-1'])
  })

  it('closes the project and its tabs', async () => {
    const { project, tabs } = await started()
    expect(await project.close()).toBe(true)
    expect(project.project).toBeNull()
    expect(tabs.tabs).toEqual([])
  })
})

describe('useProjectStore: autosave to the recovery draft', () => {
  it('writes unsaved edits at most every RECOVERY_INTERVAL_MS, the latest state included', async () => {
    const { fake, project } = await started()
    vi.useFakeTimers()
    const key = project.experimentKeys[0]
    project.setField(key, 'network.width', 200)
    await nextTick()
    project.setField(key, 'network.width', 300)
    await nextTick()
    vi.advanceTimersByTime(RECOVERY_INTERVAL_MS - 1)
    expect(fake.workspace.saveRecovery).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    await settle()
    expect(fake.workspace.saveRecovery).toHaveBeenCalledTimes(1)
    const draft = fake.workspace.saveRecovery.mock.calls[0][0] as { dir: string; project: { experiments: { network: { width: number } }[] } }
    expect(draft.dir).toBe('/work/study.mscale')
    expect(draft.project.experiments[0].network.width).toBe(300)
  })

  it('discards the draft once the edits are undone', async () => {
    const { fake, project } = await started()
    vi.useFakeTimers()
    const key = project.experimentKeys[0]
    project.setField(key, 'network.width', 200)
    await nextTick()
    vi.advanceTimersByTime(RECOVERY_INTERVAL_MS)
    await settle()
    fake.workspace.discardRecovery.mockClear()
    project.setField(key, 'network.width', 100)
    await nextTick()
    await settle()
    expect(fake.workspace.discardRecovery).toHaveBeenCalledTimes(1)
  })
})

describe('project folder helpers', () => {
  it('names, joins and climbs folders', () => {
    expect(projectFolderName(' My study! ')).toBe('My-study.mscale')
    expect(projectFolderName('done.mscale')).toBe('done.mscale')
    expect(projectFolderName('!!!')).toBe('')
    expect(joinPath('/a/b', 'c')).toBe('/a/b/c')
    expect(joinPath('/a/b/', 'c')).toBe('/a/b/c')
    expect(joinPath('C:\\data', 'c')).toBe('C:\\data\\c')
    expect(parentOf('/a/b/c.mscale')).toBe('/a/b')
    expect(parentOf('/a')).toBe('/')
    expect(parentOf(null)).toBeUndefined()
  })
})
