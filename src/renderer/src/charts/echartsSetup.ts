/**
 * The ECharts build the workbench uses: only the chart types and components its charts need
 * (tree-shaken through echarts/core), and the three themes of chartTheme.ts. Heatmaps are a
 * custom series of gradient rows (options/heatmapOption.ts), so HeatmapChart is not needed. Imported by the
 * chart component and by figure export (which renders offscreen with the same parts).
 */
import { CustomChart, LineChart, ScatterChart } from 'echarts/charts'
import {
  DataZoomComponent, DatasetComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent,
  TooltipComponent, VisualMapComponent,
} from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers'
import { THEME_NAMES, echartsTheme } from './chartTheme'

echarts.use([
  LineChart, CustomChart, ScatterChart,
  GridComponent, TooltipComponent, LegendComponent, VisualMapComponent, DataZoomComponent, MarkLineComponent,
  TitleComponent, DatasetComponent,
  CanvasRenderer, SVGRenderer,
])
for (const name of THEME_NAMES) echarts.registerTheme(name, echartsTheme(name))

export { echarts }
