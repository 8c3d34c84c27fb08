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
import { AttachmentDrop, useUploads } from '../shared/Attachments';
import { CustomFieldInputs, fieldValues, useFields, useTemplates } from '../shared/CustomFields';
import { newIdempotencyKey } from '../shared/idempotency';
import { useToast } from '../shared/toast';
import { qk } from '../shared/queries';
import { Muted, Panel } from '../shared/ui';
import { ArticleSuggestions } from './ArticleSuggestions';

interface FormValues {
  template?: string;
  subject: string;
  description: string;
  priority?: Priority;
  custom_fields?: Record<string, unknown>;
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
  const templates = useTemplates();
  const fields = useFields();
  const uploads = useUploads();
  const templateId = Form.useWatch('template', form);
  const template = (templates.data ?? []).find((tp) => tp.id === templateId);
  const templateFields = template ? (fields.data ?? []).filter((f) => template.fields.includes(f.key)) : [];
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
    if (v.template) ticket.template = v.template;
    const custom = fieldValues(v.custom_fields);
    if (Object.keys(custom).length > 0) ticket.custom_fields = custom;
    if (uploads.ids.length > 0) ticket.attachments = uploads.ids;
    create.mutate(ticket);
  }

  function chooseTemplate(id: string | undefined) {
    const chosen = (templates.data ?? []).find((tp) => tp.id === id);
    if (!chosen) return;
    // The template's wording fills what is still empty; what the customer typed stays.
    const current = form.getFieldsValue();
    form.setFieldsValue({
      subject: current.subject || chosen.subject || '',
      description: current.description || chosen.description || '',
      priority: current.priority ?? chosen.priority ?? undefined,
    });
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
      <AttachmentDrop uploads={uploads} testId="portal-attachments">
      <Form<FormValues> form={form} layout="vertical" onFinish={submit} onValuesChange={() => create.reset()}>
        {(templates.data ?? []).length > 0 ? (
          <Form.Item name="template" label={t('desk.template')}>
            <Select
              data-testid="portal-template"
              virtual={false}
              allowClear
              placeholder={t('desk.templatePlaceholder')}
              style={{ maxWidth: 320 }}
              onChange={(id?: string) => chooseTemplate(id)}
              options={(templates.data ?? []).map((tp) => ({ value: tp.id, label: tp.name, 'data-testid': `portal-template-${tp.id}` }))}
            />
          </Form.Item>
        ) : null}
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
        <CustomFieldInputs fields={templateFields} category={template?.category} />
        <Button
          type="primary"
          htmlType="submit"
          loading={create.isPending}
          disabled={uploads.busy || uploads.tooMany}
          data-testid="portal-submit"
        >
          {t('portal.submit')}
        </Button>
      </Form>
      </AttachmentDrop>
    </Panel>
  );
}
