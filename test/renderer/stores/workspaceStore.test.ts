import { describe, expect, it } from 'vitest'
import { useDialogStore } from '../../../src/renderer/src/stores/dialogStore'
import { useWorkspaceStore } from '../../../src/renderer/src/stores/workspaceStore'
import { setUpStores } from './fakeWorkbenchClient'

describe('useWorkspaceStore', () => {
  it('labels the backend chip and lists the faster backends that are not available, with why', async () => {
    setUpStores()
    const workspace = useWorkspaceStore()
    expect(workspace.backendLabel).toBe('no backend')
    await workspace.load()
    expect(workspace.backendLabel).toBe('js-f64, CPU')
    expect(workspace.fasterUnavailable).toEqual([{ backend: 'tfjs-node-gpu', available: false, note: 'needs CUDA 11.2' }])
    expect(workspace.recent).toEqual(['/work/study.mscale'])
  })

  it('uses the native folder dialog where there is one, and the in-page picker where it refuses', async () => {
    const fake = setUpStores()
    const workspace = useWorkspaceStore()
    const dialogs = useDialogStore()
    fake.workspace.chooseDirectory.mockResolvedValueOnce('/native/choice')
    expect(await workspace.chooseDirectory('open-project', 'Open project', '/start')).toBe('/native/choice')

    const picking = workspace.chooseDirectory('save-project-as', 'Save as', '/start')
    await new Promise((resolve) => setTimeout(resolve, 0))
    const request = dialogs.active
    if (request?.kind !== 'folder') throw new Error('expected the folder picker')
    expect(request).toMatchObject({ purpose: 'save-project-as', startDir: '/start', confirmLabel: 'Save here' })
    request.resolve('/picked')
    expect(await picking).toBe('/picked')
  })
})
