// 字段与模板 (admins): the custom field definitions and the ticket templates, each edited as its JSON list and saved
// with If-Match of the version loaded; the server's 400 names the item and field at fault (e.g. `0.options`).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Input from 'antd/es/input';
import Skeleton from 'antd/es/skeleton';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  getFieldsVersioned,
  getTemplatesVersioned,
  isApiError,
  putFields,
  putTemplates,
  type FieldDefinition,
  type TicketTemplate,
} from '../../api';
import { deskKeys } from '../../shared/CustomFields';
import { ErrorBlock } from '../../shared/ErrorBlock';
import { useToast } from '../../shared/toast';
import { Muted, Panel } from '../../shared/ui';

type Versioned<T> = { items: T[]; version?: number };

export default function FormsPage({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const fields = useQuery({ queryKey: ['admin', 'fields'], queryFn: ({ signal }) => getFieldsVersioned({ signal }) });
  const templates = useQuery({
    queryKey: ['admin', 'templates'],
    queryFn: ({ signal }) => getTemplatesVersioned({ signal }),
  });
  if (fields.isPending || templates.isPending) return <Skeleton active />;
  if (fields.isError) return <ErrorBlock title={fields.error.message} testId="forms-error" />;
  if (templates.isError) return <ErrorBlock title={templates.error.message} testId="forms-error" />;
  return (
    <div data-testid="forms-page">
      <JsonListEditor<FieldDefinition>
        key={`f${fields.data.version}`}
        title={t('desk.admin.fields')}
        hint={t('desk.admin.fieldsHint')}
        testId="fields-editor"
        loaded={fields.data}
        queryKey={['admin', 'fields']}
        save={putFields}
        canEdit={canEdit}
      />
      <JsonListEditor<TicketTemplate>
        key={`t${templates.data.version}`}
        title={t('desk.admin.templates')}
        hint={t('desk.admin.templatesHint')}
        testId="templates-editor"
        loaded={templates.data}
        queryKey={['admin', 'templates']}
        save={putTemplates}
        canEdit={canEdit}
      />
    </div>
  );
}

function JsonListEditor<T>({
  title,
  hint,
  testId,
  loaded,
  queryKey,
  save,
  canEdit,
}: {
  title: string;
  hint: string;
  testId: string;
  loaded: Versioned<T>;
  queryKey: readonly string[];
  save: (items: T[], version?: number) => Promise<Versioned<T>>;
  canEdit: boolean;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const [text, setText] = useState(JSON.stringify(loaded.items, null, 2));
  const [parseError, setParseError] = useState<string | null>(null);
  const mutation = useMutation({
    mutationFn: (items: T[]) => save(items, loaded.version),
    onSuccess: (saved) => {
      qc.setQueryData(queryKey, saved);
      void qc.invalidateQueries({ queryKey: deskKeys.fields });
      void qc.invalidateQueries({ queryKey: deskKeys.templates });
      toast.success(t('common.saved'));
    },
  });
  function submit() {
    let items: unknown;
    try {
      items = JSON.parse(text);
    } catch (e) {
      setParseError(e instanceof Error ? e.message : String(e));
      return;
    }
    if (!Array.isArray(items)) {
      setParseError(t('desk.admin.notAList'));
      return;
    }
    setParseError(null);
    mutation.mutate(items as T[]);
  }
  const error = mutation.error;
  const where = isApiError(error) && error.field ? ` (${error.field})` : '';
  return (
    <Panel title={title} testId={testId} style={{ maxWidth: 960, marginBottom: 16 }}>
      <Muted>{hint}</Muted>
      {parseError ? <Alert type="error" showIcon title={parseError} style={{ margin: '8px 0' }} /> : null}
      {error ? <Alert type="error" showIcon title={`${error.message}${where}`} style={{ margin: '8px 0' }} data-testid={`${testId}-error`} /> : null}
      <Input.TextArea
        value={text}
        onChange={(e) => setText(e.target.value)}
        autoSize={{ minRows: 6, maxRows: 24 }}
        style={{ fontFamily: 'monospace', marginTop: 8 }}
        disabled={!canEdit}
        data-testid={`${testId}-json`}
      />
      {canEdit ? (
        <Button type="primary" style={{ marginTop: 8 }} loading={mutation.isPending} onClick={submit} data-testid={`${testId}-save`}>
          {t('desk.save')}
        </Button>
      ) : null}
    </Panel>
  );
}
