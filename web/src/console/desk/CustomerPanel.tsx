// The requester's customer record (客户档案), editable in place, with their recent tickets and satisfaction.
import Button from 'antd/es/button';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { getCustomer, isApiError, listTickets, putCustomer, type CustomerRecord, type Ticket } from '../../api';
import { deskKeys } from '../../shared/CustomFields';
import { StatusTag } from '../../shared/labels';
import { Muted } from '../../shared/ui';

const FIELDS = ['name', 'phone', 'organization', 'tier', 'region', 'address', 'notes'] as const;

export function CustomerPanel({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const email = ticket.requester.email.toLowerCase();
  const [editing, setEditing] = useState(false);
  const record = useQuery({
    queryKey: deskKeys.customer(email),
    queryFn: ({ signal }) =>
      getCustomer(email, { signal }).catch((e: unknown) => {
        if (isApiError(e) && e.status === 404) return { email, name: ticket.requester.name, saved: false } as CustomerRecord;
        throw e;
      }),
  });
  const recent = useQuery({
    queryKey: ['desk', 'recent', email],
    queryFn: ({ signal }) => listTickets({ view: 'requested', requester: email, limit: 10 }, { signal }),
  });
  const save = useMutation({
    mutationFn: (values: Omit<CustomerRecord, 'email' | 'saved'>) => putCustomer(email, values),
    onSuccess: (saved) => {
      qc.setQueryData(deskKeys.customer(email), saved);
      setEditing(false);
    },
  });
  const data = record.data;
  const others = (recent.data?.items ?? []).filter((tk) => tk.id !== ticket.id).slice(0, 5);
  const rated = (recent.data?.items ?? []).filter((tk) => tk.satisfaction);
  const average = rated.length ? rated.reduce((sum, tk) => sum + (tk.satisfaction?.score ?? 0), 0) / rated.length : null;

  if (editing && data) {
    return (
      <Form
        layout="vertical"
        size="small"
        data-testid="customer-form"
        initialValues={data}
        onFinish={(v: Record<string, string | undefined>) => {
          const clean = Object.fromEntries(FIELDS.map((k) => [k, v[k]?.trim() || null])) as Record<string, string | null>;
          save.mutate({ ...clean, name: clean.name || email } as Omit<CustomerRecord, 'email' | 'saved'>);
        }}
      >
        {FIELDS.map((k) => (
          <Form.Item key={k} name={k} label={t(`desk.customer.${k}`)} style={{ marginBottom: 8 }}>
            {k === 'notes' ? <Input.TextArea data-testid={`customer-${k}`} autoSize /> : <Input data-testid={`customer-${k}`} />}
          </Form.Item>
        ))}
        {save.error ? <div style={{ color: '#cf1322' }}>{save.error.message}</div> : null}
        <Button htmlType="submit" type="primary" size="small" loading={save.isPending} data-testid="customer-save">
          {t('desk.save')}
        </Button>{' '}
        <Button size="small" onClick={() => setEditing(false)}>
          {t('desk.cancel')}
        </Button>
      </Form>
    );
  }
  return (
    <div data-testid="customer-panel" style={{ fontSize: 13 }}>
      {data?.saved === false ? <Muted>{t('desk.customer.notSaved')}</Muted> : null}
      {data
        ? FIELDS.filter((k) => data[k]).map((k) => (
            <div key={k} data-testid={`customer-value-${k}`}>
              <Muted>{t(`desk.customer.${k}`)}:</Muted> {data[k]}
            </div>
          ))
        : null}
      <Button size="small" style={{ margin: '8px 0' }} onClick={() => setEditing(true)} data-testid="customer-edit" disabled={!data}>
        {t('desk.customer.edit')}
      </Button>
      <div>
        <Muted>{t('desk.customer.satisfaction')}:</Muted>{' '}
        <span data-testid="customer-satisfaction">
          {average === null ? t('desk.customer.noRatings') : `${average.toFixed(1)} / 5 (${rated.length})`}
        </span>
      </div>
      <div style={{ marginTop: 8 }}>
        <Muted>{t('desk.customer.recent')}:</Muted>
        <ul style={{ listStyle: 'none', padding: 0, margin: '4px 0 0' }} data-testid="customer-recent">
          {others.map((tk) => (
            <li key={tk.id} style={{ display: 'flex', gap: 6, alignItems: 'center' }}>
              <Link to={`/console/tickets/${encodeURIComponent(tk.id)}`}>{tk.number}</Link>
              <span className="hd-ellipsis" style={{ maxWidth: 140 }} title={tk.subject}>
                {tk.subject}
              </span>
              <StatusTag status={tk.status} />
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
