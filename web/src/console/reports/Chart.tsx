// One ECharts chart. ECharts (the core and only the chart types used) loads with the first chart, in its own chunk:
// the queue's first load never carries it.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Muted } from '../../shared/ui';

type ECharts = typeof import('./echarts');
let loading: Promise<ECharts> | null = null;

function loadEcharts(): Promise<ECharts> {
  loading ??= import('./echarts');
  return loading;
}

export function Chart({ option, height = 260, testId }: { option: Record<string, unknown>; height?: number; testId?: string }) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let disposed = false;
    let chart: { setOption: (o: unknown) => void; dispose: () => void; resize: () => void } | null = null;
    const onResize = () => chart?.resize();
    loadEcharts().then((echarts) => {
      if (disposed || !box.current) return;
      chart = echarts.init(box.current);
      chart.setOption(option);
      setReady(true);
      window.addEventListener('resize', onResize);
    });
    return () => {
      disposed = true;
      window.removeEventListener('resize', onResize);
      chart?.dispose();
    };
  }, [option]);
  return (
    <div style={{ position: 'relative' }} data-testid={testId} data-ready={ready ? 'true' : 'false'}>
      {ready ? null : (
        <div style={{ position: 'absolute', top: 8, left: 8 }}>
          <Muted>{t('reports.loadingCharts')}</Muted>
        </div>
      )}
      <div ref={box} style={{ width: '100%', height }} />
    </div>
  );
}
