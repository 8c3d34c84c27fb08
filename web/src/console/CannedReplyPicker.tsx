// 快捷回复 in the console's reply box: a searchable list of the canned replies; picking one hands its body, the
// placeholders filled in, to the reply box (which puts it at the cursor). Console only: the portal never imports it.
// The list loads the first time the picker opens (or takes focus), not with every ticket page.
import SnippetsOutlined from '@ant-design/icons/SnippetsOutlined';
import { useQuery } from '@tanstack/react-query';
import Select from 'antd/es/select';
import Spin from 'antd/es/spin';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { getCannedReplies, type CannedReply } from '../api';
import { qk } from '../shared/queries';
import { fillPlaceholders, firstLine, matchesCanned, type PlaceholderValues } from './cannedReplies';

interface Option {
  value: string;
  label: ReactNode;
  reply: CannedReply;
  'data-testid': string;
}

export function CannedReplyPicker({
  values,
  onInsert,
  disabled = false,
}: {
  /** What the placeholders become: the requester's name, the ticket number, the signed-in agent's name. */
  values: PlaceholderValues;
  onInsert: (text: string) => void;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const [wanted, setWanted] = useState(false);
  const q = useQuery({
    queryKey: qk.cannedReplies,
    queryFn: ({ signal }) => getCannedReplies({ signal }),
    enabled: wanted,
    staleTime: 5 * 60_000,
  });

  const options: Option[] = (q.data?.items ?? []).map((reply) => ({
    value: reply.id,
    reply,
    'data-testid': `canned-option-${reply.id}`,
    label: (
      <div style={{ lineHeight: 1.4, padding: '2px 0' }}>
        <div style={{ fontWeight: 600, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>{reply.title}</div>
        <div
          style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)', whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}
        >
          {firstLine(reply.body)}
        </div>
      </div>
    ),
  }));

  let notFound: ReactNode;
  if (!wanted || q.isPending) notFound = <Spin size="small" />;
  else if (q.isError) notFound = <span data-testid="canned-picker-error">{q.error.message}</span>;
  else notFound = (q.data?.items.length ?? 0) === 0 ? t('canned.none') : t('canned.noMatch');

  return (
    <Select<string | null, Option>
      data-testid="canned-picker"
      aria-label={t('canned.pickerLabel')}
      virtual={false}
      value={null}
      disabled={disabled}
      placeholder={
        <span>
          <SnippetsOutlined /> {t('canned.picker')}
        </span>
      }
      style={{ width: 180 }}
      popupMatchSelectWidth={360}
      showSearch={{ filterOption: (input, option) => !!option && matchesCanned(option.reply, input) }}
      loading={wanted && q.isFetching}
      notFoundContent={notFound}
      onFocus={() => setWanted(true)}
      onOpenChange={(open) => {
        if (!open) return;
        setWanted(true);
        if (q.isError) void q.refetch();
      }}
      onSelect={(id) => {
        const reply = q.data?.items.find((r) => r.id === id);
        if (reply) onInsert(fillPlaceholders(reply.body, values));
      }}
      options={options}
    />
  );
}
