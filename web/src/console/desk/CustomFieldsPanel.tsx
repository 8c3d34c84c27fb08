// The ticket's custom fields with their labels, editable in place (PATCH custom_fields; the server checks them).
import Button from 'antd/es/button';
import Form from 'antd/es/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Ticket, TicketChanges } from '../../api';
import { CustomFieldInputs, fieldLabel, fieldValues, formatValue, useFields } from '../../shared/CustomFields';
import { Muted } from '../../shared/ui';

export function CustomFieldsPanel({
  ticket,
  disabled,
  onChange,
}: {
  ticket: Ticket;
  disabled: boolean;
  onChange: (changes: TicketChanges) => void;
}) {
  const { t, i18n } = useTranslation();
  const fields = useFields();
  const [editing, setEditing] = useState(false);
  const [form] = Form.useForm<{ custom_fields: Record<string, unknown> }>();
  const defs = fields.data ?? [];
  const values = ticket.custom_fields ?? {};
  const known = new Set(defs.map((f) => f.key));
  const shown = [
    ...defs.filter((f) => values[f.key] !== undefined).map((f) => ({ key: f.key, label: fieldLabel(f, i18n.language) })),
    ...Object.keys(values)
      .filter((k) => !known.has(k))
      .map((k) => ({ key: k, label: k })),
  ];

  if (editing) {
    return (
      <Form
        form={form}
        layout="vertical"
        initialValues={{ custom_fields: values }}
        data-testid="custom-fields-form"
        onFinish={(v) => {
          // Keys the definitions no longer hold stay as they are.
          const kept = Object.fromEntries(Object.entries(values).filter(([k]) => !known.has(k)));
          onChange({ custom_fields: { ...kept, ...fieldValues(v.custom_fields) } });
          setEditing(false);
        }}
      >
        <CustomFieldInputs fields={defs} category={ticket.category} />
        <Button htmlType="submit" type="primary" size="small" data-testid="custom-fields-save">
          {t('desk.save')}
        </Button>{' '}
        <Button size="small" onClick={() => setEditing(false)}>
          {t('desk.cancel')}
        </Button>
      </Form>
    );
  }
  return (
    <div data-testid="custom-fields">
      {shown.length === 0 ? <Muted>{t('desk.noFields')}</Muted> : null}
      {shown.map(({ key, label }) => (
        <div key={key} data-testid={`custom-field-${key}`} style={{ display: 'flex', gap: 8, fontSize: 13 }}>
          <Muted>{label}:</Muted>
          <span>{formatValue(values[key], t)}</span>
        </div>
      ))}
      {defs.length > 0 ? (
        <Button
          size="small"
          style={{ marginTop: 8 }}
          disabled={disabled}
          onClick={() => setEditing(true)}
          data-testid="custom-fields-edit"
        >
          {t('desk.editFields')}
        </Button>
      ) : null}
    </div>
  );
}
