/**
 * The one visual language of every chart (UI.md, "Plots"):
 *
 * - sources by line style: training solid, diffusion model dashed, NTK prediction dotted;
 * - scale sets (runs, or frequencies on the decay chart) by colour, in the colour-blind-safe
 *   Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design");
 * - heatmaps in viridis (perceptually uniform), the colour bar labelled in log10 units;
 * - axis names with units, from AXIS_NAMES;
 * - a screen theme that follows the OS light/dark setting and a paper theme (white, larger fonts,
 *   thicker lines, no UI chrome) that export uses by default.
 *
 * Option builders (./options) take their colours and line styles from here and leave fonts,
 * backgrounds and line widths to the ECharts theme objects below, so one option renders on screen
 * and on paper alike.
 */

/** Okabe-Ito, ordered so the first colours read well on white and on a dark background. */
export const OKABE_ITO = {
  blue: '#0072B2',
  orange: '#E69F00',
  bluishGreen: '#009E73',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
  skyBlue: '#56B4E9',
  yellow: '#F0E442',
  black: '#000000',
} as const

/** The palette in the order scale sets take it (black last: invisible on the dark screen theme). */
export const SCALE_SET_COLORS: readonly string[] = [
  OKABE_ITO.blue,
  OKABE_ITO.orange,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.vermillion,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.skyBlue,
  OKABE_ITO.yellow,
  OKABE_ITO.black,
]

/** The colour of the k-th scale set (or run, or picked frequency), cycling through Okabe-Ito. */
export function scaleSetColor(index: number): string {
  const n = SCALE_SET_COLORS.length
  return SCALE_SET_COLORS[((index % n) + n) % n]
}

/** Where a curve comes from; decides its line style everywhere. */
export type CurveSource = 'training' | 'diffusion' | 'ntk'

export const SOURCE_LINE_TYPE: Record<CurveSource, 'solid' | 'dashed' | 'dotted'> = {
  training: 'solid',
  diffusion: 'dashed',
  ntk: 'dotted',
}

export const SOURCE_LABEL: Record<CurveSource, string> = {
  training: 'training',
  diffusion: 'diffusion model',
  ntk: 'NTK prediction',
}

/** Viridis (matplotlib's, van der Walt & Smith 2015), sampled at 9 stops from dark to light. */
export const VIRIDIS: readonly string[] = [
  '#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725',
]

/** Axis names with their units (UI.md, "Plots"). */
export const AXIS_NAMES = {
  xi: 'xi (cycles per unit length)',
  t: 't (model time = steps x learning rate)',
  x: 'x',
  step: 'step',
  absQ: '|Q(xi, t)|',
  absP: '|P(xi, t)|',
  log10AbsQ: 'log10 |Q(xi, t)|',
  log10AbsP: 'log10 |P(xi, t)|',
  loss: 'loss = 1/2 sum_i q_i (f(x_i) - g(x_i))^2',
  rel: 'rel(t) (model vs training)',
  coefficient: 'coefficient value',
  targetValue: 'g(x), f(x)',
  spectrum: '|transform of g|',
} as const

export type ChartThemeName = 'screen' | 'paper'
/** The ECharts theme registered for each look (screen splits by the OS colour scheme). */
export type ResolvedThemeName = 'workbench-screen-light' | 'workbench-screen-dark' | 'workbench-paper'

export function resolveThemeName(theme: ChartThemeName, prefersDark: boolean): ResolvedThemeName {
  if (theme === 'paper') return 'workbench-paper'
  return prefersDark ? 'workbench-screen-dark' : 'workbench-screen-light'
}

interface ThemeTokens {
  background: string
  text: string
  subtleText: string
  axisLine: string
  splitLine: string
  fontSize: number
  nameFontSize: number
  titleFontSize: number
  lineWidth: number
  tooltipBackground: string
}

const TOKENS: Record<ResolvedThemeName, ThemeTokens> = {
  'workbench-screen-light': {
    background: 'transparent', text: '#1f2328', subtleText: '#57606a', axisLine: '#8c959f', splitLine: '#eaeef2',
    fontSize: 11, nameFontSize: 12, titleFontSize: 13, lineWidth: 1.5, tooltipBackground: 'rgba(255,255,255,0.96)',
  },
  'workbench-screen-dark': {
    background: 'transparent', text: '#d8dee4', subtleText: '#9da7b3', axisLine: '#6e7681', splitLine: '#30363d',
    fontSize: 11, nameFontSize: 12, titleFontSize: 13, lineWidth: 1.5, tooltipBackground: 'rgba(22,27,34,0.96)',
  },
  'workbench-paper': {
    background: '#ffffff', text: '#000000', subtleText: '#222222', axisLine: '#000000', splitLine: '#e6e6e6',
    fontSize: 15, nameFontSize: 16, titleFontSize: 17, lineWidth: 2.5, tooltipBackground: '#ffffff',
  },
}

/** An ECharts theme object (echarts.registerTheme) for one look. */
export function echartsTheme(name: ResolvedThemeName): Record<string, unknown> {
  const k = TOKENS[name]
  const axis = {
    axisLine: { show: true, lineStyle: { color: k.axisLine } },
    axisTick: { show: true, lineStyle: { color: k.axisLine } },
    axisLabel: { color: k.subtleText, fontSize: k.fontSize },
    nameTextStyle: { color: k.text, fontSize: k.nameFontSize },
    splitLine: { show: true, lineStyle: { color: k.splitLine } },
    minorSplitLine: { lineStyle: { color: k.splitLine } },
  }
  return {
    color: [...SCALE_SET_COLORS],
    backgroundColor: k.background,
    textStyle: { color: k.text, fontSize: k.fontSize },
    title: { textStyle: { color: k.text, fontSize: k.titleFontSize, fontWeight: 'normal' }, subtextStyle: { color: k.subtleText } },
    legend: { textStyle: { color: k.text, fontSize: k.fontSize }, inactiveColor: k.splitLine },
    tooltip: { backgroundColor: k.tooltipBackground, borderColor: k.axisLine, textStyle: { color: k.text, fontSize: k.fontSize } },
    categoryAxis: { ...axis, splitLine: { show: false } },
    valueAxis: axis,
    logAxis: axis,
    line: { lineStyle: { width: k.lineWidth }, symbol: 'none' },
    scatter: { symbolSize: name === 'workbench-paper' ? 7 : 5 },
    visualMap: { textStyle: { color: k.text, fontSize: k.fontSize } },
    dataZoom: { textStyle: { color: k.subtleText } },
    markLine: { label: { color: k.text } },
  }
}

export const THEME_NAMES: readonly ResolvedThemeName[] = ['workbench-screen-light', 'workbench-screen-dark', 'workbench-paper']

/** Font size of the theme (used where an option must size text itself, e.g. exported titles). */
export function themeFontSize(name: ResolvedThemeName): number {
  return TOKENS[name].fontSize
}
