import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createProject, loadProject, parseJsonText, ProjectValidationError, saveProject } from '../../../src/main/project/projectStore'
import type { Project } from '../../../src/shared/project/experimentTypes'
import { defaultExperiment, formatProblem } from '../../../src/shared/project/projectSchema'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'project-store-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A hand-written file with unknown fields at every level, odd keys, unicode and extreme numbers. */
const HAND_WRITTEN = {
  format: 'mscale-workbench/project',
  version: 1,
  name: 'Spectral bias — étude',
  plots: [{ over: 'network.scales', values: [[1], [1, 2], [1, 2, 4, 8]] }],
  experiments: [
    {
      id: 'scales-1248',
      colour: '#3366cc',
      target: { expr: '(1-(x/4)^2)^4*(sin(x)+0.8*sin(4*x))', note: null },
      domain: { dim: 1, halfWidth: 4, samples: 801, sampling: 'grid', seed: 0 },
      network: {
        scales: [1, 2, 4, 8], width: 4000, activation: 'sin', bias: false, amplitude: 'scale', trained: ['a', 'w'],
        init: 'zero-output', sigmaA: 1, sigmaW: 1, sigmaB: 1, seed: 0, 'future option': { nested: [1e300, -2.5e-308, 'ü', true] },
      },
      training: { learningRate: 0.0002, time: 2, snapshots: [0, 0.5, 1, 2], backend: 'auto' },
      analysis: { xiMax: 4, xiPoints: 801, band: 2.5, models: ['diffusion', 'ntk'], timeGrid: 100 },
    },
  ],
  figures: { width: 3.5, format: 'pdf' },
}

async function problemsOfLoad(projectDir: string): Promise<string[]> {
  const result = await loadProject(projectDir)
  if (result.ok) throw new Error('expected the load to fail')
  return result.problems.map(formatProblem)
}

