import { useMutation, useQueryClient } from '@tanstack/react-query';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Col from 'antd/es/col';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Row from 'antd/es/row';
import Select from 'antd/es/select';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { CHANNELS, createTicket, PRIORITIES, type Channel, type NewTicket, type Priority } from '../api';
import { newIdempotencyKey } from '../shared/idempotency';
import { AttachmentDrop, useUploads } from '../shared/Attachments';
import { CallerLookup } from './desk/CallerLookup';
import { CustomFieldInputs, fieldValues, isRequired, useFields, useTemplates } from '../shared/CustomFields';
import { useToast } from '../shared/toast';
import { qk, useTeams } from '../shared/queries';
import { Panel } from '../shared/ui';

interface FormValues {
  requester_email: string;
  requester_name?: string;
  channel: Channel;
  subject: string;
  description: string;
  priority: Priority;
  category?: string;
  team?: string;
  tags?: string[];
  template?: string;
  custom_fields?: Record<string, unknown>;
}

/** 新建工单 for a phone caller: the agent types in who called and what about. */
export default function NewTicketPage() {
  const { t } = useTranslation();
  const message = useToast();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const teams = useTeams();
  const [form] = Form.useForm<FormValues>();
  // ?requester=<email>&name=<name>: "new ticket for this customer" from their ticket list.
  const [search] = useSearchParams();
  const prefillEmail = search.get('requester')?.trim() || undefined;
  const prefillName = search.get('name')?.trim() || undefined;
  // One key per ticket being entered: a double click or a retry after a time-out cannot create two.
  const [idemKey, setIdemKey] = useState(newIdempotencyKey);
  const templates = useTemplates();
  const fields = useFields();
  const uploads = useUploads();
  const templateId = Form.useWatch('template', form);
  const category = Form.useWatch('category', form);
  const template = (templates.data ?? []).find((tp) => tp.id === templateId);
  // The template's fields first, then any other field the category requires.
  const shownFields = (fields.data ?? []).filter(
    (f) => template?.fields.includes(f.key) || isRequired(f, category?.trim() || template?.category),
  );

  function chooseTemplate(id: string | undefined) {
    const chosen = (templates.data ?? []).find((tp) => tp.id === id);
    if (!chosen) return;
    const current = form.getFieldsValue();
    form.setFieldsValue({
      subject: current.subject || chosen.subject || '',
      description: current.description || chosen.description || '',
      category: current.category || chosen.category,
      priority: chosen.priority ?? current.priority,
    });
  }

  const create = useMutation({
    mutationFn: (ticket: NewTicket) => createTicket(ticket, { idempotencyKey: idemKey }),
    onSuccess: (ticket) => {
      message.success(t('newTicket.created', { number: ticket.number }));
      setIdemKey(newIdempotencyKey());
      void qc.invalidateQueries({ queryKey: qk.tickets });
      navigate(`/console/tickets/${encodeURIComponent(ticket.id)}`);
    },
  });

  function submit(v: FormValues) {
    const ticket: NewTicket = {
      subject: v.subject.trim(),
      description: v.description.trim(),
      priority: v.priority,
      channel: v.channel,
      requester: { email: v.requester_email.trim(), ...(v.requester_name?.trim() ? { name: v.requester_name.trim() } : {}) },
    };
    if (v.category?.trim()) ticket.category = v.category.trim();
    if (v.team) ticket.team = v.team;
    if (v.tags?.length) ticket.tags = v.tags;
    if (v.template) ticket.template = v.template;
    const custom = fieldValues(v.custom_fields);
    if (Object.keys(custom).length > 0) ticket.custom_fields = custom;
    if (uploads.ids.length > 0) ticket.attachments = uploads.ids;
    create.mutate(ticket);
  }

  const required = { required: true, whitespace: true, message: t('common.required') };
  return (
    <Panel title={t('newTicket.title')} style={{ maxWidth: 880 }} testId="new-ticket-page">
      {create.error ? (
        <Alert type="error" showIcon title={create.error.message} style={{ marginBottom: 12 }} data-testid="new-ticket-error" />
      ) : null}
      <Form<FormValues>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ channel: 'phone', priority: 'P3', requester_email: prefillEmail, requester_name: prefillName }}
        onValuesChange={() => create.reset()}
      >
        <Row gutter={16}>
          <Col span={24}>
            <Form.Item label={t('desk.customer.lookupLabel')}>
              <CallerLookup
                onPick={(record) => form.setFieldsValue({ requester_email: record.email, requester_name: record.name })}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="requester_email"
              label={t('newTicket.requesterEmail')}
              rules={[required, { type: 'email', message: t('common.invalidEmail') }]}
            >
              <Input data-testid="new-requester-email" autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="requester_name" label={t('newTicket.requesterName')}>
              <Input data-testid="new-requester-name" autoComplete="off" maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="channel" label={t('newTicket.channel')}>
              <Select
                data-testid="new-channel"
                virtual={false}
                options={CHANNELS.filter((c) => c !== 'web').map((c) => ({
                  value: c,
                  label: t(`channel.${c}`),
                  'data-testid': `new-channel-${c}`,
                }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="priority" label={t('newTicket.priority')}>
              <Select
                data-testid="new-priority"
                virtual={false}
                options={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`), 'data-testid': `new-priority-${p}` }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="team" label={t('newTicket.team')}>
              <Select
                data-testid="new-team"
                virtual={false}
                allowClear
                placeholder={t('common.noTeam')}
                loading={teams.isPending}
                options={(teams.data ?? []).map((tm) => ({ value: tm.id, label: tm.name, 'data-testid': `new-team-${tm.id}` }))}
              />
            </Form.Item>
          </Col>
          {(templates.data ?? []).length > 0 ? (
            <Col span={24}>
              <Form.Item name="template" label={t('desk.template')}>
                <Select
                  data-testid="new-template"
                  virtual={false}
                  allowClear
                  placeholder={t('desk.templatePlaceholder')}
                  style={{ maxWidth: 320 }}
                  onChange={(id?: string) => chooseTemplate(id)}
                  options={(templates.data ?? []).map((tp) => ({ value: tp.id, label: tp.name }))}
                />
              </Form.Item>
            </Col>
          ) : null}
          <Col span={24}>
            <Form.Item name="subject" label={t('newTicket.subject')} rules={[required]}>
              <Input data-testid="new-subject" maxLength={200} autoFocus={!!prefillEmail} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="description" label={t('newTicket.description')} rules={[required]}>
              <Input.TextArea data-testid="new-description" autoSize={{ minRows: 5, maxRows: 16 }} maxLength={50_000} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="category" label={t('newTicket.category')}>
              <Input data-testid="new-category" maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="tags" label={t('newTicket.tags')}>
              <Select data-testid="new-tags" mode="tags" open={false} suffixIcon={null} tokenSeparators={[',', '，']} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <CustomFieldInputs fields={shownFields} category={category?.trim() || template?.category} />
          </Col>
          <Col span={24}>
            <AttachmentDrop uploads={uploads} testId="new-attachments" />
          </Col>
        </Row>
        <Button
          type="primary"
          htmlType="submit"
          loading={create.isPending}
          disabled={uploads.busy || uploads.tooMany}
          data-testid="new-submit"
        >
          {t('newTicket.submit')}
        </Button>
      </Form>
    </Panel>
  );
}
