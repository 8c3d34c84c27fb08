// Writing an article: title, category, tags, summary and a Markdown body with a preview (rendered by the API, as
// readers will see it); agents save drafts, supervisors and admins publish, unpublish and delete. Every save names
// the version it loaded (If-Match): someone else's change is never overwritten.
import ArrowLeftOutlined from '@ant-design/icons/ArrowLeftOutlined';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Alert from 'antd/es/alert';
import AutoComplete from 'antd/es/auto-complete';
import Button from 'antd/es/button';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Popconfirm from 'antd/es/popconfirm';
import Select from 'antd/es/select';
import Skeleton from 'antd/es/skeleton';
import Tag from 'antd/es/tag';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import {
  articleHistory,
  createArticle,
  deleteArticle,
  isVersionConflict,
  patchArticle,
  previewArticle,
  type Article,
  type ArticleInput,
  type ArticleStatus,
} from '../../api';
import { useAuth } from '../../auth/AuthProvider';
import { ArticleBody } from '../../kb/ArticleBody';
import { kbKeys, useArticle, useCategories } from '../../kb/queries';
import { formatTime } from '../../shared/format';
import { can, PERM } from '../../shared/permissions';
import { useToast } from '../../shared/toast';
import { Muted, Panel, ToggleChip } from '../../shared/ui';
import { editorPath } from './KbListPage';

interface Values {
  title: string;
  category: string;
  tags: string[];
  summary: string;
  body: string;
}

export default function KbEditorPage() {
  const { id } = useParams();
  const isNew = !id || id === 'new';
  const article = useArticle(isNew ? undefined : id);
  if (!isNew && article.isPending) return <Skeleton active paragraph={{ rows: 10 }} />;
  if (!isNew && article.isError) return <Alert type="warning" showIcon title={article.error.message} data-testid="kb-editor-error" />;
  return <Editor key={article.data ? `${article.data.id}:${article.data.version}` : 'new'} article={article.data} />;
}