describe('loadProject and saveProject', () => {
  it('keep unknown fields, their values and their places through a load and a save', async () => {
    const text = `${JSON.stringify(HAND_WRITTEN, null, 2)}\n`
    await writeFile(join(dir, 'project.json'), text)
    const loaded = await loadProject(dir)
    if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'))
    expect(loaded.warnings.map((warning) => warning.path)).toEqual([
      '$.plots', '$.experiments[0].colour', '$.experiments[0].target.note', '$.experiments[0].network["future option"]', '$.figures',
    ])
    await saveProject(dir, loaded.project)
    const saved = await readFile(join(dir, 'project.json'), 'utf8')
    // The file was complete (no defaults to add), so the save reproduces it byte for byte.
    expect(saved).toBe(text)
    expect(JSON.parse(saved)).toEqual(HAND_WRITTEN)
    expect(await readdir(dir)).toEqual(['project.json'])
  })

  it('writes the defaults of omitted fields on save and loads the result unchanged', async () => {
    const minimal = {
      format: 'mscale-workbench/project', version: 1, name: 'm', extra: { keep: [1, 2] },
      experiments: [{ id: 'a', target: { expr: 'sin(x)' }, domain: { dim: 1, halfWidth: 2, samples: 11 }, network: { scales: [1], width: 2 }, training: { learningRate: 'auto', time: 1 } }],
    }
    await writeFile(join(dir, 'project.json'), JSON.stringify(minimal))
    const first = await loadProject(dir)
    if (!first.ok) throw new Error('refused')
    await saveProject(dir, first.project)
    const second = await loadProject(dir)
    if (!second.ok) throw new Error('refused')
    expect(second.project).toEqual(first.project)
    expect(second.project.extra).toEqual({ keep: [1, 2] })
    expect(second.project.experiments[0].analysis.xiPoints).toBe(401)
  })

  it('reports a missing folder, a folder without project.json, and a file that is not a folder', async () => {
    expect(await problemsOfLoad(join(dir, 'nowhere'))).toEqual([`$: the project folder ${join(dir, 'nowhere')} does not exist`])
    expect(await problemsOfLoad(dir)).toEqual([`$: ${dir} holds no project.json, so it is not a workbench project`])
    await writeFile(join(dir, 'plain'), '')
    expect((await problemsOfLoad(join(dir, 'plain')))[0]).toMatch(/is not a folder/)
  })

  it('gives the line and column of JSON syntax errors', async () => {
    const file = join(dir, 'project.json')
    const cases: [string, string][] = [
      ['{\n  "format": "mscale-workbench/project",\n  "version": 1\n  "name": "x"\n}', "line 4, column 3 (FILE:4:3): expected ',' or '}' after a property value, found \"\\\"\""],
      ['{\n  "a": [1, 2,],\n}', 'line 2, column 14 (FILE:2:14): expected a value, found "]" (JSON allows no comma before "]")'],
      ['{\n  "a": 1,\n}', 'line 3, column 1 (FILE:3:1): expected a property name in double quotes, found "}" (JSON allows no comma before "}")'],
      ["{ 'a': 1 }", 'line 1, column 3 (FILE:1:3): expected a property name in double quotes, found "\'"'],
      ['{ "a": "b\nc" }', 'line 1, column 10 (FILE:1:10): a line break or control character inside a string (write \\n instead)'],
      ['{ "a": 1 } x', 'line 1, column 12 (FILE:1:12): unexpected "x" after the end of the JSON value'],
      ['{ "a": ', 'line 1, column 8 (FILE:1:8): expected a value, found the end of the file'],
      ['{ "a": // note\n 1 }', 'line 1, column 8 (FILE:1:8): expected a value, found "/" (JSON allows no comments)'],
    ]
    for (const [text, expected] of cases) {
      await writeFile(file, text)
      expect(await problemsOfLoad(dir), text).toEqual([`$: not valid JSON at ${expected.replace('FILE', file)}`])
    }
  })

  it('refuses a key given twice instead of silently keeping the last value', () => {
    const result = parseJsonText('{\n "a": {"w": 1,\n "w": 2}, "b": 3}', 'p.json')
    expect(result).toEqual({
      ok: false,
      problems: [{ path: '$.a.w', message: 'the key "w" is given twice in one object (again at p.json:3:2); JSON keeps only the last value, so remove one of them' }],
    })
  })

  it('lists every schema problem with its path, and refuses a newer version', async () => {
    const broken = structuredClone(HAND_WRITTEN) as typeof HAND_WRITTEN & { experiments: Record<string, Record<string, unknown>>[] }
    broken.experiments[0].network.width = 3
    broken.experiments[0].analysis.band = 9
    await writeFile(join(dir, 'project.json'), JSON.stringify(broken))
    expect(await problemsOfLoad(dir)).toEqual([
      '$.experiments[0].network.width: must be an even integer >= 2 for zero-output initialisation (got 3)',
      '$.experiments[0].analysis.band: must be a number > 0 and <= xiMax = 4 (got 9)',
    ])
    await writeFile(join(dir, 'project.json'), JSON.stringify({ ...HAND_WRITTEN, version: 3 }))
    expect(await problemsOfLoad(dir)).toEqual([
      '$.version: version 3 was written by a newer workbench; this one reads version 1. Update the workbench to open this project.',
    ])
  })

  it('checks CSV targets: present, well formed, and covering the domain', async () => {
    const experiment = (id: string, csv: string, halfWidth: number) =>
      ({ ...defaultExperiment(id), target: { csv }, domain: { dim: 1, halfWidth, samples: 11, sampling: 'grid', seed: 0 } })
    await mkdir(join(dir, 'data'))
    await writeFile(join(dir, 'data', 'g.csv'), 'x,g\n-2,0\n2,1\n')
    await writeFile(join(dir, 'data', 'bad.csv'), 'x,g\n-2,0\n2,?\n')
    const project = {
      format: 'mscale-workbench/project', version: 1, name: 'csv',
      experiments: [experiment('ok', 'data/g.csv', 2), experiment('wide', 'data/g.csv', 3), experiment('bad', 'data/bad.csv', 2), experiment('gone', 'data/none.csv', 2)],
    }
    await writeFile(join(dir, 'project.json'), JSON.stringify(project))
    expect(await problemsOfLoad(dir)).toEqual([
      expect.stringMatching(/^\$\.experiments\[1\]\.target\.csv: the CSV samples cover x in \[-2, 2\], but the domain is \[-3, 3\]/),
      `$.experiments[2].target.csv: ${join(dir, 'data', 'bad.csv')}:3: "?" is not a finite number`,
      `$.experiments[3].target.csv: ${join(dir, 'data', 'none.csv')}: file not found`,
    ])
    project.experiments = project.experiments.slice(0, 1)
    await writeFile(join(dir, 'project.json'), JSON.stringify(project))
    expect((await loadProject(dir)).ok).toBe(true)
  })

  it('refuses to save a project that would not load, listing why', async () => {
    const project = { format: 'mscale-workbench/project', version: 1, name: 'x', experiments: [{ ...defaultExperiment('a'), network: { ...defaultExperiment('a').network, width: 5 } }] } as Project
    const error = await saveProject(dir, project).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ProjectValidationError)
    expect((error as ProjectValidationError).message).toMatch(/\$\.experiments\[0\]\.network\.width: must be an even integer/)
    expect(await readdir(dir)).toEqual([])
  })
})

describe('createProject', () => {
  it('creates the folder, project.json and runs/, and refuses to overwrite a project', async () => {
    const projectDir = join(dir, 'study.mscale')
    const project = await createProject(projectDir, 'Study', [defaultExperiment('first')])
    expect(project).toMatchObject({ format: 'mscale-workbench/project', version: 1, name: 'Study' })
    expect((await readdir(projectDir)).sort()).toEqual(['project.json', 'runs'])
    const loaded = await loadProject(projectDir)
    expect(loaded.ok && loaded.project).toEqual(project)
    await expect(createProject(projectDir, 'Again')).rejects.toThrow(/already holds a project/)
    const empty = await createProject(join(dir, 'empty'), 'Empty')
    expect(empty.experiments).toEqual([])
  })
})
