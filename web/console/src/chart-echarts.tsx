// ECharts with only the parts the console draws (line and bar charts on a grid, heat maps with their
// visual map, a funnel, tooltips, legends), canvas renderer; loaded on first use (see chart.tsx), so the
// console's first screen does not wait for it.
// The ES module build: the CommonJS one (lib/) reaches React as { default } after bundling.
import { useEffect, useRef } from 'react';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import * as echarts from 'echarts/core';
import { LineChart, BarChart, HeatmapChart, FunnelChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsOption } from 'echarts';
import type { ChartClick, ChartClickMode } from './chart';

echarts.use([LineChart, BarChart, HeatmapChart, FunnelChart, GridComponent, TooltipComponent, LegendComponent, VisualMapComponent, CanvasRenderer]);

export default function EChart({ option, height, onClick, clickMode = 'item' }: {
  option: EChartsOption; height: number; onClick?: (c: ChartClick) => void; clickMode?: ChartClickMode;
}) {
  // The latest handler, read when the click comes (the chart is set up once).
  const handler = useRef(onClick);
  useEffect(() => {
    handler.current = onClick;
  }, [onClick]);
  const grids = Array.isArray(option.grid) ? option.grid.length : 1;
  // After ECharts is done with the click: what the handler opens re-renders the chart (a new option), which
  // must not land while ECharts is still dispatching the event.
  const fire = (c: ChartClick) => {
    setTimeout(() => handler.current?.(c), 0);
  };
  const ready = (chart: echarts.ECharts) => {
    if (clickMode === 'item') {
      chart.on('click', (p) => fire({ gridIndex: 0, dataIndex: p.dataIndex, seriesIndex: p.seriesIndex }));
      return;
    }
    // Anywhere in a grid's column (or row) picks its category: a short bar is as easy to hit as a tall one.
    const zr = chart.getZr();
    const at = (x: number, y: number) => {
      if (chart.isDisposed()) return null;
      for (let g = 0; g < grids; g++) {
        // The grid's axes by their index (a finder by grid reaches into series ECharts may not have drawn yet).
        const finder = clickMode === 'x' ? { xAxisIndex: g } : { yAxisIndex: g };
        if (!chart.containPixel({ gridIndex: g }, [x, y])) continue;
        const v = chart.convertFromPixel(finder, clickMode === 'x' ? x : y) as number | number[] | undefined;
        const n = Array.isArray(v) ? v[0] : v;
        if (n === undefined) continue;
        const i = Math.round(n);
        if (Number.isFinite(i) && i >= 0) return { gridIndex: g, dataIndex: i };
      }
      return null;
    };
    zr.on('click', (e) => {
      const hit = at(e.offsetX, e.offsetY);
      if (hit) fire(hit);
    });
    zr.on('mousemove', (e) => zr.setCursorStyle(handler.current && at(e.offsetX, e.offsetY) ? 'pointer' : 'default'));
  };
  // The same figures drawn again (a parent re-rendered: new formatter closures, same data) keep the chart as
  // it is: replacing its series under the pointer breaks ECharts' next mouseout (a drawer opened by a click).
  const kept = useRef<{ sig: string; option: EChartsOption } | null>(null);
  const sig = JSON.stringify(option);
  if (kept.current?.sig !== sig) kept.current = { sig, option };
  return <ReactEChartsCore echarts={echarts} option={kept.current.option} style={{ height }} notMerge lazyUpdate onChartReady={onClick ? ready : undefined} />;
}
