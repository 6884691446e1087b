import { afterEach, describe, expect, it, vi } from 'vitest'
import { commandOfKey, DUPLICATE_WINDOW_MS, useCommandsStore } from '../../../src/renderer/src/stores/commandsStore'
import { useDialogStore } from '../../../src/renderer/src/stores/dialogStore'
import { useProjectStore } from '../../../src/renderer/src/stores/projectStore'
import { LONG_RUN_SECONDS, useRunsStore } from '../../../src/renderer/src/stores/runsStore'
import { useTabsStore } from '../../../src/renderer/src/stores/tabsStore'
import { setUpStores } from './fakeWorkbenchClient'

afterEach(() => vi.useRealTimers())

const key = (init: Partial<KeyboardEvent>) => ({ key: '', ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...init })

async function started() {
  const fake = setUpStores()
  const project = useProjectStore()
  await project.startup()
  useRunsStore().listen()
  return { fake, project, commands: useCommandsStore(), runs: useRunsStore(), tabs: useTabsStore(), dialogs: useDialogStore() }
}

describe('commandOfKey', () => {
  it('maps the shortcuts of UI.md (Cmd counts as Ctrl)', () => {
    expect(commandOfKey(key({ key: 'n', ctrlKey: true }))).toBe('new-project')
    expect(commandOfKey(key({ key: 'o', metaKey: true }))).toBe('open-project')
    expect(commandOfKey(key({ key: 's', ctrlKey: true }))).toBe('save')
    expect(commandOfKey(key({ key: 'S', ctrlKey: true, shiftKey: true }))).toBe('save-as')
    expect(commandOfKey(key({ key: 'w', ctrlKey: true }))).toBe('close-tab')
    expect(commandOfKey(key({ key: 'Enter', ctrlKey: true }))).toBe('run')
    expect(commandOfKey(key({ key: 'Escape' }))).toBe('cancel')
    expect(commandOfKey(key({ key: 'n' }))).toBeNull()
    expect(commandOfKey(key({ key: 'Enter' }))).toBeNull()
    expect(commandOfKey(key({ key: 's', ctrlKey: true, altKey: true }))).toBeNull()
  })
})

describe('useCommandsStore', () => {
  it('Run saves unsaved edits first (runs read project.json), starts, and opens the run tab', async () => {
    const { fake, project, commands, tabs } = await started()
    project.setField(project.experimentKeys[0], 'network.width', 200)
    const runId = await commands.runCurrent()
    expect(fake.project.save).toHaveBeenCalledTimes(1)
    expect(fake.run.start).toHaveBeenCalledWith({ projectDir: '/work/study.mscale', experimentId: 'alpha' })
    expect(fake.project.save.mock.invocationCallOrder[0]).toBeLessThan(fake.run.start.mock.invocationCallOrder[0])
    expect(tabs.active).toMatchObject({ kind: 'run', runId })
    // From the run tab, Run runs the same experiment again (without saving a clean project).
    await commands.runCurrent()
    expect(fake.run.start).toHaveBeenLastCalledWith({ projectDir: '/work/study.mscale', experimentId: 'alpha' })
    expect(fake.project.save).toHaveBeenCalledTimes(1)
  })

  it('Run refuses an experiment with problems and starts nothing', async () => {
    const { fake, project, commands } = await started()
    project.setField(project.experimentKeys[0], 'domain.samples', 1)
    expect(await commands.runCurrent()).toBeNull()
    expect(fake.project.save).not.toHaveBeenCalled()
    expect(fake.run.start).not.toHaveBeenCalled()
  })

  it('Esc cancels a short run at once and asks first for a long one', async () => {
    const { fake, commands } = await started()
    vi.useFakeTimers()
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'))
    const runId = (await commands.runCurrent())!
    expect(await commands.cancelCurrent()).toBe(true)
    expect(fake.run.cancel).toHaveBeenCalledWith({ runId })

    fake.run.cancel.mockClear()
    vi.setSystemTime(new Date(Date.parse('2026-01-01T00:00:00Z') + (LONG_RUN_SECONDS + 5) * 1000))
    const dialogs = useDialogStore()
    const cancelling = commands.cancelCurrent()
    await vi.waitFor(() => expect(dialogs.active?.kind).toBe('choice'))
    ;(dialogs.active as { resolve(answer: string): void }).resolve('cancel')
    expect(await cancelling).toBe(false)
    expect(fake.run.cancel).not.toHaveBeenCalled()
  })

  it('carries out a shortcut once when it comes both as a key press and as a menu command', async () => {
    const { fake, project, commands } = await started()
    vi.useFakeTimers()
    project.setField(project.experimentKeys[0], 'network.width', 200)
    await commands.execute('save', 'keyboard')
    await commands.execute('save', 'menu')
    expect(fake.project.save).toHaveBeenCalledTimes(1)
    project.setField(project.experimentKeys[0], 'network.width', 300)
    vi.advanceTimersByTime(DUPLICATE_WINDOW_MS + 1)
    await commands.execute('save', 'menu')
    expect(fake.project.save).toHaveBeenCalledTimes(2)
  })

  it('Ctrl+W closes the active tab', async () => {
    const { commands, tabs } = await started()
    expect(tabs.tabs).toHaveLength(1)
    await commands.execute('close-tab', 'keyboard')
    expect(tabs.tabs).toHaveLength(0)
  })
})
