// ECharts with only the parts the console draws (line and bar charts on a grid, heat maps with their
// visual map, a funnel, tooltips, legends), canvas renderer; loaded on first use (see chart.tsx), so the
// console's first screen does not wait for it.
// The ES module build: the CommonJS one (lib/) reaches React as { default } after bundling.
import ReactEChartsCore from 'echarts-for-react/esm/core';
import * as echarts from 'echarts/core';
import { LineChart, BarChart, HeatmapChart, FunnelChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsOption } from 'echarts';

echarts.use([LineChart, BarChart, HeatmapChart, FunnelChart, GridComponent, TooltipComponent, LegendComponent, VisualMapComponent, CanvasRenderer]);

export default function EChart({ option, height }: { option: EChartsOption; height: number }) {
  return <ReactEChartsCore echarts={echarts} option={option} style={{ height }} notMerge lazyUpdate />;
}
