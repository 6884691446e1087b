import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A small, fast experiment (N = 101, m = 100) for end-to-end tests; override any section. */
export function tinyExperiment(id: string, overrides: Record<string, Record<string, unknown>> = {}) {
  return {
    id,
    target: { expr: '(1-(x/2)^2)^4*(sin(2*x)+0.5*sin(5*x))', ...overrides.target },
    domain: { dim: 1, halfWidth: 2, samples: 101, sampling: 'grid', ...overrides.domain },
    network: { scales: [1, 2], width: 100, activation: 'sin', bias: false, amplitude: 'scale', trained: ['a', 'w'], init: 'zero-output', seed: 0, ...overrides.network },
    training: { learningRate: 'auto', time: 0.5, snapshots: [0, 0.25, 0.5], backend: 'js-f64', ...overrides.training },
    analysis: { xiMax: 3, xiPoints: 121, band: 2, models: ['diffusion', 'ntk'], timeGrid: 0, ...overrides.analysis },
  }
}

/** Writes a project folder with these experiments into a fresh temporary directory. */
export function writeTinyProject(experiments: unknown[], extra: Record<string, unknown> = {}): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'mscale-test-')), 'study.mscale')
  mkdirSync(dir)
  writeFileSync(join(dir, 'project.json'), JSON.stringify({ format: 'mscale-workbench/project', version: 1, name: 'test', experiments, ...extra }, null, 2))
  return dir
}
