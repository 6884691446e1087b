/**
 * The ECharts build the workbench uses: only the chart types and components its charts need
 * (tree-shaken through echarts/core), and the three themes of chartTheme.ts. The parallel chart and
 * component draw a sweep's parallel coordinates (options/sweepParallelOption.ts). Heatmaps are a
 * custom series of gradient rows (options/heatmapOption.ts), so HeatmapChart is not needed. Imported by the
 * chart component and by figure export (which renders offscreen with the same parts).
 */
import { CustomChart, LineChart, ParallelChart, ScatterChart } from 'echarts/charts'
import {
  DataZoomComponent, DatasetComponent, GridComponent, LegendComponent, MarkLineComponent, ParallelComponent, TitleComponent,
  TooltipComponent, VisualMapComponent,
} from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers'
import { THEME_NAMES, echartsTheme } from './chartTheme'

echarts.use([
  LineChart, CustomChart, ScatterChart, ParallelChart,
  GridComponent, ParallelComponent, TooltipComponent, LegendComponent, VisualMapComponent, DataZoomComponent, MarkLineComponent,
  TitleComponent, DatasetComponent,
  CanvasRenderer, SVGRenderer,
])
for (const name of THEME_NAMES) echarts.registerTheme(name, echartsTheme(name))

export { echarts }
