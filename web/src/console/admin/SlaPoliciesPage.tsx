// SLA 策略与工作日历 (admin; supervisors read): targets per priority x channel x customer tier, the business
// calendars they count in (weekday working periods, statutory holidays and 调休, custom holidays and extra working
// days, or 24x7), and the warning share; saved whole with PUT, the server's reasons shown as a list.
import DeleteOutlined from '@ant-design/icons/DeleteOutlined';
import PlusOutlined from '@ant-design/icons/PlusOutlined';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Button from 'antd/es/button';
import Input from 'antd/es/input';
import InputNumber from 'antd/es/input-number';
import Select from 'antd/es/select';
import Skeleton from 'antd/es/skeleton';
import Space from 'antd/es/space';
import Switch from 'antd/es/switch';
import Tag from 'antd/es/tag';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CHANNELS,
  getSlaPolicies,
  PRIORITIES,
  putSlaPolicies,
  TARGET_UNITS,
  WEEKDAYS,
  type BusinessCalendar,
  type Priority,
  type SlaPolicy,
  type SlaPolicySet,
  type SlaTarget,
  type TargetUnit,
  type Weekday,
  type WorkingPeriod,
} from '../../api';
import { ErrorBlock } from '../../shared/ErrorBlock';
import { qk } from '../../shared/queries';
import { useToast } from '../../shared/toast';
import { Panel } from '../../shared/ui';
import { ReasonsAlert } from './ReasonsAlert';

export function targetParts(target: SlaTarget): { amount: number; unit: TargetUnit } {
  const unit = (TARGET_UNITS.find((u) => target[u] !== undefined) ?? 'hours') as TargetUnit;
  return { amount: target[unit] ?? 1, unit };
}

function TargetEditor({
  target,
  onChange,
  disabled,
  testId,
}: {
  target: SlaTarget;
  onChange: (t: SlaTarget) => void;
  disabled: boolean;
  testId: string;
}) {
  const { t } = useTranslation();
  const { amount, unit } = targetParts(target);
  return (
    <Space.Compact>
      <InputNumber
        data-testid={`${testId}-amount`}
        min={1}
        precision={0}
        style={{ width: 80 }}
        disabled={disabled}
        value={amount}
        onChange={(v) => onChange({ [unit]: typeof v === 'number' ? v : 1 })}
      />
      <Select<TargetUnit>
        data-testid={`${testId}-unit`}
        virtual={false}
        style={{ width: 100 }}
        disabled={disabled}
        value={unit}
        onChange={(u) => onChange({ [u]: amount })}
        options={TARGET_UNITS.map((u) => ({ value: u, label: t(`slaAdmin.units.${u}`) }))}
      />
    </Space.Compact>
  );
}

function PeriodsEditor({
  periods,
  onChange,
  disabled,
  testId,
}: {
  periods: WorkingPeriod[];
  onChange: (p: WorkingPeriod[]) => void;
  disabled: boolean;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <Space wrap size={4}>
      {periods.length === 0 ? <span style={{ color: 'rgba(0,0,0,0.45)' }}>{t('slaAdmin.dayOff')}</span> : null}
      {periods.map((p, k) => (
        <Space.Compact key={k}>
          <Input
            data-testid={`${testId}-${k}-start`}
            aria-label={t('slaAdmin.start')}
            style={{ width: 72 }}
            disabled={disabled}
            value={p.start}
            placeholder="09:00"
            onChange={(e) => onChange(periods.map((x, j) => (j === k ? { ...x, start: e.target.value.trim() } : x)))}
          />
          <Input
            data-testid={`${testId}-${k}-end`}
            aria-label={t('slaAdmin.end')}
            style={{ width: 72 }}
            disabled={disabled}
            value={p.end}
            placeholder="18:00"
            onChange={(e) => onChange(periods.map((x, j) => (j === k ? { ...x, end: e.target.value.trim() } : x)))}
          />
          <Button
            icon={<DeleteOutlined />}
            aria-label={t('slaAdmin.removePeriod')}
            data-testid={`${testId}-${k}-remove`}
            disabled={disabled}
            onClick={() => onChange(periods.filter((_, j) => j !== k))}
          />
        </Space.Compact>
      ))}
      <Button
        size="small"
        icon={<PlusOutlined />}
        data-testid={`${testId}-add`}
        disabled={disabled}
        onClick={() => onChange([...periods, periods.length ? { start: '13:00', end: '18:00' } : { start: '09:00', end: '18:00' }])}
      >
        {t('slaAdmin.addPeriod')}
      </Button>
    </Space>
  );
}

