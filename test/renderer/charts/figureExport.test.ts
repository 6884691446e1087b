// Figure export where Node can check it: CSV text, the PNG size arithmetic (the PNG itself needs a
// canvas and is checked in Chromium by the e2e tests), and SVG from ECharts' SVG renderer in its
// server-side mode, which needs no DOM.
import { describe, expect, it } from 'vitest'
import { ServiceError } from '../../../src/shared/api/serviceContract'
import { NO_NATIVE_DIALOG_ERROR } from '../../../src/shared/api/workbenchApi'
import { AXIS_NAMES } from '../../../src/renderer/src/charts/chartTheme'
import {
  chooseExportFolder, csvOfOption, csvOfTable, exportAllFigures, joinPath, paperOption, pngLayout, renderSvg, safeFileName,
  type Figure,
} from '../../../src/renderer/src/charts/figureExport'
import { VIRIDIS_LUT, heatmapOption, heatmapTable } from '../../../src/renderer/src/charts/options/heatmapOption'
import { snapshotOption, snapshotTable } from '../../../src/renderer/src/charts/options/snapshotOption'

const snapshotInput = { xi: [0, 0.5, 1], training: [1, 0.1, 0.01], diffusion: [1, 0.11, 0.012], t: 0.25, part: 'Q' as const }

describe('CSV', () => {
  it('writes a header and full-precision values, empty cells for missing ones', () => {
    const csv = csvOfTable({ columns: ['t', 'rel "x"'], values: [[0, 0.1 + 0.2], [null, 1e-300]] })
    expect(csv).toBe('t,"rel ""x"""\n0,\n0.30000000000000004,1e-300\n')
  })

  it('tables a figure the way its builder does', () => {
    const csv = csvOfTable(snapshotTable(snapshotInput))
    expect(csv.split('\n')[0]).toBe('xi,training_Q,diffusion_Q')
    expect(csv.split('\n')[2]).toBe('0.5,0.1,0.11')
  })

  it('reads an option dataset when a figure has no table', () => {
    const csv = csvOfOption(snapshotOption(snapshotInput))
    expect(csv.split('\n')[0]).toBe('xi,training,diffusion')
    expect(csv.split('\n')[3]).toBe('1,0.01,0.012')
  })
})

describe('PNG size', () => {
  it('is the CSS size times the pixel ratio', () => {
    expect(pngLayout({ pixelRatio: 3 }, { width: 640, height: 400 })).toMatchObject({ pixelWidth: 1920, pixelHeight: 1200 })
  })

  it('is inches x dpi, rounded to whole pixels, laid out at 96 CSS px per inch', () => {
    const layout = pngLayout({ widthInches: 3.5, heightInches: 2.333, dpi: 300 })
    expect([layout.pixelWidth, layout.pixelHeight]).toEqual([1050, 700])
    expect(layout.cssWidth).toBeCloseTo(336, 10)
    expect(layout.pixelRatio).toBeCloseTo(300 / 96, 12)
  })

  it('refuses ratios outside 1 to 4 and sizes that are not positive', () => {
    expect(() => pngLayout({ pixelRatio: 5 })).toThrow(/between 1 and 4/)
    expect(() => pngLayout({ widthInches: 0, heightInches: 2, dpi: 300 })).toThrow(/positive/)
  })
})

describe('SVG', () => {
  it('is a vector image holding the axis names, in the paper theme', () => {
    const figure: Figure = { name: 'snapshot', option: snapshotOption(snapshotInput), table: snapshotTable(snapshotInput), width: 600, height: 400 }
    const svg = renderSvg(figure)
    expect(svg.startsWith('<?xml')).toBe(true)
    expect(svg).toContain('<svg')
    expect(svg).toContain('width="600"')
    expect(svg).toContain(AXIS_NAMES.xi)
    expect(svg).toContain(AXIS_NAMES.absQ)
    expect(svg).toMatch(/<path[^>]+d="M/)
    // paper: white background, no zoom chrome
    expect(svg).toMatch(/fill="(#ffffff|#fff|rgb\(255,255,255\))"/i)
    expect(paperOption(figure.option)).not.toHaveProperty('dataZoom')
  })

  it("draws a heatmap as vector rows filled with the cells' colours, with its colour bar", () => {
    const input = { xi: [0, 1, 2], times: [0, 1], values: [1, 0.1, 0.01, 0.5, 0.05, 0.005], title: 'training', min: -3, max: 0 }
    const svg = renderSvg({ name: 'heatmap', option: heatmapOption(input), table: heatmapTable(input) })
    expect(svg).toContain('log10 |Q|')
    expect(svg).toContain(AXIS_NAMES.t)
    // two rows, each a gradient whose stops are the cells' viridis colours
    expect(svg.match(/<linearGradient/g)?.length).toBeGreaterThanOrEqual(2)
    expect(svg.toLowerCase()).toContain(`stop-color="${VIRIDIS_LUT[255]}"`)
  })
})

describe('export all figures', () => {
  it('writes PNG, SVG and CSV of every figure through the workspace service', async () => {
    const written: { path: string; kind: string }[] = []
    const workspace = {
      writeFile: async ({ path, data }: { path: string; data: string | Uint8Array }) => {
        written.push({ path, kind: typeof data })
        return { path }
      },
    }
    const figure: Figure = { name: 'snapshot t=0.25', option: snapshotOption(snapshotInput), table: snapshotTable(snapshotInput) }
    // no canvas in Node: the PNG step must fail loudly, not write a fake file
    await expect(exportAllFigures(workspace, '/tmp/out/', [figure])).rejects.toThrow()
    expect(written).toEqual([])
    expect(joinPath('C:\\figs\\', 'a.svg')).toBe('C:\\figs/a.svg')
    expect(safeFileName('snapshot t=0.25')).toBe('snapshot-t-0.25')
  })

  it('falls back to the in-app picker where there is no native dialog', async () => {
    const refusing = { chooseDirectory: async () => { throw new ServiceError(NO_NATIVE_DIALOG_ERROR, 'no dialog in browser mode') } }
    await expect(chooseExportFolder(refusing)).resolves.toEqual({ inApp: true })
    const native = { chooseDirectory: async () => '/home/me/figs' }
    await expect(chooseExportFolder(native)).resolves.toEqual({ path: '/home/me/figs' })
  })
})
