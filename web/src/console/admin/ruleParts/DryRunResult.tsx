// The dry run's answer, shared by routing rules and triggers: which rules fired, the resulting fields, and the
// trace of every rule and pass in the reader's language.
import Alert from 'antd/es/alert';
import Space from 'antd/es/space';
import Tag from 'antd/es/tag';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { DryRunOutcome, RuleTrace } from '../../../api';
import { agentName, teamName, useAgents, useTeams } from '../../../shared/queries';

const STATUS_COLORS: Record<string, string> = {
  fired: 'green',
  not_matched: 'default',
  error: 'red',
  skipped: 'orange',
  disabled: 'default',
};

function show(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.length ? v.map(String).join(', ') : '—';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function DryRunResult({ outcome }: { outcome: DryRunOutcome }) {
  const { t } = useTranslation();
  const teams = useTeams();
  const agents = useAgents();
  const fields: [string, unknown][] = [
    ['team', teamName(teams.data, outcome.team)],
    ['priority', outcome.priority ? t(`priority.${outcome.priority}`, { defaultValue: outcome.priority }) : null],
    ['category', outcome.category],
    ['assignee', agentName(agents.data, outcome.assignee)],
    ['tags', outcome.tags],
    ['notify', outcome.notify],
  ];
  // A trigger's dry run also shows what only triggers do.
  if (outcome.event && outcome.event !== 'created') {
    fields.push(
      ['status', outcome.status ? t(`status.${outcome.status}`, { defaultValue: outcome.status }) : null],
      ['replies', outcome.replies ?? []],
      ['escalate', (outcome.escalate ?? []).map((note) => note || t('rules.escalated'))],
    );
  }
  const changed = new Set(outcome.changes.map((c) => c.field));
  return (
    <div data-testid="dry-run-result">
      <div style={{ marginBottom: 8 }}>
        <strong>{t('rules.firedRules')}: </strong>
        <span data-testid="dry-run-fired">
          {outcome.fired.length === 0 ? (
            <span>{t('rules.noneFired')}</span>
          ) : (
            outcome.fired.map((name) => (
              <Tag color="green" key={name} data-testid={`fired-${name}`}>
                {name}
              </Tag>
            ))
          )}
        </span>
      </div>
      {!outcome.converged ? <Alert type="warning" showIcon title={t('rules.notConverged')} style={{ marginBottom: 8 }} /> : null}
      <table className="hd-table" data-testid="dry-run-fields" style={{ marginBottom: 12 }}>
        <tbody>
          {fields.map(([name, value]) => (
            <tr key={name} data-testid={`dry-run-field-${name}`} data-changed={changed.has(name) ? 'true' : 'false'}>
              <td style={{ width: 90 }}>{t(`rules.outcome.${name}`)}</td>
              <td style={{ fontWeight: changed.has(name) ? 600 : undefined }}>{show(value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div style={{ fontWeight: 600, marginBottom: 4 }}>
        {t('rules.trace')} <span style={{ fontWeight: 400, color: 'rgba(0,0,0,0.45)' }}>{t('rules.passes', { count: outcome.passes })}</span>
      </div>
      <ol data-testid="dry-run-trace" style={{ paddingLeft: 20, margin: 0 }}>
        {outcome.trace.map((tr, i) => (
          <li key={i} data-testid={`trace-${i}`} data-status={tr.status} style={{ marginBottom: 6 }}>
            <Space size={4} wrap>
              <Tag color={STATUS_COLORS[tr.status] ?? 'default'}>{t(`rules.status.${tr.status}`, { defaultValue: tr.status })}</Tag>
              <strong>{tr.rule}</strong>
              <span style={{ color: 'rgba(0,0,0,0.45)', fontSize: 12 }}>{t('rules.passNumber', { pass: tr.pass })}</span>
            </Space>
            <div style={{ fontSize: 13 }} title={tr.detail} data-testid={`trace-${i}-why`}>
              {t(`rules.traceWhy.${tr.status}`, { detail: traceDetail(tr, t), defaultValue: tr.detail })}
            </div>
            {tr.conditions.length > 0 ? (
              <ul style={{ paddingLeft: 18, margin: 0, fontSize: 12, color: '#595959' }}>
                {tr.conditions.map((c, j) => (
                  <li key={j} title={c.detail}>
                    {c.matched ? '✓' : '✗'} {conditionText(c, t)}
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** What the trace says of a rule: for a failed rule, its error in the reader's language (the English detail else). */
function traceDetail(tr: RuleTrace, t: TFunction): string {
  if (!tr.error) return tr.detail;
  const { code, ...params } = tr.error;
  const field = typeof params.field === 'string' ? fieldLabel(params.field, t) : params.field;
  return t(`rules.errors.${code}`, { ...params, field, defaultValue: tr.detail });
}

function fieldLabel(field: string, t: TFunction): string {
  return field.startsWith('custom_fields.')
    ? field.slice('custom_fields.'.length)
    : t(`rules.fields.${field}`, { defaultValue: field });
}

/** A condition of the trace in the reader's language: field, operator and the values it looked for. */
function conditionText(c: { field: string; operator: string; expected: unknown }, t: TFunction): string {
  const field = fieldLabel(c.field, t);
  const values = Array.isArray(c.expected) ? c.expected.map(String).join('、') : String(c.expected ?? '');
  return `${field} ${t(`rules.operators.${c.operator}`, { defaultValue: c.operator })} ${values}`.trim();
}