function DatesEditor({
  dates,
  onChange,
  disabled,
  testId,
  placeholder,
}: {
  dates: string[];
  onChange: (d: string[]) => void;
  disabled: boolean;
  testId: string;
  placeholder: string;
}) {
  return (
    <Select<string[]>
      data-testid={testId}
      virtual={false}
      mode="tags"
      style={{ width: '100%' }}
      disabled={disabled}
      value={dates}
      placeholder={placeholder}
      tokenSeparators={[',', '，', ' ']}
      onChange={(v) => onChange([...new Set(v.map((d) => d.trim()).filter(Boolean))].sort())}
      open={false}
      suffixIcon={null}
    />
  );
}

function CalendarEditor({
  calendar,
  index,
  onChange,
  onRemove,
  disabled,
}: {
  calendar: BusinessCalendar;
  index: number;
  onChange: (c: BusinessCalendar) => void;
  onRemove: () => void;
  disabled: boolean;
}) {
  const { t } = useTranslation();
  const id = `calendar-${index}`;
  return (
    <Panel
      small
      testId={id}
      style={{ marginBottom: 12 }}
      title={
        <Input
          data-testid={`${id}-name`}
          aria-label={t('slaAdmin.calendarName')}
          style={{ width: 200 }}
          disabled={disabled}
          value={calendar.name}
          onChange={(e) => onChange({ ...calendar, name: e.target.value })}
        />
      }
      extra={
        <Button danger icon={<DeleteOutlined />} data-testid={`${id}-delete`} disabled={disabled} onClick={onRemove}>
          {t('slaAdmin.deleteCalendar')}
        </Button>
      }
    >
      <Space wrap style={{ marginBottom: 8 }}>
        <span>{t('slaAdmin.timeZone')}</span>
        <Input
          data-testid={`${id}-timezone`}
          style={{ width: 180 }}
          disabled={disabled}
          value={calendar.time_zone}
          onChange={(e) => onChange({ ...calendar, time_zone: e.target.value.trim() })}
        />
        <span>{t('slaAdmin.alwaysOpen')}</span>
        <Switch
          data-testid={`${id}-always-open`}
          checked={calendar.always_open}
          disabled={disabled}
          onChange={(v) => onChange({ ...calendar, always_open: v, ...(v ? { holidays: [], extra_workdays: [] } : {}) })}
        />
        {!calendar.always_open ? (
          <>
            <span>{t('slaAdmin.statutory')}</span>
            <Switch
              data-testid={`${id}-statutory`}
              checked={calendar.statutory}
              disabled={disabled}
              onChange={(v) => onChange({ ...calendar, statutory: v })}
            />
          </>
        ) : null}
      </Space>
      {calendar.always_open ? (
        <div style={{ color: 'rgba(0,0,0,0.45)' }} data-testid={`${id}-24x7`}>
          {t('slaAdmin.alwaysOpenHint')}
        </div>
      ) : (
        <>
          <table className="hd-table" style={{ marginBottom: 8 }}>
            <tbody>
              {WEEKDAYS.map((day) => (
                <tr key={day} data-testid={`${id}-day-${day}`}>
                  <td style={{ width: 70 }}>{t(`slaAdmin.weekdays.${day}`)}</td>
                  <td>
                    <PeriodsEditor
                      testId={`${id}-hours-${day}`}
                      periods={calendar.hours[day] ?? []}
                      disabled={disabled}
                      onChange={(p) => onChange({ ...calendar, hours: { ...calendar.hours, [day]: p } })}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div style={{ marginBottom: 8 }}>
            <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)', marginBottom: 2 }}>{t('slaAdmin.holidays')}</div>
            <DatesEditor
              testId={`${id}-holidays`}
              dates={calendar.holidays}
              disabled={disabled}
              placeholder={t('slaAdmin.datesPlaceholder')}
              onChange={(d) => onChange({ ...calendar, holidays: d })}
            />
          </div>
          <div>
            <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)', marginBottom: 2 }}>{t('slaAdmin.extraWorkdays')}</div>
            <DatesEditor
              testId={`${id}-extra-workdays`}
              dates={calendar.extra_workdays}
              disabled={disabled}
              placeholder={t('slaAdmin.datesPlaceholder')}
              onChange={(d) => onChange({ ...calendar, extra_workdays: d })}
            />
          </div>
        </>
      )}
    </Panel>
  );
}

function PolicyRow({
  policy,
  index,
  calendars,
  onChange,
  onRemove,
  disabled,
}: {
  policy: SlaPolicy;
  index: number;
  calendars: string[];
  onChange: (p: SlaPolicy) => void;
  onRemove: () => void;
  disabled: boolean;
}) {
  const { t } = useTranslation();
  const id = `policy-${index}`;
  return (
    <tr data-testid={id}>
      <td>
        <Input data-testid={`${id}-name`} disabled={disabled} value={policy.name} onChange={(e) => onChange({ ...policy, name: e.target.value })} />
      </td>
      <td>
        <Select<Priority>
          data-testid={`${id}-priority`}
          virtual={false}
          style={{ width: 110 }}
          disabled={disabled}
          value={policy.priority}
          onChange={(v) => onChange({ ...policy, priority: v })}
          options={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }))}
        />
      </td>
      <td>
        <Select<string[]>
          data-testid={`${id}-channels`}
          virtual={false}
          mode="multiple"
          style={{ minWidth: 160 }}
          disabled={disabled}
          value={policy.channels}
          placeholder={t('slaAdmin.anyChannel')}
          onChange={(v) => onChange({ ...policy, channels: v })}
          options={CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))}
        />
      </td>
      <td>
        <Input
          data-testid={`${id}-tier`}
          style={{ width: 110 }}
          disabled={disabled}
          value={policy.tier ?? ''}
          placeholder={t('slaAdmin.anyTier')}
          onChange={(e) => onChange({ ...policy, tier: e.target.value.trim() ? e.target.value : null })}
        />
      </td>
      <td>
        <TargetEditor
          testId={`${id}-first`}
          target={policy.first_response}
          disabled={disabled}
          onChange={(tg) => onChange({ ...policy, first_response: tg })}
        />
      </td>
      <td>
        <TargetEditor
          testId={`${id}-resolution`}
          target={policy.resolution}
          disabled={disabled}
          onChange={(tg) => onChange({ ...policy, resolution: tg })}
        />
      </td>
      <td>
        <Select<string>
          data-testid={`${id}-calendar`}
          virtual={false}
          style={{ width: 120 }}
          disabled={disabled}
          value={policy.calendar}
          onChange={(v) => onChange({ ...policy, calendar: v })}
          options={calendars.map((c) => ({ value: c, label: c }))}
        />
      </td>
      <td>
        <Button icon={<DeleteOutlined />} aria-label={t('slaAdmin.deletePolicy')} data-testid={`${id}-delete`} disabled={disabled} onClick={onRemove} />
      </td>
    </tr>
  );
}

