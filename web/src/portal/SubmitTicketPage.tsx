import { useMutation, useQueryClient } from '@tanstack/react-query';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Select from 'antd/es/select';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { createTicket, PRIORITIES, type NewTicket, type Priority } from '../api';
import { newIdempotencyKey } from '../shared/idempotency';
import { useToast } from '../shared/toast';
import { qk } from '../shared/queries';
import { Muted, Panel } from '../shared/ui';
import { ArticleSuggestions } from './ArticleSuggestions';

interface FormValues {
  subject: string;
  description: string;
  priority?: Priority;
}

export default function SubmitTicketPage() {
  const { t } = useTranslation();
  const message = useToast();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [idemKey, setIdemKey] = useState(newIdempotencyKey);
  const [form] = Form.useForm<FormValues>();
  const subject = Form.useWatch('subject', form) ?? '';
  const [deflected, setDeflected] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (ticket: NewTicket) => createTicket(ticket, { idempotencyKey: idemKey }),
    onSuccess: (ticket) => {
      message.success(t('portal.submitted', { number: ticket.number }));
      setIdemKey(newIdempotencyKey());
      void qc.invalidateQueries({ queryKey: qk.tickets });
      navigate(`/portal/tickets/${encodeURIComponent(ticket.id)}`);
    },
  });

  function submit(v: FormValues) {
    const ticket: NewTicket = { subject: v.subject.trim(), description: v.description.trim() };
    if (v.priority) ticket.priority = v.priority;
    create.mutate(ticket);
  }

  const required = { required: true, whitespace: true, message: t('common.required') };
  if (deflected) {
    // The article answered it: nothing is submitted. The form comes back if they still want to write to us.
    return (
      <Panel style={{ maxWidth: 760, margin: '0 auto' }} testId="portal-deflected">
        <Alert type="success" showIcon title={t('kb.deflected')} style={{ marginBottom: 12 }} />
        <Muted>{t('kb.stillNeedHelp')}</Muted>
        <div style={{ display: 'flex', gap: 8, marginTop: 12 }}>
          <Link to="/help">
            <Button data-testid="portal-deflected-help">{t('kb.help')}</Button>
          </Link>
          <Button onClick={() => setDeflected(null)} data-testid="portal-deflected-continue">
            {t('portal.submitTitle')}
          </Button>
        </div>
      </Panel>
    );
  }
  return (
    <Panel title={t('portal.submitTitle')} style={{ maxWidth: 760, margin: '0 auto' }} testId="portal-submit-page">
      {create.error ? (
        <Alert type="error" showIcon title={create.error.message} style={{ marginBottom: 12 }} data-testid="portal-submit-error" />
      ) : null}
      <Form<FormValues> form={form} layout="vertical" onFinish={submit} onValuesChange={() => create.reset()}>
        <Form.Item name="subject" label={t('portal.subject')} rules={[required]} style={{ marginBottom: 8 }}>
          <Input data-testid="portal-subject" placeholder={t('portal.subjectPlaceholder')} maxLength={200} />
        </Form.Item>
        <ArticleSuggestions subject={subject} onDeflected={setDeflected} />
        <Form.Item name="description" label={t('portal.description')} rules={[required]}>
          <Input.TextArea
            data-testid="portal-description"
            placeholder={t('portal.descriptionPlaceholder')}
            autoSize={{ minRows: 6, maxRows: 16 }}
            maxLength={50_000}
          />
        </Form.Item>
        <Form.Item name="priority" label={t('portal.priority')}>
          <Select
            data-testid="portal-priority"
            virtual={false}
            allowClear
            placeholder={t('portal.priorityPlaceholder')}
            style={{ maxWidth: 240 }}
            options={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`), 'data-testid': `portal-priority-${p}` }))}
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="portal-submit">
          {t('portal.submit')}
        </Button>
      </Form>
    </Panel>
  );
}
