// A chart: ECharts (chart-echarts.tsx) in its own chunk, fetched when the first chart is drawn.
import { lazy, Suspense } from 'react';
import { Skeleton } from 'antd';
import type { EChartsOption } from 'echarts';

const EChart = lazy(() => import('./chart-echarts'));

export function Chart({ option, height = 300, testId }: { option: EChartsOption; height?: number; testId?: string }) {
  return (
    <div data-testid={testId} style={{ minHeight: height }}>
      <Suspense fallback={<Skeleton active />}>
        <EChart option={option} height={height} />
      </Suspense>
    </div>
  );
}