function newCalendar(n: number): BusinessCalendar {
  const day = [{ start: '09:00', end: '18:00' }];
  return {
    name: `calendar-${n}`,
    time_zone: 'Asia/Shanghai',
    always_open: false,
    statutory: true,
    hours: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: [], sun: [] } as Record<Weekday, WorkingPeriod[]>,
    makeup_hours: null,
    holidays: [],
    extra_workdays: [],
  };
}

export default function SlaPoliciesPage({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const q = useQuery({
    queryKey: qk.slaPolicies,
    queryFn: ({ signal }) => getSlaPolicies({ signal }),
    refetchOnWindowFocus: false,
    staleTime: Infinity,
  });
  const [draft, setDraft] = useState<SlaPolicySet | null>(null);
  const [dirty, setDirty] = useState(false);
  const loaded = useRef(false);
  useEffect(() => {
    if (q.data && !loaded.current) {
      loaded.current = true;
      setDraft(q.data);
    }
  }, [q.data]);
  const save = useMutation({
    mutationFn: (set: SlaPolicySet) => putSlaPolicies(set, q.data?.version),
    onSuccess: (saved) => {
      qc.setQueryData(qk.slaPolicies, saved);
      setDraft(saved);
      setDirty(false);
      toast.success(t('admin.saved'));
    },
  });

  if (q.isPending || (q.data && !draft)) return <Skeleton active paragraph={{ rows: 8 }} />;
  if (q.isError) return <ErrorBlock testId="sla-load-error" title={q.error.message} />;
  const set = draft!;
  const off = !canEdit || save.isPending;
  const update = (next: SlaPolicySet) => {
    setDraft(next);
    setDirty(true);
  };
  const setCalendar = (i: number, c: BusinessCalendar) => {
    const old = set.calendars[i].name;
    // A renamed calendar stays the one its policies count in.
    const policies = old !== c.name ? set.policies.map((p) => (p.calendar === old ? { ...p, calendar: c.name } : p)) : set.policies;
    update({ ...set, policies, calendars: set.calendars.map((x, k) => (k === i ? c : x)) });
  };

  return (
    <div data-testid="sla-page" data-dirty={dirty ? 'true' : 'false'}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 12, marginBottom: 12, flexWrap: 'wrap' }}>
        <h2 style={{ margin: 0, fontSize: 18 }}>{t('slaAdmin.title')}</h2>
        {canEdit ? (
          <Space style={{ marginLeft: 'auto' }}>
            <Button
              data-testid="sla-reset"
              disabled={!dirty || save.isPending}
              onClick={() => {
                setDraft(q.data ?? null);
                setDirty(false);
                save.reset();
              }}
            >
              {t('admin.discard')}
            </Button>
            <Button type="primary" data-testid="sla-save" loading={save.isPending} disabled={!dirty} onClick={() => save.mutate(set)}>
              {t('admin.save')}
            </Button>
          </Space>
        ) : (
          <Tag style={{ marginLeft: 'auto' }} data-testid="sla-readonly">
            {t('admin.readOnly')}
          </Tag>
        )}
      </div>
      <ReasonsAlert
        error={save.error}
        testId="sla-error"
        onReload={() =>
          void q.refetch().then((r) => {
            if (!r.data) return;
            setDraft(r.data);
            setDirty(false);
            save.reset();
          })
        }
      />
      <Panel small title={t('slaAdmin.policies')} style={{ marginBottom: 16 }}>
        <Space style={{ marginBottom: 12 }} wrap>
          <span>{t('slaAdmin.warningShare')}</span>
          <InputNumber
            data-testid="sla-warning-share"
            min={1}
            max={99}
            precision={0}
            suffix="%"
            disabled={off}
            value={Math.round(set.warning_share * 100)}
            onChange={(v) => typeof v === 'number' && update({ ...set, warning_share: v / 100 })}
          />
          <span style={{ color: 'rgba(0,0,0,0.45)' }}>{t('slaAdmin.warningShareHint')}</span>
        </Space>
        {set.escalation ? (
          <Space style={{ marginBottom: 12, display: 'flex' }} wrap data-testid="sla-escalation">
            <span>{t('slaAdmin.ackTimeout')}</span>
            <InputNumber
              data-testid="sla-ack-timeout"
              min={1}
              max={1440}
              precision={0}
              suffix={t('slaAdmin.units.minutes')}
              disabled={off}
              value={set.escalation.ack_timeout_minutes}
              onChange={(v) =>
                typeof v === 'number' && update({ ...set, escalation: { ...set.escalation!, ack_timeout_minutes: v } })
              }
            />
            <span>{t('slaAdmin.raiseOnBreach')}</span>
            <Switch
              data-testid="sla-raise-on-breach"
              checked={set.escalation.raise_priority_on_breach}
              disabled={off}
              onChange={(v) => update({ ...set, escalation: { ...set.escalation!, raise_priority_on_breach: v } })}
            />
            <span>{t('slaAdmin.reassignOnBreach')}</span>
            <Switch
              data-testid="sla-reassign-on-breach"
              checked={set.escalation.reassign_on_breach}
              disabled={off}
              onChange={(v) => update({ ...set, escalation: { ...set.escalation!, reassign_on_breach: v } })}
            />
            <span>{t('slaAdmin.secondLevel')}</span>
            <InputNumber
              data-testid="sla-second-level"
              min={0}
              max={10080}
              precision={0}
              suffix={t('slaAdmin.units.minutes')}
              disabled={off}
              value={set.escalation.second_level_after_minutes ?? 60}
              onChange={(v) =>
                typeof v === 'number' &&
                update({ ...set, escalation: { ...set.escalation!, second_level_after_minutes: v } })
              }
            />
          </Space>
        ) : null}
        <div className="hd-table-wrap">
          <table className="hd-table" data-testid="policies-table">
            <thead>
              <tr>
                <th>{t('slaAdmin.columns.name')}</th>
                <th>{t('slaAdmin.columns.priority')}</th>
                <th>{t('slaAdmin.columns.channels')}</th>
                <th>{t('slaAdmin.columns.tier')}</th>
                <th>{t('slaAdmin.columns.firstResponse')}</th>
                <th>{t('slaAdmin.columns.resolution')}</th>
                <th>{t('slaAdmin.columns.calendar')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {set.policies.map((p, i) => (
                <PolicyRow
                  key={i}
                  policy={p}
                  index={i}
                  calendars={set.calendars.map((c) => c.name)}
                  disabled={off}
                  onChange={(np) => update({ ...set, policies: set.policies.map((x, k) => (k === i ? np : x)) })}
                  onRemove={() => update({ ...set, policies: set.policies.filter((_, k) => k !== i) })}
                />
              ))}
            </tbody>
          </table>
        </div>
        {canEdit ? (
          <Button
            icon={<PlusOutlined />}
            style={{ marginTop: 8 }}
            data-testid="add-policy"
            disabled={off}
            onClick={() =>
              update({
                ...set,
                policies: [
                  ...set.policies,
                  {
                    name: t('slaAdmin.newPolicyName', { n: set.policies.length + 1 }),
                    priority: 'P3',
                    channels: [],
                    tier: null,
                    first_response: { hours: 8 },
                    resolution: { working_days: 3 },
                    calendar: set.calendars[0]?.name ?? 'business',
                  },
                ],
              })
            }
          >
            {t('slaAdmin.addPolicy')}
          </Button>
        ) : null}
      </Panel>
      <h3 style={{ fontSize: 16 }}>{t('slaAdmin.calendars')}</h3>
      {set.calendars.map((c, i) => (
        <CalendarEditor
          key={i}
          calendar={c}
          index={i}
          disabled={off}
          onChange={(nc) => setCalendar(i, nc)}
          onRemove={() => update({ ...set, calendars: set.calendars.filter((_, k) => k !== i) })}
        />
      ))}
      {canEdit ? (
        <Button
          icon={<PlusOutlined />}
          data-testid="add-calendar"
          disabled={off}
          onClick={() => update({ ...set, calendars: [...set.calendars, newCalendar(set.calendars.length + 1)] })}
        >
          {t('slaAdmin.addCalendar')}
        </Button>
      ) : null}
    </div>
  );
}
