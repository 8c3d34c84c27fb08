// 来电查找: find a caller's customer record by phone number, name or address, and fill in who called.
import AutoComplete from 'antd/es/auto-complete';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { findCustomers, type CustomerRecord } from '../../api';

export function CallerLookup({ onPick }: { onPick: (record: CustomerRecord) => void }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const term = q.trim();
  const found = useQuery({
    queryKey: ['desk', 'callers', term],
    queryFn: ({ signal }) => findCustomers(term, { signal }),
    enabled: term.length >= 2,
    staleTime: 10_000,
  });
  const records = found.data ?? [];
  return (
    <AutoComplete
      data-testid="caller-lookup"
      style={{ width: '100%' }}
      value={q}
      placeholder={t('desk.customer.lookup')}
      onSearch={setQ}
      onChange={setQ}
      onSelect={(email: string) => {
        const record = records.find((r) => r.email === email);
        if (record) onPick(record);
      }}
      options={records.map((r) => ({
        value: r.email,
        label: `${r.name} <${r.email}>${r.phone ? ` ${r.phone}` : ''}${r.region ? ` · ${r.region}` : ''}`,
      }))}
    />
  );
}
