// Custom fields (自定义字段): their inputs in a form, and their values shown with their labels.
import Checkbox from 'antd/es/checkbox';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import InputNumber from 'antd/es/input-number';
import Select from 'antd/es/select';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { listFields, listTicketTemplates, type FieldDefinition } from '../api';

export const deskKeys = {
  fields: ['desk', 'fields'] as const,
  templates: ['desk', 'templates'] as const,
  views: ['desk', 'views'] as const,
  customer: (email: string) => ['desk', 'customer', email] as const,
};

export function useFields() {
  return useQuery({ queryKey: deskKeys.fields, queryFn: ({ signal }) => listFields({ signal }), staleTime: 60_000 });
}

export function useTemplates() {
  return useQuery({
    queryKey: deskKeys.templates,
    queryFn: ({ signal }) => listTicketTemplates({ signal }),
    staleTime: 60_000,
  });
}

export function fieldLabel(field: FieldDefinition, language: string): string {
  return language.startsWith('en') ? field.label.en : field.label['zh-CN'];
}

export function isRequired(field: FieldDefinition, category: string | null | undefined): boolean {
  const cats = field.required_for_categories ?? [];
  return cats.includes('*') || (!!category && cats.includes(category));
}

/** One Form.Item per field, under `custom_fields.<key>`. */
export function CustomFieldInputs({ fields, category }: { fields: FieldDefinition[]; category?: string | null }) {
  const { t, i18n } = useTranslation();
  return (
    <>
      {fields.map((f) => {
        const required = isRequired(f, category);
        const rules = required ? [{ required: true, message: t('common.required') }] : [];
        const common = { 'data-testid': `field-${f.key}` };
        let input;
        if (f.type === 'number') input = <InputNumber {...common} style={{ width: 200 }} />;
        else if (f.type === 'date') input = <Input {...common} type="date" style={{ width: 200 }} />;
        else if (f.type === 'checkbox') input = <Checkbox {...common} />;
        else if (f.type === 'select' || f.type === 'multiselect')
          input = (
            <Select
              {...common}
              virtual={false}
              allowClear
              mode={f.type === 'multiselect' ? 'multiple' : undefined}
              style={{ maxWidth: 320 }}
              options={(f.options ?? []).map((o) => ({ value: o, label: o }))}
            />
          );
        else input = <Input {...common} maxLength={2000} style={{ maxWidth: 480 }} />;
        return (
          <Form.Item
            key={f.key}
            name={['custom_fields', f.key]}
            label={fieldLabel(f, i18n.language)}
            rules={rules}
            valuePropName={f.type === 'checkbox' ? 'checked' : 'value'}
          >
            {input}
          </Form.Item>
        );
      })}
    </>
  );
}

/** The values the form holds, as the API takes them (empty ones left out). */
export function fieldValues(values: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values ?? {})) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out;
}

export function formatValue(value: unknown, t: (key: string) => string): string {
  if (typeof value === 'boolean') return value ? t('desk.yes') : t('desk.no');
  if (Array.isArray(value)) return value.join('、');
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return JSON.stringify(value);
}
