// 搜索词典 (search.terms: admins): product words the Chinese segmenter keeps whole, and groups of words customers use
// for the same thing. One term a line (or separated by spaces); one synonym group a line. Saved with If-Match of
// the version loaded; 400 invalid_search_terms lists its reasons.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Button from 'antd/es/button';
import Input from 'antd/es/input';
import Skeleton from 'antd/es/skeleton';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getSearchTerms, putSearchTerms, type SearchTerms } from '../../api';
import { ErrorBlock } from '../../shared/ErrorBlock';
import { useToast } from '../../shared/toast';
import { Muted, Panel } from '../../shared/ui';
import { ReasonsAlert } from './ReasonsAlert';

const KEY = ['admin', 'searchTerms'] as const;

/** Words of a line: split on spaces, commas (either width) and 、. */
export function wordsOf(line: string): string[] {
  return line.split(/[\s,，、]+/).map((w) => w.trim()).filter(Boolean);
}

export default function SearchTermsPage() {
  const query = useQuery({ queryKey: KEY, queryFn: ({ signal }) => getSearchTerms({ signal }) });
  if (query.isPending) return <Skeleton active />;
  if (query.isError) return <ErrorBlock title={query.error.message} testId="search-terms-error" />;
  return <Editor key={query.data.version} loaded={query.data} />;
}

function Editor({ loaded }: { loaded: SearchTerms }) {
  const { t } = useTranslation();
  const message = useToast();
  const qc = useQueryClient();
  const [terms, setTerms] = useState(loaded.terms.join('\n'));
  const [synonyms, setSynonyms] = useState(loaded.synonyms.map((g) => g.join(' ')).join('\n'));
  const save = useMutation({
    mutationFn: () =>
      putSearchTerms(
        {
          terms: terms.split('\n').flatMap(wordsOf),
          synonyms: synonyms.split('\n').map(wordsOf).filter((g) => g.length > 0),
        },
        loaded.version,
      ),
    onSuccess: (saved) => {
      qc.setQueryData(KEY, saved);
      message.success(t('common.saved'));
    },
  });
  return (
    <Panel title={t('searchTerms.title')} testId="search-terms-page" style={{ maxWidth: 900 }}>
      <ReasonsAlert error={save.error} testId="search-terms-save-error" onReload={() => void qc.invalidateQueries({ queryKey: KEY })} />
      <Muted>{t('searchTerms.intro')}</Muted>
      <h4>{t('searchTerms.terms')}</h4>
      <Input.TextArea value={terms} onChange={(e) => setTerms(e.target.value)} autoSize={{ minRows: 4, maxRows: 16 }} data-testid="search-terms-terms" />
      <h4>{t('searchTerms.synonyms')}</h4>
      <Input.TextArea
        value={synonyms}
        onChange={(e) => setSynonyms(e.target.value)}
        autoSize={{ minRows: 4, maxRows: 16 }}
        data-testid="search-terms-synonyms"
      />
      <Button type="primary" style={{ marginTop: 12 }} loading={save.isPending} onClick={() => save.mutate()} data-testid="search-terms-save">
        {t('searchTerms.save')}
      </Button>
    </Panel>
  );
}
