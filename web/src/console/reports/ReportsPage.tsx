// 报表 (supervisors, admins): the day, week or month report with its charts and tables, the CSV/Excel downloads,
// and the forecast with staffing. Definitions: docs/reports.md.
import { useQuery } from '@tanstack/react-query';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import DatePicker from 'antd/es/date-picker';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { downloadReport, getForecast, getReport, type DimensionRow, type Report, type ReportFormat, type ReportPeriod } from '../../api';
import { Panel } from '../../shared/ui';
import { useToast } from '../../shared/toast';
import { Chart } from './Chart';
import { ForecastPanel } from './ForecastPanel';

const PERIODS: ReportPeriod[] = ['day', 'week', 'month'];

export function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`;
}

function metOption(rows: DimensionRow[], none: string, labels: [string, string]) {
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: labels },
    grid: { left: 40, right: 16, top: 32, bottom: 28 },
    xAxis: { type: 'category', data: rows.map((r) => r.key ?? none) },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      { name: labels[0], type: 'bar', data: rows.map((r) => Math.round((r.first_response.met_rate ?? 0) * 1000) / 10) },
      { name: labels[1], type: 'bar', data: rows.map((r) => Math.round((r.resolution.met_rate ?? 0) * 1000) / 10) },
    ],
  };
}

export default function ReportsPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const [params, setParams] = useSearchParams();
  const period = (PERIODS as string[]).includes(params.get('period') ?? '') ? (params.get('period') as ReportPeriod) : 'day';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(params.get('date') ?? '') ? (params.get('date') as string) : dayjs().format('YYYY-MM-DD');
  const [busy, setBusy] = useState<ReportFormat | null>(null);
  const report = useQuery({ queryKey: ['report', period, date], queryFn: ({ signal }) => getReport(period, date, { signal }) });
  const forecast = useQuery({ queryKey: ['forecast', 14], queryFn: ({ signal }) => getForecast(14, { signal }) });

  const choose = (next: { period?: ReportPeriod; date?: string }) =>
    setParams({ period: next.period ?? period, date: next.date ?? date }, { replace: true });

  const save = async (format: ReportFormat) => {
    setBusy(format);
    try {
      const { blob, filename } = await downloadReport(period, date, format);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = filename;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      toast.error(t('reports.downloadFailed', { message: e instanceof Error ? e.message : String(e) }));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div data-testid="reports-page" data-period={period} data-date={date}>
      <div style={{ display: 'flex', gap: 12, alignItems: 'center', flexWrap: 'wrap', marginBottom: 12 }}>
        <div role="tablist" className="hd-tabs" aria-label={t('reports.title')}>
          {PERIODS.map((p) => (
            <button
              key={p}
              type="button"
              role="tab"
              aria-selected={p === period}
              data-testid={`report-period-${p}`}
              className={p === period ? 'hd-tab hd-tab-active' : 'hd-tab'}
              onClick={() => choose({ period: p })}
            >
              {t(`reports.period.${p}`)}
            </button>
          ))}
        </div>
        <DatePicker
          data-testid="report-date"
          allowClear={false}
          value={dayjs(date)}
          onChange={(value: Dayjs | null) => value && choose({ date: value.format('YYYY-MM-DD') })}
        />
        <Button data-testid="report-csv" loading={busy === 'csv'} onClick={() => save('csv')}>
          {t('reports.csv')}
        </Button>
        <Button type="primary" data-testid="report-excel" loading={busy === 'xlsx'} onClick={() => save('xlsx')}>
          {t('reports.excel')}
        </Button>
      </div>
      {report.isError ? <Alert type="error" showIcon title={report.error.message} data-testid="report-error" /> : null}
      {report.data ? <ReportBody report={report.data} /> : null}
      {forecast.data ? <ForecastPanel forecast={forecast.data} /> : null}
    </div>
  );
}

function ReportBody({ report }: { report: Report }) {
  const { t } = useTranslation();
  const none = t('reports.none');
  const totals = report.totals;
  const labels: [string, string] = [t('reports.firstResponse'), t('reports.resolution')];
  const trend = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: [t('reports.created'), t('reports.resolved')] },
      grid: { left: 40, right: 16, top: 32, bottom: 28 },
      xAxis: { type: 'category', data: report.daily.map((d) => d.date.slice(5)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: t('reports.created'), type: 'line', data: report.daily.map((d) => d.created) },
        { name: t('reports.resolved'), type: 'line', data: report.daily.map((d) => d.resolved) },
      ],
    }),
    [report, t],
  );
  const byChannel = useMemo(() => metOption(report.by_channel, none, labels), [report, none]); // eslint-disable-line react-hooks/exhaustive-deps
  const byPriority = useMemo(() => metOption(report.by_priority, none, labels), [report, none]); // eslint-disable-line react-hooks/exhaustive-deps
  const reasons = useMemo(
    () => ({
      tooltip: {},
      grid: { left: 90, right: 16, top: 8, bottom: 24 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: report.breach_reasons.map((r) => r.label) },
      series: [{ type: 'bar', data: report.breach_reasons.map((r) => r.count) }],
    }),
    [report],
  );
  const stat = (label: string, value: string | number, testId: string) => (
    <div className="hd-panel" style={{ padding: '8px 16px', minWidth: 140 }}>
      <div style={{ color: '#888', fontSize: 12 }}>{label}</div>
      <div style={{ fontSize: 22 }} data-testid={testId}>
        {value}
      </div>
    </div>
  );
  return (
    <div data-testid="report-body" data-start={report.start} data-end={report.end}>
      <div style={{ color: '#888', marginBottom: 8 }} data-testid="report-range">
        {t('reports.range', { start: report.start, end: report.end, tz: report.timezone })}
      </div>
      <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap', marginBottom: 12 }}>
        {stat(t('reports.created'), totals.created, 'report-created')}
        {stat(t('reports.resolved'), totals.resolved, 'report-resolved')}
        {stat(t('reports.reopened'), totals.reopened, 'report-reopened')}
        {stat(t('reports.firstResponseMet'), percent(totals.first_response.met_rate), 'report-fr-met')}
        {stat(t('reports.resolutionMet'), percent(totals.resolution.met_rate), 'report-res-met')}
        {stat(
          t('reports.satisfaction'),
          totals.satisfaction.mean === null ? '—' : `${totals.satisfaction.mean} · ${percent(totals.satisfaction.satisfied_rate)}`,
          'report-satisfaction',
        )}
      </div>
      <div className="hd-admin-grid" style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(420px, 1fr))', gap: 12 }}>
        <Panel title={t('reports.trend')} small>
          <Chart option={trend} testId="chart-trend" />
        </Panel>
        <Panel title={t('reports.breachReasons')} small>
          <Chart option={reasons} testId="chart-reasons" />
        </Panel>
        <Panel title={t('reports.metByChannel')} small>
          <Chart option={byChannel} testId="chart-channel" />
        </Panel>
        <Panel title={t('reports.metByPriority')} small>
          <Chart option={byPriority} testId="chart-priority" />
        </Panel>
      </div>
      <Panel title={t('reports.agents')} style={{ marginTop: 12 }} small>
        <div className="hd-table-wrap">
          <table className="hd-table" data-testid="report-agents">
            <thead>
              <tr>
                <th>{t('reports.agent')}</th>
                <th>{t('reports.handled')}</th>
                <th>{t('reports.meanFirstResponse')}</th>
                <th>{t('reports.firstResponseMet')}</th>
                <th>{t('reports.resolutionMet')}</th>
                <th>{t('reports.satisfaction')}</th>
              </tr>
            </thead>
            <tbody>
              {report.by_agent.map((row) => (
                <tr key={row.key ?? '-'} data-testid={`report-agent-${row.key ?? 'none'}`}>
                  <td>{row.key ?? none}</td>
                  <td>{row.resolution.count}</td>
                  <td>
                    {row.first_response.mean_minutes === null ? '—' : t('reports.minutes', { value: row.first_response.mean_minutes })}
                  </td>
                  <td>{percent(row.first_response.met_rate)}</td>
                  <td>{percent(row.resolution.met_rate)}</td>
                  <td>{row.satisfaction.mean ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
      {report.kb && (
        <Panel title={t('reports.kb')} style={{ marginTop: 12 }} small>
          <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap', marginBottom: 8 }}>
            {stat(t('reports.kbViews'), report.kb.views, 'report-kb-views')}
            {stat(t('reports.kbHelpful'), `${report.kb.helpful} / ${report.kb.not_helpful}`, 'report-kb-helpful')}
            {stat(t('reports.kbDeflections'), report.kb.deflections, 'report-kb-deflections')}
          </div>
          <div className="hd-table-wrap">
            <table className="hd-table" data-testid="report-kb-articles">
              <thead>
                <tr>
                  <th>{t('reports.kbArticle')}</th>
                  <th>{t('reports.kbViews')}</th>
                  <th>{t('reports.kbHelpful')}</th>
                  <th>{t('reports.kbDeflections')}</th>
                </tr>
              </thead>
              <tbody>
                {report.kb.articles.map((a) => (
                  <tr key={a.article_id}>
                    <td>{a.title}</td>
                    <td>{a.views}</td>
                    <td>
                      {a.helpful} / {a.not_helpful}
                    </td>
                    <td>{a.deflections}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Panel>
      )}
      <Panel title={t('reports.answers')} style={{ marginTop: 12 }} small>
        <div className="hd-table-wrap">
          <table className="hd-table" data-testid="report-answers">
            <thead>
              <tr>
                <th>{t('reports.ticket')}</th>
                <th>{t('reports.customer')}</th>
                <th>{t('reports.score')}</th>
                <th>{t('reports.comment')}</th>
              </tr>
            </thead>
            <tbody>
              {report.answers.map((a) => (
                <tr key={`${a.number}-${a.rated_at}`}>
                  <td>{a.number}</td>
                  <td>{a.customer}</td>
                  <td>{a.score}</td>
                  <td>{a.comment}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
    </div>
  );
}
