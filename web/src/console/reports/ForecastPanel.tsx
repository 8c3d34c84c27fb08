// 趋势预测: expected tickets per day with the interval, and the agents needed per hour (Erlang C).
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Forecast } from '../../api';
import { Panel } from '../../shared/ui';
import { Chart } from './Chart';

export function ForecastPanel({ forecast }: { forecast: Forecast }) {
  const { t } = useTranslation();
  const days = forecast.days;
  const [day, setDay] = useState(days[0]?.date ?? '');
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: [t('reports.expected'), t('reports.interval')] },
      grid: { left: 40, right: 16, top: 32, bottom: 28 },
      xAxis: { type: 'category', data: days.map((d) => d.date.slice(5)) },
      yAxis: { type: 'value' },
      series: [
        // The interval as a band: the low line, and the width stacked on it.
        { name: 'low', type: 'line', data: days.map((d) => d.low), stack: 'band', symbol: 'none', lineStyle: { opacity: 0 } },
        {
          name: t('reports.interval'),
          type: 'line',
          data: days.map((d) => Math.round((d.high - d.low) * 10) / 10),
          stack: 'band',
          symbol: 'none',
          lineStyle: { opacity: 0 },
          areaStyle: { opacity: 0.2 },
        },
        { name: t('reports.expected'), type: 'line', data: days.map((d) => d.expected) },
      ],
    }),
    [days, t],
  );
  const hours = forecast.staffing.filter((s) => s.date === day);
  const a = forecast.assumptions;
  return (
    <Panel title={t('reports.forecast')} style={{ marginTop: 12 }} small testId="report-forecast">
      <div style={{ color: '#888', marginBottom: 4 }} data-testid="forecast-method">
        {t('reports.method', { method: forecast.method, days: forecast.history_days })}
      </div>
      <div style={{ color: '#888', marginBottom: 8 }}>
        {t('reports.assumptions', {
          handle: a.handle_minutes,
          measured: a.handle_measured ? t('reports.measured') : t('reports.assumed'),
          target: a.first_response_target_minutes,
        })}
      </div>
      <Chart option={option} testId="chart-forecast" />
      <h4 style={{ margin: '12px 0 8px' }}>{t('reports.staffing')}</h4>
      <div className="hd-tabs" role="tablist" style={{ flexWrap: 'wrap' }}>
        {days.map((d) => (
          <button
            key={d.date}
            type="button"
            role="tab"
            aria-selected={d.date === day}
            className={d.date === day ? 'hd-tab hd-tab-active' : 'hd-tab'}
            onClick={() => setDay(d.date)}
          >
            {d.date.slice(5)}
          </button>
        ))}
      </div>
      <div className="hd-table-wrap">
        <table className="hd-table" data-testid="forecast-staffing">
          <thead>
            <tr>
              <th>{t('reports.hour')}</th>
              <th>{t('reports.expected')}</th>
              <th>{t('reports.agentsNeeded')}</th>
            </tr>
          </thead>
          <tbody>
            {hours.map((h) => (
              <tr key={h.hour}>
                <td>{`${String(h.hour).padStart(2, '0')}:00`}</td>
                <td>{h.expected}</td>
                <td>{h.agents_needed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}