function Editor({ article }: { article?: Article }) {
  const { t } = useTranslation();
  const { user } = useAuth();
  const message = useToast();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [tab, setTab] = useState<'write' | 'preview'>('write');
  const [preview, setPreview] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const categories = useCategories();
  const publisher = can(user, PERM.kbPublish);
  const history = useQuery({
    queryKey: kbKeys.history(article?.id ?? ''),
    queryFn: ({ signal }) => articleHistory(article!.id, { signal }),
    enabled: !!article,
  });

  const save = useMutation({
    mutationFn: async ({ values, status }: { values: Values; status?: ArticleStatus }) => {
      const input: ArticleInput = { ...values, tags: values.tags ?? [], summary: values.summary ?? '' };
      if (status) input.status = status;
      return article ? patchArticle(article.id, input, article.version) : createArticle(input);
    },
    onSuccess: (saved, { status }) => {
      message.success(status === 'published' ? t('kb.published') : t('kb.savedOk'));
      qc.setQueryData(kbKeys.article(saved.id), saved);
      void qc.invalidateQueries({ queryKey: kbKeys.all });
      if (!article) navigate(editorPath(saved.id), { replace: true });
    },
    onError: (e) => (isVersionConflict(e) ? setConflict(true) : message.error(e.message)),
  });

  const remove = useMutation({
    mutationFn: () => deleteArticle(article!.id, article!.version),
    onSuccess: () => {
      message.success(t('kb.deleted'));
      void qc.invalidateQueries({ queryKey: kbKeys.all });
      navigate('/console/kb');
    },
    onError: (e) => (isVersionConflict(e) ? setConflict(true) : message.error(e.message)),
  });

  async function showPreview() {
    setTab('preview');
    setPreview(null);
    const { html } = await previewArticle(form.getFieldValue('body') ?? '');
    setPreview(html);
  }

  function submit(status?: ArticleStatus) {
    void form.validateFields().then((values) => save.mutate({ values, status }));
  }

  const required = { required: true, whitespace: true, message: t('common.required') };
  const published = article?.status === 'published';
  const readOnly = published && !publisher;
  return (
    <div data-testid="kb-editor" data-article-id={article?.id ?? ''} data-status={article?.status ?? 'new'} data-version={article?.version ?? 0}>
      <div style={{ marginBottom: 8 }}>
        <Link to="/console/kb">
          <ArrowLeftOutlined /> {t('kb.title')}
        </Link>
      </div>
      {conflict ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('kb.conflict')}
          data-testid="kb-conflict"
          action={
            <Button onClick={() => void qc.invalidateQueries({ queryKey: kbKeys.article(article?.id ?? '') })}>
              {t('conflict.reload')}
            </Button>
          }
        />
      ) : null}
      <Panel
        title={
          <span>
            {article ? article.title : t('kb.newArticle')}{' '}
            {article ? (
              <Tag color={published ? 'green' : 'orange'} data-testid="kb-editor-status">
                {t(`kb.status.${article.status}`)}
              </Tag>
            ) : null}
            {article?.source_ticket ? (
              <Link to={`/console/tickets/${encodeURIComponent(article.source_ticket)}`}>
                <Tag>{t('kb.fromTicket')}</Tag>
              </Link>
            ) : null}
          </span>
        }
      >
        <Form<Values>
          form={form}
          layout="vertical"
          disabled={readOnly}
          initialValues={{
            title: article?.title ?? '',
            category: article?.category ?? '',
            tags: article?.tags ?? [],
            summary: article?.given_summary ?? '',
            body: article?.body ?? '',
          }}
        >
          <Form.Item name="title" label={t('kb.fields.title')} rules={[required]}>
            <Input maxLength={200} data-testid="kb-title" />
          </Form.Item>
          <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap' }}>
            <Form.Item name="category" label={t('kb.fields.category')} rules={[required]} style={{ minWidth: 220 }}>
              <AutoComplete
                options={(categories.data ?? []).map((c) => ({ value: c.category }))}
                filterOption
                data-testid="kb-category"
              >
                <Input maxLength={32} />
              </AutoComplete>
            </Form.Item>
            <Form.Item name="tags" label={t('kb.fields.tags')} style={{ minWidth: 300, flex: 1 }}>
              <Select mode="tags" open={false} data-testid="kb-tags" tokenSeparators={[',', '，', ' ']} />
            </Form.Item>
          </div>
          <Form.Item name="summary" label={t('kb.fields.summary')}>
            <Input maxLength={500} data-testid="kb-summary" />
          </Form.Item>
          <div className="hd-filters" style={{ marginBottom: 8 }}>
            <ToggleChip radio checked={tab === 'write'} onChange={() => setTab('write')} testId="kb-tab-write">
              {t('kb.write')}
            </ToggleChip>
            <ToggleChip radio checked={tab === 'preview'} onChange={() => void showPreview()} testId="kb-tab-preview">
              {t('kb.preview')}
            </ToggleChip>
          </div>
          <Form.Item name="body" label={t('kb.fields.body')} rules={[required]} hidden={tab !== 'write'}>
            <Input.TextArea autoSize={{ minRows: 12, maxRows: 30 }} data-testid="kb-body" />
          </Form.Item>
          {tab === 'preview' ? (
            <div data-testid="kb-preview" style={{ border: '1px solid #f0f0f0', borderRadius: 6, padding: 12, marginBottom: 16 }}>
              {preview === null ? <Skeleton active /> : <ArticleBody article={{ html: preview, title: t('kb.preview') }} />}
            </div>
          ) : null}
        </Form>
        <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
          {!readOnly ? (
            <Button onClick={() => submit(article ? undefined : 'draft')} loading={save.isPending} data-testid="kb-save">
              {published ? t('kb.save') : t('kb.saveDraft')}
            </Button>
          ) : null}
          {publisher && !published ? (
            <Button type="primary" onClick={() => submit('published')} loading={save.isPending} data-testid="kb-publish">
              {t('kb.publish')}
            </Button>
          ) : null}
          {publisher && published ? (
            <Button onClick={() => submit('draft')} loading={save.isPending} data-testid="kb-unpublish">
              {t('kb.unpublish')}
            </Button>
          ) : null}
          {publisher && article ? (
            <Popconfirm title={t('kb.deleteConfirm')} onConfirm={() => remove.mutate()} okButtonProps={{ danger: true }}>
              <Button danger style={{ marginLeft: 'auto' }} data-testid="kb-delete">
                {t('kb.delete')}
              </Button>
            </Popconfirm>
          ) : null}
        </div>
      </Panel>
      {article ? (
        <Panel small title={t('kb.history')} style={{ marginTop: 16 }} testId="kb-history">
          <ul style={{ margin: 0, paddingLeft: 18 }}>
            {(history.data?.items ?? []).map((h) => (
              <li key={h.version} data-testid={`kb-history-${h.version}`}>
                v{h.version} · {t(`kb.historyAction.${h.action}`)} · {h.actor} · <Muted>{formatTime(h.at)}</Muted>
              </li>
            ))}
          </ul>
          <Muted>
            {t('kb.fields.views')} {article.views} · {t('kb.fields.helpful')} {article.helpful} · {t('kb.fields.notHelpful')}{' '}
            {article.not_helpful} · {t('kb.fields.deflections')} {article.deflections} · {t('kb.fields.linked')}{' '}
            {article.linked_tickets}
          </Muted>
        </Panel>
      ) : null}
    </div>
  );
}
