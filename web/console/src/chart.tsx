// A chart: ECharts (chart-echarts.tsx) in its own chunk, fetched when the first chart is drawn.
import { lazy, Suspense } from 'react';
import { Skeleton } from 'antd';
import type { EChartsOption } from 'echarts';

const EChart = lazy(() => import('./chart-echarts'));

/** A click on a chart: the grid (for charts with several) and the index of the category or item. */
export interface ChartClick {
  gridIndex: number;
  dataIndex: number;
  seriesIndex?: number;
}
/** item: a click on a drawn item (a funnel stage); x / y: anywhere in a category's column / row of a grid. */
export type ChartClickMode = 'item' | 'x' | 'y';

export function Chart({ option, height = 300, testId, onClick, clickMode }: {
  option: EChartsOption; height?: number; testId?: string; onClick?: (c: ChartClick) => void; clickMode?: ChartClickMode;
}) {
  return (
    <div data-testid={testId} style={{ minHeight: height }}>
      <Suspense fallback={<Skeleton active />}>
        <EChart option={option} height={height} onClick={onClick} clickMode={clickMode} />
      </Suspense>
    </div>
  );
}
